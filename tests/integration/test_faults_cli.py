"""Every fault of input or environment through the real CLI: one stderr line, its exit code.

Exit 2 is bad input, 3 an unusable data directory; never a traceback. The read-only, full and
permission cases use a real tmpfs mount or another user and are skipped where that is impossible.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples"
PROSPECT = json.loads((EX / "prospects/ana-email.json").read_text("utf-8"))


def ipe(*args: str, data_dir: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "IPE_LLM": "none", "IPE_DATA_DIR": data_dir}
    env.pop("OPENAI_API_KEY", None)
    env.pop("IPE_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "ipe.graph.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


def personalize(
    prospect: Path | None, data_dir: str, **kw: Any
) -> subprocess.CompletedProcess[str]:
    return ipe(
        "personalize",
        "--prospect",
        str(prospect or EX / "prospects/ana-email.json"),
        "--template",
        str(EX / "template.json"),
        "--json",
        data_dir=data_dir,
        **kw,
    )


def one_line(run: subprocess.CompletedProcess[str], code: int, *words: str) -> str:
    """The run failed with ``code`` and exactly one stderr line containing ``words``."""
    assert "Traceback" not in run.stderr, run.stderr
    lines = run.stderr.strip().splitlines()
    assert run.returncode == code, run.stderr
    assert len(lines) == 1, run.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def messages(data_dir: str) -> int:
    conn = sqlite3.connect(Path(data_dir) / "outcomes.sqlite")
    try:
        return int(conn.execute("SELECT COUNT(*) FROM messages").fetchone()[0])
    finally:
        conn.close()


def _record(tmp_path: Path, name: str, **fields: Any) -> Path:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({**PROSPECT, **fields}), encoding="utf-8")
    return path


@pytest.mark.parametrize("depth", [300, 500, 999])
def test_deep_nesting_is_bad_input(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "deep.json"
    body = json.dumps(PROSPECT)[:-1]
    path.write_text(f'{body}, "extra": {"[" * depth}1{"]" * depth}}}', encoding="utf-8")
    run = personalize(path, str(tmp_path / "d"))
    one_line(run, 2, "nests")


@pytest.mark.parametrize(
    "fields",
    [{"audience_size": 2**64}, {"followers": [2**70]}, {"stats": {"views": -(2**64)}}],
)
def test_huge_integers_are_bad_input(tmp_path: Path, fields: dict[str, Any]) -> None:
    data_dir = str(tmp_path / "d")
    run = personalize(_record(tmp_path, "big", **fields), data_dir)
    one_line(run, 2, "integer")
    assert not (Path(data_dir) / "outcomes.sqlite").exists()  # refused before any storage


def test_an_oversized_bio_is_cut_before_anything_is_stored(tmp_path: Path) -> None:
    data_dir = str(tmp_path / "d")
    run = personalize(_record(tmp_path, "huge", bio="word " * 2_000_000), data_dir)  # 10 MB
    assert run.returncode == 0, run.stderr
    on_disk = sum(p.stat().st_size for p in Path(data_dir).rglob("*") if p.is_file())
    assert on_disk < 3_000_000  # chroma's empty index and the two SQLite files, no 10 MB copy


def test_an_oversized_reply_text_is_stored_bounded(tmp_path: Path) -> None:
    """100 kB through argv (its limit is 128 kB per argument); 10 MB: tests/unit/test_bounds.py."""
    data_dir = str(tmp_path / "d")
    run = personalize(None, data_dir)
    assert run.returncode == 0, run.stderr
    mid = json.loads(run.stdout)["message_id"]
    reply = "Sounds interesting, tell me more. " + "x" * 100_000
    fb = ipe("feedback", "--message-id", mid, "--event", "replied", "--reply-text", reply,
             data_dir=data_dir)  # fmt: skip
    assert fb.returncode == 0, fb.stderr
    conn = sqlite3.connect(Path(data_dir) / "outcomes.sqlite")
    (length,) = conn.execute("SELECT MAX(LENGTH(reply_text)) FROM events").fetchone()
    conn.close()
    assert 0 < length <= 20_000


@pytest.mark.parametrize("name", ["outcomes.sqlite", "checkpoints.sqlite"])
def test_an_empty_database_file_is_reported_not_reset(tmp_path: Path, name: str) -> None:
    data_dir = tmp_path / "d"
    data_dir.mkdir()
    (data_dir / name).write_bytes(b"")
    one_line(personalize(None, str(data_dir)), 3, "empty (0 bytes)", name)
    assert (data_dir / name).stat().st_size == 0  # left as it was, for the user to look at


def test_a_foreign_or_corrupt_database_is_reported(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / "outcomes.sqlite").write_bytes(os.urandom(8192))
    one_line(personalize(None, str(garbage)), 3, "not a SQLite database")

    foreign = tmp_path / "foreign"
    foreign.mkdir()
    conn = sqlite3.connect(foreign / "checkpoints.sqlite")
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.commit()
    conn.close()
    one_line(personalize(None, str(foreign)), 3, "another program's database", "songs")

    cut = tmp_path / "cut"
    assert personalize(None, str(cut)).returncode == 0
    db = cut / "outcomes.sqlite"
    db.write_bytes(db.read_bytes()[:6000])  # a torn copy
    for run in (personalize(None, str(cut)), ipe("stats", data_dir=str(cut))):
        one_line(run, 3, "corrupt")


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True)  # fmt: skip
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr!r}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_read_only_data_dir(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro", "8m") as mount:
        data_dir = str(mount / "data")
        first = personalize(None, data_dir)
        assert first.returncode == 0, first.stderr
        mid = json.loads(first.stdout)["message_id"]
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        one_line(personalize(None, data_dir), 3, "read-only")
        one_line(ipe("feedback", "--message-id", mid, "--event", "opened", data_dir=data_dir),
                 3, "read-only")  # fmt: skip
        fresh = str(mount / "never-used")
        one_line(personalize(None, fresh), 3, "read-only")


@pytest.mark.parametrize("size", ["160k", "240k", "400k"])
def test_a_full_disk_records_nothing(tmp_path: Path, size: str) -> None:
    with tmpfs(tmp_path / "full", size) as mount:
        data_dir = str(mount / "data")
        runs = [personalize(None, data_dir) for _ in range(3)]
        failed = [r for r in runs if r.returncode != 0]
        assert failed, "the disk never filled: the test did not test anything"
        for run in failed:
            one_line(run, 3, "disk is full")
        ok = sum(r.returncode == 0 for r in runs)
        if (Path(data_dir) / "outcomes.sqlite").exists() and ok:
            assert messages(data_dir) == ok  # every failed call left nothing


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[Path]:
    """``chattr +i``: not even root may write there (what a permission fault looks like)."""
    made = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"chattr +i is not available here: {made.stderr!r}")
    try:
        yield path
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=False)


def test_permission_denied(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    with immutable(locked):
        one_line(personalize(None, str(locked)), 3, "permission denied")
    used = tmp_path / "used"
    assert personalize(None, str(used)).returncode == 0
    before = messages(str(used))
    with immutable(used / "outcomes.sqlite"), immutable(used):
        one_line(personalize(None, str(used)), 3, "data directory")
    assert messages(str(used)) == before


def test_an_empty_lesson_store_or_a_file_for_a_folder_is_reported(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    (empty / "chroma").mkdir(parents=True)
    (empty / "chroma" / "chroma.sqlite3").write_bytes(b"")
    one_line(personalize(None, str(empty)), 3, "lesson memory", "empty (0 bytes)")
    assert (empty / "chroma" / "chroma.sqlite3").stat().st_size == 0
    clash = tmp_path / "clash"
    clash.mkdir()
    (clash / "chroma").write_text("not a folder", encoding="utf-8")
    one_line(personalize(None, str(clash)), 3, "where a folder is expected")
