"""Checkpoints keep one sanitised, bounded state per run, are indexed and pruned after retention."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ipe import IntelligentPersonalizationEngine
from ipe.memory import checkpoints

CANARY = "\u200b".join("RAWCANARY")
"""Zero-width spaces: the sanitiser strips them, so only a raw copy of the record holds this."""


def _blobs(data_dir: str) -> tuple[int, int, bytes]:
    conn = sqlite3.connect(Path(data_dir) / "checkpoints.sqlite")
    rows = conn.execute("SELECT checkpoint, metadata FROM checkpoints").fetchall()
    writes = conn.execute("SELECT value FROM writes").fetchall()
    conn.close()
    data = b"".join(bytes(c) + bytes(m) for c, m in rows) + b"".join(bytes(w[0]) for w in writes)
    return len(rows), len(writes), data


async def test_one_checkpoint_per_run_without_the_raw_input(
    data_dir: str, prospects: dict[str, Any], template: dict[str, Any]
) -> None:
    """Text only the raw record holds (before sanitising) is not checkpointed."""
    ana = prospects["ana-email"]
    prospect = {**ana, "bio": f"{ana.get('bio', '')} {CANARY}"}
    engine = IntelligentPersonalizationEngine("t1", data_dir=data_dir)
    for _ in range(3):
        await engine.personalize_message(prospect, template)
    count, writes, data = _blobs(data_dir)
    assert (count, writes) == (3, 0)
    assert CANARY.encode() not in data and b"RAWCANARY" in data  # sanitised copy only
    assert len(data) / 3 < 20 * 1024, "bytes per run"  # 80 kB per run before this change


async def test_a_large_record_is_not_multiplied_on_disk(
    data_dir: str, prospects: dict[str, Any], template: dict[str, Any]
) -> None:
    """A 400 kB record: checkpoints hold one bounded, sanitised copy, not one per step."""
    prospect = {
        **prospects["ana-email"],
        "bio": "I review budget trail gear and long hikes. " * 2000,
        "recent_content": [
            {"title": f"Trail test {i}", "summary": "Long form review of a tent. " * 500}
            for i in range(25)
        ],
    }
    size_in = len(json.dumps(prospect))
    await IntelligentPersonalizationEngine("t1", data_dir=data_dir).personalize_message(
        prospect, template
    )
    _, _, data = _blobs(data_dir)
    assert size_in > 400_000 and len(data) < size_in / 2


async def test_each_run_is_indexed_by_tenant_message_and_prospect(
    data_dir: str, prospects: dict[str, Any], template: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine("t1", data_dir=data_dir)
    result = await engine.personalize_message(prospects["ana-email"], template)
    conn = sqlite3.connect(Path(data_dir) / "checkpoints.sqlite")
    row = conn.execute("SELECT tenant, message_id, prospect_id FROM ipe_runs").fetchone()
    conn.close()
    assert row == ("t1", result.message_id, prospects["ana-email"]["id"])


async def test_runs_past_retention_are_pruned_and_recent_ones_kept(
    data_dir: str, prospects: dict[str, Any], template: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine("t1", data_dir=data_dir, retention_days=30)
    for name in ("ana-email", "sam-x", "kai-instagram"):
        await engine.personalize_message(prospects[name], template)
    conn = sqlite3.connect(Path(data_dir) / "checkpoints.sqlite")
    old = (datetime.now(UTC) - timedelta(days=31)).isoformat(timespec="seconds")
    first = conn.execute("SELECT thread_id FROM ipe_runs ORDER BY created_at LIMIT 1").fetchone()
    conn.execute("UPDATE ipe_runs SET created_at = ? WHERE thread_id = ?", (old, first[0]))
    # a run from before the index: no ipe_runs row, dated by its uuid6 checkpoint id
    conn.execute("DELETE FROM ipe_runs WHERE thread_id != ?", (first[0],))
    conn.commit()
    conn.close()
    assert checkpoints.prune(data_dir, 30) == 1
    conn = sqlite3.connect(Path(data_dir) / "checkpoints.sqlite")
    threads = {r[0] for r in conn.execute("SELECT DISTINCT thread_id FROM checkpoints")}
    indexed = {r[0] for r in conn.execute("SELECT thread_id FROM ipe_runs")}
    conn.close()
    assert len(threads) == 2 and first[0] not in threads and indexed == threads
    later = datetime.now(UTC) + timedelta(days=31)
    assert checkpoints.prune(data_dir, 30, now=later) == 2


def test_pruning_runs_at_most_every_few_minutes(tmp_path: Path, monkeypatch: Any) -> None:
    calls: list[str] = []
    monkeypatch.setattr(checkpoints, "prune", lambda d, days: calls.append(d) or 0)
    monkeypatch.setattr(checkpoints, "_pruned_at", {})
    for _ in range(5):
        checkpoints.prune_due(str(tmp_path), 30)
    assert len(calls) == 1
