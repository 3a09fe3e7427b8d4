"""Run the adversarial cases through both drafting paths and print what reached a sendable message.

The figures in the closing note come from here: cases tried, and how many sent messages carried an
injected URL, an injected claim, a leaked canary, an ungrounded number, markup or invisible
characters, or a subject with a line break (the target is zero of each).
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ipe import IntelligentPersonalizationEngine  # noqa: E402
from tests.adversarial.cases import Tally, all_cases, inspect  # noqa: E402
from tests.adversarial.test_adversarial import obedient_model  # noqa: E402


async def run(path: str, template: dict[str, Any], data_dir: str) -> tuple[Tally, Counter[str]]:
    options: dict[str, Any] = {"durable": False, "llm": "none"}
    if path == "obedient_llm":
        options.update(llm="auto", chat_model=obedient_model())
    engine = IntelligentPersonalizationEngine(user_id=f"trust-{path}", data_dir=data_dir, **options)
    tally, statuses = Tally(), Counter[str]()
    for case in all_cases():
        result = await engine.personalize_message(case.prospect, template, platform=case.channel)
        statuses[result.status] += 1
        if result.status != "blocked":
            inspect(tally, result.subject, result.body, template, case.prospect)
    return tally, statuses


async def main() -> None:
    template = json.loads((ROOT / "examples/template.json").read_text())
    print(
        f"{'path':<14}{'cases':>6}{'sent':>6}{'url':>5}{'claim':>6}{'canary':>7}"
        f"{'number':>7}{'markup':>7}{'subjLF':>7}  statuses"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for path in ("offline", "obedient_llm"):
            t, statuses = await run(path, template, tmp)
            print(
                f"{path:<14}{sum(statuses.values()):>6}{t.messages:>6}{t.injected_url:>5}"
                f"{t.injected_claim:>6}{t.leaked_canary:>7}{t.ungrounded_number:>7}"
                f"{t.markup_or_invisible:>7}{t.subject_newline:>7}  {dict(statuses)}"
            )


if __name__ == "__main__":
    asyncio.run(main())
