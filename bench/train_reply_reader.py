"""Train and measure the learned second reader (``bench/reply_reader_model.py``; issue 21).

Usage::

    python bench/train_reply_reader.py evaluate [--out bench/reply_reader.md]
    python bench/train_reply_reader.py train [--out reply_reader.json]
    python bench/train_reply_reader.py both  # both, sharing the fits

scikit-learn is a dev dependency (``pip install -e .[dev]``); ``bench/reply_reader_model.py``
reads the weights with plain Python. The learned reader is not wired into the engine: the measure
(``bench/reply_reader.md``) did not pass issue 21's bar. ``--scope any-unclear`` asks it about
every ``unclear`` reading but a mention of opt-outs (the default, ``no-match``, only where no
intent rule matched in a rule language); ``--cache`` keeps fits in the temporary folder.

``evaluate`` is leave-one-round-out over the four seen rounds (bench/fresh/2026-12-07, -r2, -r3,
-r4, both halves each): a model trained on the other three rounds and the project set
(tests/eval/replies.jsonl) reads the held-out round. The rules it is combined with are the rules
as they stood before that round was first committed (the blind rules: ``git archive`` of the
parent of the commit that added the round, laid out as the installed package and run in a
subprocess), and, for comparison, today's rules (which have seen every round). The combination:
the rules first; where no intent rule matched in a rule language (the rules' reason "no intent
rule matched with confidence"), the model's intent when its probability reaches a threshold
chosen on the training rounds only (out-of-fold probabilities, inner leave-one-round-out), and
never milder than a decline or opt-out cue the rules see. Scores count rows in en, es, pt, fr
and de: right, opt-outs missed, and pitches (a decline or opt-out read as anything but a decline,
an opt-out or unclear).

``train`` fits the model on every round and the project set, chooses the threshold the same way
(inner leave-one-round-out over the four rounds) and writes the pruned weights.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))  # ``bench.reply_reader_model``; after PYTHONPATH (the blind rules)
ROUNDS: dict[str, tuple[str, str]] = {
    # round: (its folder, the commit that first added it: the blind rules are its parent's)
    "r1": ("bench/fresh/2026-12-07", "957800c"),
    "r2": ("bench/fresh/2026-12-07-r2", "90e6e0b"),
    "r3": ("bench/fresh/2026-12-07-r3", "02abe98"),
    "r4": ("bench/fresh/2026-12-07-r4", "2072379"),
}
PROJECT = "tests/eval/replies.jsonl"
RULE_LANGUAGES = ("en", "es", "pt", "fr", "de")
STOPS = ("declined", "opted_out", "newsletter_unsubscribe")
C = 10.0
"""Inverse regularisation strength (L2)."""
TOP_FEATURES = 20_000
"""The features kept (by their largest weight); smaller weights than ``MIN_WEIGHT`` are dropped."""
MIN_WEIGHT = 0.01
MIN_DOCS = 2
"""A feature seen in fewer training replies is not learned (the scale still counts it)."""
THRESHOLDS = [round(0.30 + 0.05 * i, 2) for i in range(14)]


def load(path: Path) -> list[dict[str, Any]]:
    """The reply rows of a JSONL file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def round_rows(name: str) -> list[dict[str, Any]]:
    """Both halves of one round."""
    folder = ROOT / ROUNDS[name][0] / "replies"
    return load(folder / "dev.jsonl") + load(folder / "holdout.jsonl")


# --- the rules' readings (run inside the blind rules' layout, or today's) -----------------------


