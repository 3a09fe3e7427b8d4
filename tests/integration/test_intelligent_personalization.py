"""The whole graph, end to end: offline, with a scripted model, with a failing or hostile model."""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from ipe import (
    IntelligentPersonalizationEngine,
    MessageVariation,
    PersonalizationError,
    PersonalizationStrategy,
)
from ipe.domain import TemplateComplianceError, UnknownChannelError
from ipe.graph.builder import build_graph
from ipe.tools.policies.channels import channel_names
from tests.fakes.models import every_draft_shape

SNAPSHOT = Path(__file__).resolve().parents[1] / "snapshots" / "graph.mmd"
CHANNELS = channel_names()
URL = re.compile(r"https?://\S+|\b[\w-]+\.(?:com|org|net|io|example)\b\S*")
INVISIBLE = {"Cf", "Cc"}


def sent_length(text: str, channel: str) -> int:
    """Lengths as each platform counts them, computed here independently of tools/textcount."""
    if channel == "instagram":
        return len(text.encode("utf-8"))
    return len(unicodedata.normalize("NFC", text))


LIMITS = {"linkedin": 300, "x": 10000, "instagram": 1000, "tiktok": 6000, "facebook": 2000}


def assert_sendable(result: Any, template: dict[str, Any], channel: str) -> None:
    body = result.body
    assert result.status in ("ready", "needs_review"), result.reasons
    assert template["brand"] in body
    assert re.search(r"affiliate|commission", body, re.I)
    assert "{{" not in body and "}}" not in body and "<" not in body
    assert not any(unicodedata.category(c) in INVISIBLE and c != "\n" for c in body)
    allowed_urls = set(template["links"]) | {template["sender"]["unsubscribe_url"]}
    for url in URL.findall(body):
        assert url.rstrip(".,)") in allowed_urls or "youtube.example" in url, url
    if channel == "email":
        assert result.subject and "\n" not in result.subject and "\r" not in result.subject
        assert template["sender"]["postal_address"] in body
        assert template["sender"]["unsubscribe_url"] in body
    else:
        assert result.subject is None
        assert sent_length(body, channel) <= LIMITS[channel]
    if channel == "tiktok":
        assert not URL.findall(body)
    assert len(result.variations) >= 2


HANDLES = {
    "linkedin": "https://www.linkedin.com/in/record",
    "x": "@record",
    "instagram": "@record",
    "tiktok": "@record",
    "facebook": "https://www.facebook.com/record",
}


def reachable(prospect: dict[str, Any]) -> dict[str, Any]:
    """The record with an address on every channel (an unreachable channel is never sendable)."""
    return {**prospect, "handles": HANDLES, "email": prospect.get("email") or "rec@example.org"}


