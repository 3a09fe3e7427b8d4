"""50 concurrent calls on a cold process (fresh data dir, nothing opened yet): 0 failures.

The first concurrent calls used to race on creating the Chroma client and the tenant's
collection (3-42% failed with raw chromadb errors). Run in a subprocess so the process is cold.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import asyncio, json, sys
from pathlib import Path
from ipe import IntelligentPersonalizationEngine
from ipe.memory.outcomes import OutcomeStore

async def main(data_dir):
    root = Path("examples")
    template = json.loads((root / "template.json").read_text())
    prospects = [json.loads(p.read_text()) for p in sorted((root / "prospects").glob("*.json"))]
    engines = [IntelligentPersonalizationEngine(f"t{i % 3}", data_dir=data_dir) for i in range(50)]
    calls = [e.personalize_message(prospects[i % len(prospects)], template)
             for i, e in enumerate(engines)]
    results = await asyncio.gather(*calls, return_exceptions=True)
    errors = [f"{type(r).__name__}: {r}" for r in results if isinstance(r, BaseException)]
    with OutcomeStore(Path(data_dir) / "outcomes.sqlite") as store:
        recorded = store.messages_count()
    ids = {r.message_id for r in results if not isinstance(r, BaseException)}
    print(json.dumps({"errors": errors, "recorded": recorded, "ids": len(ids)}))

asyncio.run(main(sys.argv[1]))
"""


def test_fifty_concurrent_calls_on_a_cold_process(tmp_path: Path) -> None:
    env = {**os.environ, "IPE_LLM": "none"}
    env.pop("OPENAI_API_KEY", None)
    for attempt in range(2):  # two cold processes, two fresh data directories
        data_dir = str(tmp_path / f"data{attempt}")
        run = subprocess.run(
            [sys.executable, "-c", SCRIPT, data_dir],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=300,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        out = json.loads(run.stdout.strip().splitlines()[-1])
        assert out["errors"] == [], out["errors"][:3]
        assert out["recorded"] == 50 and out["ids"] == 50
