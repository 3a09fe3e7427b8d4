"""The tenant's edits of their messages: the body as actually sent, its diff, changed sentences.

A later edit of the same message replaces the earlier one. The sentences a tenant keeps removing
(``removed_sentences``) teach later drafts.
"""

from __future__ import annotations

import difflib
import re

from ipe.domain import UnknownMessageError
from ipe.memory.records import EditResult
from ipe.memory.unit import StoreUnit, now_stamp

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")


def split_sentences(text: str) -> list[str]:
    """Split a message body into sentences (on end punctuation and line breaks)."""
    return [part.strip() for part in _SENTENCE_SPLIT.split(text) if part.strip()]


def _norm(sentence: str) -> str:
    return " ".join(sentence.lower().split()).strip(" .!?")


class Edits:
    """Every tenant's edits in one store."""

    def __init__(self, unit: StoreUnit) -> None:
        """Read and write through ``unit``."""
        self.unit = unit

    def record_edit(self, tenant: str, message_id: str, edited_body: str) -> EditResult:
        """Store the user's edited body, its diff against the sent body and the changed sentences.

        A later edit of the same message replaces the earlier one.

        Raises:
            UnknownMessageError: The message id is not this tenant's.
        """
        with self.unit.write() as conn:
            row = conn.execute(
                "SELECT body FROM messages WHERE tenant = ? AND message_id = ?",
                (tenant, message_id),
            ).fetchone()
            if row is None:
                raise UnknownMessageError(f"unknown message id {message_id!r}")
            sent = str(row["body"])
            diff = "\n".join(
                difflib.unified_diff(
                    sent.splitlines(),
                    edited_body.splitlines(),
                    fromfile="sent",
                    tofile="edited",
                    lineterm="",
                )
            )
            before, after = split_sentences(sent), split_sentences(edited_body)
            removed = _missing(before, after)
            added = _missing(after, before)
            conn.execute(
                "INSERT OR REPLACE INTO edits (tenant, message_id, edited_body, diff, edited_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (tenant, message_id, edited_body, diff, now_stamp()),
            )
            conn.execute(
                "DELETE FROM edit_sentences WHERE tenant = ? AND message_id = ?",
                (tenant, message_id),
            )
            conn.executemany(
                "INSERT OR IGNORE INTO edit_sentences (tenant, message_id, kind, norm, sentence) "
                "VALUES (?, ?, ?, ?, ?)",
                [(tenant, message_id, "removed", _norm(s), s) for s in removed]
                + [(tenant, message_id, "added", _norm(s), s) for s in added],
            )
        return EditResult(message_id, diff, removed, added)

    def removed_sentences(self, tenant: str, min_count: int = 2) -> list[str]:
        """Return sentences this tenant removed from at least ``min_count`` messages, most first."""
        rows = self.unit.read(
            "SELECT MIN(sentence) AS sentence, COUNT(DISTINCT message_id) AS n "
            "FROM edit_sentences WHERE tenant = ? AND kind = 'removed' GROUP BY norm "
            "HAVING COUNT(DISTINCT message_id) >= ? ORDER BY n DESC, norm",
            (tenant, min_count),
        )
        return [str(row["sentence"]) for row in rows]

    def edits_count(self, tenant: str) -> int:
        """Return the number of edited messages of the tenant."""
        return int(self.unit.read("SELECT COUNT(*) FROM edits WHERE tenant = ?", (tenant,))[0][0])


def _missing(source: list[str], other: list[str]) -> list[str]:
    present = {_norm(s) for s in other}
    seen: set[str] = set()
    result: list[str] = []
    for sentence in source:
        key = _norm(sentence)
        if key and key not in present and key not in seen:
            seen.add(key)
            result.append(sentence)
    return result
