"""The LLM path: what the drafting prompt carries, research's view of the offer, model repairs."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from ipe import IntelligentPersonalizationEngine
from ipe.domain import (
    PersonalizationStrategy,
    Prospect,
    Relationship,
    Template,
    VariationPlan,
)
from ipe.graph.state import DraftTask, RetrievedContext
from ipe.prompts import load_prompt
from ipe.tools.writing.drafting import draft_prompt
from ipe.tools.writing.facts import extract_facts
from tests.conftest import load_example

GOOD = (
    "Hi Ana, your Five Days on the Colorado Trail with a 9 lb Base Weight video is the case for "
    "light packs we make too. TrailPeak's affiliate program pays 15% commission on every sale you "
    "refer, plus a free sample kit of our ultralight line. Want one? Maya"
)
BAD = GOOD.replace("15% commission", "40% commission")  # an offer term the template never approved


class Scripted(BaseChatModel):
    """Answers research with no facts and drafts with ``first``; a repair prompt gets ``repair``."""

    first: str
    repair: str
    prompts: list[tuple[str, str]] = []

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        system, user = str(messages[0].content), str(messages[-1].content)
        self.prompts.append((system, user))
        if '{"facts"' in system:
            answer: dict[str, Any] = {"facts": []}
        else:
            body = self.repair if '"rejected_draft"' in user else self.first
            answer = {"subject": "Trail gear for your next hike", "body": body, "fact_ids": []}
        message = AIMessage(content=json.dumps(answer))
        return ChatResult(generations=[ChatGeneration(message=message)])


def task_for(*, relationship: Relationship, language: str) -> DraftTask:
    """A drafting task for Liam on LinkedIn, as the graph would send it."""
    prospect = Prospect.model_validate(load_example("prospects/liam-linkedin"))
    plan = VariationPlan(id="v1", tone="professional", angle="bio", cta="reply")
    context = RetrievedContext(
        channel="linkedin",
        segment="linkedin:travel",
        segment_description="LinkedIn, travel",
        body_limit=300,
        unit="chars",
        links_allowed=False,
    )
    context.relationship = relationship  # type: ignore[attr-defined]
    task = DraftTask(
        plan=plan,
        clean_prospect=prospect,
        clean_template=Template.model_validate(load_example("template")),
        channel="linkedin",
        facts=extract_facts(prospect)[0],
        strategy=PersonalizationStrategy(
            channel="linkedin",
            segment="linkedin:travel",
            tone_rules={"professional": 1.0},
            content_rules={"bio": 1.0},
            variations=[plan],
            length_budget=300,
        ),
        context=context,
    )
    task.language = language  # type: ignore[attr-defined]
    return task


def _engine(data_dir: str, model: BaseChatModel) -> IntelligentPersonalizationEngine:
    return IntelligentPersonalizationEngine(
        user_id="llm",
        data_dir=data_dir,
        llm="auto",
        chat_model=model,
        durable=False,
        draft_mode="per_variation",  # the scripted model writes one draft per call
    )


def _fenced(prompt: str) -> tuple[str, str]:
    """(the data block inside the PROSPECT_DATA fence, the prompt outside it)."""
    match = re.search(r"<<<PROSPECT_DATA (\w+)>>>\n(.*)\n<<<END PROSPECT_DATA \1>>>", prompt, re.S)
    assert match, "the prospect's data travels inside the fence"
    return match.group(2), prompt[: match.start()] + prompt[match.end() :]


async def test_the_draft_prompt_carries_what_a_manager_looks_at(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    prospect = dict(
        prospects["ana-email"],
        handles={"instagram": "@ana.souza"},  # reachable on the channel the test forces
        language="pt",
        recent_content=[
            {
                "title": "Five Days on the Colorado Trail",
                "published_at": "2026-11-12",
                "platform": "youtube",
                "summary": "How she cut her pack weight, item by item.",
            },
            {"title": "Budget Trekking Poles", "published_at": "2026-10-28", "platform": "tiktok"},
            {"title": "Old gear haul", "published_at": "2026-01-02", "platform": "instagram"},
            {"title": "Winter layering", "published_at": "2025-12-01", "platform": "youtube"},
        ],
        interaction_history=[
            {"at": "2026-11-20", "channel": "email", "direction": "outbound", "text": "Hi Ana..."},
            {
                "at": "2026-11-22",
                "channel": "email",
                "direction": "inbound",
                "text": "Busy until the Lisbon trip, write again after that.",
            },
        ],
    )
    template = dict(
        template,
        subject="Trail gear for you",
        body="Hi {{ first_name }}, {{ personal_hook }} Thanks!",
    )
    model = Scripted(first=GOOD, repair=GOOD, prompts=[])
    await _engine(data_dir, model).personalize_message(prospect, template, platform="instagram")
    drafts = (p for p in model.prompts if '{"facts"' not in p[0] and '{"intent"' not in p[0])
    system, user = next(drafts)  # research and reading their replies are other calls
    data, outside = _fenced(user)
    assert datetime.now(UTC).date().isoformat() in outside
    assert "Portuguese (pt)" in outside
    sender = template["sender"]
    assert sender["title"] in outside and sender["company"] in outside
    assert (
        template["goal"] in outside
        and template["body"] in outside
        and "Trail gear for you" in outside
    )
    assert "40-70 words" in outside and "never over 90" in outside
    assert "subscribers" in outside  # the record's platform is YouTube
    assert "Instagram DM" in outside and "Spanish" in outside  # channel and non-English examples
    for rule in ("Names and numbers only from the facts", "Offer terms exactly as approved"):
        assert rule in system
    assert "footer" in system and "recent_content" in system
    assert "Where we stand: " in outside  # the stage and what it asks: this run's only
    record = json.loads(data)
    assert [c["title"] for c in record["recent_content"]][3] == "Winter layering"
    assert record["recent_content"][0]["summary"].startswith("How she cut")
    assert record["recent_content"][1]["platform"] == "tiktok"
    assert [h["at"] for h in record["history"]] == ["2026-11-20", "2026-11-22"]
    assert "Lisbon" in data and "Lisbon" not in outside  # prospect text only inside the fence


async def test_a_relationship_and_the_language_step_reach_the_prompt() -> None:
    relationship = Relationship(
        stage="check_back_due",
        not_before="2026-10-01",
        asked_for="check back with me after the Berlin office move",
        evidence=["inbound 2026-08-23: asked to check back after Q3"],
    )
    task = task_for(relationship=relationship, language="de")
    prompt = draft_prompt(task)
    data, outside = _fenced(prompt)
    assert "Where we stand: check_back_due." in outside and "2026-10-01" in outside
    assert "German (de)" in outside
    assert "Berlin office move" in data and "Berlin office move" not in outside
    assert load_prompt("draft_example_check_back").strip() in outside


async def test_research_sees_the_offer(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    model = Scripted(first=GOOD, repair=GOOD, prompts=[])
    ana = prospects["ana-email"]
    more = {**ana, "bio": ana["bio"] + " Every Sunday she posts a packing list for the weekend."}
    await _engine(data_dir, model).personalize_message(more, template)
    _, user = next(p for p in model.prompts if '{"facts"' in p[0])
    _, outside = _fenced(user)
    assert template["offer"]["summary"] in outside and "TrailPeak" in outside


async def test_research_is_skipped_when_the_record_carries_what_it_would_find(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    """Every bio sentence, tag and content title is a fact already: only drafting calls."""
    model = Scripted(first=GOOD, repair=GOOD, prompts=[])
    result = await _engine(data_dir, model).personalize_message(prospects["ana-email"], template)
    assert not [p for p in model.prompts if '{"facts"' in p[0]]
    assert len(model.prompts) == len(result.variations) and result.source == "model"


async def test_a_rejected_model_draft_goes_back_to_the_model_once_with_the_findings(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    model = Scripted(first=BAD, repair=GOOD, prompts=[])
    result = await _engine(data_dir, model).personalize_message(
        {**prospects["ana-email"], "handles": {"instagram": "@ana.souza"}},
        template,
        platform="instagram",
    )
    chosen = next(v for v in result.variations if v.id == result.selected_id)
    assert chosen.source == "llm" and chosen.attempt == 1
    assert result.body == GOOD and result.status in ("ready", "needs_review")
    repairs = [u for s, u in model.prompts if '"rejected_draft"' in u]
    assert len(repairs) == len(result.variations)
    data, outside = _fenced(repairs[0])
    assert "40% commission" in json.loads(data)["rejected_draft"]["body"]
    assert any("40%" in note for note in json.loads(data)["findings"])
    assert "was rejected by the checks" in outside


async def test_a_model_repair_that_is_rejected_again_falls_back_offline(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    model = Scripted(first=BAD, repair=BAD, prompts=[])
    result = await _engine(data_dir, model).personalize_message(
        {**prospects["ana-email"], "handles": {"instagram": "@ana.souza"}},
        template,
        platform="instagram",
    )
    assert result.status in ("ready", "needs_review")
    assert "40%" not in result.body
    assert {v.source for v in result.variations} == {"offline_fallback"}
    assert all("rejected again" in (v.fallback_reason or "") for v in result.variations)
    drafts = [u for s, u in model.prompts if '{"facts"' not in s]
    assert len(drafts) == 2 * len(result.variations)  # one first draft and one repair each


class ToolCaller(Scripted):
    """A model with tool calling: records how structured output was asked for."""

    methods: list[str] = []

    def with_structured_output(self, schema: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        from langchain_core.runnables import RunnableLambda

        self.methods.append(kwargs.get("method", "default"))

        def answer(messages: Any) -> Any:
            message = self._generate(list(messages)).generations[0].message
            content = str(message.content)
            if isinstance(schema, dict):  # a JSON schema: the tool call's arguments, as a dict
                parsed = json.loads(content)
            else:
                parsed = schema.model_validate_json(content)
            if kwargs.get("include_raw"):  # the raw message too (its usage and headers)
                return {"raw": message, "parsed": parsed, "parsing_error": None}
            return parsed

        return RunnableLambda(answer)


async def test_structured_output_uses_function_calling(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    model = ToolCaller(first=GOOD, repair=GOOD, prompts=[], methods=[])
    reachable = {**prospects["ana-email"], "platform": "instagram", "handle": "@ana.souza"}
    result = await _engine(data_dir, model).personalize_message(
        reachable, template, platform="instagram"
    )
    assert result.body == GOOD
    assert model.methods and set(model.methods) == {"function_calling"}


def test_the_prompt_lists_the_approved_claims_in_the_message_language() -> None:
    from ipe.tools.writing.drafting import claims_for

    claims = [
        "15% commission on every sale you refer",
        "15 % Provision auf jeden vermittelten Verkauf",
        "15 % de comisión por cada venta que recomiendes",
        "30-day cookie",
    ]
    assert claims_for(claims, "de") == [claims[1], claims[3]]
    assert claims_for(claims, "en") == [claims[0], claims[3]]
    assert claims_for(claims, "fr") == claims  # none in French: all of them, as approved
