"""The run checkpoints (``checkpoints.sqlite``): opened per run, indexed, pruned after retention.

With ``$IPE_DATABASE_URL`` set they live in PostgreSQL instead (``langgraph-checkpoint-postgres``,
one saver per process on a connection pool, its tables set up once), with the same ``ipe_runs``
index, so every worker of a deployment checkpoints to the same place.

Each durable run opens its own ``AsyncSqliteSaver`` on a connection in WAL mode with a busy
timeout (the process keeps one idle connection to the file, so closing a run's connection does
not checkpoint the write-ahead log each time), and notes its thread in ``ipe_runs`` (tenant,
message id, prospect id, start time), so old runs can be pruned (``prune_due``: at most every few
minutes per process, runs older than the retention period) and a person's runs can be found
without reading any checkpoint blob.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiosqlite
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from ipe.memory.database import schema_options
from ipe.memory.storage import BUSY_TIMEOUT_S, ensure_database
from ipe.settings import current

FILE_NAME = "checkpoints.sqlite"
TABLES = frozenset({"checkpoints", "writes", "ipe_runs"})
PRUNE_EVERY_S = 600.0
"""How often (seconds, per process and file) ``prune_due`` looks for runs past retention."""

_RUNS_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS ipe_runs (thread_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, "
    "message_id TEXT NOT NULL, prospect_id TEXT NOT NULL, created_at TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ipe_runs_by_age ON ipe_runs (created_at)",
    "CREATE INDEX IF NOT EXISTS ipe_runs_by_prospect ON ipe_runs (tenant, prospect_id)",
)
_SERDE_MODULES = [
    ("ipe.domain", name)
    for name in (
        "Prospect",
        "Template",
        "Fact",
        "ExcludedSpan",
        "ProfileAnalysis",
        "PersonalizationStrategy",
        "VariationPlan",
        "MessageVariation",
        "Finding",
        "Lesson",
        "RecentContent",
        "Interaction",
        "Preferences",
        "Sender",
        "Offer",
        "Relationship",
    )
] + [
    ("ipe.graph.state", name)
    for name in ("RetrievedContext", "HistoryItem", "DraftTask", "StepSpan")
]
_pruned_at: dict[str, float] = {}
KEEP_OPEN = 8
"""Checkpoint files a process holds one idle connection to (the most recently opened)."""
_kept: OrderedDict[tuple[str, int], sqlite3.Connection] = OrderedDict()
_kept_lock = threading.Lock()
_GREGORIAN = datetime(1582, 10, 15, tzinfo=UTC)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def checkpoint_path(data_dir: str) -> Path:
    """Where ``data_dir`` keeps its checkpoints."""
    return Path(data_dir) / FILE_NAME


@asynccontextmanager
async def open_saver(data_dir: str) -> AsyncIterator[Any]:
    """A checkpointer for one run: ``data_dir``'s checkpoint file, or PostgreSQL when configured.

    Raises:
        StorageError: The file is empty, not SQLite or another program's database.
    """
    url = database_url()
    if url:
        yield await _postgres_saver(url)
        return
    path = checkpoint_path(data_dir)
    await asyncio.to_thread(_prepare, path)
    async with aiosqlite.connect(str(path), timeout=BUSY_TIMEOUT_S) as conn:
        await conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        await conn.execute("PRAGMA synchronous=NORMAL")
        saver = AsyncSqliteSaver(conn, serde=_serde())
        await saver.setup()  # WAL mode and LangGraph's tables
        yield saver


def _prepare(path: Path) -> None:
    """Check (or create) the checkpoint file, then hold one idle connection to it.

    SQLite checkpoints the write-ahead log into the database, with its fsyncs, when the last
    connection to the file closes; each run's own connection was that last one, so every durable
    run paid for a checkpoint as it ended (1-10 ms, more on a busy disk). The idle connection
    kept here (per process, for the ``KEEP_OPEN`` files opened last) keeps the log open between
    runs, so it is checkpointed as SQLite usually does it: every 1,000 pages, at once by erasure
    (``wal_checkpoint(TRUNCATE)``) and when the process ends. It holds no transaction.

    Raises:
        StorageError: The file is empty, not SQLite or another program's database.
    """
    ensure_database(path, tables=TABLES, what="checkpoint file")
    try:
        key = (str(path.resolve()), path.stat().st_ino)
        with _kept_lock:
            if key in _kept:
                _kept.move_to_end(key)
                return
            conn = sqlite3.connect(key[0], timeout=BUSY_TIMEOUT_S, check_same_thread=False)
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchall()  # opens the log
            except sqlite3.Error:
                conn.close()
                raise
            _kept[key] = conn
            while len(_kept) > KEEP_OPEN:
                _kept.popitem(last=False)[1].close()
    except (OSError, sqlite3.Error):
        return  # only a saving: the run's own connection reports what is wrong with the file


def _serde() -> JsonPlusSerializer:
    return JsonPlusSerializer(allowed_msgpack_modules=_SERDE_MODULES)


def database_url() -> str | None:
    """``$IPE_DATABASE_URL`` when the deployment keeps its data in PostgreSQL."""
    return current().database


_pg_savers: dict[tuple[str, str | None, int], Any] = {}


async def _postgres_saver(url: str) -> Any:
    """One ``AsyncPostgresSaver`` per URL and event loop, on a pool; tables set up once."""
    from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
    from psycopg.rows import dict_row
    from psycopg_pool import AsyncConnectionPool

    schema = current().database_schema
    key = (url, schema, id(asyncio.get_running_loop()))
    if key not in _pg_savers:
        options = await asyncio.to_thread(schema_options, url, schema)
        pool = AsyncConnectionPool(
            url,
            min_size=1,
            max_size=8,
            kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row, **options},
            open=False,
        )
        await pool.open(wait=True, timeout=30.0)
        saver = AsyncPostgresSaver(pool, serde=_serde())  # type: ignore[arg-type]
        await saver.setup()
        async with pool.connection() as conn:
            for statement in _RUNS_SCHEMA:
                await conn.execute(statement)
        _pg_savers[key] = saver
    return _pg_savers[key]


async def note_run(
    saver: Any, thread_id: str, *, tenant: str, message_id: str, prospect_id: str
) -> None:
    """Index a run's thread so retention and erasure find it without reading checkpoints."""
    row = (thread_id, tenant, message_id, prospect_id, _now().isoformat(timespec="seconds"))
    if not isinstance(saver, AsyncSqliteSaver):
        async with saver.conn.connection() as conn:
            await conn.execute(
                "INSERT INTO ipe_runs VALUES (%s, %s, %s, %s, %s) ON CONFLICT (thread_id) "
                "DO UPDATE SET created_at = EXCLUDED.created_at",
                row,
            )
        return
    async with saver.lock:
        for statement in _RUNS_SCHEMA:
            await saver.conn.execute(statement)
        await saver.conn.execute("INSERT OR REPLACE INTO ipe_runs VALUES (?, ?, ?, ?, ?)", row)
        await saver.conn.commit()


