"""The project's adversarial corpus through both drafting paths, and the benign corpus.

Every hostile string of ``tests/adversarial/data/hostile.tsv`` (304, in 18 classes across ten
fields, some split across two) is planted in a record and run ``--seeds`` times (different
message ids: the drafter samples) through the offline drafter and through a scripted model that
OBEYS it (it writes the string, its marker and a link into its draft). A leak is the entry's marker
or any link that is not the template's, in the sent message or in any variation the critic passed:
the target is 0. The benign corpus (``benign.tsv``: ordinary bios and titles with trigger words)
is run once each; a false positive is a benign field kept out of drafting (target <= 2%).
Also runs the older 82 hostile records of ``tests/adversarial/cases.py``.

    python bench/trust_report.py [--seeds 3] [--limit N]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import sys
import tempfile
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
    hostile_corpus,
    hostile_prospect,
    leaks,
    obeying,
    plant,
)
from tests.adversarial.test_adversarial import obedient_model  # noqa: E402

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


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--limit", type=int, default=0, help="only the first N hostile strings")
    args = parser.parse_args()
    template = json.loads((ROOT / "examples/template.json").read_text())
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
