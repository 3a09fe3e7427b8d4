"""Run golden cases through the engine, offline and with the scripted manager model.

Paths: ``offline`` (the phrase-bank drafter, several message ids per record), ``llm`` (the model
answers with the manager's draft) and ``llm_repair`` (the model's first draft carries an invented
figure and a promise; shown its rejected draft and the findings, it answers with the manager's).
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from ipe import IntelligentPersonalizationEngine
from tests.eval.evaluators import Run
from tests.eval.golden import Case
from tests.eval.scripted import INTENT_BY_STAGE, ScriptedManager, flawed

OFFLINE_SEEDS = ("m0", "m1", "m2")
"""Message ids per case on the offline path: the drafter samples, so one run proves little."""


def _fill(run: Run, result: Any) -> Run:
    chosen = next((v for v in result.variations if v.id == result.selected_id), None)
    run.status = result.status
    run.subject = result.subject
    run.body = result.body
    run.reasons = list(result.reasons)
    run.not_before = getattr(result, "not_before", None) or result.to_json_dict().get("not_before")
    run.sources = [v.source for v in result.variations]
    run.selected_source = chosen.source if chosen else None
    run.selected_attempt = chosen.attempt if chosen else None
    return run


async def run_case(case: Case, path: str, message_id: str, data_dir: str) -> Run:
    """One engine run of ``case`` on ``path`` (``offline`` or ``llm``)."""
    run = Run(case=case, path=path, message_id=message_id)
    model = None
    options: dict[str, Any] = {"llm": "none"}
    if path in ("llm", "llm_repair"):
        assert case.manager_draft, "the LLM path runs the cases a manager wrote a draft for"
        model = ScriptedManager(
            drafts=[case.manager_draft],
            first=flawed(case.manager_draft) if path == "llm_repair" else None,
            intent=INTENT_BY_STAGE.get(case.expect.stage, "neutral"),
        )
        options = {"llm": "auto", "chat_model": model}
    engine = IntelligentPersonalizationEngine(
        user_id=f"eval-{case.id}-{path}-{message_id}", data_dir=data_dir, durable=False, **options
    )
    try:
        result = await engine.personalize_message(
            case.prospect, case.template, platform=case.channel, message_id=message_id
        )
    except Exception as err:  # noqa: BLE001 - the scorecard reports it instead of stopping
        run.error = f"{type(err).__name__}: {err}"[:200]
        return run
    if model is not None:
        run.prompts = list(model.draft_prompts)
    return _fill(run, result)


async def run_all(cases: list[Case], data_dir: str | None = None) -> list[Run]:
    """Every case offline (several message ids) and, where a manager wrote one, with the model."""
    with tempfile.TemporaryDirectory(prefix="ipe-eval-") as tmp:
        root = data_dir or str(Path(tmp) / "data")
        runs = []
        for case in cases:
            for mid in OFFLINE_SEEDS:
                runs.append(await run_case(case, "offline", f"{case.id}-{mid}", root))
            if case.manager_draft:
                runs.append(await run_case(case, "llm", f"{case.id}-llm", root))
                runs.append(await run_case(case, "llm_repair", f"{case.id}-repair", root))
        return runs


def run_all_sync(cases: list[Case]) -> list[Run]:
    """``run_all`` from synchronous code."""
    return asyncio.run(run_all(cases))
