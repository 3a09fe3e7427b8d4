"""The engine on shared services: PostgreSQL (messages, events, checkpoints) and a Chroma server.

Run by ``make test-services``, which starts both on loopback; skipped without them.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest

from ipe import FeedbackLoop, IntelligentPersonalizationEngine
from ipe.domain import Lesson
from ipe.memory.database import PostgresDatabase
from ipe.memory.embeddings import HashingEmbeddings
from ipe.memory.lessons import LessonMemory
from ipe.memory.outcomes import NewEvent, OutcomeStore
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


def _rows_holding(schema: str, needles: list[bytes]) -> list[str]:
    """``table: needle`` for every row of every table in ``schema`` that holds one of them."""
    import psycopg

    found = []
    with psycopg.connect(str(DB), options=f"-c search_path={schema}") as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                (schema,),
            )
        ]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):  # noqa: S608 - our own tables
                raw = b"\x00".join(
                    v if isinstance(v, bytes) else str(v).encode() for v in row if v is not None
                )
                found += [f"{table}: {n!r}" for n in needles if n.lower() in raw.lower()]
    return found


@needs_services
def test_ipe_forget_leaves_nothing_of_the_person_on_postgres_and_a_chroma_server(
    shared: str, tmp_path: Path
) -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    prospect = {**load_example("prospects/ana-email"), "handle": "@ana.trails.4711"}
    template = load_example("template")
    tenant = f"erase-{uuid.uuid4().hex[:6]}"
    embedder = HashingEmbeddings()
    lesson = Lesson(
        id="email:outdoor:tone:casual",
        text="By email, a casual tone works",
        segment="email:outdoor",
        factor="tone",
        level="casual",
        status="confirmed",
        sends=40,
        message_ids=["m-ana-1", "m-other"],
    )

    async def run() -> None:
        engine = IntelligentPersonalizationEngine(tenant, data_dir=tmp_path)
        await engine.personalize_message(prospect, template, message_id="m-ana-1")

    asyncio.run(run())
    LessonMemory(tmp_path, tenant, embedder).upsert([lesson])
    needles = [b"Ana Souza", b"ana@example.org", b"ana.trails.4711", b"m-ana-1"]

    def in_chroma() -> list[str]:
        import chromadb

        client = chromadb.HttpClient(
            host=str(CHROMA).split("://")[1].split(":")[0], port=int(str(CHROMA).rsplit(":", 1)[1])
        )
        held = []
        for col in client.list_collections():
            if (col.metadata or {}).get("tenant") != tenant:
                continue
            got = col.get(include=["documents", "metadatas"])
            text = json.dumps([got["documents"], got["metadatas"]]).encode()
            held += [f"{col.name}: {n!r}" for n in needles if n.lower() in text.lower()]
        return held

    assert _rows_holding(shared, needles) and in_chroma()  # the check can fail
    env = {**os.environ, "IPE_LLM": "none", "IPE_DATA_DIR": str(tmp_path)}
    env.pop("OPENAI_API_KEY", None)
    gone = subprocess.run(
        [sys.executable, "-m", "ipe.graph.cli", "forget", "--email", "ana@example.org"]
        + ["--user-id", tenant, "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert gone.returncode == 0, gone.stderr
    report = json.loads(gone.stdout)
    assert report["messages"] == 1 and report["checkpoint_threads"] >= 1
    assert report["lessons_updated"] == 1
    assert _rows_holding(shared, needles) == []
    assert in_chroma() == []
