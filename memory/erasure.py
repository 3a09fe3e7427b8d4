"""Erasing a person from a data directory: messages, events, edits, lessons' evidence, checkpoints.

``forget_person`` is what ``ipe forget`` and ``FeedbackLoop.forget`` run. The suppression entry
stays, as hashes only (``OutcomeStore.forget``), so an erased person is still never contacted but
can no longer be read back. Run checkpoints (``checkpoints.sqlite``, thread ids
``tenant:message_id:run``, indexed in ``ipe_runs``) are deleted for the person's messages and for
any run of their record ids (a run that failed before it was recorded), with SQLite's
``secure_delete`` so the bytes are overwritten, and the write-ahead log truncated.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ipe.memory.handles import outcome_store
from ipe.memory.lessons import forget_evidence
from ipe.memory.people import Person, normalise_id


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
    path: Path, tenant: str, message_ids: tuple[str, ...], record_ids: tuple[str, ...]
) -> int:
    """Delete the checkpoint threads of these messages and record ids; return how many threads."""
    if not path.exists():
        return 0
    conn = sqlite3.connect(str(path), timeout=30.0)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "checkpoints" not in tables:
            return 0
        prefixes = {f"{tenant}:{m}:" for m in message_ids}
        ids = set(record_ids)
        threads: set[str] = set()
        for thread_id, metadata in conn.execute("SELECT thread_id, metadata FROM checkpoints"):
            thread = str(thread_id)
            if not thread.startswith(f"{tenant}:"):
                continue
            if any(thread.startswith(prefix) for prefix in prefixes) or _run_of(metadata, ids):
                threads.add(thread)
        if "ipe_runs" in tables:  # the run index (``ipe.memory.checkpoints``) knows every run
            for thread_id, message_id, prospect_id in conn.execute(
                "SELECT thread_id, message_id, prospect_id FROM ipe_runs WHERE tenant = ?",
                (tenant,),
            ):
                if message_id in message_ids or normalise_id(prospect_id) in ids:
                    threads.add(str(thread_id))
        conn.execute("PRAGMA secure_delete = ON")
        with conn:
            for thread in sorted(threads):
                for table in ("checkpoints", "writes", "ipe_runs"):
                    if table in tables:
                        conn.execute(f"DELETE FROM {table} WHERE thread_id = ?", (thread,))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return len(threads)
    finally:
        conn.close()


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
    threads = forget_checkpoints(
        Path(data_dir) / "checkpoints.sqlite", tenant, erasure.message_ids, erasure.record_ids
    )
    return ForgetReport(
        messages=len(erasure.message_ids),
        events=erasure.events,
        edits=erasure.edits,
        lessons_updated=lessons,
        checkpoint_threads=threads,
        suppression_keys_kept=erasure.suppressions_kept,
    )
