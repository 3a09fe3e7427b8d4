"""Opt-out classes the round-2 blind holdout showed missing (measured blind first, then opened).

- 'never again' without a verb: "Plus jamais de messages svp.", "Nunca más me escriban."
- prefer not to receive: "preferisco non ricevere altre email", "I'd rather not receive these"
- an object of ours other than "me": "Do NOT message our page again."
- a one-word exit: "SAIR"; the legal register: "Unterlassen Sie jede weitere Kontaktaufnahme"
Each class beside sentences that share its words and ask nothing (they must not suppress).
"""

from __future__ import annotations

import pytest

from ipe.tools.learning.replies import classify_reply

OPT_OUTS = [
    "Unterlassen Sie jede weitere Kontaktaufnahme, sonst melde ich das.",
    "SAIR",
    "Grazie, molto gentile, ma non mi interessa e preferisco non ricevere altre email.",
    "Plus jamais de messages svp.",
    "Do NOT message our page again. We're a small charity shop.",
    "Nunca más me escriban.",
    "Prefiro não receber mais mensagens.",
    "I'd rather not receive these emails.",
    "Nie wieder Nachrichten von euch.",
    "Mai più messaggi, grazie.",
    "You seem lovely, but please don't follow up with me - leave me off any future outreach.",
]
KEPT = [
    "Je n'ai plus jamais eu de problème avec ma carte, merci !",
    "Sair para correr é o meu hobby, conta mais sobre o programa?",
    "Never again will I buy a cheap tripod, that's why this program sounds good. Send details.",
    "Plus jamais sans mon trépied ! Envoyez-moi les détails du programme.",
    "Busy with the launch, don't follow up with me until January.",
]


@pytest.mark.parametrize("text", OPT_OUTS)
def test_each_class_is_an_opt_out(text: str) -> None:
    assert classify_reply(text) == "unsubscribe_request", text


@pytest.mark.parametrize("text", KEPT)
def test_the_same_words_asking_nothing_do_not_suppress(text: str) -> None:
    assert classify_reply(text) != "unsubscribe_request", text
