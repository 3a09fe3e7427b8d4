"""Run the learning simulator through the real engine (offline drafting) and feedback loop."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from ipe.domain import PersonalizationError
from ipe.graph.engine import FeedbackLoop, IntelligentPersonalizationEngine
from ipe.tools.learning.simulator import SimReport, simulate


async def run_engine_simulation(
    *, sends: int, seed: int, data_dir: str | Path | None = None
) -> SimReport:
    """Simulate ``sends`` personalizations and outcomes; a fresh data dir unless one is given."""
    with tempfile.TemporaryDirectory(prefix="ipe-sim-") as tmp:
        where = str(data_dir or tmp)
        tenant = f"sim-{seed}"
        engine = IntelligentPersonalizationEngine(tenant, data_dir=where, llm="none", durable=False)
        loop = FeedbackLoop(tenant, data_dir=where, llm="none")
        counter = iter(range(10**9))

        async def choose(
            prospect: dict[str, Any], template: dict[str, Any], channel: str
        ) -> tuple[str, str]:
            result = await engine.personalize_message(
                prospect, template, platform=channel, message_id=f"sim{seed}-{next(counter)}"
            )
            if result.arm is None:
                raise PersonalizationError(f"simulated send blocked: {'; '.join(result.reasons)}")
            return result.message_id, result.arm

        async def feedback(message_id: str, event: dict[str, Any]) -> None:
            await loop.update_model(message_id, event)

        return await simulate(sends=sends, seed=seed, choose=choose, feedback=feedback)
