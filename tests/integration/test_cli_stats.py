"""``ipe stats``: read only, every rate with n and an interval, and ``--policy-eval``."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from ipe import FeedbackLoop, IntelligentPersonalizationEngine
from tests.integration.test_cli import EX, ipe


def test_a_missing_data_dir_is_one_line_and_nothing_is_created(tmp_path: Path) -> None:
    missing = tmp_path / "typo"
    run = ipe("stats", data_dir=str(missing))
    assert run.returncode == 2
    assert "no data directory" in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert not missing.exists()
    (tmp_path / "empty").mkdir()
    run = ipe("stats", data_dir=str(tmp_path / "empty"))
    assert run.returncode == 2 and "no outcome store" in run.stderr
    assert list((tmp_path / "empty").iterdir()) == []


def _send_some(data_dir: Path, n: int) -> None:
    prospect = json.loads((EX / "prospects/ana-email.json").read_text())
    template = json.loads((EX / "template.json").read_text())

    async def go() -> None:
        engine = IntelligentPersonalizationEngine("acme", data_dir=data_dir, durable=False)
        loop = FeedbackLoop("acme", data_dir=data_dir)
        for i in range(n):
            one = {**prospect, "id": f"p{i}", "email": f"p{i}@example.com"}
            result = await engine.personalize_message(one, template, message_id=f"m{i}")
            event = "converted" if i % 3 == 0 else "delivered"
            await loop.update_model(result.message_id, {"event": event, "event_id": f"e{i}"})
            if event == "delivered":
                await loop.update_model(
                    result.message_id,
                    {"event": "replied", "event_id": f"r{i}", "reply_text": "not for me, thanks"},
                )

    asyncio.run(go())


def test_unknown_tenant_json_intervals_and_policy_eval(tmp_path: Path) -> None:
    _send_some(tmp_path, 12)
    before = sorted(p.name for p in tmp_path.iterdir())
    unknown = ipe("stats", "--user-id", "acm", data_dir=str(tmp_path))
    assert unknown.returncode == 2 and "tenant 'acm' has no messages" in unknown.stderr
    run = ipe("stats", "--user-id", "acme", "--json", "--policy-eval", data_dir=str(tmp_path))
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["sends"] == 12
    for key in ("personalization_success_rate", "positive_rate", "mean_reward"):
        metric = doc[key]
        assert metric["n"] > 0 and metric["low"] <= metric["value"] <= metric["high"]
    assert doc["positive_rate"]["value"] == round(4 / 12, 4)
    assert doc["feedback_impact"]["change"]["value"] is None  # 12 sends: not enough data
    evaluation = doc["policy_eval"]
    assert evaluation["n"] == 12 and evaluation["skipped"] == 0
    assert [p["policy"] for p in evaluation["policies"]] == ["current", "uniform"]
    table = ipe("stats", "--user-id", "acme", "--policy-eval", data_dir=str(tmp_path))
    assert table.returncode == 0 and "doubly robust" in table.stdout and "n=12" in table.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # read only
