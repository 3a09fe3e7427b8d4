"""The engine on shared services: PostgreSQL (messages, events, checkpoints) and a Chroma server.

Run by ``make test-services``, which starts both on loopback; skipped without them.
"""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest

from ipe import FeedbackLoop, IntelligentPersonalizationEngine
from ipe.graph.domain import Lesson
from ipe.memory.database import PostgresDatabase
from ipe.memory.lessons import LessonMemory
from ipe.memory.outcomes import NewEvent, OutcomeStore
from ipe.tools.learning.embeddings import HashingEmbeddings
from tests.conftest import load_example

pytestmark = pytest.mark.services

DB = os.environ.get("IPE_TEST_DATABASE_URL")
CHROMA = os.environ.get("IPE_TEST_CHROMA_URL")
needs_services = pytest.mark.skipif(
    not (DB and CHROMA), reason="no PostgreSQL / Chroma server (run make test-services)"
)


@pytest.fixture
def shared(monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the engine at the services, in a schema of its own; return the schema."""
    assert DB and CHROMA
    schema = f"t_{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("IPE_DATABASE_URL", DB)
    monkeypatch.setenv("IPE_DATABASE_SCHEMA", schema)
    monkeypatch.setenv("IPE_CHROMA_URL", CHROMA)
    return schema


@needs_services
def test_engine_runs_end_to_end_on_postgres_and_a_chroma_server(
    shared: str, tmp_path: Path
) -> None:
    prospect, template = load_example("prospects/ana-email"), load_example("template")
    tenant = f"acme-{uuid.uuid4().hex[:6]}"

    async def go() -> Any:
        engine = IntelligentPersonalizationEngine(tenant, data_dir=tmp_path / "w1")
        result = await engine.personalize_message(prospect, template, message_id="m1")
        loop = FeedbackLoop(tenant, data_dir=tmp_path / "w2")  # another worker, same services
        await loop.update_model("m1", {"event": "unsubscribed", "event_id": "u1"})
        again = await engine.personalize_message(prospect, template, message_id="m2")
        return result, again

    first, second = asyncio.run(go())
    assert first.status in ("ready", "needs_review")
    assert second.status == "blocked"  # the suppression is seen by every worker at once
    assert not (tmp_path / "w1" / "outcomes.sqlite").exists()  # nothing went to a local file
    assert not (tmp_path / "w1" / "checkpoints.sqlite").exists()
    store = OutcomeStore(database=PostgresDatabase(str(DB), schema=shared))
    try:
        assert store.get_message(tenant, "m1") is not None
        assert store.events_count(tenant) == 1
    finally:
        store.close()
    import psycopg

    with psycopg.connect(str(DB), options=f"-c search_path={shared}") as conn:
        threads = [r[0] for r in conn.execute("SELECT DISTINCT thread_id FROM checkpoints")]
    assert any(t.startswith(f"{tenant}:m1:") for t in threads)


@needs_services
def test_concurrent_workers_count_every_event_once(shared: str) -> None:
    stores = [OutcomeStore(database=PostgresDatabase(str(DB), schema=shared)) for _ in range(4)]
    from tests.unit.test_outcomes import _message

    for i in range(200):
        stores[0].record_message(_message(f"m{i}", arm=("casual", "bio", "reply")))
    events = [
        NewEvent(f"m{i % 200}", f"e{i}", "replied", "interested" if i % 3 else "not_interested")
        for i in range(600)
    ]
    errors: list[BaseException] = []

    def worker(k: int) -> None:
        try:  # every worker posts every event: each must count exactly once
            for event in events[k::2] + events:
                stores[k].add_events("t1", [event])
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert not errors
        assert stores[1].events_count("t1") == 600
        assert stores[2].arm_stats("t1") == stores[3].recompute_arm_stats("t1")
    finally:
        for store in stores:
            store.close()


@needs_services
def test_two_workers_distilling_the_same_lesson_make_one_entry(shared: str, tmp_path: Path) -> None:
    tenant = f"lessons-{uuid.uuid4().hex[:6]}"
    embedder = HashingEmbeddings()
    a = LessonMemory(tmp_path / "a", tenant, embedder)
    b = LessonMemory(tmp_path / "b", tenant, embedder)
    lesson = Lesson(
        id="email:general:tone:casual",
        text="By email, a casual tone works",
        segment="email:general",
        factor="tone",
        level="casual",
        status="confirmed",
        sends=80,
    )
    barrier = threading.Barrier(2)

    def upsert(memory: LessonMemory, sends: int) -> None:
        barrier.wait()
        memory.upsert([lesson.model_copy(update={"sends": sends})])

    threads = [threading.Thread(target=upsert, args=(m, s)) for m, s in ((a, 80), (b, 81))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    found = b.search("casual tone email", k=10)
    assert [x.id for x in found].count(lesson.id) == 1
    assert not (tmp_path / "a" / "chroma").exists()  # the server holds them, not a directory
