"""Drafting all variations in one structured call (``draft_mode="one_call"``)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from ipe import IntelligentPersonalizationEngine
from ipe.domain import SettingsInvalidError
from tests.fakes.models import ScriptedSlowModel, kind_of
from tests.fakes.openai_server import FakeOpenAIServer, draft_answer, research_answer


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAIServer]:
    srv = FakeOpenAIServer(delay=0.05)
    monkeypatch.setenv("OPENAI_BASE_URL", srv.start())
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    monkeypatch.setenv("IPE_LLM", "auto")
    yield srv
    srv.stop()


@pytest.mark.parametrize("mode", ["per_variation", "one_call"])
async def test_both_modes_draft_every_variation_through_the_model(
    mode: str,
    server: FakeOpenAIServer,
    data_dir: str,
    template: dict[str, Any],
    prospects: dict[str, Any],
) -> None:
    eng = IntelligentPersonalizationEngine(user_id="t", data_dir=data_dir, draft_mode=mode)
    result = await eng.personalize_message(prospects["ana-email"], template)
    assert {v.source for v in result.variations} == {"llm"}, result.reasons
    assert result.status == "ready"
    n = len(result.variations)  # research skipped: the record's facts carry what it would find
    assert server.stats.calls == (n if mode == "per_variation" else 1)


def test_the_mode_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPE_DRAFT_MODE", "per_variation")
    assert IntelligentPersonalizationEngine(durable=False).context.draft_mode == "per_variation"
    monkeypatch.delenv("IPE_DRAFT_MODE")
    assert IntelligentPersonalizationEngine(durable=False).context.draft_mode == "one_call"
    monkeypatch.setenv("IPE_DRAFT_MODE", "sideways")
    with pytest.raises(SettingsInvalidError, match="IPE_DRAFT_MODE must be 'per_variation' or"):
        IntelligentPersonalizationEngine(durable=False)


class _FirstDraftOnly(BaseChatModel):
    """Answers a one-call request with a draft for the first variation only."""

    @property
    def _llm_type(self) -> str:
        return "first-draft-only"

    def _generate(self, *args: Any, **kwargs: Any) -> ChatResult:
        raise NotImplementedError

    async def _agenerate(self, messages: list[BaseMessage], *a: Any, **k: Any) -> ChatResult:
        prompt = "\n".join(str(m.content) for m in messages)
        if kind_of(prompt) == "research":
            answer: dict[str, Any] = research_answer(prompt)
        else:
            answer = {"drafts": [{"variation_id": "v1", **draft_answer(prompt)}]}
        return ChatResult(generations=[ChatGeneration(message=AIMessage(json.dumps(answer)))])


async def test_a_variation_missing_from_the_answer_is_composed_offline(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    eng = IntelligentPersonalizationEngine(
        user_id="t",
        data_dir=data_dir,
        durable=False,
        llm="auto",
        chat_model=_FirstDraftOnly(),
        draft_mode="one_call",
    )
    result = await eng.personalize_message(prospects["ana-email"], template)
    by_id = {v.id: v for v in result.variations}
    assert by_id["v1"].source == "llm"
    others = [v for v in result.variations if v.id != "v1"]
    assert others and all(v.source == "offline_fallback" for v in others)
    assert all("had no draft" in (v.fallback_reason or "") for v in others)


async def test_one_call_out_of_time_falls_back_for_every_variation(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    model = ScriptedSlowModel(delay=lambda kind, p, n: None if kind == "draft" else 0)
    eng = IntelligentPersonalizationEngine(
        user_id="t",
        data_dir=data_dir,
        durable=False,
        llm="auto",
        chat_model=model,
        draft_mode="one_call",
        deadline_s=1.5,
    )
    start = time.monotonic()
    result = await eng.personalize_message(prospects["ana-email"], template)
    assert time.monotonic() - start < 1.5 * 1.5
    assert {v.source for v in result.variations} == {"offline_fallback"}
    assert model.calls.count("draft") == 1
    assert all("draft:all timed out" in (v.fallback_reason or "") for v in result.variations)


async def test_an_obeying_server_gets_nothing_planted_past_the_critic(
    monkeypatch: pytest.MonkeyPatch, data_dir: str, template: dict[str, Any]
) -> None:
    from tests.adversarial.cases import base_prospect
    from tests.adversarial.corpus import plant

    srv = FakeOpenAIServer(obey=True)
    monkeypatch.setenv("OPENAI_BASE_URL", srv.start())
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    monkeypatch.setenv("IPE_LLM", "auto")
    planted = ["call +44 20 7946 0958", "code TRAILX99", "evil dot com slash win", "@pay.me.now"]
    try:
        eng = IntelligentPersonalizationEngine(user_id="t", data_dir=data_dir)
        for i, text in enumerate(planted):
            prospect = base_prospect(900 + i)
            plant(prospect, "content_summary", f"Trail notes. {text}")
            result = await eng.personalize_message(prospect, template, platform="email")
            sent = [result.body] if result.status != "blocked" else []
            sent += [v.body for v in result.variations if v.compliant]
            assert all(text.split()[-1] not in body for body in sent), (text, result.reasons)
            rejected = " ".join(result.reasons)
            assert "outbound." in rejected  # the server did write it: the critic turned it down
    finally:
        srv.stop()