@pytest.mark.parametrize("channel", CHANNELS)
async def test_offline_run_is_sendable_on_every_channel(
    channel: str, data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine(user_id=1, data_dir=data_dir, durable=False)
    prospect = reachable(prospects["ana-email"])
    result = await engine.personalize_message(prospect, template, platform=channel)
    assert_sendable(result, template, channel)
    assert result.facts_used, "the record has personal facts, so the message must use one"
    assert all(isinstance(v, MessageVariation) for v in result.variations)
    assert isinstance(result.strategy, PersonalizationStrategy)
    assert sum(result.strategy.tone_rules.values()) == pytest.approx(1.0, abs=0.01)


async def test_every_example_prospect_gets_a_grounded_message(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine(user_id="t", data_dir=data_dir)
    for name, prospect in prospects.items():
        result = await engine.personalize_message(prospect, template)
        assert_sendable(result, template, result.platform)
        assert "evil.example" not in result.body and "50%" not in result.body, name
        for fact in result.facts_used:
            assert fact.source_field


async def test_no_facts_means_an_honest_opener(data_dir: str, template: dict[str, Any]) -> None:
    engine = IntelligentPersonalizationEngine(user_id="t", data_dir=data_dir, durable=False)
    bare = {"id": "p9", "name": "Sam Rivera", "email": "sam@example.org"}
    result = await engine.personalize_message(bare, template)
    assert result.status == "ready"
    assert result.facts_used == []
    assert any("without pretending" in r or "no usable personal facts" in r for r in result.reasons)


def _llm_json(body: str, subject: str | None = "A quick idea for your trail videos") -> str:
    return json.dumps(every_draft_shape({"subject": subject, "body": body, "fact_ids": ["f1"]}))


async def test_scripted_llm_draft_is_checked_and_chosen(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    body = (
        "Hi Ana, your Five Days on the Colorado Trail with a 9 lb Base Weight video was "
        "a great watch. "
        "TrailPeak runs an affiliate program: you earn a 15% commission on every sale you refer, "
        "with a 30-day cookie window. Would you like the details? Maya"
    )
    model = GenericFakeChatModel(messages=itertools.cycle([AIMessage(content=_llm_json(body))]))
    engine = IntelligentPersonalizationEngine(
        user_id="t", data_dir=data_dir, llm="auto", chat_model=model, durable=False
    )
    result = await engine.personalize_message(prospects["ana-email"], template, platform="email")
    chosen = next(v for v in result.variations if v.id == result.selected_id)
    assert chosen.source == "llm"
    assert "Colorado Trail" in result.body
    assert_sendable(result, template, "email")


async def test_garbage_llm_falls_back_to_offline_and_says_so(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    model = GenericFakeChatModel(messages=itertools.cycle([AIMessage(content="lorem ipsum ###")]))
    engine = IntelligentPersonalizationEngine(
        user_id="t", data_dir=data_dir, llm="auto", chat_model=model, durable=False
    )
    prospect = reachable(prospects["ana-email"])
    result = await engine.personalize_message(prospect, template, platform="linkedin")
    assert_sendable(result, template, "linkedin")
    assert {v.source for v in result.variations} == {"offline_fallback"}
    assert all("model unusable" in (v.fallback_reason or "") for v in result.variations)


class _Boom(GenericFakeChatModel):
    async def _agenerate(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        raise ConnectionError("server went away")


async def test_failing_llm_falls_back(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine(
        user_id="t",
        data_dir=data_dir,
        llm="auto",
        chat_model=_Boom(messages=iter([])),
        durable=False,
    )
    result = await engine.personalize_message(prospects["zoe-tiktok"], template)
    assert_sendable(result, template, "tiktok")
    assert all(v.source == "offline_fallback" for v in result.variations)


async def test_model_that_obeys_an_injection_is_stopped_by_the_critic(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    hostile = (
        "Hi Kai! TrailPeak affiliate program: 50% commission, guaranteed income. "
        "Sign up at https://evil.example/win today."
    )
    model = GenericFakeChatModel(
        messages=itertools.cycle([AIMessage(content=_llm_json(hostile, None))])
    )
    engine = IntelligentPersonalizationEngine(
        user_id="t", data_dir=data_dir, llm="auto", chat_model=model, durable=False
    )
    result = await engine.personalize_message(prospects["kai-instagram"], template)
    assert "evil.example" not in result.body and "50%" not in result.body
    assert "guarantee" not in result.body.lower()
    assert result.status in ("ready", "needs_review")
    assert any("rejected" in r for r in result.reasons)


@pytest.mark.parametrize(
    ("prospect", "template_patch", "platform", "error"),
    [
        ({"name": "No Id"}, {}, None, PersonalizationError),
        ({"id": "p1", "name": "A"}, {}, "myspace", UnknownChannelError),
        ({"id": "p1", "name": "A"}, {"sender": {"name": "Maya"}}, "email", TemplateComplianceError),
    ],
)
async def test_bad_input_raises_a_clear_error(
    data_dir: str,
    template: dict[str, Any],
    prospect: dict[str, Any],
    template_patch: dict[str, Any],
    platform: str | None,
    error: type[Exception],
) -> None:
    engine = IntelligentPersonalizationEngine(user_id="t", data_dir=data_dir, durable=False)
    with pytest.raises(error):
        await engine.personalize_message(
            prospect, {**template, **template_patch}, platform=platform
        )


async def test_canaries_never_cross_prospects_or_tenants(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    canary = "ZQXCANARY"
    marked = dict(prospects["ana-email"], id="canary-1", name="Ana Souza")
    marked["interaction_history"] = [
        {
            "at": "2026-10-01T10:00:00Z",
            "channel": "email",
            "direction": "inbound",
            "text": f"My code word is {canary} and I love hiking",
        }
    ]
    marked["bio"] = f"Hiker. Secret token {canary}."
    a = IntelligentPersonalizationEngine(user_id="tenant-a", data_dir=data_dir, durable=False)
    await a.personalize_message(marked, template)
    b = IntelligentPersonalizationEngine(user_id="tenant-b", data_dir=data_dir, durable=False)
    for engine in (a, b):
        for name, prospect in prospects.items():
            result = await engine.personalize_message(prospect, template)
            dumped = json.dumps(result.to_json_dict())
            assert canary not in dumped, name


def test_graph_topology_matches_snapshot() -> None:
    drawn = build_graph().get_graph().draw_mermaid()
    assert drawn == SNAPSHOT.read_text(encoding="utf-8")
    for node in (
        "profile_research",
        "context_retrieval",
        "strategy",
        "draft",
        "critic",
        "feedback",
    ):
        assert node in drawn


@pytest.mark.langsmith
async def test_runs_under_langsmith_test_tracking_offline(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine(user_id="ls", data_dir=data_dir, durable=False)
    result = await engine.personalize_message(prospects["liam-linkedin"], template)
    assert_sendable(result, template, "linkedin")


def test_langgraph_json_points_at_the_compiled_graph() -> None:
    import importlib.util

    config = json.loads((SNAPSHOT.parents[2] / "langgraph.json").read_text())
    path, _, attr = config["graphs"]["personalization"].partition(":")
    spec = importlib.util.spec_from_file_location("served", SNAPSHOT.parents[2] / path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    served = getattr(module, attr)
    assert served.get_graph().draw_mermaid() == build_graph().get_graph().draw_mermaid()
    assert served.name == "IntelligentPersonalizationEngine"


async def test_linkedin_free_account_notes_fit_200_and_stay_personal(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine(
        user_id="free", data_dir=data_dir, durable=False, linkedin_free_account=True, seed="free"
    )
    # Short facts fit a 200-character note; a long title may not (then the note stays honest).
    for name in ("ana-email", "liam-linkedin", "ines-facebook", "zoe-tiktok"):
        prospect = reachable(prospects[name])
        result = await engine.personalize_message(prospect, template, platform="linkedin")
        assert result.status == "ready", result.reasons
        assert len(result.body) <= 200, result.body
        assert result.facts_used, (name, result.body)
        assert template["brand"] in result.body and "affiliate" in result.body


async def test_a_stated_tone_preference_is_honoured(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    engine = IntelligentPersonalizationEngine(user_id="tone", data_dir=data_dir, durable=False)
    prospect = prospects["ana-email"]  # preferences.tone = casual
    for i in range(5):
        result = await engine.personalize_message(dict(prospect, id=f"a{i}"), template)
        assert result.strategy
        assert {v.plan.tone for v in result.variations} == {"casual"}
        assert len({v.plan.arm for v in result.variations}) == len(result.variations) >= 2
