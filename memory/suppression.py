"""The tenant's suppression list: who may never be contacted again, under every key they have.

An unsubscribe, an unsubscribe reply, a spam complaint or a hard bounce (``memory/events.py``), or
the tenant's own ``suppress``, puts a person's keys (``ipe.memory.people``, hashed per tenant) on
the list as one entry; a weaker reason never replaces a stronger one (``REASON_RANK``); a bounce
holds only for its address and channel. A suppressed person's new keys join their entry as
aliases (``extend``, when a message is recorded). Only ``lift``, the tenant's act, takes a person
off it; an erasure keeps the entry, as hashes only (``memory/purge.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

from ipe.domain import InvalidInputError
from ipe.memory.database import Connection
from ipe.memory.people import Person, PersonKey, key_hash
from ipe.memory.records import ALL_CHANNELS, REASON_RANK, Suppression
from ipe.memory.unit import StoreUnit, now_stamp


class Suppressions:
    """The suppression list of every tenant of one store."""

    def __init__(self, unit: StoreUnit) -> None:
        """Read and write through ``unit``."""
        self.unit = unit

    def suppress(
        self, tenant: str, person: Person, *, reason: str = "manual", source: str = "tenant"
    ) -> Suppression:
        """Put a person on the tenant's suppression list (every channel) and return the entry.

        Raises:
            InvalidInputError: Unknown reason, or a person without any key.
        """
        if reason not in REASON_RANK:
            raise InvalidInputError(f"unknown suppression reason {reason!r}")
        if not person.keys:
            raise InvalidInputError("a suppression needs an e-mail address, a handle or an id")
        rows = [(key_hash(tenant, k), k.kind, k.text) for k in person.keys]
        with self.unit.write() as conn:
            entry = self.suppress_keys(
                conn, tenant, rows, reason=reason, scope=ALL_CHANNELS, source=source
            )
        found = self.entries(tenant, [entry])
        return found[0]

    def suppression_for(
        self, tenant: str, person: Person, channel: str | None = None
    ) -> Suppression | None:
        """The suppression in force for this person (any of their keys), or None.

        This is the check the context step makes on every personalization: it does not depend
        on how many messages the person has had, on which record id they came under or on any
        event after the opt-out. With ``channel``, a bounce on another channel does not count.
        """
        hashes = [key_hash(tenant, k) for k in person.keys]
        if not hashes:
            return None
        marks = ", ".join("?" * len(hashes))
        rows = self.unit.read(
            f"SELECT entry, reason, scope FROM suppressions WHERE tenant = ? AND key_hash IN "
            f"({marks}) AND lifted_at IS NULL",
            [tenant, *hashes],
        )
        rows = [r for r in rows if channel is None or r["scope"] in (ALL_CHANNELS, channel)]
        if not rows:
            return None
        best = max(rows, key=lambda r: (r["scope"] == ALL_CHANNELS, REASON_RANK[r["reason"]]))
        return self.entries(tenant, [str(best["entry"])])[0]

    def suppressions(self, tenant: str, *, include_lifted: bool = False) -> list[Suppression]:
        """The tenant's suppression list, one entry per person, oldest first."""
        rows = self.unit.read(
            "SELECT DISTINCT entry FROM suppressions WHERE tenant = ? ORDER BY entry", (tenant,)
        )
        entries = self.entries(tenant, [str(r["entry"]) for r in rows])
        kept = [e for e in entries if include_lifted or e.active]
        return sorted(kept, key=lambda e: (e.since, e.entry))

    def lift(self, tenant: str, person: Person, *, note: str = "") -> list[Suppression]:
        """Take a person off the suppression list (every key of their entry): the tenant's act.

        Returns the entries lifted (empty when the person was not suppressed).
        """
        hashes = [key_hash(tenant, k) for k in person.keys]
        if not hashes:
            return []
        marks = ", ".join("?" * len(hashes))
        with self.unit.write() as conn:
            entries = sorted(
                {
                    str(r["entry"])
                    for r in conn.execute(
                        f"SELECT entry FROM suppressions WHERE tenant = ? AND key_hash IN "
                        f"({marks}) AND lifted_at IS NULL",
                        [tenant, *hashes],
                    ).fetchall()
                }
            )
            now = now_stamp()
            for entry in entries:
                conn.execute(
                    "UPDATE suppressions SET lifted_at = ?, lift_note = ?, updated_at = ? "
                    "WHERE tenant = ? AND entry = ? AND lifted_at IS NULL",
                    (now, note or "lifted by the tenant", now, tenant, entry),
                )
        return self.entries(tenant, entries)

    def entries(self, tenant: str, entries: list[str]) -> list[Suppression]:
        """The entries of these ids, each with every key it holds (missing ids left out)."""
        result = []
        for entry in entries:
            rows = self.unit.read(
                "SELECT * FROM suppressions WHERE tenant = ? AND entry = ?", (tenant, entry)
            )
            if not rows:
                continue
            live = [r for r in rows if r["lifted_at"] is None]
            basis = live or rows
            best = max(basis, key=lambda r: (REASON_RANK[r["reason"]], r["scope"] == ALL_CHANNELS))
            scopes = {str(r["scope"]) for r in basis}
            result.append(
                Suppression(
                    entry=entry,
                    reason=str(best["reason"]),
                    scope=ALL_CHANNELS
                    if ALL_CHANNELS in scopes or len(scopes) > 1
                    else scopes.pop(),
                    source=str(best["source"]),
                    since=min(str(r["created_at"]) for r in basis),
                    labels=tuple(sorted(str(r["label"]) for r in rows if r["label"])),
                    keys=len(rows),
                    lifted_at=None if live else max(str(r["lifted_at"]) for r in rows),
                    lift_note=None if live else str(rows[0]["lift_note"] or ""),
                )
            )
        return result

    def suppress_message(
        self, conn: Connection, tenant: str, message_id: str, channel: str, reason: str
    ) -> None:
        """Suppress the person of a message: every key, or for a bounce the address bounced."""
        rows = [
            (str(r["key_hash"]), str(r["kind"]), str(r["label"]))
            for r in conn.execute(
                "SELECT key_hash, kind, label FROM message_keys "
                "WHERE tenant = ? AND message_id = ?",
                (tenant, message_id),
            ).fetchall()
        ]
        scope = ALL_CHANNELS
        if reason == "bounced":
            scope = channel
            address = [r for r in rows if r[1] == ("email" if channel == "email" else "handle")]
            rows = address or rows
        if rows:
            self.suppress_keys(conn, tenant, rows, reason=reason, scope=scope, source=message_id)

    @staticmethod
    def suppress_keys(
        conn: Connection,
        tenant: str,
        keys: Sequence[tuple[str, str, str | None]],
        *,
        reason: str,
        scope: str,
        source: str,
    ) -> str:
        """Suppress ``(key hash, kind, label)`` keys as one entry; a weaker reason never wins."""
        now = now_stamp()
        hashes = [h for h, _, _ in keys]
        marks = ", ".join("?" * len(hashes))
        existing = {
            str(r["key_hash"]): r
            for r in conn.execute(
                f"SELECT * FROM suppressions WHERE tenant = ? AND key_hash IN ({marks})",
                [tenant, *hashes],
            ).fetchall()
        }
        entries = sorted({str(r["entry"]) for r in existing.values()})
        entry = entries[0] if entries else hashes[0]
        for other in entries[1:]:  # the keys turned out to be one person: one entry
            conn.execute(
                "UPDATE suppressions SET entry = ? WHERE tenant = ? AND entry = ?",
                (entry, tenant, other),
            )
        for hashed, kind, label in keys:
            row = existing.get(hashed)
            if row is None:
                conn.execute(
                    "INSERT INTO suppressions (tenant, key_hash, entry, kind, label, reason, scope,"
                    " source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (tenant, hashed, entry, kind, label, reason, scope, source, now, now),
                )
                continue
            if row["lifted_at"] is not None:  # lifted before: a new opt-out puts it back
                new_reason, new_scope, new_source = reason, scope, source
                created = now
            else:
                stronger = REASON_RANK[reason] > REASON_RANK[str(row["reason"])]
                new_reason = reason if stronger else str(row["reason"])
                new_source = source if stronger else str(row["source"])
                same = str(row["scope"]) == scope
                new_scope = scope if same else ALL_CHANNELS
                created = str(row["created_at"])
            conn.execute(
                "UPDATE suppressions SET reason = ?, scope = ?, source = ?, created_at = ?,"
                " updated_at = ?, label = COALESCE(?, label), lifted_at = NULL, lift_note = NULL"
                " WHERE tenant = ? AND key_hash = ?",
                (new_reason, new_scope, new_source, created, now, label, tenant, hashed),
            )
        return entry

    @staticmethod
    def extend(conn: Connection, tenant: str, keys: list[tuple[str, PersonKey]]) -> None:
        """Keys of a suppressed person that the list does not hold yet join it as aliases.

        When the keys show that two entries are one person, they become one entry.
        """
        hashes = [h for h, _ in keys]
        marks = ", ".join("?" * len(hashes))
        rows = conn.execute(
            f"SELECT * FROM suppressions WHERE tenant = ? AND key_hash IN ({marks})",
            [tenant, *hashes],
        ).fetchall()
        live = [r for r in rows if r["lifted_at"] is None]
        if not live:
            return
        best = max(live, key=lambda r: (REASON_RANK[r["reason"]], r["scope"] == ALL_CHANNELS))
        for other in sorted({str(r["entry"]) for r in live} - {str(best["entry"])}):
            conn.execute(  # the keys turned out to be one person: one entry
                "UPDATE suppressions SET entry = ? WHERE tenant = ? AND entry = ?",
                (best["entry"], tenant, other),
            )
        known = {str(r["key_hash"]) for r in rows}
        now = now_stamp()
        conn.executemany(
            "INSERT INTO suppressions (tenant, key_hash, entry, kind, label, reason, scope, source,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    tenant,
                    h,
                    best["entry"],
                    k.kind,
                    k.text,
                    best["reason"],
                    best["scope"],
                    best["source"],
                    now,
                    now,
                )
                for h, k in keys
                if h not in known
            ],
        )
