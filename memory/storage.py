"""The data directory's SQLite files: created whole, checked at open, faults as one clear line.

A database file is created atomically (built under a temporary name in WAL mode, then linked
into place), so a file that exists is always a complete SQLite database: a 0-byte file, a file
that is not SQLite, or a SQLite file of another program is reported (``StorageError``), never
silently treated as empty or reset. ``storage_guard`` turns the environment's faults (corrupt,
read-only, full, locked, permission denied) into a ``StorageError`` naming the data directory.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ipe.domain import StorageError

BUSY_TIMEOUT_S = 30.0
"""How long a writer waits for another process's write lock before the call fails."""

_HEADER = b"SQLite format 3\x00"
_checked: set[tuple[str, int]] = set()
"""Files (path, inode) this process has found to be ours: checked once, not per run."""


def connect(path: Path, *, tables: frozenset[str], what: str) -> sqlite3.Connection:
    """Open ``path`` (created whole when missing) in WAL mode with a busy timeout.

    ``tables`` are the tables a database of this kind holds once used (any one of them present,
    or no table at all, makes it ours); ``what`` names the file in error messages.

    Raises:
        StorageError: The file is empty, not SQLite, another program's database, or unusable.
    """
    ensure_database(path, tables=tables, what=what)
    conn = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    try:
        conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
    except BaseException:
        conn.close()
        raise
    return conn


def ensure_database(path: Path, *, tables: frozenset[str], what: str) -> None:
    """Create ``path`` atomically if it is missing; otherwise check it is one of ours.

    Raises:
        StorageError: The existing file is empty, not SQLite or another program's database.
    """
    path = Path(path)
    if not path.exists():
        _create(path)
        return
    stat = path.stat()
    key = (str(path.resolve()), stat.st_ino)
    if key in _checked:
        return  # this process already checked this very file
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_HEADER))
    except IsADirectoryError:
        raise StorageError(f"{what} '{path}' is a folder, not a database file") from None
    if not header:
        raise StorageError(
            f"{what} '{path}' is empty (0 bytes), not a database: restore it from a backup or "
            "move it away to start afresh"
        )
    if header != _HEADER:
        raise StorageError(
            f"{what} '{path}' is not a SQLite database (corrupt or another program's file): "
            "restore it from a backup or move it away to start afresh"
        )
    found = _tables(path, what)
    if found and not found & tables:
        raise StorageError(
            f"{what} '{path}' is another program's database (tables: "
            f"{', '.join(sorted(found)[:5])}): point --data-dir elsewhere"
        )
    _checked.add(key)


