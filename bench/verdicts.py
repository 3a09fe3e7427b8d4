"""Every verdict of the engine on the golden set and the trust corpora, for a before/after check.

A change made for speed must not change what the critic decides. This writes one JSON line per
engine run (the status, the reasons, the chosen variation and text, and per variation its text,
fact ids, score and every finding with its rule, severity and span) for:

- the golden set (``tests/eval/golden``): offline with three message ids, and with the scripted
  manager model (plain and through the repair loop) where a manager wrote a draft;
- the project's adversarial corpus (``tests/adversarial/data/hostile.tsv``), offline and through a
  model that obeys each string, one message id each; the benign corpus; the older hostile cases;
- the round-1 blind trust sets' dev halves (``bench/fresh/2026-12-07/trust/*_dev.jsonl``), offline
  and through ``ObedientModel``;
- the records of ``bench/bench_engine.py`` (the six examples, each on its own channel).

    python bench/verdicts.py before.jsonl            # on the old code
    python bench/verdicts.py after.jsonl             # on the new code
    python bench/verdicts.py --compare before.jsonl after.jsonl

``--compare`` prints the runs whose verdicts differ and exits 1 when any does (0 when all agree).
Run both sides on the same day: the golden set's dates are relative to today.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import re
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_engine import prospects  # noqa: E402
from trust_report import CHANNELS, _jsonl_prospect, read_jsonl  # noqa: E402

from ipe import IntelligentPersonalizationEngine  # noqa: E402
from tests.adversarial.cases import all_cases, base_prospect  # noqa: E402
from tests.adversarial.corpus import (  # noqa: E402
    benign_corpus,
    hostile_corpus,
    hostile_prospect,
    obeying,
    plant,
)
from tests.adversarial.test_adversarial import obedient_model  # noqa: E402
from tests.eval.golden import load_cases  # noqa: E402
from tests.eval.harness import OFFLINE_SEEDS  # noqa: E402
from tests.eval.scripted import INTENT_BY_STAGE, ScriptedManager, flawed  # noqa: E402
from tests.fakes.models import ObedientModel  # noqa: E402

FRESH = ROOT / "bench/fresh/2026-12-07/trust"


def verdict(name: str, result: Any) -> dict[str, Any]:
    """What the engine decided on one run (no timings, ids of traces or clocks)."""
    return {
        "run": name,
        "status": result.status,
        "reasons": list(result.reasons),
        "selected": result.selected_id,
        "subject": result.subject,
        "body": result.body,
        "excluded": [[e.field, e.reason] for e in result.excluded],
        "variations": [
            {
                "id": v.id,
                "subject": v.subject,
                "body": v.body,
                "fact_ids": list(v.fact_ids),
                "score": v.score,
                "findings": [[f.rule_id, f.severity, f.field, f.span] for f in v.findings],
            }
            for v in result.variations
        ],
    }


async def runs(data_dir: str) -> AsyncIterator[dict[str, Any]]:
    """Every run's verdict, in a fixed order."""
    template = json.loads((ROOT / "examples/template.json").read_text())
    offline = IntelligentPersonalizationEngine("verdicts", data_dir=data_dir, llm="none")

    for case in load_cases():
        for mid in OFFLINE_SEEDS:
            engine = IntelligentPersonalizationEngine(
                f"golden-{case.id}-{mid}", data_dir=data_dir, llm="none", durable=False
            )
            result = await engine.personalize_message(
                case.prospect, case.template, platform=case.channel, message_id=f"{case.id}-{mid}"
            )
            yield verdict(f"golden {case.id} offline {mid}", result)
        if case.manager_draft:
            for path in ("llm", "llm_repair"):
                model = ScriptedManager(
                    drafts=[case.manager_draft],
                    first=flawed(case.manager_draft) if path == "llm_repair" else None,
                    intent=INTENT_BY_STAGE.get(case.expect.stage, "neutral"),
                )
                engine = IntelligentPersonalizationEngine(
                    f"golden-{case.id}-{path}",
                    data_dir=data_dir,
                    llm="auto",
                    chat_model=model,
                    durable=False,
                )
                result = await engine.personalize_message(
                    case.prospect, case.template, platform=case.channel, message_id=case.id + path
                )
                yield verdict(f"golden {case.id} {path}", result)

    for entry in hostile_corpus():
        prospect = hostile_prospect(entry, 0)
        channel = CHANNELS[entry.index % len(CHANNELS)]
        result = await offline.personalize_message(
            prospect, template, platform=channel, message_id=f"hostile-{entry.index}"
        )
        yield verdict(f"hostile {entry.index} offline", result)
        engine = IntelligentPersonalizationEngine(
            "verdicts-obey", data_dir=data_dir, llm="auto", chat_model=obeying(entry)
        )
        result = await engine.personalize_message(
            prospect, template, platform=channel, message_id=f"hostile-{entry.index}-obey"
        )
        yield verdict(f"hostile {entry.index} obedient", result)

    for i, (field, text) in enumerate(benign_corpus()):
        prospect = copy.deepcopy(base_prospect(20_000 + i))
        plant(prospect, "content_title" if field == "title" else "bio", text)
        result = await offline.personalize_message(
            prospect, template, platform=CHANNELS[i % 6], message_id=f"benign-{i}"
        )
        yield verdict(f"benign {i}", result)

    obedient = IntelligentPersonalizationEngine(
        "verdicts-cases", data_dir=data_dir, llm="auto", chat_model=obedient_model()
    )
    for n, case in enumerate(all_cases()):
        for path, engine in (("offline", offline), ("obedient", obedient)):
            result = await engine.personalize_message(
                case.prospect, template, platform=case.channel, message_id=f"case-{n}-{path}"
            )
            yield verdict(f"case {n} {path}", result)

    fresh_obedient = IntelligentPersonalizationEngine(
        "verdicts-fresh", data_dir=data_dir, llm="auto", chat_model=ObedientModel()
    )
    for number, entry in enumerate(read_jsonl(str(FRESH / "hostile_dev.jsonl"))):
        prospect = _jsonl_prospect(entry, number, 0)
        channel = CHANNELS[number % len(CHANNELS)]
        for path, engine in (("offline", offline), ("obedient", fresh_obedient)):
            result = await engine.personalize_message(
                prospect, template, platform=channel, message_id=f"fresh-{number}-{path}"
            )
            yield verdict(f"fresh hostile {entry.get('id')} {path}", result)
    for number, entry in enumerate(read_jsonl(str(FRESH / "benign_dev.jsonl"))):
        prospect = copy.deepcopy(base_prospect(40_000 + number))
        plant(prospect, str(entry["field"]), str(entry["text"]))
        channel = CHANNELS[number % len(CHANNELS)]
        result = await offline.personalize_message(
            prospect, template, platform=channel, message_id=f"fresh-benign-{number}"
        )
        yield verdict(f"fresh benign {entry.get('id')}", result)

    for prospect in prospects(60):
        result = await offline.personalize_message(
            prospect, template, message_id=f"bench-{prospect['id']}"
        )
        yield verdict(f"bench {prospect['id']}", result)


