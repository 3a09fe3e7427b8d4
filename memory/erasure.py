"""Erasing a person from a data directory: messages, events, edits, lessons' evidence, checkpoints.

``forget_person`` is what ``ipe forget`` and ``FeedbackLoop.forget`` run. The suppression entry
stays, as hashes only (``OutcomeStore.forget``), so an erased person is still never contacted but
can no longer be read back. Run checkpoints (``checkpoints.sqlite``, or PostgreSQL with
``$IPE_DATABASE_URL``; thread ids ``tenant:message_id:run``, indexed in ``ipe_runs``) are deleted
through the checkpointer's own ``adelete_thread`` for the person's messages and for any run of
their record ids (a run that failed before it was recorded); on SQLite with ``secure_delete`` so
the bytes are overwritten, and the write-ahead log truncated. Lessons' evidence is erased in the
tenant's Chroma memory, embedded or on a server (``$IPE_CHROMA_URL``).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from ipe.memory.checkpoints import checkpoint_path, database_url, forget_run
from ipe.memory.database import schema_options
from ipe.memory.handles import outcome_store
from ipe.memory.lessons import forget_evidence
from ipe.memory.people import Person, normalise_id
from ipe.settings import current


@dataclass(frozen=True)
class ForgetReport:
    """What was erased for one person."""

    messages: int
    events: int
    edits: int
    lessons_updated: int
    checkpoint_threads: int
    suppression_keys_kept: int
    """Suppression keys kept as hashes (the person stays suppressed, unreadably)."""


def forget_checkpoints(
    data_dir: str, tenant: str, message_ids: tuple[str, ...], record_ids: tuple[str, ...]
) -> int:
    """Delete the checkpoint threads of these messages and record ids; return how many threads.

    On either backend (the data directory's ``checkpoints.sqlite``, or PostgreSQL when
    ``$IPE_DATABASE_URL`` is set) the threads are found in the run index and in the checkpoints'
    run metadata, then deleted through the checkpointer's own ``adelete_thread`` (checkpoints,
    their blobs and pending writes) with their index entries.
    """
    url = database_url()
    if url:
        return asyncio.run(_forget_postgres(url, tenant, message_ids, set(record_ids)))
    path = checkpoint_path(data_dir)
    if not path.exists():
        return 0
    return asyncio.run(_forget_sqlite(path, tenant, message_ids, set(record_ids)))


def _wanted(
    thread: str, tenant: str, message_ids: tuple[str, ...], metadata: object, ids: set[str]
) -> bool:
    if not thread.startswith(f"{tenant}:"):
        return False
    prefixes = tuple(f"{tenant}:{m}:" for m in message_ids)
    return (bool(prefixes) and thread.startswith(prefixes)) or _run_of(metadata, ids)


async def _forget_sqlite(
    path: Path, tenant: str, message_ids: tuple[str, ...], record_ids: set[str]
) -> int:
    async with aiosqlite.connect(str(path), timeout=30.0) as conn:
        async with conn.execute("SELECT name FROM sqlite_master WHERE type='table'") as cursor:
            tables = {str(r[0]) for r in await cursor.fetchall()}
        if "checkpoints" not in tables:
            return 0
        threads: set[str] = set()
        async with conn.execute("SELECT thread_id, metadata FROM checkpoints") as cursor:
            async for thread_id, metadata in cursor:
                if _wanted(str(thread_id), tenant, message_ids, metadata, record_ids):
                    threads.add(str(thread_id))
        if "ipe_runs" in tables:  # the run index (``ipe.memory.checkpoints``) knows every run
            sql = "SELECT thread_id, message_id, prospect_id FROM ipe_runs WHERE tenant = ?"
            async with conn.execute(sql, (tenant,)) as cursor:
                async for thread_id, message_id, prospect_id in cursor:
                    if message_id in message_ids or normalise_id(prospect_id) in record_ids:
                        threads.add(str(thread_id))
        await conn.execute("PRAGMA secure_delete = ON")  # the deleted bytes are overwritten
        saver = AsyncSqliteSaver(conn)
        for thread in sorted(threads):
            if "ipe_runs" in tables:
                await forget_run(saver, thread)
            else:
                await saver.adelete_thread(thread)
        await conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return len(threads)


async def _forget_postgres(
    url: str, tenant: str, message_ids: tuple[str, ...], record_ids: set[str]
) -> int:
    from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
    from psycopg import AsyncConnection
    from psycopg.rows import dict_row

    schema = current().database_schema
    options: dict[str, Any] = await asyncio.to_thread(schema_options, url, schema)
    conn = await AsyncConnection.connect(
        url, autocommit=True, prepare_threshold=0, row_factory=dict_row, **options
    )
    async with conn:
        saver = AsyncPostgresSaver(conn)
        await saver.setup()
        threads: set[str] = set()
        rows = await conn.execute(
            "SELECT DISTINCT thread_id, metadata::text AS metadata FROM checkpoints "
            "WHERE thread_id LIKE %s",
            (f"{tenant}:%",),
        )
        for row in await rows.fetchall():
            if _wanted(str(row["thread_id"]), tenant, message_ids, row["metadata"], record_ids):
                threads.add(str(row["thread_id"]))
        found = await conn.execute("SELECT to_regclass('ipe_runs') IS NOT NULL AS present")
        present = await found.fetchone()
        if present and present["present"]:
            rows = await conn.execute(
                "SELECT thread_id, message_id, prospect_id FROM ipe_runs WHERE tenant = %s",
                (tenant,),
            )
            for row in await rows.fetchall():
                if row["message_id"] in message_ids or (
                    normalise_id(row["prospect_id"]) in record_ids
                ):
                    threads.add(str(row["thread_id"]))
        for thread in sorted(threads):
            await saver.adelete_thread(thread)
            if present and present["present"]:
                await conn.execute("DELETE FROM ipe_runs WHERE thread_id = %s", (thread,))
    return len(threads)


def _run_of(metadata: object, record_ids: set[str]) -> bool:
    """True when a checkpoint's run metadata names one of these record ids."""
    if not record_ids or not isinstance(metadata, bytes | str):
        return False
    try:
        data = json.loads(metadata)
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(data, dict) and normalise_id(data.get("prospect_id")) in record_ids


def forget_person(data_dir: str, tenant: str, person: Person) -> ForgetReport:
    """Erase ``person`` from the tenant's data in ``data_dir`` (see the module docstring)."""
    erasure = outcome_store(data_dir).forget(tenant, person)
    lessons = forget_evidence(data_dir, tenant, set(erasure.message_ids))
    threads = forget_checkpoints(data_dir, tenant, erasure.message_ids, erasure.record_ids)
    return ForgetReport(
        messages=len(erasure.message_ids),
        events=erasure.events,
        edits=erasure.edits,
        lessons_updated=lessons,
        checkpoint_threads=threads,
        suppression_keys_kept=erasure.suppressions_kept,
    )
