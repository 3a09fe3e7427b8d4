"""The outcome store's schema and its versioned migrations (SQLite ``PRAGMA user_version``).

``BASE_SCHEMA`` is version 0, the schema every data directory made before versioning has. Each
entry of ``MIGRATIONS`` moves the schema one version up; ``migrate`` applies the missing ones on
open, each in its own ``BEGIN IMMEDIATE`` transaction together with the new ``user_version``, so
an existing data directory upgrades in place, a failed migration changes nothing and two
processes opening the same file at once migrate it exactly once. A fresh file runs the same path
(base schema, then every migration), so there is one way a database comes to be.

The SQL is kept plain (no SQLite-only types or functions beyond ``INSERT OR IGNORE``) so that
another implementation of ``ipe.memory.store.MessageStore`` can mirror it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from ipe.domain import StorageError
from ipe.memory.aggregates import rebuild_arm_stats
from ipe.memory.database import Connection, Database
from ipe.memory.people import Person, key_hash
from ipe.memory.reward import outcome_of, policy

BASE_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant TEXT NOT NULL,
    message_id TEXT NOT NULL,
    prospect_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    segment TEXT NOT NULL,
    tone TEXT NOT NULL,
    angle TEXT NOT NULL,
    cta TEXT NOT NULL,
    fact_ids TEXT NOT NULL,
    subject TEXT,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    lessons_applied INTEGER NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL,
    UNIQUE (tenant, message_id)
);
CREATE INDEX IF NOT EXISTS messages_by_prospect ON messages (tenant, prospect_id, seq);
CREATE INDEX IF NOT EXISTS messages_by_outcome ON messages (outcome, created_at);
CREATE TABLE IF NOT EXISTS events (
    tenant TEXT NOT NULL,
    event_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    intent TEXT,
    at TEXT,
    reply_text TEXT,
    received_at TEXT NOT NULL,
    PRIMARY KEY (tenant, event_id)
);
CREATE INDEX IF NOT EXISTS events_by_message ON events (tenant, message_id);
CREATE TABLE IF NOT EXISTS arm_stats (
    tenant TEXT NOT NULL,
    segment TEXT NOT NULL,
    tone TEXT NOT NULL,
    angle TEXT NOT NULL,
    cta TEXT NOT NULL,
    sends INTEGER NOT NULL,
    reward_micro INTEGER NOT NULL,
    positives INTEGER NOT NULL,
    PRIMARY KEY (tenant, segment, tone, angle, cta)
);
CREATE TABLE IF NOT EXISTS edits (
    tenant TEXT NOT NULL,
    message_id TEXT NOT NULL,
    edited_body TEXT NOT NULL,
    diff TEXT NOT NULL,
    edited_at TEXT NOT NULL,
    PRIMARY KEY (tenant, message_id)
);
CREATE TABLE IF NOT EXISTS edit_sentences (
    tenant TEXT NOT NULL,
    message_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    norm TEXT NOT NULL,
    sentence TEXT NOT NULL,
    PRIMARY KEY (tenant, message_id, kind, norm)
);
"""

_V1 = """
CREATE TABLE events_v1 (
    tenant TEXT NOT NULL,
    message_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    intent TEXT,
    at TEXT,
    reply_text TEXT,
    received_at TEXT NOT NULL,
    PRIMARY KEY (tenant, message_id, event_id)
);
INSERT INTO events_v1 (tenant, message_id, event_id, kind, intent, at, reply_text, received_at)
    SELECT tenant, message_id, event_id, kind, intent, at, reply_text, received_at FROM events;
DROP TABLE events;
ALTER TABLE events_v1 RENAME TO events;
CREATE TABLE message_keys (
    tenant TEXT NOT NULL,
    message_id TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (tenant, message_id, key_hash)
);
CREATE INDEX message_keys_by_key ON message_keys (tenant, key_hash);
CREATE TABLE suppressions (
    tenant TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    entry TEXT NOT NULL,
    kind TEXT NOT NULL,
    label TEXT,
    reason TEXT NOT NULL,
    scope TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    lifted_at TEXT,
    lift_note TEXT,
    PRIMARY KEY (tenant, key_hash)
);
CREATE INDEX suppressions_by_entry ON suppressions (tenant, entry);
"""


def _statements(script: str) -> list[str]:
    return [s for s in script.split(";") if s.strip()]