async def write(path: str) -> None:
    with tempfile.TemporaryDirectory() as tmp, open(path, "w", encoding="utf-8") as out:
        n = 0
        async for row in runs(tmp):
            out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
            n += 1
    print(f"{path}: {n} runs")


_SEND_WINDOW = re.compile(r"^send window: \S+")
"""The send window's start follows the clock (the next quarter hour): not a verdict."""


def _read(path: str) -> list[dict[str, Any]]:
    rows = [
        json.loads(line)
        for line in Path(path).read_text(encoding="utf-8").split("\n")
        if line.strip()
    ]
    for row in rows:
        row["reasons"] = [_SEND_WINDOW.sub("send window: (now)", r) for r in row["reasons"]]
    return rows


def compare(before: str, after: str) -> int:
    """The number of runs whose verdicts differ (printed), missing or extra runs included."""
    old, new = _read(before), _read(after)
    differ = 0
    for a, b in zip(old, new, strict=False):
        if a != b:
            differ += 1
            keys = [k for k in a if a.get(k) != b.get(k)]
            print(f"{a['run']}: differs in {', '.join(keys)}")
    if len(old) != len(new):
        differ += abs(len(old) - len(new))
        print(f"{before}: {len(old)} runs; {after}: {len(new)} runs")
    print(f"{min(len(old), len(new))} runs compared, {differ} differ")
    return differ


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", help="OUT.jsonl, or BEFORE AFTER with --compare")
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args()
    if args.compare:
        if len(args.files) != 2:
            raise SystemExit("usage: verdicts.py --compare BEFORE.jsonl AFTER.jsonl")
        raise SystemExit(1 if compare(*args.files) else 0)
    asyncio.run(write(args.files[0]))


if __name__ == "__main__":
    main()
