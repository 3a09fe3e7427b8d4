"""Batches: personalize_many, the results file and its resume, cancellation, ``ipe batch``."""

from __future__ import annotations

import asyncio
import csv
import json
import sqlite3
import time
from contextlib import aclosing
from pathlib import Path
from typing import Any

import pytest

from ipe import IntelligentPersonalizationEngine
from ipe.domain import InvalidInputError, StorageError
from ipe.graph import batch as batch_module
from ipe.graph.batch import ResultsFile, parse_rate, read_rows
from ipe.graph.cli import main
from ipe.memory.handles import outcome_store
from tests.fakes.models import ScriptedSlowModel

ROOT = Path(__file__).resolve().parents[2]


def rows(prospects: dict[str, Any], n: int) -> list[dict[str, Any]]:
    base = sorted(prospects.values(), key=lambda p: str(p["id"]))
    return [{**base[i % len(base)], "id": f"p{i:03d}"} for i in range(n)]


def other_tasks() -> list[asyncio.Task[Any]]:
    return [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]


def stored_messages(data_dir: str) -> list[tuple[str, str]]:
    with sqlite3.connect(Path(data_dir) / "outcomes.sqlite") as conn:
        return list(conn.execute("SELECT message_id, status FROM messages WHERE tenant = 't'"))


