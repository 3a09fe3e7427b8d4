"""Reply intents in Spanish, Portuguese, French and German: an opt-out is never read as interest."""

from __future__ import annotations

import pytest

from ipe.tools.learning.replies import classify_reply, read_reply
from ipe.tools.policies import load_pack
from ipe.tools.text.folding import fold

CASES = [
    ("Por favor, no me escriban más", "unsubscribe_request"),
    ("Dame de baja de esta lista", "unsubscribe_request"),
    ("Não me mandem mais emails", "unsubscribe_request"),
    ("Quero me descadastrar", "unsubscribe_request"),
    ("Ne me contactez plus, merci", "unsubscribe_request"),
    ("Je souhaite me désabonner", "unsubscribe_request"),
    ("Bitte abmelden", "unsubscribe_request"),
    ("Schreiben Sie mir nicht mehr", "unsubscribe_request"),
    ("No me interesa, gracias", "not_interested"),
    ("Não tenho interesse", "not_interested"),
    ("Ça ne m'intéresse pas", "not_interested"),
    ("Kein Interesse, danke", "not_interested"),
    ("Ahora no, escríbeme en enero", "not_now"),
    ("Agora não, depois das festas", "not_now"),
    ("Pas maintenant, à la rentrée", "not_now"),
    ("Gerade nicht, nach den Feiertagen", "not_now"),
    ("Estoy de vacaciones hasta el 7 de enero", "out_of_office"),
    ("Bin im Urlaub bis 3. Januar", "out_of_office"),
    ("Me interesa, cuéntame más", "interested"),
    ("Tenho interesse! Pode me mandar os detalhes?", "interested"),
    ("Ça m'intéresse, envoyez-moi les détails", "interested"),
    ("Klingt gut, schicken Sie mir die Details", "interested"),
]


@pytest.mark.parametrize(("text", "intent"), CASES)
def test_replies_in_four_more_languages(text: str, intent: str) -> None:
    assert classify_reply(text) == intent


def test_every_rule_is_written_folded() -> None:
    """Replies are folded (no accents, lower case) before matching: an accented rule never fires."""
    for spec in load_pack("intent")["rules"]:
        letters = "".join(c for c in spec["pattern"] if ord(c) > 127)
        assert fold(letters).text == letters, spec["pattern"]


@pytest.mark.parametrize(
    "reply",
    [
        "Ahora estoy de viaje por Patagonia, escríbeme el mes que viene.",
        "Estoy de viaje, escríbeme la semana que viene.",
        "Estou viajando agora, me escreve o mês que vem.",
        "Je suis en déplacement, écrivez-moi le mois prochain.",
        "I'm travelling at the moment, write to me next month.",
        "Ich bin gerade auf Reisen, schreib mir nächsten Monat nochmal.",
    ],
)
def test_a_person_travelling_who_asks_to_be_written_to_later_defers(reply: str) -> None:
    """Not an auto-reply: they answered and asked for a later message (golden case g25's class)."""
    assert read_reply(reply).intent == "deferral", reply