async def runs_of(
    saver: AsyncSqliteSaver, tenant: str, message_id: str | None = None
) -> list[tuple[str, str]]:
    """``(thread_id, message_id)`` of a tenant's indexed runs (of one message), newest first."""
    async with saver.lock:
        for statement in _RUNS_SCHEMA:
            await saver.conn.execute(statement)
        sql = "SELECT thread_id, message_id FROM ipe_runs WHERE tenant = ?"
        params: tuple[str, ...] = (tenant,)
        if message_id is not None:
            sql, params = sql + " AND message_id = ?", (tenant, message_id)
        async with saver.conn.execute(sql + " ORDER BY created_at DESC", params) as cursor:
            rows = await cursor.fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]


async def forget_run(saver: Any, thread_id: str) -> None:
    """Delete one run's checkpoints, pending writes and index entry."""
    await saver.adelete_thread(thread_id)
    if not isinstance(saver, AsyncSqliteSaver):
        async with saver.conn.connection() as conn:
            await conn.execute("DELETE FROM ipe_runs WHERE thread_id = %s", (thread_id,))
        return
    async with saver.lock:
        await saver.conn.execute("DELETE FROM ipe_runs WHERE thread_id = ?", (thread_id,))
        await saver.conn.commit()


def _prune_postgres(url: str, retention_days: float, now: datetime | None) -> int:
    import psycopg

    cutoff = ((now or _now()) - timedelta(days=retention_days)).isoformat(timespec="seconds")
    options = schema_options(url, current().database_schema).get("options", "")
    with psycopg.connect(url, autocommit=True, options=options) as conn, conn.transaction():
        old = [
            str(r[0])
            for r in conn.execute(
                "SELECT thread_id FROM ipe_runs WHERE created_at < %s", (cutoff,)
            ).fetchall()
        ]
        for table in ("checkpoints", "checkpoint_blobs", "checkpoint_writes", "ipe_runs"):
            conn.execute(f"DELETE FROM {table} WHERE thread_id = ANY(%s)", (old,))
    return len(old)


