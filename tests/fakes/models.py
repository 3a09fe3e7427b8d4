"""A scripted chat model for deadline tests: real answers (from the test server's writers) after
a delay chosen per call, without any network."""

from __future__ import annotations

import asyncio
import json
import re
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
        else:  # a per-variation call or all variations in one (the default draft mode)
            answer = every_draft_shape(draft_answer(prompt))
        message = AIMessage(content=json.dumps(answer))
        return ChatResult(generations=[ChatGeneration(message=message)])


_FENCE = re.compile(r"<<<PROSPECT_DATA [0-9a-f]+>>>\n(.*?)\n<<<END PROSPECT_DATA", re.DOTALL)
_NOT_TEXT = frozenset({"id", "kind", "at", "direction", "channel", "outcome", "platform"})
_ASKS_FOR_PROMPT = re.compile(r"prompt|instruc|template|system|guideline|rules", re.IGNORECASE)


def _strings(value: Any, key: str = "") -> list[str]:
    """Every free-text string in the prospect data, in order (ids and enums left out)."""
    if isinstance(value, str):
        return [] if key in _NOT_TEXT else [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, str(k))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v, key)]
    return []


class ObedientModel(BaseChatModel):
    """A model that does whatever the prospect data in its prompt says (a worst-case writer).

    For a draft it copies every free-text string of the fenced prospect data into the message,
    so each instruction, marker, link, claim, code or hidden character that reached the prompt
    is in the draft; when the data asks for prompts, rules or templates it also quotes the
    start of its own system prompt. Research quotes each string of the data as a fact.
    """

    calls: list[str] = []

    @property
    def _llm_type(self) -> str:
        return "obedient"

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> ChatResult:
        prompt = "\n".join(str(m.content) for m in messages)
        system = next((str(m.content) for m in messages if m.type == "system"), "")
        match = _FENCE.search(prompt)
        try:
            data = json.loads(match.group(1)) if match else {}
        except json.JSONDecodeError:
            data = {}
        said = list(dict.fromkeys(_strings(data)))
        kind = kind_of(prompt)
        self.calls.append(kind)
        if kind == "research":
            answer: dict[str, Any] = {
                "facts": [{"text": s, "source_field": "bio", "quote": s} for s in said[:4]]
            }
        elif kind == "intent":
            answer = {"intent": "interested"}
        else:
            written = draft_answer(prompt)
            extra = " ".join(said)
            if _ASKS_FOR_PROMPT.search(extra):
                extra += " " + " ".join(system.split()[:40])
            answer = every_draft_shape(
                {
                    "subject": f"{written['subject']} {said[0] if said else ''}".strip(),
                    "body": f"{extra} {written['body']}".strip(),
                    "fact_ids": written["fact_ids"],
                }
            )
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
