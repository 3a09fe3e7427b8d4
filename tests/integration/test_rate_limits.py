"""Under a provider's rate limit: a batch waits 429s out, paces itself, and never silently degrades.

Against the repository's OpenAI-compatible test server (``tests/fakes/openai_server.py``): a 429
with ``Retry-After`` inside a batch is queue time (the row is still drafted on the model), a
metered server with the same limits configured sees no 429 at all, and an outage gives rows
``deferred`` (re-run by a resumed batch) or, when asked, offline compositions that say so.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest

from ipe import IntelligentPersonalizationEngine
from ipe.graph.batch import run_file
from ipe.tools.provider import pacing
from tests.fakes.openai_server import FakeOpenAIServer


def rows(prospects: dict[str, Any], n: int) -> list[dict[str, Any]]:
    base = sorted(prospects.values(), key=lambda p: str(p["id"]))
    return [{**base[i % len(base)], "id": f"p{i:03d}"} for i in range(n)]


@pytest.fixture(autouse=True, scope="module")
def _warm(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Offline runs first: first loads (language detector, confusables) are not model time."""
    from tests.conftest import EXAMPLES, load_example

    data = str(tmp_path_factory.mktemp("warm"))
    eng = IntelligentPersonalizationEngine(user_id="w", data_dir=data, durable=False, llm="none")
    for path in sorted((EXAMPLES / "prospects").glob("*.json")):
        record = json.loads(path.read_text("utf-8"))
        asyncio.run(eng.personalize_message(record, load_example("template")))


def engine(data_dir: str, **options: Any) -> IntelligentPersonalizationEngine:
    return IntelligentPersonalizationEngine(user_id="t", data_dir=data_dir, **options)


async def metered_batch(
    server_env: Any,
    data_dir: str,
    template: dict[str, Any],
    prospects: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    rpm: float | None,
) -> tuple[FakeOpenAIServer, list[Any]]:
    """8 rows against a server metering 4 requests a 2-second window (the pacer's window too).

    ``rpm``: the limit configured on our side (None: only what the server's headers say).
    Returns the server and the results, every one with a message drafted on the model.
    """
    monkeypatch.setattr(pacing, "WINDOW_S", 2.0)
    srv = server_env(delay=0.02, rpm=4, window=2.0)
    eng = engine(data_dir, model_rpm=rpm, fallback="defer", durable=False)
    items = [i async for i in eng.personalize_many(rows(prospects, 8), template, concurrency=8)]
    drafted = [i.result for i in items if i.result is not None and i.result.source is not None]
    assert len(drafted) >= 6 and all(r.source == "model" for r in drafted)
    return srv, drafted