def dump_readings(rows_path: str) -> None:
    """Print, per row, the rules' reading and whether they see a decline or opt-out cue."""
    from ipe.tools.learning import intent as rules_intent
    from ipe.tools.learning.replies import as_text, read_reply

    try:
        from ipe.tools.text.folding import fold
    except ImportError:  # the first round's layout
        from ipe.tools.trust.folding import fold  # type: ignore[import-not-found,no-redef]
    try:
        from ipe.tools.learning.declines import find_decline
    except ImportError:
        find_decline = None  # type: ignore[assignment]
    try:
        from ipe.tools.policies.intents import get
    except ImportError:
        from ipe.tools.learning.intents import get  # type: ignore[import-not-found,no-redef]

    for row in load(Path(rows_path)):
        raw = str(row.get("reply") or "")
        reading = read_reply(raw)
        fresh = rules_intent.fresh_text(as_text(raw))
        clean = fold(fresh.replace("\u2019", "'").replace("\u2018", "'")).text
        cue = bool(find_decline and find_decline(fresh))
        for code in (*RULE_LANGUAGES, "any"):
            scores = rules_intent.score_folded(clean, code)
            cue = cue or any(
                p > 0 and get(i).hold in ("declined", "forever") for i, p in scores.items()
            )
        out = {
            "id": row.get("id"),
            "intent": reading.intent,
            "language": reading.language,
            "reasons": list(reading.reasons),
            "cue": cue,
        }
        print(json.dumps(out, ensure_ascii=False))  # noqa: T201


def _layout(commit: str, where: Path) -> Path:
    """The tree at ``commit`` under ``where``, laid out as the installed ``ipe`` package."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", commit],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(where, filter="data")
    for part in ("graph", "memory", "nodes", "prompts", "tools"):
        link = where / "ipe" / part
        if not link.exists():
            link.symlink_to(where / part, target_is_directory=True)
    return where


def readings(rows: list[dict[str, Any]], commit: str | None) -> dict[str, dict[str, Any]]:
    """The rules' readings of ``rows`` by id: at ``commit``'s parent, or today's (``None``)."""
    with tempfile.TemporaryDirectory(prefix="reply-reader-") as tmp:
        rows_file = Path(tmp) / "rows.jsonl"
        rows_file.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
        env = dict(os.environ, IPE_LLM="none", OPENAI_API_KEY="")
        if commit is not None:
            env["PYTHONPATH"] = str(_layout(f"{commit}^", Path(tmp) / "tree"))
        run = subprocess.run(
            [sys.executable, __file__, "dump", str(rows_file)],
            check=True,
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp,
        )
    found = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    return {str(r["id"]): r for r in found}


# --- the model -----------------------------------------------------------------------------------


@cache
def cut(raw: str) -> str:
    """The folded fresh text today's reader scores (the learned reader's input)."""
    from ipe.tools.learning.intent import fresh_text
    from ipe.tools.learning.replies import as_text
    from ipe.tools.text.folding import fold

    fresh = fresh_text(as_text(raw))
    return fold(fresh.replace("\u2019", "'").replace("\u2018", "'")).text


def expected(row: dict[str, Any]) -> str:
    """The row's expected intent, by the registry's name."""
    from ipe.tools.policies.intents import resolve

    found = resolve(str(row["expected_intent"]))
    return found.name if found else str(row["expected_intent"])


