"""Opt-outs, caller-chosen message ids, untrusted names and the facade's lifecycle."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from ipe import FeedbackLoop, IntelligentPersonalizationEngine
from tests.fakes.models import every_draft_shape

ROOT = Path(__file__).resolve().parents[2]


async def test_a_prospect_who_unsubscribed_is_never_ready_again(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine("t", data_dir=data_dir, durable=False)
    first = await engine.personalize_message(prospects["ana-email"], template)
    await FeedbackLoop("t", data_dir=data_dir).update_model(
        first.message_id, {"event": "replied", "reply_text": "Please remove me from your list"}
    )
    again = await engine.personalize_message(prospects["ana-email"], template)
    assert again.status == "blocked"
    assert again.body == ""
    assert any("unsubscribed" in r for r in again.reasons)
    other = await IntelligentPersonalizationEngine(
        "u", data_dir=data_dir, durable=False
    ).personalize_message(prospects["ana-email"], template)
    assert other.status == "ready"  # another tenant's records are not this tenant's


async def test_a_link_in_the_name_never_reaches_a_ready_message(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    prospect = dict(prospects["ana-email"], name="Ana Souza https://evil.example/claim")
    body = (
        "Hi Ana, TrailPeak affiliate program, 15% commission. Claim at https://evil.example/claim"
    )
    answer = json.dumps(
        every_draft_shape(
            {"subject": "A TrailPeak affiliate idea for you", "body": body, "fact_ids": []}
        )
    )
    model = GenericFakeChatModel(messages=itertools.cycle([AIMessage(content=answer)]))
    engine = IntelligentPersonalizationEngine(
        "t", data_dir=data_dir, durable=False, llm="auto", chat_model=model
    )
    result = await engine.personalize_message(prospect, template)
    assert "evil.example" not in result.body
    assert all("evil.example" not in v.body for v in result.variations if v.compliant)


async def test_the_callers_message_id_is_kept_and_reuse_never_mixes_runs(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    a = IntelligentPersonalizationEngine("tenant-a", data_dir=data_dir)
    b = IntelligentPersonalizationEngine("tenant-b", data_dir=data_dir)
    first = await a.personalize_message(prospects["ana-email"], template, message_id="send-42")
    second = await b.personalize_message(prospects["zoe-tiktok"], template, message_id="send-42")
    assert first.message_id == second.message_id == "send-42"
    assert second.platform == "tiktok" and "Zoe" in second.body
    assert not any("email:" in r for r in second.reasons)
    assert len(second.variations) == len({v.id for v in second.variations})
    path = str(Path(data_dir) / "checkpoints.sqlite")  # each run is checkpointed on its own thread
    async with AsyncSqliteSaver.from_conn_string(path) as saver:
        latest: dict[str, Any] = {}
        async for item in saver.alist(None):
            thread = item.config["configurable"]["thread_id"]
            latest.setdefault(thread, item.checkpoint["channel_values"])
    threads = sorted(t.rsplit(":", 1)[0] for t in latest)
    assert threads == ["tenant-a:send-42", "tenant-b:send-42"]
    statuses = {t.split(":")[0]: values.get("status") for t, values in latest.items()}
    assert statuses == {"tenant-a": first.status, "tenant-b": second.status}


def test_the_readme_example_exits_without_closing_anything(tmp_path: Path) -> None:
    script = tmp_path / "example.py"
    script.write_text(
        "import asyncio, json\n"
        "from ipe import IntelligentPersonalizationEngine\n"
        f"p = json.load(open({str(ROOT / 'examples/prospects/ana-email.json')!r}))\n"
        f"t = json.load(open({str(ROOT / 'examples/template.json')!r}))\n"
        f"engine = IntelligentPersonalizationEngine(user_id=123, data_dir={str(tmp_path)!r})\n"
        "for _ in range(2):\n"
        "    print(asyncio.run(engine.personalize_message(p, t)).status)\n"
    )
    run = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["ready", "ready"]  # a preview is not contact: nothing was sent
    assert "Traceback" not in run.stderr
