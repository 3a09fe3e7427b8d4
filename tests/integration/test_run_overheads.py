"""What a run costs besides its own work: the checkpoint file kept open, timings in the trace."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from ipe import IntelligentPersonalizationEngine
from ipe.domain import StorageError
from ipe.graph.timing import STEPS
from ipe.memory import checkpoints
from ipe.memory.checkpoints import checkpoint_path, open_saver
from tests.fakes.tracing import root_runs


def _kept_for(data_dir: str) -> list[tuple[str, int]]:
    path = str(checkpoint_path(data_dir).resolve())
    return [key for key in checkpoints._kept if key[0] == path]


async def test_the_trace_root_carries_the_runs_step_timings(
    data_dir: str, prospects: dict[str, Any], template: Any
) -> None:
    engine = IntelligentPersonalizationEngine(user_id="t1", data_dir=data_dir, durable=False)
    with root_runs() as collector:
        result = await engine.personalize_message(prospects["ana-email"], template)
    assert len(collector.roots) == 1
    timings = collector.roots[0].extra["metadata"]["timings"]
    assert set(timings) == {*STEPS, "total"} == set(result.timings)
    assert all(v >= 0 for v in timings.values())
    assert timings["total"] >= max(timings[s] for s in STEPS)


async def test_durable_runs_keep_one_idle_connection_to_the_checkpoint_file(
    data_dir: str, prospects: dict[str, Any], template: Any
) -> None:
    engine = IntelligentPersonalizationEngine(user_id="t2", data_dir=data_dir)
    first = await engine.personalize_message(prospects["ana-email"], template)
    assert len(_kept_for(data_dir)) == 1
    wal = Path(f"{checkpoint_path(data_dir)}-wal")
    assert wal.exists()  # the run's connection closed without checkpointing the log away
    second = await engine.personalize_message(prospects["sam-x"], template)
    assert len(_kept_for(data_dir)) == 1  # the same file is kept once
    assert first.status in ("ready", "needs_review") and second.status in ("ready", "needs_review")
    async with open_saver(data_dir) as saver:  # both runs are readable checkpoints
        threads = {c.config["configurable"]["thread_id"] async for c in saver.alist(None)}
    assert {t.split(":")[1] for t in threads} == {first.message_id, second.message_id}


async def test_erasure_still_truncates_the_log_of_a_kept_file(
    data_dir: str, prospects: dict[str, Any], template: Any
) -> None:
    from ipe import FeedbackLoop

    engine = IntelligentPersonalizationEngine(user_id="t3", data_dir=data_dir)
    await engine.personalize_message(prospects["ana-email"], template)
    assert _kept_for(data_dir)
    report = await FeedbackLoop("t3", data_dir=data_dir).forget(
        prospect_id=prospects["ana-email"]["id"]
    )
    assert report.checkpoint_threads >= 1
    wal = Path(f"{checkpoint_path(data_dir)}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert prospects["ana-email"]["id"].encode() not in checkpoint_path(data_dir).read_bytes()


async def test_at_most_keep_open_files_are_kept(tmp_path: Path) -> None:
    dirs = [str(tmp_path / f"d{i}") for i in range(checkpoints.KEEP_OPEN + 3)]
    for d in dirs:
        async with open_saver(d):
            pass
    assert len(checkpoints._kept) <= checkpoints.KEEP_OPEN
    assert not _kept_for(dirs[0]) and _kept_for(dirs[-1])


async def test_a_checkpoint_file_replaced_under_a_kept_connection_is_still_refused(
    data_dir: str, prospects: dict[str, Any], template: Any
) -> None:
    engine = IntelligentPersonalizationEngine(user_id="t4", data_dir=data_dir)
    await engine.personalize_message(prospects["ana-email"], template)
    path = checkpoint_path(data_dir)
    path.unlink()
    path.write_bytes(b"not a database at all, " * 8)
    with pytest.raises(StorageError, match="not a SQLite database"):
        await engine.personalize_message(prospects["sam-x"], template)


def test_a_kept_connection_holds_no_transaction(tmp_path: Path) -> None:
    data_dir = str(tmp_path / "d")

    async def open_once() -> None:
        async with open_saver(data_dir):
            pass

    asyncio.run(open_once())
    (key,) = _kept_for(data_dir)
    assert not checkpoints._kept[key].in_transaction


def test_a_batch_with_an_unreadable_prospects_file_writes_no_results_file(tmp_path: Path) -> None:
    from ipe.graph.cli import main

    out = tmp_path / "o.jsonl"
    template = str(Path(__file__).resolve().parents[2] / "examples/template.json")
    args = ["batch", "--template", template, "--data-dir", str(tmp_path / "d")]
    assert main([*args, "--prospects", str(tmp_path / "none.jsonl"), "--out", str(out)]) == 2
    assert not out.exists()


def test_the_warm_up_loads_every_language_it_writes() -> None:
    """Each warm-up reply names a date in its language (so dateparser loads that language)."""
    from datetime import UTC, datetime

    from ipe.prompts import LANGUAGES
    from ipe.tools.context.deferrals import find_deferral
    from ipe.tools.warmup import DATED_REPLIES, preload
    from ipe.tools.writing.offline_drafter import bank

    preload()
    assert {language for _, language in DATED_REPLIES} == set(LANGUAGES)
    for text, language in DATED_REPLIES:
        found = find_deferral(text, datetime(2026, 1, 5, tzinfo=UTC), language=language)
        assert found is not None and found.language == language and found.rule == "date", text
    assert bank.cache_info().currsize >= len(LANGUAGES)
