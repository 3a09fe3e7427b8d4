"""Input bounds through the API: refused with one clear error, or cut before anything is stored."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from ipe import FeedbackLoop, IntelligentPersonalizationEngine
from ipe.domain import InvalidInputError, StorageError
from ipe.memory.outcomes import OutcomeStore
from ipe.memory.storage import describe
from ipe.tools.trust.inputs import bounded, bounded_prospect, limits


def test_bounded_copies_in_order_and_cuts_only_long_text() -> None:
    raw = {"b": "x" * 50, "a": [1, {"c": "short", "d": "y" * 20}], "e": True}
    out = bounded(raw, "record", text_chars=10, cut=True)
    assert list(out) == ["b", "a", "e"] and out["b"] == "x" * 10
    assert out["a"] == [1, {"c": "short", "d": "y" * 10}] and out["e"] is True
    assert raw["b"] == "x" * 50  # the caller's record is not changed
    with pytest.raises(InvalidInputError, match="'a\\[1\\].d' is 20 characters"):
        bounded(raw, "template", text_chars=19, cut=False)


def test_structural_bounds_are_one_clear_error() -> None:
    deep: Any = "leaf"
    for _ in range(5000):  # far beyond Python's recursion limit: no RecursionError
        deep = {"x": deep}
    with pytest.raises(InvalidInputError, match="nests deeper than"):
        bounded_prospect({"id": "p", "name": "N", "extra": deep})
    with pytest.raises(InvalidInputError, match="integer of 65 bits"):
        bounded_prospect({"id": "p", "name": "N", "audience_size": 2**64})
    with pytest.raises(InvalidInputError, match="entries"):
        bounded_prospect({"id": "p", "name": "N", "tags": ["t"] * (limits()["max_items"] + 1)})
    with pytest.raises(InvalidInputError, match="larger than"):
        bounded_prospect({"id": "p", "name": "N", "tags": ["t" * 4000] * 1000})
    huge_digits = "9" * 100_000
    assert bounded_prospect({"id": "p", "name": "N", "audience_size": huge_digits})


async def test_a_10mb_reply_text_is_cut_before_it_is_stored(
    data_dir: str, prospects: dict[str, Any], template: dict[str, Any]
) -> None:
    result = await IntelligentPersonalizationEngine("t1", data_dir=data_dir).personalize_message(
        prospects["ana-email"], template
    )
    reply = "Please unsubscribe me. " + "z" * 10_000_000
    await FeedbackLoop("t1", data_dir=data_dir).update_model(
        result.message_id, {"event": "replied", "reply_text": reply}
    )
    conn = sqlite3.connect(Path(data_dir) / "outcomes.sqlite")
    (stored,) = conn.execute("SELECT reply_text FROM events").fetchone()
    conn.close()
    assert stored.startswith("Please unsubscribe me.")
    assert len(stored) == limits()["event_text_chars"]


async def test_the_api_refuses_huge_integers_and_deep_records_before_any_storage(
    data_dir: str, prospects: dict[str, Any], template: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine("t1", data_dir=data_dir)
    deep: Any = 0
    for _ in range(600):
        deep = [deep]
    for extra in ({"audience_size": 2**64}, {"nested": deep}, {"n": {"m": -(2**80)}}):
        with pytest.raises(InvalidInputError):
            await engine.personalize_message({**prospects["ana-email"], **extra}, template)
    assert not Path(data_dir).exists()


async def test_a_full_disk_is_a_storage_error_and_records_nothing(
    data_dir: str, prospects: dict[str, Any], template: dict[str, Any], monkeypatch: Any
) -> None:
    engine = IntelligentPersonalizationEngine("t1", data_dir=data_dir)
    await engine.personalize_message(prospects["ana-email"], template)

    def no_space(self: OutcomeStore, record: Any, *args: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(self.path))

    monkeypatch.setattr(OutcomeStore, "record_message", no_space)
    with pytest.raises(StorageError, match="disk is full"):
        await engine.personalize_message(prospects["sam-x"], template)
    monkeypatch.undo()
    with OutcomeStore(Path(data_dir) / "outcomes.sqlite") as store:
        assert store.messages_count() == 1


@pytest.mark.parametrize(
    ("err", "words"),
    [
        (sqlite3.OperationalError("database is locked"), "busy"),
        (sqlite3.OperationalError("database or disk is full"), "disk is full"),
        (sqlite3.DatabaseError("database disk image is malformed"), "corrupt"),
        (PermissionError(errno.EACCES, "Permission denied", "/x/outcomes.sqlite"), "permission"),
        (OSError(errno.EROFS, "Read-only file system", "/x/y"), "read-only"),
        (OSError(errno.ENOSPC, "No space left on device"), "disk is full"),
    ],
)
def test_each_environment_fault_has_its_line(
    err: BaseException, words: str, tmp_path: Path
) -> None:
    line = describe(err, str(tmp_path))
    assert line is not None and words in line and "\n" not in line


def test_a_bug_is_not_mistaken_for_an_environment_fault(tmp_path: Path) -> None:
    assert describe(ValueError("a bug"), str(tmp_path)) is None
    assert describe(KeyError("k"), str(tmp_path)) is None


def test_a_failed_rollback_is_described_by_its_cause(tmp_path: Path) -> None:
    """SQLite rolls back by itself on a full disk; the store's ROLLBACK then fails."""
    try:
        try:
            raise sqlite3.OperationalError("database or disk is full")
        except sqlite3.OperationalError:
            raise sqlite3.OperationalError("cannot rollback - no transaction is active")  # noqa: B904
    except sqlite3.OperationalError as err:
        line = describe(err, str(tmp_path))
    assert line is not None and "disk is full" in line