def fit(rows: list[dict[str, Any]]) -> Any:
    """A learned-reader model fitted on ``rows`` (with a threshold of 0: set it afterwards)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    from bench.reply_reader_model import Model, features

    docs = []
    for row in rows:
        found = features(cut(str(row.get("reply") or "")))
        scale = 1.0 / math.sqrt(len(found)) if found else 0.0
        docs.append(dict.fromkeys(found, scale))
    labels = [expected(r) for r in rows]
    counts: dict[str, int] = {}
    for doc in docs:
        for feature in doc:
            counts[feature] = counts.get(feature, 0) + 1
    docs = [{f: v for f, v in doc.items() if counts[f] >= MIN_DOCS} for doc in docs]
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform(docs).tocsr()
    x.indices = x.indices.astype("int32")  # saga takes 32-bit indices only
    x.indptr = x.indptr.astype("int32")
    clf = LogisticRegression(C=C, solver="lbfgs", max_iter=1000)
    clf.fit(x, labels)
    classes = tuple(str(c) for c in clf.classes_)
    weights: dict[str, list[tuple[int, float]]] = {}
    names = vectorizer.get_feature_names_out()
    coef = clf.coef_
    strongest = abs(coef).max(axis=0)
    for j in sorted(range(coef.shape[1]), key=lambda j: -strongest[j])[:TOP_FEATURES]:
        pairs = [(k, round(float(coef[k, j]), 4)) for k in range(coef.shape[0])]
        kept = [(k, w) for k, w in pairs if abs(w) >= MIN_WEIGHT]
        if kept:
            weights[str(names[j])] = kept
    intercept = tuple(round(float(b), 5) for b in clf.intercept_)
    return Model(classes, intercept, {f: tuple(p) for f, p in weights.items()}, 0.0)


def as_json(model: Any) -> dict[str, Any]:
    """The weights file's JSON for ``model``."""
    return {
        "about": "The learned reply reader's weights (bench/train_reply_reader.py train).",
        "features": "char 2-5-grams (c:), words (w:), word bigrams (b:), 1/sqrt(n) each",
        "classes": list(model.classes),
        "intercept": list(model.intercept),
        "threshold": model.threshold,
        "weights": {f: [list(p) for p in pairs] for f, pairs in sorted(model.weights.items())},
    }


# --- scoring -------------------------------------------------------------------------------------


NO_MATCH = "no intent rule matched with confidence"
"""The rules' reason when none matched (``reply_reader_model.NO_MATCH``; old rules wrote it too)."""


def combined(
    row: dict[str, Any], rules: dict[str, Any], model: Any, threshold: float
) -> tuple[str, bool]:
    """The combination's intent for ``row`` and whether the learned reader spoke."""
    from dataclasses import replace

    from bench.reply_reader_model import probabilities
    from ipe.tools.policies.intents import UNCLEAR, get, resolve

    got = resolve(str(rules["intent"]))
    intent = got.name if got else UNCLEAR
    if SCOPE == "any-unclear":
        spoke = intent == UNCLEAR and not any("mentions" in r for r in rules["reasons"])
    else:
        spoke = intent == UNCLEAR and NO_MATCH in rules["reasons"]
        spoke = spoke and (rules["language"] in RULE_LANGUAGES or rules["language"] is None)
    if not spoke:
        return intent, False
    probs = probabilities(cut(str(row.get("reply") or "")), replace(model, threshold=threshold))
    best = max(model.classes, key=lambda c: (probs[c], c))
    if best == UNCLEAR or probs[best] < threshold:
        return intent, False
    if get(best).hold not in ("declined", "forever") and rules["cue"]:
        return intent, False
    return best, True


def score(
    rows: list[dict[str, Any]], rules: dict[str, dict[str, Any]], model: Any, threshold: float
) -> dict[str, int]:
    """Right, opt-outs missed and pitches over the rule-language rows (rules alone, combination)."""
    from ipe.tools.policies.intents import get, resolve

    out = dict.fromkeys(
        ("n", "rules_right", "combo_right", "rules_missed", "combo_missed", "rules_pitch"), 0
    )
    out |= {"combo_pitch": 0, "spoke": 0, "spoke_right": 0, "other_spoke": 0, "other_wrong": 0}
    for row in rows:
        want = expected(row)
        reading = rules[str(row["id"])]
        if row.get("language") not in RULE_LANGUAGES:  # held for a person: speaking is a risk
            said, spoke = combined(row, reading, model, threshold)
            out["other_spoke"] += spoke
            out["other_wrong"] += spoke and said != want
            continue
        found = resolve(str(reading["intent"]))
        alone = found.name if found else "unclear"
        combo, spoke = combined(row, reading, model, threshold)
        out["n"] += 1
        out["spoke"] += spoke
        out["spoke_right"] += spoke and combo == want
        for key, got in (("rules", alone), ("combo", combo)):
            out[f"{key}_right"] += got == want
            out[f"{key}_missed"] += get(want).suppress and not get(got).suppress
            out[f"{key}_pitch"] += want in STOPS and got not in (*STOPS, "unclear")
    return out


