"""Shared fixtures: example inputs, a private data directory per test, offline settings."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ipe.memory.embeddings import HashingEmbeddings
from ipe.memory.outcomes import OutcomeStore
from ipe.tools.learning.replies import classify_reply

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def load_example(name: str) -> dict[str, Any]:
    """Load ``examples/<name>.json``."""
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def server_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Start a test server on 127.0.0.1 (its own port) and point the OpenAI client at it."""
    from tests.fakes.openai_server import FakeOpenAIServer

    servers: list[FakeOpenAIServer] = []

    def start(**options: Any) -> FakeOpenAIServer:
        server = FakeOpenAIServer(**options)
        monkeypatch.setenv("OPENAI_BASE_URL", server.start())
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
        monkeypatch.setenv("IPE_LLM", "auto")
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("IPE_LLM", "none")
    monkeypatch.setenv("LANGSMITH_TRACING", "false")
    monkeypatch.setenv("LANGSMITH_TEST_TRACKING", "false")


@pytest.fixture
def data_dir(tmp_path: Path) -> str:
    return str(tmp_path / "data")


@pytest.fixture
def template() -> dict[str, Any]:
    return load_example("template")


@pytest.fixture
def prospects() -> dict[str, dict[str, Any]]:
    return {
        p.stem: json.loads(p.read_text("utf-8")) for p in (EXAMPLES / "prospects").glob("*.json")
    }


@pytest.fixture
def embedder() -> HashingEmbeddings:
    return HashingEmbeddings()


StoreFactory = Callable[..., OutcomeStore]


def _reset_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 't\\_%'"
        ).fetchall()
        for (schema,) in rows:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.services)],
)
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    """Open outcome stores on the backend under test: the same behaviour tests run on both.

    ``open_store("name")`` opens the store called ``name`` (the same name: the same store, as two
    handles on one file or two workers on one database). PostgreSQL runs only when
    ``IPE_TEST_DATABASE_URL`` points at a server (``make test-services`` starts one).
    """
    opened: list[OutcomeStore] = []
    if request.param == "postgres":
        url = os.environ.get("IPE_TEST_DATABASE_URL")
        if not url:
            pytest.skip("no PostgreSQL (run make test-services)")
        from ipe.memory.database import PostgresDatabase

        _reset_postgres(url)

        def factory(name: str = "outcomes") -> OutcomeStore:
            database = PostgresDatabase(url, schema=f"t_{name}", max_size=4)
            store = OutcomeStore(database=database, classify_reply=classify_reply)
            opened.append(store)
            return store
    else:

        def factory(name: str = "outcomes") -> OutcomeStore:
            store = OutcomeStore(tmp_path / f"{name}.sqlite", classify_reply=classify_reply)
            opened.append(store)
            return store

    yield factory
    for store in opened:
        store.close()
