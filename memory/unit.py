"""What every part of the outcome store shares: one database, its lock and units of work.

A write is one unit of work (``StoreUnit.write``: all or nothing, under the lock). A change to the
per-arm aggregates goes through ``StoreUnit.shift``, which also marks the cached aggregates
(``memory/aggregates.py``) stale.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from ipe.memory.aggregates import shift_arm
from ipe.memory.database import Connection, Database


def now_stamp() -> str:
    """The current UTC time, to the second, as the store writes it."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class StoreUnit:
    """The database of one open outcome store, its lock and the aggregates' generation."""

    def __init__(self, db: Database) -> None:
        """Share ``db`` between the store's parts."""
        self.db = db
        self.lock = threading.RLock()
        self.generation = 0
        """Bumped by every committed write of this connection that changed the aggregates."""
        self.shifted = False

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One unit of work: a transaction under the lock."""
        with self.lock, self.db.transaction() as conn:
            self.shifted = False
            try:
                yield conn
            finally:
                if self.shifted:  # the cached aggregates are stale (committed or not)
                    self.generation += 1

    def read(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        """The rows of one query (outside a unit of work)."""
        return self.db.query(sql, tuple(params))

    def shift(
        self,
        conn: Connection,
        tenant: str,
        arm: Any,
        contribution: tuple[int, int, int],
        sign: int,
    ) -> None:
        """Move ``arm``'s aggregates by ``sign`` times ``contribution``, in ``conn``'s unit."""
        if any(contribution):
            self.shifted = True
        shift_arm(conn, tenant, arm, contribution, sign)


class Reader:
    """Reads through ``Database.query`` in the ``execute(...).fetchone()`` shape of a connection."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        """The rows of one query."""
        return Rows(self._db.query(sql, params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Refused: a reader does not write."""
        raise TypeError("a reader does not write")


class Rows:
    """The rows of one read, as a cursor hands them out."""

    def __init__(self, rows: list[Any]) -> None:
        self._rows = rows
        self.rowcount = len(rows)

    def fetchone(self) -> Any:
        """The first row, or None."""
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[Any]:
        """Every row."""
        return list(self._rows)
