"""The project's own reply set (``tests/eval/replies.jsonl``): each reply understood.

``make eval`` prints the full report and confusion matrix (``bench/reply_report.py``); these tests
gate what must always hold: the rules read at least 95% of the en/es/pt/fr/de replies right, every
other language is right or held for a person, no opt-out is missed, and the model path with a
scripted model returning the labels is right on every reply, the rules' opt-outs standing.
"""

from __future__ import annotations

from pathlib import Path

from bench.reply_report import classify, load
from ipe.tools.learning.intent import RULE_LANGUAGES
from ipe.tools.learning.replies import read_reply, with_model
from ipe.tools.policies.intents import resolve

REPLIES = load(Path(__file__).with_name("replies.jsonl"))


def test_the_rules_read_the_reply_set() -> None:
    results = classify(REPLIES)
    ruled = [r for r in results if r["language"] in RULE_LANGUAGES]
    right = sum(r["right"] for r in ruled)
    assert right >= 0.95 * len(ruled), [r for r in ruled if not r["right"]]
    assert all(r["handled"] for r in results if r["language"] not in RULE_LANGUAGES)
    assert not [r for r in results if r["missed_opt_out"]]
    assert {r["expected"] for r in results} >= {"opted_out", "question", "referral", "negotiation"}


def test_the_model_path_is_right_with_a_model_that_returns_the_labels() -> None:
    for row in REPLIES:
        expected = resolve(row["expected_intent"])
        assert expected is not None
        reading = with_model(read_reply(row["reply"]), expected.name)
        assert reading.intent == expected.name, row


def test_a_model_never_removes_an_opt_out() -> None:
    for row in REPLIES:
        reading = read_reply(row["reply"])
        if reading.spec.suppress:
            assert with_model(reading, "asked_for_details").spec.suppress, row
