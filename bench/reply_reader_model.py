"""The learned second reader's inference: a linear model's intent where the intent rules abstain.

An experiment (issue 21), measured in ``bench/reply_reader.md`` and NOT wired into the engine:
over the four seen rounds held out in turn it did not beat the rules (see that file). Kept here,
beside its training script ``bench/train_reply_reader.py``, so the measure can be rerun.

The model is a multinomial logistic regression over the folded fresh text (the cut the rules
read: quotes, signatures and our footer removed, then ``folding.fold``): character n-grams (2-5)
and word unigrams and bigrams, each present feature worth ``1/sqrt(n)``. Inference is plain
Python over the weights (no scikit-learn or numpy), deterministic. It speaks only where no intent
rule matched, when its probability reaches the threshold (chosen on training rounds only), never
says ``unclear`` itself, and never reads a text in which the rules see a decline or opt-out cue as
anything but a decline or an opt-out.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from ipe.tools.learning.declines import find_decline
from ipe.tools.learning.intent import RULE_LANGUAGES, score_folded
from ipe.tools.learning.opt_outs import find_opt_out
from ipe.tools.policies.intents import UNCLEAR, get, names

NO_MATCH = "no intent rule matched with confidence"
"""The rules' reason when none of them read the reply: the one place this reader is asked."""
MODEL_FILE = "reply_reader.json"
"""The weights file's usual name (``train`` writes it where ``--out`` says)."""
CHAR_NGRAMS = (2, 5)
"""The lengths of character n-grams read (inclusive)."""
_WORD = re.compile(r"\w+")
_STOP_HOLDS = ("declined", "forever")
"""The holds of a decline or an opt-out: a text with such a cue is never read as anything milder."""


@dataclass(frozen=True)
class Model:
    """The learned reader's weights."""

    classes: tuple[str, ...]
    """The intents it reads, in the order of ``intercept``."""
    intercept: tuple[float, ...]
    """Each class's bias."""
    weights: dict[str, tuple[tuple[int, float], ...]]
    """Per feature string, its non-zero weights as ``(class index, weight)``."""
    threshold: float
    """The least probability at which its intent is used."""


@dataclass(frozen=True)
class LearnedReading:
    """The learned reader's intent for one reply, with why."""

    intent: str
    """A name from ``tools/policies/intents.toml`` (never ``unclear``)."""
    probability: float
    """The model's probability of ``intent`` (0..1)."""

    @property
    def reason(self) -> str:
        """One line for a reading's reasons."""
        return (
            f"no intent rule matched; the learned reader read it as {self.intent} "
            f"(probability {self.probability:.2f}, {MODEL_FILE})"
        )


def features(clean: str) -> list[str]:
    """The distinct features of folded text ``clean``, in a stable order."""
    flat = " ".join(clean.split())
    padded = f" {flat} "
    seen: dict[str, None] = {}
    low, high = CHAR_NGRAMS
    for size in range(low, high + 1):
        for start in range(len(padded) - size + 1):
            seen.setdefault("c:" + padded[start : start + size])
    words = _WORD.findall(flat)
    for word in words:
        seen.setdefault("w:" + word)
    for first, second in zip(words, words[1:], strict=False):
        seen.setdefault(f"b:{first} {second}")
    return list(seen)


def parse(data: dict[str, object]) -> Model:
    """A model from the weights file's JSON (checked against the intent registry)."""
    classes = tuple(str(c) for c in data["classes"])  # type: ignore[attr-defined]
    unknown = set(classes) - set(names())
    if unknown:
        raise ValueError(f"{MODEL_FILE}: intents not in the registry: {sorted(unknown)}")
    intercept = tuple(float(b) for b in data["intercept"])  # type: ignore[attr-defined]
    if len(intercept) != len(classes):
        raise ValueError(f"{MODEL_FILE}: one intercept per class is needed")
    raw = data["weights"]
    if not isinstance(raw, dict):
        raise ValueError(f"{MODEL_FILE}: weights must map a feature to its class weights")
    weights = {
        str(feature): tuple((int(k), float(w)) for k, w in pairs) for feature, pairs in raw.items()
    }
    if any(not 0 <= k < len(classes) for pairs in weights.values() for k, _ in pairs):
        raise ValueError(f"{MODEL_FILE}: a class index out of range")
    threshold = float(data["threshold"])  # type: ignore[arg-type]
    return Model(classes, intercept, weights, threshold)


def load_model(path: Path) -> Model:
    """A model from a weights file (``bench/train_reply_reader.py train`` writes one)."""
    return parse(json.loads(path.read_text(encoding="utf-8")))


def probabilities(clean: str, weights: Model) -> dict[str, float]:
    """Each class's probability for folded text ``clean`` (a softmax over the linear scores)."""
    found = features(clean)
    scale = 1.0 / math.sqrt(len(found)) if found else 0.0
    scores = list(weights.intercept)
    for feature in found:
        for k, w in weights.weights.get(feature, ()):
            scores[k] += w * scale
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return {c: e / total for c, e in zip(weights.classes, exps, strict=True)}


def stop_cue(clean: str, fresh: str) -> bool:
    """True when the rules see any cue of a decline or an opt-out (even below their threshold)."""
    if find_decline(fresh) is not None or find_opt_out(fresh).found:
        return True
    for code in (*RULE_LANGUAGES, "any"):
        scores = score_folded(clean, code)
        if any(points > 0 and get(i).hold in _STOP_HOLDS for i, points in scores.items()):
            return True
    return False


def learned_intent(clean: str, fresh: str, weights: Model) -> LearnedReading | None:
    """The learned reader's intent for a reply the rules did not read, or ``None`` (abstains).

    Args:
        clean: The folded fresh text (what the rules scored).
        fresh: The fresh text as written (for the plain-decline phrases).
        weights: The model.

    Returns:
        Its reading when its best intent is not ``unclear``, reaches the threshold and is not
        milder than a decline or opt-out cue the rules see; otherwise ``None``.
    """
    probs = probabilities(clean, weights)
    intent = max(weights.classes, key=lambda c: (probs[c], c))
    probability = probs[intent]
    if intent == UNCLEAR or probability < weights.threshold:
        return None
    if get(intent).hold not in _STOP_HOLDS and stop_cue(clean, fresh):
        return None
    return LearnedReading(intent, probability)