def prune(data_dir: str, retention_days: float, *, now: datetime | None = None) -> int:
    """Delete the runs that started more than ``retention_days`` ago; return how many.

    Runs recorded before the index existed are indexed first, dated by their first checkpoint
    id (LangGraph's ids are time-ordered uuid6).
    """
    url = database_url()
    if url and retention_days > 0:
        return _prune_postgres(url, retention_days, now)
    path = checkpoint_path(data_dir)
    if retention_days <= 0 or not path.exists() or path.stat().st_size == 0:
        return 0
    cutoff = ((now or _now()) - timedelta(days=retention_days)).isoformat(timespec="seconds")
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "checkpoints" not in names:
            return 0
        for statement in _RUNS_SCHEMA:
            conn.execute(statement)
        _index_legacy(conn)
        old = [
            str(r[0])
            for r in conn.execute("SELECT thread_id FROM ipe_runs WHERE created_at < ?", (cutoff,))
        ]
        if not old:
            return 0
        conn.execute("BEGIN IMMEDIATE")
        for i in range(0, len(old), 500):
            chunk = old[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for table in ("checkpoints", "writes", "ipe_runs"):
                conn.execute(f"DELETE FROM {table} WHERE thread_id IN ({marks})", chunk)
        conn.execute("COMMIT")
        return len(old)
    finally:
        conn.close()


def _index_legacy(conn: sqlite3.Connection) -> None:
    """Add an ``ipe_runs`` row for every checkpointed thread that has none."""
    rows = conn.execute(
        "SELECT thread_id, MIN(checkpoint_id) FROM checkpoints WHERE thread_id NOT IN "
        "(SELECT thread_id FROM ipe_runs) GROUP BY thread_id"
    ).fetchall()
    if rows:
        conn.executemany(
            "INSERT OR IGNORE INTO ipe_runs VALUES (?, ?, ?, '', ?)",
            [
                (str(t), *(str(t).split(":", 2) + ["", ""])[:2], _uuid6_time(str(c)))
                for t, c in rows
            ],
        )


def _uuid6_time(checkpoint_id: str) -> str:
    """The creation time of a uuid6 checkpoint id (ISO 8601; the epoch when unreadable)."""
    try:
        value = uuid.UUID(checkpoint_id)
    except ValueError:
        return _EPOCH.isoformat(timespec="seconds")
    if value.version != 6:
        return _EPOCH.isoformat(timespec="seconds")
    i = value.int
    ticks = (((i >> 96) & 0xFFFFFFFF) << 28) | (((i >> 80) & 0xFFFF) << 12) | ((i >> 64) & 0xFFF)
    return (_GREGORIAN + timedelta(microseconds=ticks // 10)).isoformat(timespec="seconds")


def prune_due(data_dir: str, retention_days: float) -> int:
    """``prune`` at most every ``PRUNE_EVERY_S`` per process and data directory (cheap per run)."""
    key, now = str(Path(data_dir).resolve()), time.monotonic()
    last = _pruned_at.get(key)
    if last is not None and now - last < PRUNE_EVERY_S:
        return 0
    _pruned_at[key] = now
    return prune(data_dir, retention_days)


def _now() -> datetime:
    return datetime.now(UTC)
