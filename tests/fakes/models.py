"""A scripted chat model for deadline tests: real answers (from the test server's writers) after
a delay chosen per call, without any network."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from tests.fakes.openai_server import (
    draft_answer,
    obedient_answer,
    obedient_research,
    research_answer,
)


def kind_of(prompt: str) -> str:
    """Which structured call a prompt is: research, intent or draft."""
    if "facts_already_known" in prompt:
        return "research"
    if "REPLY_DATA" in prompt:
        return "intent"
    return "draft"


class ScriptedSlowModel(BaseChatModel):
    """Answers every call after ``delay(kind, prompt, n)`` seconds (``None``: never answers)."""

    delay: Callable[[str, str, int], float | None]
    calls: list[str] = []
    cancelled: list[str] = []

    @property
    def _llm_type(self) -> str:
        return "scripted-slow"

    def _generate(self, *args: Any, **kwargs: Any) -> ChatResult:
        raise NotImplementedError("async only")

    async def _agenerate(
        self, messages: list[BaseMessage], *args: Any, **kwargs: Any
    ) -> ChatResult:
        prompt = "\n".join(str(m.content) for m in messages)
        kind = kind_of(prompt)
        self.calls.append(kind)
        wait = self.delay(kind, prompt, len(self.calls))
        try:
            if wait is None:
                await asyncio.Event().wait()
            elif wait:
                await asyncio.sleep(wait)
        except asyncio.CancelledError:
            self.cancelled.append(kind)
            raise
        if kind == "research":
            answer: dict[str, Any] = research_answer(prompt)
        elif kind == "intent":
            answer = {"intent": "not_interested"}
        else:  # a per-variation call or all variations in one (the default draft mode)
            answer = every_draft_shape(draft_answer(prompt))
        message = AIMessage(content=json.dumps(answer))
        return ChatResult(generations=[ChatGeneration(message=message)])


class ObedientModel(BaseChatModel):
    """A model that does whatever the prospect data in its prompt says (a worst-case writer).

    ``tests.fakes.openai_server.obedient_answer`` writes its drafts (the test server's ``obey``
    mode writes the same), ``obedient_research`` its research.
    """

    calls: list[str] = []
    drafts: list[str] = []
    """The bodies it wrote (so a test can show the planted text did reach a draft)."""

    @property
    def _llm_type(self) -> str:
        return "obedient"

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> ChatResult:
        prompt = "\n".join(str(m.content) for m in messages)
        system = next((str(m.content) for m in messages if m.type == "system"), "")
        kind = kind_of(prompt)
        self.calls.append(kind)
        if kind == "research":
            answer: dict[str, Any] = obedient_research(prompt)
        elif kind == "intent":
            answer = {"intent": "interested"}
        else:
            answer = every_draft_shape(obedient_answer(prompt, system))
            self.drafts.append(answer["body"])
        message = AIMessage(content=json.dumps(answer, ensure_ascii=False))
        return ChatResult(generations=[ChatGeneration(message=message)])

    async def _agenerate(
        self, messages: list[BaseMessage], *args: Any, **kwargs: Any
    ) -> ChatResult:
        return self._generate(messages)


def every_draft_shape(answer: dict[str, Any], variations: int = 5) -> dict[str, Any]:
    """``answer`` (one draft, maybe research facts) fitted to one-call drafting too.

    The same JSON then answers a per-variation call (``subject``/``body``/``fact_ids``), a
    one-call request (``drafts``, one per variation id ``v1``..) and research (``facts``).
    """
    draft = {k: answer[k] for k in ("subject", "body", "fact_ids") if k in answer}
    drafts = [{"variation_id": f"v{n}", **draft} for n in range(1, variations + 1)]
    return {**answer, "drafts": drafts}
