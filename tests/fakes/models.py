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

from tests.fakes.openai_server import draft_answer, research_answer


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
        else:
            answer = draft_answer(prompt)
        message = AIMessage(content=json.dumps(answer))
        return ChatResult(generations=[ChatGeneration(message=message)])
