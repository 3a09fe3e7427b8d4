"""Erasing a person's rows from the outcome store (``OutcomeStore.forget``).

The person is every message that shares a key with them, transitively; their messages, events,
edits, keys and logged propensities are deleted in one unit of work, their sends leave the
aggregates, and their suppression entry stays as hashes only. ``memory/erasure.py`` erases the
rest of a data directory (lessons' evidence, run checkpoints) with what this returns.
"""

from __future__ import annotations

from ipe.domain import InvalidInputError
from ipe.memory.aggregates import contribution
from ipe.memory.database import Connection
from ipe.memory.people import Person, key_hash
from ipe.memory.records import Erasure
from ipe.memory.unit import StoreUnit


class Purge:
    """The store's part of erasing a person."""

    def __init__(self, unit: StoreUnit) -> None:
        """Write through ``unit``."""
        self.unit = unit

    def forget(self, tenant: str, person: Person) -> Erasure:
        """Erase a person: their messages, events, edits and message keys, in one unit of work.

        The person is every message that shares a key with ``person``, and every message that
        shares a key with those (the same address under another record id is the same person).
        Their sends leave the aggregates (the model forgets them). Their suppression entry stays,
        as hashes only: the readable labels are removed, so the person is still never contacted
        again but can no longer be read back. Deleted rows are overwritten (``secure_delete``)
        and the write-ahead log is truncated afterwards.

        Returns what was erased; ``message_ids`` lets the caller erase the lessons' evidence and
        the run checkpoints of those messages.
        """
        hashes = {key_hash(tenant, k) for k in person.keys}
        if not hashes:
            raise InvalidInputError("name the person: an e-mail address, a prospect id or a handle")
        with self.unit.db.erasing(), self.unit.write() as conn:
            messages: set[str] = set()
            frontier = set(hashes)
            while frontier:  # messages of these keys, then the other keys of those messages
                found = self._messages_of(conn, tenant, frontier) - messages
                messages |= found
                keys = self._keys_of(conn, tenant, found)
                frontier = keys - hashes
                hashes |= keys
            record_ids = self._record_ids(conn, tenant, messages)
            counts = self._erase(conn, tenant, sorted(messages), sorted(hashes))
        ids = {k.value for k in person.of_kind("id")} | record_ids
        return Erasure(message_ids=tuple(sorted(messages)), record_ids=tuple(sorted(ids)), **counts)

    @staticmethod
    def _record_ids(conn: Connection, tenant: str, messages: set[str]) -> set[str]:
        sql = "SELECT label FROM message_keys WHERE tenant = ? AND kind = 'id' AND message_id IN"
        return {label.removeprefix("id:") for label in _column_in(conn, sql, tenant, messages)}

    @staticmethod
    def _messages_of(conn: Connection, tenant: str, hashes: set[str]) -> set[str]:
        sql = "SELECT DISTINCT message_id FROM message_keys WHERE tenant = ? AND key_hash IN"
        return _column_in(conn, sql, tenant, hashes)

    @staticmethod
    def _keys_of(conn: Connection, tenant: str, messages: set[str]) -> set[str]:
        sql = "SELECT DISTINCT key_hash FROM message_keys WHERE tenant = ? AND message_id IN"
        return _column_in(conn, sql, tenant, messages)

    def _erase(
        self, conn: Connection, tenant: str, messages: list[str], hashes: list[str]
    ) -> dict[str, int]:
        counts = {"events": 0, "edits": 0, "suppressions_kept": 0}
        for start in range(0, len(messages), 500):
            chunk = messages[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            args = [tenant, *chunk]
            for row in conn.execute(
                "SELECT segment, tone, angle, cta, sent_at, outcome FROM messages"
                f" WHERE tenant = ? AND message_id IN ({marks})",
                args,
            ).fetchall():
                part = contribution(row["sent_at"] is not None, str(row["outcome"]))
                self.unit.shift(conn, tenant, row, part, -1)
            counts["events"] += conn.execute(
                f"DELETE FROM events WHERE tenant = ? AND message_id IN ({marks})", args
            ).rowcount
            counts["edits"] += conn.execute(
                f"DELETE FROM edits WHERE tenant = ? AND message_id IN ({marks})", args
            ).rowcount
            for table in ("edit_sentences", "message_keys", "message_policy", "messages"):
                conn.execute(
                    f"DELETE FROM {table} WHERE tenant = ? AND message_id IN ({marks})", args
                )
        entries: set[str] = set()
        for start in range(0, len(hashes), 500):
            chunk = hashes[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            entries |= {
                str(r["entry"])
                for r in conn.execute(
                    f"SELECT entry FROM suppressions WHERE tenant = ? AND key_hash IN ({marks})",
                    [tenant, *chunk],
                ).fetchall()
            }
        for entry in sorted(entries):  # the entry stays, hashed: no readable key is kept
            counts["suppressions_kept"] += conn.execute(
                "UPDATE suppressions SET label = NULL WHERE tenant = ? AND entry = ?",
                (tenant, entry),
            ).rowcount
        return counts


def _column_in(conn: Connection, select: str, tenant: str, values: set[str]) -> set[str]:
    """The one column ``select ... IN`` gives for ``values``, asked 500 values at a time."""
    found: set[str] = set()
    ordered = sorted(values)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        found |= {
            str(r[0]) for r in conn.execute(f"{select} ({marks})", [tenant, *chunk]).fetchall()
        }
    return found
