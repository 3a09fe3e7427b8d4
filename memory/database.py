"""Where the outcome store lives: one SQLite file (the default) or a PostgreSQL database.

``OutcomeStore`` speaks one plain SQL dialect (SQLite's, with ``?`` placeholders) through a
``Database``: ``SqliteDatabase`` runs it as written on one connection; ``PostgresDatabase``
translates it (placeholders, ``INSERT OR IGNORE`` / ``INSERT OR REPLACE`` as ``ON CONFLICT``,
integer and identity types) and runs it on a psycopg 3 connection pool. The store's logic is
written once; only the dialect and the connection differ.

Writers never race: a SQLite write transaction is ``BEGIN IMMEDIATE`` (one writer per file,
others wait on a busy timeout), a PostgreSQL one takes a transaction-scoped advisory lock first,
so every worker of a deployment sees the same serial order of writes and an aggregate is never
updated from a stale read. Readers do not wait.

Choose the backend with ``IPE_DATABASE_URL=postgresql://...`` (``open_database``); without it
the data directory's ``outcomes.sqlite`` is used.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Protocol, cast

from ipe.memory.storage import connect

WRITE_LOCK = 4_711_042
"""The PostgreSQL advisory lock key that serialises the store's write transactions."""

PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "message_policy": ("tenant", "message_id"),
    "edits": ("tenant", "message_id"),
}
"""Conflict targets of the tables written with ``INSERT OR REPLACE``."""


class Cursor(Protocol):
    """What the store reads back from one statement."""

    rowcount: int

    def fetchone(self) -> Any:
        """The next row, or None."""

    def fetchall(self) -> list[Any]:
        """Every remaining row."""


class Connection(Protocol):
    """A connection inside a transaction: the statements the store runs."""

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> Cursor:
        """Run one statement (SQLite dialect, ``?`` placeholders)."""

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]], /) -> Any:
        """Run one statement for every row of parameters."""


class Database(Protocol):
    """A place the outcome store can live."""

    label: str
    """Where it is, for messages (a path, or the database's host and name)."""

    def transaction(self) -> AbstractContextManager[Connection]:
        """A serialised write transaction (committed on exit, rolled back on an exception)."""

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Run one read statement outside any write transaction."""

    def data_version(self) -> int:
        """A number that changes whenever any connection committed a write."""

    def schema_version(self, conn: Connection) -> int:
        """The schema version stored in the database (0 for a new one)."""

    def set_schema_version(self, conn: Connection, version: int) -> None:
        """Store the schema version (inside the migration's transaction)."""

    def ddl(self, statement: str) -> str:
        """A ``CREATE`` statement of the SQLite schema, in this database's dialect."""

    def erasing(self) -> AbstractContextManager[None]:
        """Around an erasure: deleted rows are overwritten where the engine can do it."""

    def close(self) -> None:
        """Release the connections."""


class SqliteDatabase:
    """One SQLite file in WAL mode, one connection shared by the store's threads (locked)."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        """Open ``path``; with ``readonly`` nothing is created and writes fail."""
        self.path = Path(path)
        self.label = str(self.path)
        self._lock = threading.RLock()
        if readonly:
            self._conn = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
            )
        else:
            # WAL, busy timeout; created whole; an empty, foreign or corrupt file is a StorageError
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = connect(
                self.path, tables=frozenset({"messages", "events"}), what="outcome store"
            )
        self._conn.row_factory = sqlite3.Row

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """``BEGIN IMMEDIATE``: the file's one writer until commit."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield cast(Connection, self._conn)
            except BaseException:
                if self._conn.in_transaction:  # SQLite may have rolled back (e.g. disk full)
                    self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Run a read statement."""
        with self._lock:
            return list(self._conn.execute(sql, tuple(params)).fetchall())

    def data_version(self) -> int:
        """SQLite's ``data_version``: changes when another connection commits."""
        with self._lock:
            return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def schema_version(self, conn: Connection) -> int:
        """``PRAGMA user_version``."""
        return int(conn.execute("PRAGMA user_version").fetchone()[0])

    def set_schema_version(self, conn: Connection, version: int) -> None:
        """Set ``PRAGMA user_version``."""
        conn.execute(f"PRAGMA user_version = {int(version)}")

    def ddl(self, statement: str) -> str:
        """The schema is written in SQLite's dialect already."""
        return statement

    @contextmanager
    def erasing(self) -> Iterator[None]:
        """``secure_delete`` while erasing, then the write-ahead log truncated."""
        with self._lock:
            self._conn.execute("PRAGMA secure_delete = ON")
        try:
            yield
        finally:
            with self._lock:
                self._conn.execute("PRAGMA secure_delete = OFF")
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()


class _Row(tuple[Any, ...]):
    """A PostgreSQL row readable by position and by column name, like ``sqlite3.Row``."""

    _names: dict[str, int]

    def __new__(cls, names: dict[str, int], values: Sequence[Any]) -> _Row:
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        """The column names."""
        return list(self._names)


def _row_factory(cursor: Any) -> Any:
    names = {column.name: i for i, column in enumerate(cursor.description or [])}
    return lambda values: _Row(names, values)


_INSERT_OR = re.compile(r"^\s*INSERT\s+OR\s+(IGNORE|REPLACE)\s+INTO\s+(\w+)\s*\(([^)]*)\)", re.I)


def translate(sql: str) -> str:
    """One statement of the store's SQLite dialect in PostgreSQL's."""
    out = sql.replace("%", "%%").replace("?", "%s")
    match = _INSERT_OR.match(out)
    if match is None:
        return out
    mode, table, columns = match.group(1).upper(), match.group(2), match.group(3)
    out = "INSERT INTO" + out[match.start(2) - 1 :]
    if mode == "IGNORE":
        return f"{out} ON CONFLICT DO NOTHING"
    keys = PRIMARY_KEYS[table]
    names = [c.strip() for c in columns.split(",")]
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in names if c not in keys)
    return f"{out} ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"


