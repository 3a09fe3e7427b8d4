"""``ipe forget`` / ``FeedbackLoop.forget``: a person erased from every store, still suppressed."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ipe import FeedbackLoop, IntelligentPersonalizationEngine
from ipe.domain import InvalidInputError, Lesson
from ipe.memory.handles import lesson_memory, outcome_store
from ipe.memory.people import Person

ROOT = Path(__file__).resolve().parents[2]


def _threads(data_dir: str) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(Path(data_dir) / "checkpoints.sqlite")
    try:
        return sorted({r[0] for r in conn.execute("SELECT thread_id FROM checkpoints")})
    finally:
        conn.close()


async def test_forget_erases_the_person_everywhere_and_keeps_the_opt_out(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir)  # durable: checkpoints
    loop = FeedbackLoop("t", data_dir=data_dir)
    ana = prospects["ana-email"]
    rescraped = copy.deepcopy(ana) | {"id": "yt-ana"}  # the same address under another id
    first = await engine.personalize_message(ana, template)
    await loop.mark_sent(first.message_id)
    await loop.update_model(
        first.message_id,
        [
            {"event": "replied", "reply_text": "Thru-hiker here, please unsubscribe me"},
            {"edited_body": first.body + "\nThru-hiker PS"},
        ],
    )
    again = await engine.personalize_message(rescraped, template)
    assert again.status == "blocked"
    zoe = await engine.personalize_message(prospects["zoe-tiktok"], template)
    memory = lesson_memory(data_dir, "t")
    memory.upsert(
        [
            Lesson(
                id="l1",
                text="On email, a casual tone looks promising",
                segment="email:outdoor_travel",
                factor="tone",
                level="casual",
                message_ids=[first.message_id, zoe.message_id],
            )
        ]
    )
    store = outcome_store(data_dir)
    assert len(_threads(data_dir)) == 3

    report = await loop.forget(email="Ana@Example.org")

    assert report.messages == 2 and report.events >= 2 and report.edits == 1
    assert report.lessons_updated == 1 and report.checkpoint_threads == 2
    assert report.suppression_keys_kept >= 2
    for message_id in (first.message_id, again.message_id):
        assert store.get_message("t", message_id) is None
    assert store.get_message("t", zoe.message_id) is not None  # nobody else is touched
    [lesson] = memory.all()
    assert lesson.message_ids == [zoe.message_id]
    assert [t.split(":")[1] for t in _threads(data_dir)] == [zoe.message_id]
    assert store.arm_stats("t") == store.recompute_arm_stats("t")
    # still suppressed, under every key, but no longer readable
    [entry] = await loop.suppressions()
    assert entry.labels == () and entry.keys >= 2 and entry.active
    for who in (ana, rescraped, copy.deepcopy(ana) | {"id": "third", "email": "ANA@example.org"}):
        assert (await engine.personalize_message(who, template)).status == "blocked"
    assert store.suppression_for("t", Person.build(ids=["yt-ana"])) is not None


async def test_erased_bytes_are_gone_from_the_files(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir)
    loop = FeedbackLoop("t", data_dir=data_dir)
    ana = copy.deepcopy(prospects["ana-email"]) | {"email": "unique.person.4711@example.org"}
    result = await engine.personalize_message(ana, template)
    await loop.update_model(result.message_id, {"event": "replied", "reply_text": "Zanzibar-9931"})
    await engine.personalize_message(prospects["zoe-tiktok"], template)

    def found(needle: bytes) -> list[str]:
        names = [f"{n}{s}" for n in ("outcomes.sqlite", "checkpoints.sqlite") for s in ("", "-wal")]
        paths = [Path(data_dir) / name for name in names]
        return [p.name for p in paths if p.exists() and needle in p.read_bytes()]

    assert found(b"unique.person.4711") and found(b"Zanzibar-9931")  # the check can fail
    await loop.forget(prospect_id="P-1001")
    assert found(b"unique.person.4711") == [] and found(b"Zanzibar-9931") == []


async def test_forget_needs_a_person(data_dir: str) -> None:
    loop = FeedbackLoop("t", data_dir=data_dir)
    with pytest.raises(InvalidInputError):
        await loop.forget()
    report = await loop.forget(email="nobody@example.org")  # nothing known: nothing erased
    assert report.messages == 0 and report.checkpoint_threads == 0


def test_ipe_forget_from_the_command_line(data_dir: str) -> None:
    env = {**os.environ, "IPE_LLM": "none", "IPE_DATA_DIR": data_dir}
    env.pop("OPENAI_API_KEY", None)

    def ipe(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ipe.graph.cli", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
        )

    made = ipe(
        "personalize",
        "--prospect",
        str(ROOT / "examples/prospects/ana-email.json"),
        "--template",
        str(ROOT / "examples/template.json"),
        "--json",
    )
    assert made.returncode == 0, made.stderr
    gone = ipe("forget", "--email", "ana@example.org", "--json")
    assert gone.returncode == 0, gone.stderr
    assert json.loads(gone.stdout)["messages"] == 1
    bad = ipe("forget")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and bad.stderr.count("\n") == 1