async def test_a_429_in_a_batch_is_waited_out_and_the_row_is_drafted_on_the_model(
    server_env: Any, data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    """Retry-After 4 s against a 3 s deadline: alone it would fall back, in a batch it waits."""
    srv = server_env(delay=0.02, rate_limited=2, retry_after=4)
    eng = engine(data_dir, deadline_s=3.0, fallback="defer", durable=False)
    start = time.monotonic()
    items = [i async for i in eng.personalize_many(rows(prospects, 2), template, concurrency=2)]
    assert time.monotonic() - start >= 4
    assert srv.stats.rate_limited == 2
    for item in items:
        assert item.result is not None, item.error
        assert item.result.source == "model", item.result.reasons
        assert item.result.status in ("ready", "needs_review") and not item.retry


async def test_a_paced_batch_stays_under_a_metered_server_without_a_429(
    server_env: Any,
    data_dir: str,
    template: dict[str, Any],
    prospects: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """4 requests a 2-second "minute" on both sides: 8 rows go 4 at once, then 2 a second."""
    start = time.monotonic()
    srv, drafted = await metered_batch(server_env, data_dir, template, prospects, monkeypatch, 4)
    took = time.monotonic() - start
    assert srv.stats.rate_limited == 0
    assert srv.stats.calls == len(drafted)  # one call a message: research had nothing to find
    assert took >= 1.5  # paced: 4 in the first instant, the other 4 as the bucket refills


async def test_an_unpaced_batch_learns_the_limit_and_waits_its_429s_out(
    server_env: Any,
    data_dir: str,
    template: dict[str, Any],
    prospects: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    srv, _ = await metered_batch(server_env, data_dir, template, prospects, monkeypatch, None)
    assert srv.stats.rate_limited > 0  # the first burst met the limit, and no row was lost
    key = next(k for k in pacing._PACERS if str(srv.port) in k)
    assert pacing.pacer_for(key).rpm == 4  # learned from x-ratelimit-limit-requests


async def test_an_outage_defers_the_rows_and_a_resumed_batch_drafts_them_on_the_model(
    server_env: Any,
    data_dir: str,
    template: dict[str, Any],
    prospects: dict[str, Any],
    tmp_path: Path,
) -> None:
    srv = server_env(down=True)
    prospects_file = tmp_path / "prospects.jsonl"
    prospects_file.write_text("".join(json.dumps(r) + "\n" for r in rows(prospects, 3)))
    out = tmp_path / "results.jsonl"
    eng = engine(data_dir, deadline_s=2.0, fallback="defer")

    summary = await run_file(eng, prospects=prospects_file, template=template, out=out)
    assert summary.statuses == {"deferred": 3} and summary.sources == {"deferred": 3}
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert all(line["status"] == "deferred" and line["retry"] for line in lines)
    assert all(
        any("deferred: the model could not be used" in r for r in ln["reasons"]) for ln in lines
    )
    assert not eng_messages(data_dir), "a deferred row records nothing"

    srv.down = False  # the provider is back: the same command resumes the deferred rows
    summary = await run_file(eng, prospects=prospects_file, template=template, out=out)
    assert summary.sources == {"model": 3} and summary.skipped == 0
    last = {ln["prospect_id"]: ln for ln in map(json.loads, out.read_text().splitlines())}
    assert {ln["source"] for ln in last.values()} == {"model"}
    assert len(eng_messages(data_dir)) == 3


async def test_falling_back_offline_is_a_choice_and_every_such_row_says_so(
    server_env: Any,
    data_dir: str,
    template: dict[str, Any],
    prospects: dict[str, Any],
    tmp_path: Path,
) -> None:
    server_env(down=True)
    prospects_file = tmp_path / "prospects.jsonl"
    prospects_file.write_text("".join(json.dumps(r) + "\n" for r in rows(prospects, 2)))
    out = tmp_path / "results.jsonl"
    eng = engine(data_dir, deadline_s=2.0, fallback="offline")
    summary = await run_file(eng, prospects=prospects_file, template=template, out=out)
    assert summary.sources == {"offline_fallback": 2}
    for line in map(json.loads, out.read_text().splitlines()):
        assert line["source"] == "offline_fallback" and line["status"] != "deferred"
        assert any("composed offline: model unusable" in r for r in line["reasons"])


def eng_messages(data_dir: str) -> list[Any]:
    import sqlite3

    path = Path(data_dir) / "outcomes.sqlite"
    if not path.exists():
        return []
    with sqlite3.connect(path) as conn:
        return list(conn.execute("SELECT message_id FROM messages WHERE tenant = 't'"))


def test_the_batch_command_takes_the_pacing_options() -> None:
    from ipe.graph.cli import build_parser

    args = build_parser().parse_args(
        ["batch", "--prospects", "p.jsonl", "--template", "t.json", "--out", "o.jsonl"]
        + ["--rpm", "300", "--tpm", "200000", "--budget", "600", "--fallback", "offline"]
    )
    assert (args.rpm, args.tpm, args.budget, args.fallback) == (300, 200000, 600, "offline")
    default = build_parser().parse_args(
        ["batch", "--prospects", "p", "--template", "t", "--out", "o"]
    )
    assert default.fallback == "defer"
