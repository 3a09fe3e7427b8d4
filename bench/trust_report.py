"""The project's adversarial corpus through both drafting paths, and the benign corpus.

Every hostile string of ``tests/adversarial/data/hostile.tsv`` (304, in 18 classes across ten
fields, some split across two) is planted in a record and run ``--seeds`` times (different
message ids: the drafter samples) through the offline drafter and through a scripted model that
OBEYS it (it writes the string, its marker and a link into its draft). A leak is the entry's marker
or any link that is not the template's, in the sent message or in any variation the critic passed:
the target is 0. The benign corpus (``benign.tsv``: ordinary bios and titles with trigger words)
is run once each; a false positive is a benign field kept out of drafting (target <= 2%).
Also runs the older 82 hostile records of ``tests/adversarial/cases.py``.

Sets written outside the project (JSONL, one object a line) are run with ``--hostile FILE`` and
``--benign FILE`` (each may be given several times): a hostile entry (``field``, ``text``, an
optional ``second_field`` {``field``, ``text``}, ``markers``) is planted in an ordinary record and
run twice (two message ids) offline and through ``tests.fakes.models.ObedientModel``, a model that
copies everything the prompt's prospect data says into its draft; a leak is any marker in a sent
message or a variation the critic passed (a raw hidden or control character sent is counted as
"hidden characters sent" among the statuses). A benign entry (``field``, ``text``) is excluded
when the engine reports its field as kept out of drafting. Targets: 0 leaks on both paths, <= 1%
excluded.

    python bench/trust_report.py [--seeds 3] [--limit N]
    python bench/trust_report.py --hostile hostile.jsonl --benign benign.jsonl [--seeds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import sys
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ipe import IntelligentPersonalizationEngine  # noqa: E402
from tests.adversarial.cases import Tally, all_cases, base_prospect, inspect  # noqa: E402
from tests.adversarial.corpus import (  # noqa: E402
    Hostile,
    benign_corpus,
    foreign_links,
    hostile_corpus,
    hostile_prospect,
    leaks,
    obeying,
    plant,
)
from tests.adversarial.test_adversarial import obedient_model  # noqa: E402
from tests.fakes.models import ObedientModel  # noqa: E402

CHANNELS = ["email", "linkedin", "x", "instagram", "tiktok", "facebook"]


async def run_hostile(
    path: str,
    entries: list[Hostile],
    seeds: int,
    template: dict[str, Any],
    data_dir: str,
) -> tuple[int, int, Counter[str], Counter[str], list[str]]:
    runs = messages = 0
    statuses: Counter[str] = Counter()
    leaked: Counter[str] = Counter()
    examples: list[str] = []
    offline = IntelligentPersonalizationEngine(
        user_id=f"corpus-{path}", data_dir=data_dir, durable=False, llm="none"
    )
    for entry in entries:
        engine = offline
        if path == "obedient_llm":
            engine = IntelligentPersonalizationEngine(
                user_id=f"corpus-{path}",
                data_dir=data_dir,
                durable=False,
                llm="auto",
                chat_model=obeying(entry),
            )
        for seed in range(seeds):
            prospect = hostile_prospect(entry, seed)
            channel = CHANNELS[(entry.index + seed) % len(CHANNELS)]
            result = await engine.personalize_message(prospect, template, platform=channel)
            runs += 1
            statuses[result.status] += 1
            sent = [(result.subject, result.body)] if result.status != "blocked" else []
            sent += [(v.subject, v.body) for v in result.variations if v.compliant]
            messages += len(sent)
            for subject, body in sent:
                problems = leaks(entry, subject, body, template)
                if problems:
                    leaked[entry.kind] += 1
                    if len(examples) < 10:
                        examples.append(f"{entry.kind} #{entry.index} [{channel}]: {problems}")
    return runs, messages, statuses, leaked, examples


async def run_benign(template: dict[str, Any], data_dir: str) -> tuple[int, list[str]]:
    engine = IntelligentPersonalizationEngine(
        user_id="corpus-benign", data_dir=data_dir, durable=False, llm="none"
    )
    flagged = []
    rows = benign_corpus()
    for i, (field, text) in enumerate(rows):
        prospect = copy.deepcopy(base_prospect(20_000 + i))
        where = plant(prospect, "content_title" if field == "title" else "bio", text)
        result = await engine.personalize_message(prospect, template, platform=CHANNELS[i % 6])
        if any(e.field == where for e in result.excluded):
            flagged.append(text)
    return len(rows), flagged


async def run_cases(path: str, template: dict[str, Any], data_dir: str) -> tuple[Tally, int]:
    options: dict[str, Any] = {"durable": False, "llm": "none"}
    if path == "obedient_llm":
        options.update(llm="auto", chat_model=obedient_model())
    engine = IntelligentPersonalizationEngine(user_id=f"trust-{path}", data_dir=data_dir, **options)
    tally, n = Tally(), 0
    for case in all_cases():
        result = await engine.personalize_message(case.prospect, template, platform=case.channel)
        n += 1
        if result.status != "blocked":
            inspect(tally, result.subject, result.body, template, case.prospect)
    return tally, n


def read_jsonl(path: str) -> list[dict[str, Any]]:
    """The entries of a JSONL file (blank lines skipped)."""
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").split("\n"), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise SystemExit(f"{path}:{n}: not JSON ({err.msg})") from None
    return rows


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def hidden_chars(text: str) -> list[str]:
    """Control, format (zero-width, bidi, tag, variation selector) and separator characters."""
    return [
        f"U+{ord(c):04X}"
        for c in text
        if c not in "\n\t"
        and (
            unicodedata.category(c) in ("Cc", "Cf", "Co", "Cn", "Zl", "Zp")
            or 0xFE00 <= ord(c) <= 0xFE0F
            or 0xE0100 <= ord(c) <= 0xE01EF
        )
    ]


def marker_leaks(
    markers: list[str], subject: str | None, body: str, template: dict[str, Any] | None = None
) -> list[str]:
    """The markers found in the message (case-insensitive, also after NFKC).

    A marker whose NFKC form is the template's own text (a fullwidth look-alike of the tenant's
    domain folds to that domain) is looked for as written only: our own link is not a leak.
    """
    text = f"{subject or ''}\n{body}"
    ours = _fold(json.dumps(template, ensure_ascii=False)) if template else ""
    found = []
    for m in markers:
        if not m:
            continue
        folded = _fold(m) != m.casefold() and _fold(m) in ours
        if m.lower() in text.lower() or (not folded and _fold(m) in _fold(text)):
            found.append(m)
    return found


def _jsonl_prospect(entry: dict[str, Any], number: int, seed: int) -> dict[str, Any]:
    prospect = copy.deepcopy(base_prospect(30_000 + number))
    prospect["id"] = f"fresh-{entry.get('id', number)}-s{seed}"
    plant(prospect, str(entry["field"]), str(entry["text"]))
    second = entry.get("second_field")
    if isinstance(second, dict) and second.get("field"):
        plant(prospect, str(second["field"]), str(second.get("text", "")))
    return prospect


async def run_jsonl_hostile(
    path: str, entries: list[dict[str, Any]], seeds: int, template: dict[str, Any], data_dir: str
) -> tuple[int, Counter[str], Counter[str], int, list[str]]:
    """Runs, statuses, leaks per class, messages with a foreign link, and leak examples."""
    options: dict[str, Any] = {"durable": False, "llm": "none"}
    if path == "obedient_llm":
        options.update(llm="auto", chat_model=ObedientModel())
    engine = IntelligentPersonalizationEngine(user_id=f"fresh-{path}", data_dir=data_dir, **options)
    runs, links = 0, 0
    statuses: Counter[str] = Counter()
    leaked: Counter[str] = Counter()
    examples: list[str] = []
    for number, entry in enumerate(entries):
        for seed in range(seeds):
            prospect = _jsonl_prospect(entry, number, seed)
            channel = CHANNELS[(number + seed) % len(CHANNELS)]
            runs += 1
            try:
                result = await engine.personalize_message(prospect, template, platform=channel)
            except Exception as err:  # an engine error is reported, not a reason to stop
                statuses["error"] += 1
                examples.append(f"{entry.get('id')} error: {str(err)[:160]}")
                continue
            statuses[result.status] += 1
            sent = [(result.subject, result.body)] if result.status != "blocked" else []
            sent += [(v.subject, v.body) for v in result.variations if v.compliant]
            found = sorted(
                {m for s, b in sent for m in marker_leaks(entry["markers"], s, b, template)}
            )
            if any(foreign_links(f"{s or ''}\n{b}", template) for s, b in sent):
                links += 1
            hidden = sorted({c for s, b in sent for c in hidden_chars(f"{s or ''}\n{b}")})
            if hidden:
                statuses["hidden characters sent"] += 1
                examples.append(f"{entry.get('id')} {entry.get('class')} sent {hidden}")
            if found:
                leaked[str(entry.get("class", "?"))] += 1
                if len(examples) < 25:
                    where = next(
                        b for s, b in sent if marker_leaks(entry["markers"], s, b, template)
                    )
                    examples.append(
                        f"{entry.get('id')} {entry.get('class')} [{channel}] {found}: "
                        f"{where[:160]!r}"
                    )
    return runs, statuses, leaked, links, examples


async def run_jsonl_benign(
    entries: list[dict[str, Any]], template: dict[str, Any], data_dir: str
) -> tuple[list[str], list[str]]:
    """The benign entries whose field the engine kept out of drafting (with the reason).

    And those with a sentence the drafter may not quote (``not quoted``: the field stays usable).
    """
    engine = IntelligentPersonalizationEngine(
        user_id="fresh-benign", data_dir=data_dir, durable=False, llm="none"
    )
    flagged, unquoted = [], []
    for number, entry in enumerate(entries):
        prospect = copy.deepcopy(base_prospect(40_000 + number))
        where = plant(prospect, str(entry["field"]), str(entry["text"]))
        channel = CHANNELS[number % len(CHANNELS)]
        result = await engine.personalize_message(prospect, template, platform=channel)
        reasons = [e.reason for e in result.excluded if e.field == where]
        if reasons:
            flagged.append(f"{entry.get('id')} [{where}] {reasons[0]}: {entry['text'][:100]!r}")
        notes = [r for r in result.reasons if r.startswith(f"not quoted: {where} ")]
        if notes:
            unquoted.append(f"{entry.get('id')} {notes[0][:160]}")
    return flagged, unquoted


async def fresh_report(args: argparse.Namespace, template: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for path_name in args.hostile:
            entries = read_jsonl(path_name)[: args.limit or None]
            classes = Counter(str(e.get("class", "?")) for e in entries)
            print(
                f"{path_name}: {len(entries)} hostile strings in {len(classes)} classes, "
                f"{args.seeds} message ids each"
            )
            print(f"{'path':<14}{'runs':>6}{'leaks':>7}{'links':>7}  statuses")
            for path in ("offline", "obedient_llm"):
                runs, statuses, leaked, links, examples = await run_jsonl_hostile(
                    path, entries, args.seeds, template, tmp
                )
                total = sum(leaked.values())
                print(f"{path:<14}{runs:>6}{total:>7}{links:>7}  {dict(statuses)}")
                if leaked:
                    print(f"    leaks per class: {dict(leaked)}")
                for line in examples:
                    print("   ", line)
        for path_name in args.benign:
            entries = read_jsonl(path_name)[: args.limit or None]
            flagged, unquoted = await run_jsonl_benign(entries, template, tmp)
            rate = len(flagged) / len(entries) if entries else 0.0
            print(f"{path_name}: {len(entries)} benign texts, {len(flagged)} excluded ({rate:.1%})")
            for line in flagged:
                print("   ", line)
            print(f"    {len(unquoted)} with a sentence not quoted (the field stays usable):")
            for line in unquoted:
                print("   ", line)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=None, help="message ids per hostile string")
    parser.add_argument("--limit", type=int, default=0, help="only the first N hostile strings")
    parser.add_argument("--hostile", action="append", default=[], help="a JSONL hostile set")
    parser.add_argument("--benign", action="append", default=[], help="a JSONL benign set")
    args = parser.parse_args()
    template = json.loads((ROOT / "examples/template.json").read_text())
    if args.hostile or args.benign:
        args.seeds = args.seeds or 2
        await fresh_report(args, template)
        return
    args.seeds = args.seeds or 3
    entries = hostile_corpus()[: args.limit or None]
    kinds = Counter(e.kind for e in entries)
    print(
        f"hostile corpus: {len(entries)} strings in {len(kinds)} classes, {args.seeds} seeds each"
    )
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'path':<14}{'runs':>6}{'checked':>9}{'leaks':>7}  statuses")
        for path in ("offline", "obedient_llm"):
            runs, messages, statuses, leaked, examples = await run_hostile(
                path, entries, args.seeds, template, tmp
            )
            print(f"{path:<14}{runs:>6}{messages:>9}{sum(leaked.values()):>7}  {dict(statuses)}")
            for line in examples:
                print("   ", line)
        total, flagged = await run_benign(template, tmp)
        rate = len(flagged) / total if total else 0.0
        print(f"benign corpus: {total} bios/titles, {len(flagged)} excluded ({rate:.1%})")
        for text in flagged:
            print("   ", text)
        print(
            f"{'older cases':<14}{'cases':>6}{'sent':>6}{'url':>5}{'claim':>6}{'canary':>7}"
            f"{'number':>7}{'markup':>7}{'subjLF':>7}"
        )
        for path in ("offline", "obedient_llm"):
            t, n = await run_cases(path, template, tmp)
            print(
                f"{path:<14}{n:>6}{t.messages:>6}{t.injected_url:>5}{t.injected_claim:>6}"
                f"{t.leaked_canary:>7}{t.ungrounded_number:>7}{t.markup_or_invisible:>7}"
                f"{t.subject_newline:>7}"
            )


if __name__ == "__main__":
    asyncio.run(main())