def model_alone(rows: list[dict[str, Any]], model: Any) -> tuple[int, int]:
    """The model's own top intent right, over the rule-language rows: (right, n)."""
    from bench.reply_reader_model import probabilities

    right = n = 0
    for row in rows:
        if row.get("language") not in RULE_LANGUAGES:
            continue
        probs = probabilities(cut(str(row.get("reply") or "")), model)
        n += 1
        right += max(model.classes, key=lambda c: (probs[c], c)) == expected(row)
    return right, n


_FITS: dict[tuple[str, ...], Any] = {}
CACHE = False
"""Keep fits in the temporary folder between runs (``--cache``: for trying scopes quickly)."""
SCOPE = "no-match"
"""Where the learned reader is asked: ``no-match`` (no rule matched in a rule language, the
engine's hook) or ``any-unclear`` (every ``unclear`` reading but a mention of opt-outs)."""


def fit_rounds(
    names: Iterable[str], data: dict[str, list[dict[str, Any]]], project: list[dict[str, Any]]
) -> Any:
    """The model fitted on rounds ``names`` and the project set (memoised)."""
    key = tuple(sorted(names))
    if key not in _FITS:
        import pickle

        stored = Path(tempfile.gettempdir()) / f"reply-reader-fit-{'-'.join(key)}.pickle"
        if CACHE and stored.exists():
            _FITS[key] = pickle.loads(stored.read_bytes())
        else:
            _FITS[key] = fit([r for name in key for r in data[name]] + project)
            if CACHE:
                stored.write_bytes(pickle.dumps(_FITS[key]))
    return _FITS[key]


def choose_threshold(
    rounds: Iterable[str],
    data: dict[str, list[dict[str, Any]]],
    blind: dict[str, dict[str, dict[str, Any]]],
    project: list[dict[str, Any]],
) -> tuple[float, list[str]]:
    """The threshold chosen on ``rounds`` alone (inner leave-one-round-out), with its log."""
    names = list(rounds)
    models = {}
    for inner in names:
        models[inner] = fit_rounds([o for o in names if o != inner], data, project)
    best, best_gain, log = 1.01, 0, []
    for t in THRESHOLDS:
        gain = pitch = missed = 0
        for inner in names:
            s = score(data[inner], blind[inner], models[inner], t)
            gain += s["combo_right"] - s["rules_right"]
            pitch += s["combo_pitch"] - s["rules_pitch"]
            missed += s["combo_missed"] - s["rules_missed"]
        log.append(f"t={t:.2f}: right {gain:+d}, pitches {pitch:+d}, opt-outs missed {missed:+d}")
        if pitch <= 0 and missed <= 0 and gain > best_gain:
            best, best_gain = t, gain
    return best, log


