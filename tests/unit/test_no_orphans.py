"""A call that fails leaves no outcome record; a call that succeeds leaves exactly one."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from ipe import IntelligentPersonalizationEngine
from ipe.domain import EngineError, StorageError
from ipe.memory import checkpoints, storage
from ipe.memory.outcomes import OutcomeStore


def _messages(data_dir: str) -> int:
    path = Path(data_dir) / "outcomes.sqlite"
    if not path.exists():
        return 0
    with OutcomeStore(path) as store:
        return store.messages_count()


async def test_a_failing_checkpoint_write_leaves_no_record(
    data_dir: str, prospects: dict[str, Any], template: dict[str, Any], monkeypatch: Any
) -> None:
    async def locked(self: AsyncSqliteSaver, *args: Any, **kwargs: Any) -> Any:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(AsyncSqliteSaver, "aput", locked)
    engine = IntelligentPersonalizationEngine("t1", data_dir=data_dir)
    with pytest.raises(StorageError, match="busy"):
        await engine.personalize_message(prospects["ana-email"], template)
    assert _messages(data_dir) == 0


async def test_a_real_lock_on_the_checkpoint_file_leaves_no_record(
    data_dir: str, prospects: dict[str, Any], template: dict[str, Any], monkeypatch: Any
) -> None:
    engine = IntelligentPersonalizationEngine("t1", data_dir=data_dir)
    await engine.personalize_message(prospects["ana-email"], template)  # files exist
    assert _messages(data_dir) == 1
    monkeypatch.setattr(checkpoints, "BUSY_TIMEOUT_S", 0.2)
    monkeypatch.setattr(storage, "BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(Path(data_dir) / "checkpoints.sqlite", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
    try:
        with pytest.raises(StorageError, match="busy"):
            await engine.personalize_message(prospects["sam-x"], template)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _messages(data_dir) == 1  # only the first, successful call's record


async def test_a_failing_record_write_leaves_no_checkpoint_thread(
    data_dir: str, prospects: dict[str, Any], template: dict[str, Any], monkeypatch: Any
) -> None:
    def full(self: OutcomeStore, record: Any, *args: Any) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    engine = IntelligentPersonalizationEngine("t1", data_dir=data_dir)
    await engine.personalize_message(prospects["ana-email"], template)
    monkeypatch.setattr(OutcomeStore, "record_message", full)
    with pytest.raises(StorageError, match="disk is full"):
        await engine.personalize_message(prospects["sam-x"], template)
    conn = sqlite3.connect(Path(data_dir) / "checkpoints.sqlite")
    threads = conn.execute("SELECT COUNT(DISTINCT thread_id) FROM checkpoints").fetchone()[0]
    runs = conn.execute("SELECT COUNT(*) FROM ipe_runs").fetchone()[0]
    conn.close()
    assert (threads, runs) == (1, 1)


async def test_a_node_failing_after_feedback_leaves_no_record(
    data_dir: str, prospects: dict[str, Any], template: dict[str, Any]
) -> None:
    """The feedback step ran (its record built), then the run failed: nothing is stored."""
    from ipe.graph.builder import build_graph
    from ipe.nodes.feedback import feedback

    built = threading.Event()

    async def feedback_then_crash(state: Any, runtime: Any) -> dict[str, Any]:
        update = await feedback(state, runtime)
        built.set()
        assert update["record"] is not None
        raise RuntimeError("the process is killed after the feedback step")

    crashing = build_graph(nodes={"feedback": feedback_then_crash})
    for durable in (True, False):
        engine = IntelligentPersonalizationEngine(
            "t1", data_dir=data_dir, durable=durable, graph=crashing
        )
        with pytest.raises(EngineError, match="killed") as failed:  # the API raises only these
            await engine.personalize_message(prospects["ana-email"], template)
        assert isinstance(failed.value.__cause__, RuntimeError)
    assert built.is_set()
    assert _messages(data_dir) == 0


async def test_a_successful_call_leaves_exactly_its_record(
    data_dir: str, prospects: dict[str, Any], template: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine("t1", data_dir=data_dir)
    results = await asyncio.gather(
        *(engine.personalize_message(p, template) for p in prospects.values())
    )
    with OutcomeStore(Path(data_dir) / "outcomes.sqlite") as store:
        assert store.messages_count() == len(prospects)
        for result in results:
            assert store.get_message("t1", result.message_id) is not None