class _PgConnection:
    """A psycopg connection that runs the store's dialect."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        cursor: Cursor = self._conn.execute(translate(sql), tuple(params))
        return cursor

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        batch = [tuple(r) for r in rows]
        if batch:
            with self._conn.cursor() as cursor:
                cursor.executemany(translate(sql), batch)


class PostgresDatabase:
    """A PostgreSQL database through a psycopg 3 connection pool, shared by every worker."""

    def __init__(self, url: str, *, schema: str | None = None, max_size: int = 8) -> None:
        """Connect to ``url`` (``postgresql://user@host:port/name``), optionally in ``schema``."""
        from psycopg_pool import ConnectionPool

        self.url = url
        self.label = re.sub(r"//[^@/]*@", "//", url)  # no password in messages
        kwargs: dict[str, Any] = {"autocommit": True, "row_factory": _row_factory}
        kwargs.update(schema_options(url, schema))
        self._pool = ConnectionPool(url, min_size=1, max_size=max_size, kwargs=kwargs, open=True)
        self._pool.wait(timeout=30.0)
        with self._pool.connection() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS ipe_meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL)"
            )
            conn.execute(
                "INSERT INTO ipe_meta (key, value) VALUES ('schema_version', 0), "
                "('data_version', 0) ON CONFLICT DO NOTHING"
            )

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A transaction holding the store's advisory write lock; bumps ``data_version``."""
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            yield _PgConnection(conn)
            conn.execute("UPDATE ipe_meta SET value = value + 1 WHERE key = 'data_version'")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Run a read statement on a pooled connection."""
        with self._pool.connection() as conn:
            return list(conn.execute(translate(sql), tuple(params)).fetchall())

    def data_version(self) -> int:
        """A counter every write transaction bumps."""
        return int(self.query("SELECT value FROM ipe_meta WHERE key = 'data_version'")[0][0])

    def schema_version(self, conn: Connection) -> int:
        """The stored schema version."""
        row = conn.execute("SELECT value FROM ipe_meta WHERE key = 'schema_version'").fetchone()
        return int(row[0])

    def set_schema_version(self, conn: Connection, version: int) -> None:
        """Store the schema version."""
        conn.execute("UPDATE ipe_meta SET value = ? WHERE key = 'schema_version'", (version,))

    def ddl(self, statement: str) -> str:
        """SQLite types as PostgreSQL's: 64-bit integers, double precision, identity keys."""
        out = re.sub(
            r"INTEGER\s+PRIMARY\s+KEY\s+AUTOINCREMENT",
            "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
            statement,
            flags=re.I,
        )
        out = re.sub(r"\bINTEGER\b", "BIGINT", out)
        return re.sub(r"\bREAL\b", "DOUBLE PRECISION", out)

    @contextmanager
    def erasing(self) -> Iterator[None]:
        """PostgreSQL reclaims deleted rows by its own (auto)vacuum; nothing to switch here."""
        yield

    def close(self) -> None:
        """Close the pool."""
        self._pool.close()


def schema_options(url: str, schema: str | None) -> dict[str, str]:
    """Connection options that put a connection in ``schema`` (created when missing), or {}.

    One PostgreSQL database can hold several deployments (or test runs) side by side, one schema
    each (``$IPE_DATABASE_SCHEMA``); the store and the checkpoints share it.
    """
    if not schema:
        return {}
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", schema):
        raise ValueError(f"not a schema name: {schema!r}")
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    return {"options": f"-c search_path={schema}"}


def open_database(data_dir: str | Path, url: str | None = None) -> Database:
    """The store's database: ``url`` (or ``$IPE_DATABASE_URL``) if set, else the data dir's file.

    The URL and schema are the process settings' (``ipe.settings``: checked at start).
    """
    from ipe.settings import current

    settings = current()
    url = url or settings.database
    if url:
        if not url.startswith(("postgresql://", "postgres://")):
            from ipe.domain import InvalidInputError

            raise InvalidInputError("IPE_DATABASE_URL must be a postgresql:// URL")
        return PostgresDatabase(url, schema=settings.database_schema)
    return SqliteDatabase(Path(data_dir) / "outcomes.sqlite")
