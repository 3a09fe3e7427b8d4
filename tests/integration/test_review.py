"""Human review in the graph: interrupt, approve / edit / reject, side effects once, after."""

from __future__ import annotations

from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from ipe import IntelligentPersonalizationEngine
from ipe.domain import InvalidInputError, UnknownMessageError
from ipe.graph.builder import build_graph
from ipe.graph.context import Context
from ipe.graph.state import InputState
from ipe.memory.handles import outcome_store


def _engine(data_dir: str) -> IntelligentPersonalizationEngine:
    return IntelligentPersonalizationEngine(user_id="rev", data_dir=data_dir, review=True)


async def test_a_paused_message_is_not_recorded_until_approved_once(
    data_dir: str, prospects: dict[str, Any], template: dict[str, Any]
) -> None:
    engine = _engine(data_dir)
    result = await engine.personalize_message(prospects["ana-email"], template)
    assert result.status == "needs_review" and result.review
    request = result.review["action_requests"][0]
    assert request["name"] == "send_message"
    assert request["args"]["body"] == result.body and request["args"]["variation_id"]
    assert {a["variation_id"] for a in request["args"]["alternates"]} <= {"v1", "v2", "v3"}
    assert result.review["review_configs"] == [
        {"action_name": "send_message", "allowed_decisions": ["approve", "edit", "reject"]}
    ]
    store = outcome_store(data_dir)
    assert store.messages_count("rev") == 0  # nothing happens before the decision
    [pending] = await engine.pending_reviews()
    assert pending["message_id"] == result.message_id

    approved = await engine.review_message(result.message_id, "approve")
    assert approved.status == "ready" and "approved in review" in approved.reasons
    assert approved.body == result.body
    assert store.messages_count("rev") == 1
    record = store.get_message("rev", result.message_id)
    assert record is not None and record.stage == "approved"
    assert await engine.pending_reviews() == []
    with pytest.raises(UnknownMessageError, match="no review pending"):
        await engine.review_message(result.message_id, "approve")
    assert store.messages_count("rev") == 1  # never twice


async def test_an_edit_is_checked_sent_and_learnt_from(
    data_dir: str, prospects: dict[str, Any], template: dict[str, Any]
) -> None:
    engine = _engine(data_dir)
    result = await engine.personalize_message(prospects["ana-email"], template)
    store = outcome_store(data_dir)
    # An edit with a claim nothing grounds (a link that is not the template's) goes back.
    broken = result.body.replace(
        "Thanks,", "We pay $5,000 upfront: https://evil.example/x\n\nThanks,"
    )
    again = await engine.review_message(
        result.message_id, {"type": "edit", "edited_action": {"args": {"body": broken}}}
    )
    assert again.status == "needs_review"
    assert "The edit was not sent" in again.review["action_requests"][0]["description"]
    assert store.messages_count("rev") == 0

    greeting, rest = result.body.split("\n", 1)
    edited_body = f"{greeting}\n\nHappy to answer any questions first.\n{rest}"
    done = await engine.review_message(
        result.message_id, {"type": "edit", "edited_action": {"args": {"body": edited_body}}}
    )
    assert done.status == "ready" and "Happy to answer any questions first." in done.body
    assert done.review and done.review["decision"] == "edit"
    record = store.get_message("rev", result.message_id)
    assert record is not None and record.body == result.body  # the record keeps the draft
    assert store.edits_count("rev") == 1  # the edit is learning feedback


async def test_reject_blocks_and_an_alternate_can_be_chosen(
    data_dir: str, prospects: dict[str, Any], template: dict[str, Any]
) -> None:
    engine = _engine(data_dir)
    first = await engine.personalize_message(prospects["liam-linkedin"], template)
    rejected = await engine.review_message(first.message_id, {"type": "reject", "message": "off"})
    assert rejected.status == "blocked" and "rejected in review: off" in rejected.reasons
    record = outcome_store(data_dir).get_message("rev", first.message_id)
    assert record is not None and record.status == "blocked"

    second = await engine.personalize_message(prospects["ana-email"], template)
    assert second.review is not None
    alternates = second.review["action_requests"][0]["args"]["alternates"]
    assert alternates, "three variations drafted, the others passing"
    pick = alternates[0]["variation_id"]
    chosen = await engine.review_message(
        second.message_id, {"type": "edit", "edited_action": {"args": {"variation_id": pick}}}
    )
    assert chosen.selected_id == pick and chosen.status == "ready"
    assert chosen.body == next(v.body for v in second.variations if v.id == pick)


async def test_bad_decisions_and_settings_are_refused(
    data_dir: str, prospects: dict[str, Any], template: dict[str, Any]
) -> None:
    with pytest.raises(InvalidInputError, match="durable"):
        IntelligentPersonalizationEngine(data_dir=data_dir, review=True, durable=False)
    engine = _engine(data_dir)
    result = await engine.personalize_message(prospects["ana-email"], template)
    with pytest.raises(InvalidInputError, match="review decision"):
        await engine.review_message(result.message_id, "maybe")
    assert len(await engine.pending_reviews()) == 1


async def test_the_bare_graph_resumes_with_a_command_and_records_once(
    data_dir: str, prospects: dict[str, Any], template: dict[str, Any]
) -> None:
    paused_graph = build_graph(checkpointer=InMemorySaver())
    config: Any = {"configurable": {"thread_id": "t-1"}}
    context = Context(user_id="bare", data_dir=data_dir, review=True)
    state = InputState(prospect=prospects["ana-email"], template=template, message_id="m-1")
    paused = await paused_graph.ainvoke(state, config=config, context=context)
    [interrupt] = paused["__interrupt__"]
    assert interrupt.value["action_requests"][0]["args"]["message_id"] == "m-1"
    assert interrupt.response_schema["title"] == "ReviewResponse"  # Studio renders the form
    store = outcome_store(data_dir)
    assert store.messages_count("bare") == 0
    final = await paused_graph.ainvoke(
        Command(resume={"decisions": [{"type": "approve"}]}), config=config, context=context
    )
    assert final["status"] == "ready" and final["review"] == {"decision": "approve"}
    assert store.messages_count("bare") == 1


def test_ipe_review_lists_and_decides_from_the_terminal(
    tmp_path: Any, data_dir: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from ipe.graph.cli import main

    args = ["--user-id", "cli", "--data-dir", data_dir]
    prospect, template = "examples/prospects/ana-email.json", "examples/template.json"
    assert (
        main(
            [
                "personalize",
                "--prospect",
                prospect,
                "--template",
                template,
                "--review",
                "--json",
                *args,
            ]
        )
        == 0
    )
    paused = __import__("json").loads(capsys.readouterr().out)
    assert paused["status"] == "needs_review" and paused["review"]["action_requests"]
    assert main(["review", *args]) == 0
    listing = capsys.readouterr().out
    assert paused["message_id"] in listing and "Send this email message" in listing
    body = tmp_path / "body.txt"
    body.write_text(paused["body"] + "\n\nHappy to answer any questions first.", encoding="utf-8")
    assert main(["review", paused["message_id"], "--edit-body", str(body), *args]) == 0
    assert "edited in review" in capsys.readouterr().out
    assert main(["review", paused["message_id"], "--approve", *args]) == 2
    assert "no review pending" in capsys.readouterr().err
    assert main(["review", *args]) == 0
    assert "no messages waiting for review" in capsys.readouterr().out
    assert main(["review", "--approve", *args]) == 2
