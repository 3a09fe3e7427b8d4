"""The learned second reader's inference (``bench/reply_reader_model.py``, issue 21's experiment).

Not wired into the engine (``bench/reply_reader.md``); these tests keep the measure's inference
and its guards honest: a softmax over the weighted features, no ``unclear`` spoken, and never a
reading milder than a decline or opt-out cue the rules see.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.reply_reader_model import (
    MODEL_FILE,
    Model,
    features,
    learned_intent,
    load_model,
    parse,
    probabilities,
    stop_cue,
)
from ipe.tools.learning.intent import fresh_text
from ipe.tools.learning.replies import as_text
from ipe.tools.policies.intents import UNCLEAR, get
from ipe.tools.text.folding import fold
from tests.unit.reply_generators import OPT_OUTS, SOFT_DECLINE, THANKS, sentences

_STOP_HOLDS = ("declined", "forever")


def _cut(raw: str) -> tuple[str, str]:
    fresh = fresh_text(as_text(raw))
    return fold(fresh.replace("\u2019", "'")).text, fresh


def _always(intent: str) -> Model:
    """A model that reads every text as ``intent`` (probability ~1): the worst a model can do."""
    other = "acknowledged" if intent != "acknowledged" else "question"
    return Model((intent, other, UNCLEAR), (20.0, 0.0, 0.0), {}, 0.5)


def test_features_are_character_and_word_grams_in_a_stable_order() -> None:
    found = features("send  me the\nterms")
    assert found == features("send me the terms")
    assert len(found) == len(set(found))
    assert {"c: s", "c:send ", "w:terms", "b:the terms", "b:send me"} <= set(found)
    assert not any(f.startswith("c:") and len(f) - 2 > 5 for f in found)
    assert features("") == ["c:  "]


def test_probabilities_are_a_softmax_over_the_weighted_features() -> None:
    weights = Model(
        ("question", "declined"), (0.0, 0.5), {"w:how": ((0, 4.0),), "w:no": ((1, 2.0),)}, 0.5
    )
    probs = probabilities("how", weights)
    scale = 1 / math.sqrt(len(features("how")))
    want = 1 / (1 + math.exp(0.5 - 4.0 * scale))
    assert probs["question"] == pytest.approx(want)
    assert sum(probs.values()) == pytest.approx(1.0)
    assert probabilities("how", weights) == probs  # deterministic


def test_it_abstains_below_its_threshold_and_never_says_unclear() -> None:
    weights = Model(("question", "declined", UNCLEAR), (0.0, 0.0, 0.0), {}, 0.5)
    assert learned_intent("how much", "how much", weights) is None  # 1/3 each: below 0.5
    assert learned_intent("hm", "hm", _always(UNCLEAR)) is None
    found = learned_intent("how much", "how much", _always("question"))
    assert found is not None and found.intent == "question" and found.probability > 0.99
    assert "learned reader" in found.reason and MODEL_FILE in found.reason


def test_a_file_naming_an_intent_the_registry_lacks_is_refused() -> None:
    good = {"classes": ["question"], "intercept": [0.0], "weights": {}, "threshold": 0.5}
    assert parse(good).classes == ("question",)
    with pytest.raises(ValueError, match="not in the registry"):
        parse({**good, "classes": ["hot_lead"]})
    with pytest.raises(ValueError, match="out of range"):
        parse({**good, "weights": {"w:a": [[3, 1.0]]}})


def test_a_weights_file_round_trips_and_reads_fast(tmp_path: Path) -> None:
    weights = {f"c:{a}{b}": [[0, 0.5], [1, -0.25]] for a in "abcdefgh" for b in "abcdefgh"}
    data = {
        "classes": ["question", "declined"],
        "intercept": [0.1, -0.1],
        "weights": weights,
        "threshold": 0.6,
    }
    path = tmp_path / MODEL_FILE
    path.write_text(json.dumps(data), encoding="utf-8")
    loaded = load_model(path)
    assert loaded.threshold == 0.6 and loaded.weights["c:ab"] == ((0, 0.5), (1, -0.25))
    text = fold("Thanks, could you tell me a bit more about how the payouts work next month?").text
    batches = []  # the best of five batches: a shared machine's load is not the reader's time
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(50):
            probabilities(text, loaded)
        batches.append((time.perf_counter() - start) / 50)
    assert min(batches) < 0.001


@settings(max_examples=60, deadline=None)
@given(
    sentences(SOFT_DECLINE) | sentences(OPT_OUTS),
    st.sampled_from(["", "Thanks anyway.", "Best, Sam", "Cheers"]),
    st.sampled_from(["interested_call", "question", "asked_for_details", "deferral"]),
)
def test_a_text_with_a_decline_or_opt_out_cue_is_never_read_milder(
    drawn: tuple[str, str], tail: str, pushy_intent: str
) -> None:
    _, sentence = drawn
    clean, fresh = _cut(f"{sentence} {tail}")
    assert stop_cue(clean, fresh)  # the rules see every generated decline and opt-out
    assert learned_intent(clean, fresh, _always(pushy_intent)) is None
    stop = learned_intent(clean, fresh, _always("declined"))
    assert stop is not None and get(stop.intent).hold in _STOP_HOLDS


@settings(max_examples=40, deadline=None)
@given(sentences(THANKS), st.sampled_from(["interested_call", "question", "declined"]))
def test_without_a_cue_the_model_speaks_as_it_reads(drawn: tuple[str, str], intent: str) -> None:
    _, sentence = drawn
    clean, fresh = _cut(sentence)
    if stop_cue(clean, fresh):
        return
    found = learned_intent(clean, fresh, _always(intent))
    assert found is not None and found.intent == intent