@pytest.fixture(autouse=True, scope="module")
def _warm(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Offline runs first: first loads (language detector, confusables) are not model time."""
    from tests.conftest import EXAMPLES, load_example

    data = str(tmp_path_factory.mktemp("warm"))
    eng = IntelligentPersonalizationEngine(user_id="w", data_dir=data, durable=False)
    for path in sorted((EXAMPLES / "prospects").glob("*.json")):
        record = json.loads(path.read_text("utf-8"))
        asyncio.run(eng.personalize_message(record, load_example("template")))


async def test_personalize_many_yields_every_row_and_bad_rows_as_errors(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine(user_id="t", data_dir=data_dir, durable=False)
    batch: list[Any] = rows(prospects, 12) + [{"id": "bad-1"}, "not a record"]
    batch.append(dict(batch[0]))  # the same prospect twice
    items = [i async for i in engine.personalize_many(batch, template, concurrency=4)]
    assert len(items) == len(batch)
    by_id: dict[str, list[Any]] = {}
    for item in items:
        by_id.setdefault(item.prospect_id, []).append(item)
    assert all(by_id[f"p{i:03d}"][0].result is not None for i in range(1, 12))
    assert "missing the required field 'name'" in str(by_id["bad-1"][0].error)
    assert by_id["row-14"][0].error
    assert sorted(bool(i.error) for i in by_id["p000"]) == [False, True]
    assert len(stored_messages(data_dir)) == 12
    line = items[0].to_json_dict()
    assert "prospect_id" in line and ("status" in line or "error" in line)


async def test_a_batch_opens_one_checkpointer(
    monkeypatch: pytest.MonkeyPatch,
    data_dir: str,
    template: dict[str, Any],
    prospects: dict[str, Any],
) -> None:
    from ipe.graph import engine as engine_module

    opened: list[str] = []
    real = engine_module.open_saver

    def counting(path: str) -> Any:
        opened.append(path)
        return real(path)

    monkeypatch.setattr(engine_module, "open_saver", counting)
    engine = IntelligentPersonalizationEngine(user_id="t", data_dir=data_dir)
    items = [i async for i in engine.personalize_many(rows(prospects, 10), template, concurrency=5)]
    assert len(opened) == 1 and all(i.result for i in items)
    with sqlite3.connect(Path(data_dir) / "checkpoints.sqlite") as conn:
        threads = {t for (t,) in conn.execute("SELECT DISTINCT thread_id FROM checkpoints")}
    assert len(threads) == 10


async def test_one_slow_row_does_not_hold_back_the_others(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    """Zebulon's drafts never come back; the other rows finish first, Zebulon's at his deadline."""
    model = ScriptedSlowModel(delay=lambda kind, prompt, n: None if "Zebulon" in prompt else 0.02)
    engine = IntelligentPersonalizationEngine(
        user_id="t", data_dir=data_dir, durable=False, llm="auto", chat_model=model, deadline_s=1.5
    )
    batch = rows(prospects, 6)
    batch[1]["name"] = "Zebulon Quist"
    slow = batch[1]["id"]
    start, order = time.monotonic(), []
    async for item in engine.personalize_many(batch, template, concurrency=2):
        order.append((item.prospect_id, time.monotonic() - start))
        assert item.result is not None and item.result.status in ("ready", "needs_review")
    assert order[-1][0] == slow, order
    assert all(t < 1.0 for pid, t in order if pid != slow), order
    assert order[-1][1] < 1.5 * 1.2
    assert model.cancelled and not other_tasks()
    assert len(stored_messages(data_dir)) == 6


async def test_stopping_a_batch_cancels_its_runs_cleanly(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    model = ScriptedSlowModel(delay=lambda kind, prompt, n: 0.02 if "Ana" in prompt else None)
    engine = IntelligentPersonalizationEngine(
        user_id="t", data_dir=data_dir, llm="auto", chat_model=model, deadline_s=30
    )
    got = []
    async with aclosing(engine.personalize_many(rows(prospects, 8), template, concurrency=3)) as it:
        async for item in it:
            got.append(item)
            break
    assert len(got) == 1
    assert not other_tasks(), "no task outlives the batch"
    assert model.cancelled, "the runs still waiting on the model were cancelled"
    stored = stored_messages(data_dir)
    assert got[0].result and got[0].result.message_id in {m for m, _ in stored}
    assert len(stored) < 8 and all(s in ("ready", "needs_review") for _, s in stored)


def test_rows_from_csv_and_jsonl(tmp_path: Path, prospects: dict[str, Any]) -> None:
    path = tmp_path / "p.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "niche", "tags", "audience_size", "preferences.tone"])
        writer.writerow(["c1", "Ana Souza", "hiking", "trail;gear", "12000", "casual"])
        writer.writerow(["", "No Id", "", "", "", ""])
    got = list(read_rows(path))
    assert got[0].record == {
        "id": "c1",
        "name": "Ana Souza",
        "niche": "hiking",
        "tags": ["trail", "gear"],
        "audience_size": "12000",
        "preferences": {"tone": "casual"},
    }
    assert got[1].prospect_id == "row-2"
    jsonl = tmp_path / "p.jsonl"
    jsonl.write_text('{"id": "a", "name": "A B"}\n\n{oops\n[1]\n', encoding="utf-8")
    ids = [(r.prospect_id, r.error is None) for r in read_rows(jsonl)]
    assert ids == [("a", True), ("line-3", False), ("line-4", False)]
    with pytest.raises(InvalidInputError):
        list(read_rows(tmp_path / "p.txt"))
    with pytest.raises(InvalidInputError):
        list(read_rows(tmp_path / "missing.jsonl"))


def test_a_cut_results_file_is_repaired_and_resumed(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text('{"prospect_id": "a", "status": "ready"}\n{"prospect_id": "b", "sta', "utf-8")
    results = ResultsFile(out)
    assert results.done == {"a"}
    results.write(batch_module.BatchItem(1, "b", error="x"))
    results.close()
    lines = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert [x["prospect_id"] for x in lines] == ["a", "b"]


def test_a_row_holding_unicode_line_separators_is_not_run_again(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    body = "line one\u2028line two\u0085line three\u2029end"
    row = json.dumps({"prospect_id": "a", "status": "ready", "body": body}, ensure_ascii=False)
    out.write_text(row + "\n", "utf-8")
    assert ResultsFile(out).done == {"a"}


def test_rates() -> None:
    assert parse_rate("120/min") == 120 and parse_rate("2/s") == 120 and parse_rate("30") == 30
    for bad in ("fast", "-1/min", "0"):
        with pytest.raises(InvalidInputError):
            parse_rate(bad)


def test_ipe_batch_resumes_after_a_cut(
    tmp_path: Path, prospects: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    src = tmp_path / "prospects.jsonl"
    batch = rows(prospects, 30)
    lines = [json.dumps(p) for p in batch] + ["{broken", json.dumps({"id": "x9"})]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "results.jsonl"
    args = ["batch", "--prospects", str(src), "--template", str(ROOT / "examples/template.json")]
    args += ["--out", str(out), "--data-dir", str(data), "--user-id", "t", "--concurrency", "4"]
    assert main(args) == 1  # finished, with the two bad rows in error
    first = out.read_text("utf-8").splitlines()
    assert len(first) == 32
    assert "batch summary" in capsys.readouterr().err
    # cut: the last 10 lines lost, the one before them half-written
    out.write_text("\n".join(first[:20]) + "\n" + first[20][:25], encoding="utf-8")
    redone_errors = any("error" in json.loads(line) for line in first[20:])
    assert main(args) == (1 if redone_errors else 0)
    final = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    ids = [x["prospect_id"] for x in final]
    assert sorted(ids) == sorted({x["prospect_id"] for x in map(json.loads, first)})
    assert len(ids) == len(set(ids)) == 32
    errors = {x["prospect_id"]: x["error"] for x in final if "error" in x}
    assert set(errors) == {"line-31", "x9"}
    assert len(stored_messages(str(data))) == 30, "a redone row updates its record"
    assert outcome_store(str(data)) is not None


def test_ipe_batch_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = str(ROOT / "examples/template.json")
    base = ["batch", "--template", template, "--data-dir", str(tmp_path / "d")]
    assert main([*base, "--prospects", str(tmp_path / "none.jsonl"), "--out", "o.jsonl"]) == 2
    src = tmp_path / "p.jsonl"
    src.write_text('{"id": "a", "name": "A B"}\n', encoding="utf-8")
    out = str(tmp_path / "o.jsonl")
    assert main([*base, "--prospects", str(src), "--out", out, "--rate-limit", "fast"]) == 2
    assert main([*base, "--prospects", str(src), "--out", out, "--concurrency", "0"]) == 2
    missing = str(tmp_path / "no" / "o.jsonl")
    assert main([*base, "--prospects", str(src), "--out", missing]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("ipe: error:") == 4


def test_a_storage_fault_stops_the_batch_with_exit_3_and_a_rerun_redoes_its_row(
    tmp_path: Path,
    prospects: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    src = tmp_path / "prospects.jsonl"
    src.write_text("\n".join(json.dumps(p) for p in rows(prospects, 12)) + "\n", "utf-8")
    out = tmp_path / "results.jsonl"
    args = ["batch", "--prospects", str(src), "--template", str(ROOT / "examples/template.json")]
    args += ["--out", str(out), "--data-dir", str(tmp_path / "d"), "--user-id", "t"]
    args += ["--concurrency", "1"]
    real = IntelligentPersonalizationEngine.personalize_message
    calls = 0

    async def full_disk(self: Any, *a: Any, **k: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls > 5:  # the disk fills up after five rows
            raise StorageError("cannot write to the data directory: No space left on device")
        return await real(self, *a, **k)

    monkeypatch.setattr(IntelligentPersonalizationEngine, "personalize_message", full_disk)
    assert main(args) == 3
    err = capsys.readouterr().err
    assert "No space left on device" in err and "batch stopped after 6 row(s)" in err
    assert "Traceback" not in err
    first = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert len(first) == 6 and first[-1]["retry"] is True and "error" in first[-1]
    monkeypatch.undo()
    assert main(args) == 0
    final = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    done = {x["prospect_id"] for x in final if "error" not in x}
    assert done == {p["id"] for p in rows(prospects, 12)}, "the failed row was run again"
    assert len(final) == 13  # the error line stays; the row's later line is its result


def test_a_missing_prospects_file_creates_no_results_file(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    args = ["batch", "--template", str(ROOT / "examples/template.json"), "--out", str(out)]
    args += ["--prospects", str(tmp_path / "none.jsonl"), "--data-dir", str(tmp_path / "d")]
    assert main(args) == 2
    assert not out.exists()