def _v1(conn: Connection, db: Database) -> None:
    """Event ids unique per message; person keys per message; the suppression list (back-filled).

    Existing messages get their record id as their only key (older rows kept no address), and
    every opt-out already in the events (an unsubscribe, an unsubscribe reply, a bounce) is put
    on the suppression list, so no opt-out recorded before the upgrade is lost.
    """
    for statement in _statements(_V1):
        conn.execute(db.ddl(statement))
    rows = conn.execute("SELECT tenant, message_id, prospect_id, created_at FROM messages")
    for row in rows.fetchall():
        for key in Person.build(ids=[row["prospect_id"]]).keys:
            conn.execute(
                "INSERT OR IGNORE INTO message_keys (tenant, message_id, key_hash, kind, label)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    row["tenant"],
                    row["message_id"],
                    key_hash(row["tenant"], key),
                    key.kind,
                    key.text,
                ),
            )
    opt_outs = conn.execute(
        "SELECT e.tenant, e.message_id, e.kind, e.received_at, k.key_hash, k.kind AS key_kind,"
        " k.label FROM events e JOIN message_keys k"
        " ON k.tenant = e.tenant AND k.message_id = e.message_id"
        " WHERE e.kind IN ('unsubscribed', 'bounced')"
        " OR (e.kind = 'replied' AND e.intent = 'unsubscribe_request')"
        " ORDER BY e.received_at"
    ).fetchall()
    for row in opt_outs:
        reason = "bounced" if row["kind"] == "bounced" else "unsubscribed"
        existing = conn.execute(
            "SELECT reason FROM suppressions WHERE tenant = ? AND key_hash = ?",
            (row["tenant"], row["key_hash"]),
        ).fetchone()
        if existing is not None:
            if existing["reason"] == "bounced" and reason != "bounced":
                conn.execute(
                    "UPDATE suppressions SET reason = ?, scope = '*' "
                    "WHERE tenant = ? AND key_hash = ?",
                    (reason, row["tenant"], row["key_hash"]),
                )
            continue
        conn.execute(
            "INSERT INTO suppressions (tenant, key_hash, entry, kind, label, reason, scope, source,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row["tenant"],
                row["key_hash"],
                row["key_hash"],
                row["key_kind"],
                row["label"],
                reason,
                "*",
                row["message_id"],
                row["received_at"],
                row["received_at"],
            ),
        )


_V2 = """
CREATE TABLE IF NOT EXISTS message_policy (
    tenant TEXT NOT NULL,
    message_id TEXT NOT NULL,
    propensity_drafted REAL NOT NULL,
    propensity_chosen REAL NOT NULL,
    allowed_arms TEXT NOT NULL,
    PRIMARY KEY (tenant, message_id)
)
"""


def _v2(conn: Connection, db: Database) -> None:
    """The logging policy of each message, for off-policy evaluation.

    How likely its arm was to be drafted and sent, and every arm that could have been. Messages
    recorded before this version have no row (they are left out of the evaluation, and said so).
    """
    for statement in _statements(_V2):
        conn.execute(db.ddl(statement))


_V3 = """
ALTER TABLE messages ADD COLUMN sent_at TEXT;
ALTER TABLE messages ADD COLUMN approved_at TEXT;
ALTER TABLE messages ADD COLUMN settled_at TEXT;
DROP INDEX IF EXISTS messages_by_outcome;
CREATE INDEX messages_by_settle ON messages (outcome, sent_at);
CREATE INDEX messages_by_sent ON messages (tenant, sent_at);
"""


def _v3(conn: Connection, db: Database) -> None:
    """The message lifecycle: when a message was approved, sent and settled.

    Before the lifecycle a ``ready`` message counted as sent, so those are marked sent at their
    recording time (their evidence stays); so is any other unblocked message whose events need it
    to have gone out. Outcomes are then recomputed under the current rules (delivery events no
    longer settle a message before its window) and the aggregates rebuilt from scratch.
    """
    for statement in _statements(_V3):
        conn.execute(db.ddl(statement))
    implied = sorted(policy().implies_sent)
    marks = ", ".join("?" * len(implied))
    conn.execute("UPDATE messages SET sent_at = created_at WHERE status = 'ready'")
    conn.execute(
        "UPDATE messages SET sent_at = created_at WHERE sent_at IS NULL AND status != 'blocked'"
        " AND EXISTS (SELECT 1 FROM events e WHERE e.tenant = messages.tenant"
        f" AND e.message_id = messages.message_id AND e.kind IN ({marks}))",
        implied,
    )
    now = datetime.now(UTC)
    cutoff = (now - timedelta(days=policy().settle_days)).isoformat(timespec="seconds")
    rows = conn.execute("SELECT tenant, message_id, sent_at, outcome FROM messages").fetchall()
    for row in rows:
        pairs = conn.execute(
            "SELECT DISTINCT kind, intent FROM events WHERE tenant = ? AND message_id = ?",
            (row["tenant"], row["message_id"]),
        ).fetchall()
        settled = row["sent_at"] is not None and str(row["sent_at"]) < cutoff
        outcome = outcome_of(((str(p["kind"]), p["intent"]) for p in pairs), settled=settled)
        conn.execute(
            "UPDATE messages SET outcome = ?, settled_at = ? WHERE tenant = ? AND message_id = ?",
            (
                outcome,
                now.isoformat(timespec="seconds") if settled else None,
                row["tenant"],
                row["message_id"],
            ),
        )
    rebuild_arm_stats(conn)


Migration = Callable[[Connection, Database], None]

MIGRATIONS: tuple[Migration, ...] = (_v1, _v2, _v3)
"""``MIGRATIONS[i]`` moves the schema from version ``i`` to ``i + 1``."""

LATEST = len(MIGRATIONS)


def migrate(db: Database) -> int:
    """Bring ``db`` to ``LATEST``; return the version.

    Raises:
        StorageError: The store was written by a newer version of the engine.
    """
    with db.transaction() as conn:
        for statement in _statements(BASE_SCHEMA):
            conn.execute(db.ddl(statement))
    while True:
        with db.transaction() as conn:
            version = db.schema_version(conn)
            if version > LATEST:
                raise StorageError(
                    f"the outcome store has schema version {version}; this engine knows up to "
                    f"{LATEST}: upgrade the engine"
                )
            if version == LATEST:
                return version
            MIGRATIONS[version](conn, db)
            db.set_schema_version(conn, version + 1)
