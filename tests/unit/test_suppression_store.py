"""The suppression list in the store, person keys, and the schema migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ipe.domain import MessageIdConflictError, StorageError
from ipe.memory.migrations import BASE_SCHEMA, LATEST
from ipe.memory.outcomes import MessageRecord, OutcomeStore
from ipe.memory.people import Person, key_hash, normalise_email, normalise_handle, person_of
from tests.conftest import StoreFactory


def _message(message_id: str, prospect: str = "p1", channel: str = "email") -> MessageRecord:
    return MessageRecord(
        message_id=message_id,
        tenant="t1",
        prospect_id=prospect,
        channel=channel,
        segment=f"{channel}:general",
        tone="casual",
        angle="bio",
        cta="reply",
        body="Hi there.",
        status="ready",
        created_at="2026-01-01T00:00:00+00:00",
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ana@example.org", "ana@example.org"),
        ("  ANA@Example.ORG ", "ana@example.org"),
        ("ana+promo@example.org", "ana@example.org"),
        ("mailto:Ana@example.org", "ana@example.org"),
        ("<ana@example.org>", "ana@example.org"),
        ("a\u200bna@example.org", "ana@example.org"),  # an invisible character
        ("ａｎａ@example.org", "ana@example.org"),  # fullwidth letters
        ("A.Na+x@GoogleMail.com", "ana@gmail.com"),
        ("a.na@example.org", "a.na@example.org"),  # dots matter outside Gmail
        ("not an address", None),
        ("ana@localhost", None),
        ("", None),
        (None, None),
    ],
)
def test_email_normalisation(raw: str | None, expected: str | None) -> None:
    assert normalise_email(raw) == expected


def test_handles_ids_and_hashes() -> None:
    assert normalise_handle(" @Ana_Souza ") == "ana_souza"
    person = Person.build(ids=["P-1", "p-1"], email="Ana@x.org", handles=[("Instagram", "@Ana")])
    assert [k.text for k in person.keys] == ["email:ana@x.org", "handle:instagram:ana", "id:p-1"]
    first, again = key_hash("t1", person.keys[0]), key_hash("t1", "email:ana@x.org")
    assert first == again and key_hash("t2", person.keys[0]) != first  # per tenant
    assert "ana" not in first and len(first) == 40
    merged = person_of({"id": "p-1", "email": "a\u200bna@x.org"}, {"id": "p-1", "email": None})
    assert [k.text for k in merged.keys] == ["email:ana@x.org", "id:p-1"]


def test_opt_outs_feed_the_list_and_a_weaker_reason_never_replaces_a_stronger(
    open_store: StoreFactory,
) -> None:
    store = open_store()
    ana = Person.build(ids=["p1"], email="ana@x.org")
    store.record_message(_message("m1"), ana)
    store.add_event("t1", "m1", event_id="e1", kind="complained")
    store.add_event("t1", "m1", event_id="e2", kind="unsubscribed")
    store.add_event("t1", "m1", event_id="e3", kind="bounced")
    [entry] = store.suppressions("t1")
    assert entry.reason == "complained" and entry.scope == "*" and entry.source == "m1"
    assert store.suppression_for("t1", Person.build(email="ANA@x.org")) == entry
    assert store.suppression_for("t1", Person.build(ids=["P1"])) == entry
    assert store.suppression_for("t2", ana) is None


def test_a_bounce_suppresses_only_its_address_on_its_channel(open_store: StoreFactory) -> None:
    store = open_store()
    ana = Person.build(ids=["p1"], email="ana@x.org", handles=[("x", "ana")])
    store.record_message(_message("m1"), ana)
    store.add_event("t1", "m1", event_id="e1", kind="bounced")
    assert store.suppression_for("t1", ana, "email") is not None
    assert store.suppression_for("t1", ana, "x") is None
    [entry] = store.suppressions("t1")
    assert entry.labels == ("email:ana@x.org",) and entry.scope == "email"
    store.add_event("t1", "m1", event_id="e2", kind="replied", reply_text="Unsubscribe me")
    [entry] = store.suppressions("t1")
    assert entry.reason == "unsubscribed" and entry.scope == "*" and entry.keys == 3
    assert store.suppression_for("t1", ana, "x") is not None


def test_two_entries_of_one_person_merge(open_store: StoreFactory) -> None:
    store = open_store()
    store.suppress("t1", Person.build(email="ana@x.org"))
    store.suppress("t1", Person.build(ids=["p9"]))
    assert len(store.suppressions("t1")) == 2
    store.record_message(_message("m1", prospect="p9"), Person.build(ids=["p9"], email="ana@x.org"))
    [entry] = store.suppressions("t1")
    assert set(entry.labels) == {"email:ana@x.org", "id:p9"}
    [lifted] = store.lift("t1", Person.build(email="ana@x.org"))
    assert not lifted.active and store.suppression_for("t1", Person.build(ids=["p9"])) is None


def test_a_failed_batch_keeps_its_opt_outs(open_store: StoreFactory) -> None:
    store = open_store()
    store.record_message(_message("m1"), Person.build(ids=["p1"]))
    with pytest.raises(Exception, match="nope"):
        store.add_events(
            "t1",
            [
                {"message_id": "m1", "event_id": "a", "kind": "unsubscribed"},
                {"message_id": "nope", "event_id": "b", "kind": "delivered"},
            ],
        )
    assert store.events_count("t1") == 0  # all or nothing for the events ...
    assert store.suppression_for("t1", Person.build(ids=["p1"])) is not None  # ... not opt-outs


def test_a_message_id_belongs_to_one_person(open_store: StoreFactory) -> None:
    store = open_store()
    store.record_message(_message("m1", prospect="p1"), Person.build(ids=["p1"], email="a@x.org"))
    store.record_message(_message("m1", prospect="P1"))  # the same record id, other case
    store.record_message(_message("m1", prospect="p2"), Person.build(ids=["p2"], email="a@x.org"))
    with pytest.raises(MessageIdConflictError):
        store.record_message(_message("m1", prospect="p3"), Person.build(ids=["p3"]))
    with pytest.raises(MessageIdConflictError):
        store.check_message_id("t1", "m1", "p3")
    got = store.get_message("t1", "m1")
    assert got is not None and got.prospect_id == "p2"


def _version_zero(path: Path) -> None:
    """A data directory as the engine wrote it before the schema was versioned."""
    conn = sqlite3.connect(path)
    conn.executescript(BASE_SCHEMA)
    conn.execute(
        "INSERT INTO messages (tenant, message_id, prospect_id, channel, segment, tone, angle, cta,"
        " fact_ids, subject, body, status, created_at, lessons_applied, outcome) VALUES"
        " ('t1', 'm1', 'P-7', 'email', 'email:general', 'casual', 'bio', 'reply', 'f1', NULL,"
        " 'Hi', 'ready', '2026-01-01T00:00:00+00:00', 0, 'unsubscribed'),"
        " ('t1', 'm2', 'p-8', 'email', 'email:general', 'casual', 'bio', 'reply', 'f1', NULL,"
        " 'Hi', 'ready', '2026-01-01T00:00:00+00:00', 0, 'interested')"
    )
    conn.execute(
        "INSERT INTO events VALUES ('t1', 'e1', 'm1', 'unsubscribed', NULL, NULL, NULL, 'x'),"
        " ('t1', 'e2', 'm1', 'bounced', NULL, NULL, NULL, 'y'),"
        " ('t1', 'e1b', 'm2', 'replied', 'interested', NULL, NULL, 'z')"
    )
    conn.execute(
        "INSERT INTO arm_stats VALUES ('t1', 'email:general', 'casual', 'bio', 'reply', 2, "
        "850000, 1)"
    )
    conn.commit()
    conn.close()


def test_an_unversioned_data_dir_upgrades_in_place_and_keeps_its_opt_outs(tmp_path: Path) -> None:
    path = tmp_path / "outcomes.sqlite"
    _version_zero(path)
    store = OutcomeStore(path)
    assert store.schema_version == LATEST
    assert store.suppression_for("t1", Person.build(ids=["p-7"])) is not None
    [entry] = store.suppressions("t1")
    assert entry.reason == "unsubscribed"  # the later bounce did not replace it
    assert store.events_count("t1") == 3 and store.messages_count("t1") == 2
    assert store.arm_stats("t1") == store.recompute_arm_stats("t1")
    # before the lifecycle a ready message counted as sent: its evidence stays
    assert [store.get_message("t1", m).stage for m in ("m1", "m2")] == ["sent", "sent"]  # type: ignore[union-attr]
    [stat] = store.arm_stats("t1")
    assert (stat.sends, stat.positives) == (2, 1)
    # event ids are now per message: m2 may use e1 too
    assert store.add_event("t1", "m2", event_id="e1", kind="converted").new
    store.close()
    again = OutcomeStore(path)  # opening an upgraded file changes nothing
    assert again.schema_version == LATEST and len(again.suppressions("t1")) == 1


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "outcomes.sqlite"
    OutcomeStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(StorageError, match="upgrade the engine"):
        OutcomeStore(path)


def test_the_sqlite_store_implements_the_store_interface(tmp_path: Path) -> None:
    from ipe.memory.store import MessageStore

    store: MessageStore = OutcomeStore(tmp_path / "o.sqlite")  # mypy checks the signatures
    public = {n for n in dir(MessageStore) if not n.startswith("_")}
    assert public <= {n for n in dir(store) if not n.startswith("_")}
    assert {"suppress", "suppression_for", "lift", "record_message"} <= public