def _tables(path: Path, what: str) -> set[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    except sqlite3.OperationalError:
        raise  # cannot open or read (locked, read-only, denied): ``describe`` says which
    except sqlite3.DatabaseError as err:
        raise StorageError(
            f"{what} '{path}' is corrupt ({err}): restore it from a backup or move it away"
        ) from None
    finally:
        conn.close()
    return {str(row[0]) for row in rows if not str(row[0]).startswith("sqlite_")}


def _create(path: Path) -> None:
    """Build an empty WAL-mode database under a temporary name and link it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        conn = sqlite3.connect(str(temp))
        try:
            conn.execute("PRAGMA journal_mode=WAL")  # writes the header: the file is complete
        finally:
            conn.close()
        try:
            os.link(temp, path)  # never replaces: another process that won keeps its file
        except FileExistsError:
            pass
    finally:
        temp.unlink(missing_ok=True)


def check_lesson_store(data_dir: str) -> None:
    """Refuse an empty or foreign ``chroma/chroma.sqlite3`` (Chroma would silently start afresh).

    Raises:
        StorageError: The file is empty, not SQLite or not Chroma's.
    """
    path = Path(data_dir) / "chroma" / "chroma.sqlite3"
    if path.is_file():
        ensure_database(path, tables=frozenset({"collections", "migrations"}), what="lesson memory")


def describe(err: BaseException, data_dir: str) -> str | None:
    """One line for an environment fault of ``data_dir``, or None when ``err`` is not one."""
    where = f"data directory '{data_dir}'"
    if isinstance(err, StorageError):
        return str(err)
    text = str(err).lower()
    service = _service_down(err, text)
    if service:
        return service
    if "cannot rollback" in text and err.__context__ is not None:
        return describe(err.__context__, data_dir)  # SQLite rolled back already: the cause
    ours = isinstance(err, sqlite3.Error | OSError) or type(err).__module__.startswith("chromadb")
    if ours and (
        "disk is full" in text
        or getattr(err, "errno", None) == errno.ENOSPC
        or ("disk i/o" in text and _nearly_full(data_dir))
    ):
        return f"{where}: the disk is full; nothing was recorded"
    if isinstance(err, sqlite3.Error):
        if "locked" in text or "busy" in text:
            return (
                f"{where} is busy: another process held its database lock for more than "
                f"{BUSY_TIMEOUT_S:g} s; nothing was recorded, try again"
            )
        if "readonly" in text or "read-only" in text:
            return _not_writable(where, data_dir)
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            return f"{where} holds a corrupt database ({err}): restore it from a backup"
        if "unable to open" in text:
            if Path(data_dir).is_dir() and not os.access(data_dir, os.W_OK):
                return _not_writable(where, data_dir)
            return f"{where}: cannot open its database (missing folder or no permission)"
        if "disk i/o" in text:
            return f"{where}: disk I/O error ({err})"
        return f"{where}: database error ({err})"
    if isinstance(err, OSError):
        target = f" ({err.filename})" if err.filename else ""
        if err.errno == errno.EROFS:
            return f"{where} is on a read-only file system{target}"
        if err.errno in (errno.EACCES, errno.EPERM):
            return f"{where}: permission denied{target}"
        if err.errno in (errno.EEXIST, errno.ENOTDIR):
            return f"{where}: a file stands where a folder is expected{target}"
        return f"{where}: {err.strerror or err}{target}"
    if type(err).__module__.startswith("chromadb"):
        return f"{where}: the lesson memory (chroma/) cannot be used ({err})"
    return None


def _service_down(err: BaseException, text: str) -> str | None:
    """One line when a service the settings name (Chroma, PostgreSQL) does not answer."""
    if "could not connect to a chroma server" in text or (
        type(err).__module__.startswith(("httpx", "httpcore")) and "connect" in text
    ):
        return (
            "the Chroma server (IPE_CHROMA_URL) does not answer: start it (chroma run --path DIR) "
            "or unset IPE_CHROMA_URL to keep lessons in the data directory; nothing was recorded"
        )
    module = type(err).__module__
    if module.startswith(("psycopg", "psycopg_pool")) and (
        type(err).__name__ in ("OperationalError", "PoolTimeout")
    ):
        return (
            "the PostgreSQL server (IPE_DATABASE_URL) cannot be reached or refused the login: "
            f"start it or fix the URL ({str(err).splitlines()[0][:120] if str(err) else ''}); "
            "nothing was recorded"
        )
    return None


def _not_writable(where: str, data_dir: str) -> str:
    try:
        read_only_fs = bool(os.statvfs(data_dir).f_flag & os.ST_RDONLY)
    except OSError:
        read_only_fs = False
    if read_only_fs:
        return f"{where} is on a read-only file system: the engine needs to write there"
    return f"{where}: permission denied (the engine needs to write there)"


def _nearly_full(data_dir: str) -> bool:
    try:
        return shutil.disk_usage(data_dir).free < 1_000_000
    except OSError:
        return False


@contextmanager
def storage_guard(data_dir: str) -> Iterator[None]:
    """Re-raise the environment's faults inside the block as one ``StorageError`` line."""
    try:
        yield
    except StorageError:
        raise
    except Exception as err:
        line = describe(err, data_dir)
        if line is None:
            raise
        raise StorageError(line) from err
