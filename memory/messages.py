"""The produced messages of the outcome store: recording them, who they belong to, reading them.

A message id belongs to one person (``ipe.memory.people``: the keys of two records overlap): another
person's reuse, or redrafting a sent message, is a ``MessageIdConflictError`` and nothing changes.
A recorded message is stored with its person's keys; when that person is suppressed under any key,
the other keys join the suppression (``memory/suppression.py``). Only a SENT message is contact
(``sent_messages``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ipe.domain import MessageIdConflictError
from ipe.memory.aggregates import contribution
from ipe.memory.database import Connection
from ipe.memory.people import Person, PersonKey, key_hash
from ipe.memory.records import MessageRecord, Reply
from ipe.memory.reward import NO_EVENTS_OUTCOME, outcome_of, policy
from ipe.memory.suppression import Suppressions
from ipe.memory.unit import Reader, StoreUnit

_SELECT = (
    "SELECT *, EXISTS (SELECT 1 FROM edits e WHERE e.tenant = messages.tenant"
    " AND e.message_id = messages.message_id) AS edited FROM messages"
)
"""Messages with whether the tenant edited them (the lifecycle's ``edited`` stage)."""


class Messages:
    """Every tenant's messages in one store."""

    def __init__(self, unit: StoreUnit, suppressions: Suppressions) -> None:
        """Read and write through ``unit``; a recorded message may extend ``suppressions``."""
        self.unit = unit
        self.suppressions = suppressions

    def message_policies(self, tenant: str) -> dict[str, tuple[float, float, list[str]]]:
        """Per message id: the logged propensities (drafted, chosen) and the allowed arms."""
        rows = self.unit.read(
            "SELECT message_id, propensity_drafted, propensity_chosen, allowed_arms "
            "FROM message_policy WHERE tenant = ?",
            (tenant,),
        )
        return {
            str(r["message_id"]): (
                float(r["propensity_drafted"]),
                float(r["propensity_chosen"]),
                [a for a in str(r["allowed_arms"]).split("\x1f") if a],
            )
            for r in rows
        }

    def record_message(self, rec: MessageRecord, person: Person | None = None) -> None:
        """Record (or update) a produced message; its outcome stays as its events make it.

        Args:
            rec: The message, normally a draft (``sent_at`` None): recording is not sending.
            person: Who it is for (``Person.from_prospect``); the record id is always one of the
                keys. When the person is suppressed under any key, the message's other keys join
                the suppression as aliases (a new record id of a suppressed address stays
                suppressed on its own).

        Raises:
            MessageIdConflictError: The message id already belongs to another person, or the
                message under it was already sent (a sent message is never redrafted).
        """
        keys = person_keys(rec.tenant, rec.prospect_id, person)
        with self.unit.write() as conn:
            old = conn.execute(
                "SELECT segment, tone, angle, cta, status, outcome, sent_at FROM messages "
                "WHERE tenant = ? AND message_id = ?",
                (rec.tenant, rec.message_id),
            ).fetchone()
            if old is not None:
                self._check_owner(conn, rec.tenant, rec.message_id, rec.prospect_id, keys)
            outcome = old["outcome"] if old is not None else NO_EVENTS_OUTCOME
            if old is not None:
                before = contribution(old["sent_at"] is not None, outcome)
                self.unit.shift(conn, rec.tenant, old, before, -1)
            conn.execute(
                "INSERT INTO messages (tenant, message_id, prospect_id, channel, segment, tone, "
                "angle, cta, fact_ids, subject, body, status, created_at, lessons_applied, outcome,"
                " approved_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (tenant, message_id) DO UPDATE SET"
                " prospect_id = excluded.prospect_id, channel = excluded.channel,"
                " segment = excluded.segment, tone = excluded.tone,"
                " angle = excluded.angle, cta = excluded.cta, fact_ids = excluded.fact_ids,"
                " subject = excluded.subject, body = excluded.body, status = excluded.status,"
                " created_at = excluded.created_at, lessons_applied = excluded.lessons_applied,"
                " approved_at = excluded.approved_at, sent_at = excluded.sent_at",
                (
                    rec.tenant,
                    rec.message_id,
                    rec.prospect_id,
                    rec.channel,
                    rec.segment,
                    rec.tone,
                    rec.angle,
                    rec.cta,
                    "\x1f".join(rec.fact_ids),
                    rec.subject,
                    rec.body,
                    rec.status,
                    rec.created_at,
                    rec.lessons_applied,
                    outcome,
                    rec.approved_at,
                    rec.sent_at,
                ),
            )
            arm = {"segment": rec.segment, "tone": rec.tone, "angle": rec.angle, "cta": rec.cta}
            self.unit.shift(
                conn, rec.tenant, arm, contribution(rec.sent_at is not None, outcome), +1
            )
            if rec.propensity_chosen is not None:
                conn.execute(
                    "INSERT OR REPLACE INTO message_policy (tenant, message_id, "
                    "propensity_drafted, propensity_chosen, allowed_arms) VALUES (?, ?, ?, ?, ?)",
                    (
                        rec.tenant,
                        rec.message_id,
                        rec.propensity_drafted or rec.propensity_chosen,
                        rec.propensity_chosen,
                        "\x1f".join(rec.allowed_arms),
                    ),
                )
            conn.executemany(  # a re-recorded message keeps the keys it had: one person
                "INSERT OR IGNORE INTO message_keys (tenant, message_id, key_hash, kind, label) "
                "VALUES (?, ?, ?, ?, ?)",
                [(rec.tenant, rec.message_id, h, k.kind, k.text) for h, k in keys],
            )
            self.suppressions.extend(conn, rec.tenant, keys)

    def check_message_id(
        self, tenant: str, message_id: str, prospect_id: str, person: Person | None = None
    ) -> None:
        """Raise when ``message_id`` may not be used for this person (call before a run).

        Raises:
            MessageIdConflictError: The id already belongs to another person of this tenant.
        """
        keys = person_keys(tenant, prospect_id, person)
        with self.unit.lock:
            self._check_owner(Reader(self.unit.db), tenant, message_id, prospect_id, keys)

    @staticmethod
    def _check_owner(
        conn: Connection,
        tenant: str,
        message_id: str,
        prospect_id: str,
        keys: list[tuple[str, PersonKey]],
    ) -> None:
        row = conn.execute(
            "SELECT prospect_id, sent_at FROM messages WHERE tenant = ? AND message_id = ?",
            (tenant, message_id),
        ).fetchone()
        if row is None:
            return
        known = {
            str(r["key_hash"])
            for r in conn.execute(
                "SELECT key_hash FROM message_keys WHERE tenant = ? AND message_id = ?",
                (tenant, message_id),
            ).fetchall()
        }
        same = bool(known & {h for h, _ in keys}) or (
            not known and str(row["prospect_id"]).casefold() == prospect_id.casefold()
        )
        if not same:
            raise MessageIdConflictError(
                f"message id '{message_id}' already belongs to another prospect of tenant "
                f"'{tenant}': use a new message id (nothing was changed)"
            )
        if row["sent_at"] is not None:
            raise MessageIdConflictError(
                f"message id '{message_id}' was already sent (at {row['sent_at']}): a sent "
                "message is never redrafted, use a new message id (nothing was changed)"
            )

    @staticmethod
    def _record(row: Any) -> MessageRecord:
        return MessageRecord(
            message_id=row["message_id"],
            tenant=row["tenant"],
            prospect_id=row["prospect_id"],
            channel=row["channel"],
            segment=row["segment"],
            tone=row["tone"],
            angle=row["angle"],
            cta=row["cta"],
            fact_ids=[f for f in row["fact_ids"].split("\x1f") if f],
            subject=row["subject"],
            body=row["body"],
            status=row["status"],
            created_at=row["created_at"],
            lessons_applied=row["lessons_applied"],
            approved_at=row["approved_at"],
            sent_at=row["sent_at"],
            edited=bool(row["edited"]) if "edited" in row.keys() else False,
        )

    def get_message(self, tenant: str, message_id: str) -> MessageRecord | None:
        """Return this tenant's message, or None (another tenant's id is not found)."""
        rows = self.unit.read(
            f"{_SELECT} WHERE tenant = ? AND message_id = ?", (tenant, message_id)
        )
        return self._record(rows[0]) if rows else None

    def outcome_of_message(self, tenant: str, message_id: str) -> str | None:
        """Return the current outcome of this tenant's message, or None when unknown."""
        rows = self.unit.read(
            "SELECT outcome FROM messages WHERE tenant = ? AND message_id = ?",
            (tenant, message_id),
        )
        return str(rows[0]["outcome"]) if rows else None

    def messages_for_prospect(
        self, tenant: str, prospect_id: str, limit: int = 20
    ) -> list[tuple[MessageRecord, str]]:
        """Return this tenant's latest messages to a prospect with their outcomes, newest first."""
        rows = self.unit.read(
            f"{_SELECT} WHERE tenant = ? AND prospect_id = ? ORDER BY seq DESC LIMIT ?",
            (tenant, prospect_id, limit),
        )
        return [(self._record(row), str(row["outcome"])) for row in rows]

    def sent_messages(
        self, tenant: str, person: Person, limit: int = 20
    ) -> list[tuple[MessageRecord, str]]:
        """The last SENT messages to this person, newest sent first, with their outcomes.

        This is "our contact with them": the query for contact recency and follow-up counting.
        The person is matched by any of their keys (``Person.from_prospect`` / ``person_of``), so
        the same address under another record id is the same contact history. Previews, drafts
        awaiting approval and blocked runs are never in it: only a ``sent`` event (or engagement
        that implies it) makes a message contact. ``MessageRecord.sent_at`` says when.
        """
        hashes = [key_hash(tenant, k) for k in person.keys]
        if not hashes:
            return []
        marks = ", ".join("?" * len(hashes))
        rows = self.unit.read(
            f"{_SELECT} WHERE tenant = ? AND sent_at IS NOT NULL AND message_id IN "
            f"(SELECT message_id FROM message_keys WHERE tenant = ? AND key_hash IN ({marks}))"
            " ORDER BY sent_at DESC, seq DESC LIMIT ?",
            [tenant, tenant, *hashes, limit],
        )
        return [(self._record(row), str(row["outcome"])) for row in rows]

    def replies(self, tenant: str, message_ids: list[str]) -> list[Reply]:
        """The replies recorded for these messages of the tenant (``replied`` events), oldest first.

        Read by the relationship step: the prospect's words, when they wrote them and the intent
        they were classified with.
        """
        if not message_ids:
            return []
        marks = ", ".join("?" * len(message_ids))
        rows = self.unit.read(
            "SELECT message_id, intent, at, reply_text, received_at FROM events WHERE tenant = ?"
            f" AND kind = 'replied' AND message_id IN ({marks}) ORDER BY COALESCE(at, received_at)",
            [tenant, *message_ids],
        )
        return [
            Reply(
                message_id=str(row["message_id"]),
                at=str(row["at"] or row["received_at"]),
                intent=row["intent"],
                text=str(row["reply_text"] or ""),
            )
            for row in rows
        ]

    def message_outcomes(
        self, tenant: str, *, as_of: datetime | None = None
    ) -> list[tuple[MessageRecord, str]]:
        """Every message of the tenant with its outcome, in the order they were recorded.

        With ``as_of``, a sent message still pending whose no-event window has passed by then is
        given the outcome settling will give it (``no_reply``, or ``clicked``), without writing
        anything: for read-only reports.
        """
        rows = self.unit.read(f"{_SELECT} WHERE tenant = ? ORDER BY seq", (tenant,))
        cutoff = (
            (as_of - timedelta(days=policy().settle_days)).isoformat(timespec="seconds")
            if as_of is not None
            else None
        )
        result = []
        for row in rows:
            outcome = str(row["outcome"])
            due = row["sent_at"] is not None and cutoff is not None and row["sent_at"] <= cutoff
            if outcome == NO_EVENTS_OUTCOME and due:
                pairs = self.unit.read(
                    "SELECT DISTINCT kind, intent FROM events WHERE tenant = ? AND message_id = ?",
                    (tenant, row["message_id"]),
                )
                outcome = outcome_of(((str(p["kind"]), p["intent"]) for p in pairs), settled=True)
            result.append((self._record(row), outcome))
        return result

    def messages_count(self, tenant: str | None = None) -> int:
        """Return the number of recorded messages (of one tenant, or of all)."""
        if tenant is None:
            return int(self.unit.read("SELECT COUNT(*) FROM messages")[0][0])
        return int(
            self.unit.read("SELECT COUNT(*) FROM messages WHERE tenant = ?", (tenant,))[0][0]
        )


def person_keys(
    tenant: str, prospect_id: str, person: Person | None
) -> list[tuple[str, PersonKey]]:
    """The hashed keys of a message's person; the record id is always one of them."""
    base = person.keys if person is not None else ()
    keys = tuple(dict.fromkeys([*base, *Person.build(ids=[prospect_id]).keys]))
    return [(key_hash(tenant, k), k) for k in keys]
