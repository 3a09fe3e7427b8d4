"""The evaluators themselves: they accept what a manager wrote, catch what they would not send."""

from __future__ import annotations

import pytest

from tests.eval.evaluators import (
    Run,
    detect_language,
    evaluate,
    sameness,
    shingles,
    similarity,
)
from tests.eval.golden import Case, expand, load_cases, today

CASES = {c.id: c for c in load_cases()}
DRAFTED = [c for c in CASES.values() if c.manager_draft]


def as_sent(case: Case, body: str, subject: str | None = None, status: str = "ready") -> Run:
    """A run whose message is ``body`` (plus the e-mail footer, as the engine sends it)."""
    if case.channel == "email":
        sender = case.template["sender"]
        body += (
            f"\n\n---\n{sender['name']}, {sender.get('company')}\n{sender['postal_address']}\n"
            f"Not interested? Unsubscribe here: {sender['unsubscribe_url']}"
        )
    return Run(
        case=case,
        path="llm",
        message_id="t",
        status=status,
        subject=subject,
        body=body,
        selected_source="llm",
    )


@pytest.mark.parametrize("case", DRAFTED, ids=[c.id for c in DRAFTED])
def test_every_manager_draft_passes_every_evaluator(case: Case) -> None:
    draft = case.manager_draft
    assert draft
    verdicts = evaluate(as_sent(case, draft["body"], draft.get("subject")))
    failed = {k: v.note for k, v in verdicts.items() if not v.passed}
    assert not failed
    assert {"grounding", "compliance", "length_band", "offer_once", "language"} <= set(verdicts)


def _failed(case_id: str, body: str, subject: str | None = None, status: str = "ready") -> set[str]:
    run = as_sent(CASES[case_id], body, subject, status)
    return {k for k, v in evaluate(run).items() if not v.passed}


def test_the_evaluators_catch_what_a_manager_would_not_send() -> None:
    ok_dm = CASES["g19-instagram-en-cold-cook-dayscount"].manager_draft
    assert ok_dm
    dm = ok_dm["body"]
    case = "g19-instagram-en-cold-cook-dayscount"
    assert "grounding" in _failed(case, dm.replace("30-day", "45-day test with 9,000 fans"))
    assert "grounding" in _failed(case, dm.replace("Hannah,", "Hannah, loved your Lisbon trip,"))
    assert {"length_band", "dm_cap"} <= _failed(case, dm + " And more." * 25)
    assert "offer_once" in _failed(case, dm + " Again: 12% commission on every sale you refer.")
    assert "no_cut" in _failed(case, dm.replace("Want one?", 'Your "30-Day Cast Iron…" video.'))
    assert "compliance" in _failed(
        case, dm.replace("affiliate program pays 12% commission", "deal pays well")
    )
    assert "compliance" in _failed(case, dm + " https://evil.example/win")
    assert "template_copy" in _failed(case, dm.replace("Forja's affiliate", "Our affiliate"))
    follow_up = "g04-email-de-followup-keyboards"
    draft = CASES[follow_up].manager_draft
    assert draft
    reintro = draft["body"].replace("kurz zu meiner", "ich bin Lena von Keyforge. Kurz zu meiner")
    assert "relationship" in _failed(follow_up, reintro, draft["subject"])
    english = (
        "Hi Jonas, just following up on my note about the best keyboard video. The Keyforge "
        "affiliate program pays 10% commission on every sale you refer and I would be glad to "
        "send you a review unit of the K2 board. If it is not for you, just say so. Lena"
    )
    assert "language" in _failed(follow_up, english, draft["subject"])
    details = "g05-email-en-details-hiker"
    assert "relationship" in _failed(
        details, "Hi Priya, TrailPeak has an affiliate program. Reply to hear more! Maya", "Hi"
    )
    assert "status" in _failed("g08-email-en-deferred", "Hi Noah, TrailPeak affiliate. Maya", "Hi")


def test_a_flagged_english_message_counts_for_a_language_without_a_message_in_it() -> None:
    case = CASES["g27-tiktok-fr-cold-desk"]
    text = (
        "Hi Léa, your silent mechanical keyboard video is the setup we build for. Keyforge's "
        "affiliate program pays 10% commission on every sale you refer. Want a review unit? Lena"
    )
    run = as_sent(case, text, status="needs_review")
    assert not evaluate(run)["language"].passed
    run.reasons = ["no French phrase bank: clean English, review the language"]
    assert evaluate(run)["language"].passed


def test_language_detection_and_sameness_are_deterministic() -> None:
    assert detect_language("Hola, ¿te la mando? Es una sartén para tu cocina y la receta.") == "es"
    assert detect_language("Olá, você recebe uma comissão em cada venda e não paga nada.") == "pt"
    assert detect_language("Bonjour, je vous écris pour votre clavier et notre programme.") == "fr"
    assert (
        detect_language("Hallo, ich schreibe dir wegen deiner Tastatur und unser Programm.") == "de"
    )
    assert detect_language("ok") is None
    a = shingles("Hi Ana, your trail video was great and TrailPeak pays 15% commission", "Ana")
    b = shingles("Hi Zoe, your trail video was great and TrailPeak pays 15% commission", "Zoe")
    assert similarity(a, b) == 1.0
    runs = [
        as_sent(CASES[i], "Hi there, TrailPeak affiliate program, one two three four")
        for i in ("g24-tiktok-en-cold-desert", "g26-tiktok-en-thin-niche")
    ]
    worst, over, pairs, _ = sameness(runs)
    assert (worst, over, pairs) == (1.0, 1, 1)


def test_relative_dates_expand_against_today() -> None:
    assert expand("@+0d") == today().isoformat()
    assert expand({"at": ["@-1d@09:30"]})["at"][0].endswith("T09:30:00Z")
    assert expand("after {date@+0d:de}").startswith(f"after {today().day}. ")
    assert expand("{quarter@+0d}") == f"Q{(today().month - 1) // 3 + 1}"