def evaluate(out: Path) -> None:
    """Leave-one-round-out: the report at ``out``."""
    data, project, blind = _inputs()
    today = {name: readings(data[name], None) for name in ROUNDS}
    lines = [
        "# The learned second reader: leave-one-round-out",
        "",
        f"`python bench/train_reply_reader.py evaluate --scope {SCOPE}` (scikit-learn "
        f"{_sklearn_version()}, L2 logistic regression, C={C}). Rows in en, es, pt, fr, de only.",
        "Blind rules: the rules as they stood before the round was committed; today's rules",
        "have seen every round. Combination: the rules, and where no rule matched in a rule",
        "language the learned reader's intent at or above the threshold chosen on the training",
        "rounds only.",
        "",
        "| held out | n | model alone | threshold | rules | rules + learned | learned spoke "
        "(right) | opt-outs missed | pitches |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    detail: list[str] = []
    totals: dict[str, dict[str, int]] = {"blind": {}, "today": {}}
    for held in ROUNDS:
        train_rounds = [r for r in ROUNDS if r != held]
        model = fit_rounds(train_rounds, data, project)
        right, n = model_alone(data[held], model)
        threshold, log = choose_threshold(train_rounds, data, blind, project)
        detail += [f"### {held}: threshold search on {', '.join(train_rounds)}", "", *log, ""]
        for kind, rules in (("blind", blind), ("today", today)):
            s = score(data[held], rules[held], model, threshold)
            for key, value in s.items():
                totals[kind][key] = totals[kind].get(key, 0) + value
            lines.append(
                f"| {held} ({kind} rules) | {s['n']} | {right}/{n} | {threshold:.2f} | "
                f"{s['rules_right']} | {s['combo_right']} | {s['spoke']} ({s['spoke_right']}) | "
                f"{s['rules_missed']} -> {s['combo_missed']} | "
                f"{s['rules_pitch']} -> {s['combo_pitch']} |"
            )
    for kind, s in totals.items():
        lines.append(
            f"| all ({kind} rules) | {s['n']} | | | {s['rules_right']} | {s['combo_right']} | "
            f"{s['spoke']} ({s['spoke_right']}) | {s['rules_missed']} -> {s['combo_missed']} | "
            f"{s['rules_pitch']} -> {s['combo_pitch']} |"
        )
    for kind, s in totals.items():
        lines.append(
            f"\nOther languages ({kind} rules): the learned reader spoke on {s['other_spoke']} "
            f"replies held for a person, {s['other_wrong']} of them wrongly."
        )
    lines += ["", "## Threshold searches (inner leave-one-round-out)", "", *detail]
    out.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    print("\n".join(lines))  # noqa: T201


def train(out: Path) -> None:
    """The deployed model: every round and the project set; the threshold by inner LORO."""
    from dataclasses import replace

    data, project, blind = _inputs()
    threshold, log = choose_threshold(list(ROUNDS), data, blind, project)
    model = replace(fit_rounds(list(ROUNDS), data, project), threshold=threshold)
    out.write_text(json.dumps(as_json(model), ensure_ascii=False, indent=0) + "\n", "utf-8")
    print("\n".join(log))  # noqa: T201
    print(f"threshold {threshold:.2f}; {len(model.weights)} features -> {out}")  # noqa: T201


@cache
def _inputs() -> tuple[
    dict[str, list[dict[str, Any]]], list[dict[str, Any]], dict[str, dict[str, dict[str, Any]]]
]:
    """The rounds' rows, the project set's, and each round's readings by its blind rules."""
    data = {name: round_rows(name) for name in ROUNDS}
    blind = {name: readings(data[name], ROUNDS[name][1]) for name in ROUNDS}
    return data, load(ROOT / PROJECT), blind


def _sklearn_version() -> str:
    import sklearn

    return str(sklearn.__version__)


def main(argv: list[str]) -> int:
    """Run one command."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("evaluate")
    ev.add_argument("--out", type=Path, default=ROOT / "bench" / "reply_reader.md")
    tr = sub.add_parser("train")
    tr.add_argument("--out", type=Path, default=Path("reply_reader.json"))
    both = sub.add_parser("both", help="evaluate, then train (one process: the fits are shared)")
    both.add_argument("--report", type=Path, default=ROOT / "bench" / "reply_reader.md")
    both.add_argument("--out", type=Path, default=Path("reply_reader.json"))
    dump = sub.add_parser("dump")
    dump.add_argument("rows")
    for command in (ev, tr, both):
        command.add_argument("--cache", action="store_true", help="keep fits in the temp folder")
        command.add_argument("--scope", choices=("no-match", "any-unclear"), default="no-match")
    args = parser.parse_args(argv)
    global CACHE, SCOPE
    CACHE, SCOPE = getattr(args, "cache", False), getattr(args, "scope", SCOPE)
    if args.command == "dump":
        dump_readings(args.rows)
    elif args.command == "evaluate":
        evaluate(args.out)
    elif args.command == "both":
        evaluate(args.report)
        train(args.out)
    else:
        train(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
