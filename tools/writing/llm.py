"""Chat-model access: the factory, fenced prompts and structured calls with bounded retries.

Untrusted prospect text reaches a model only through ``fence()``: a JSON block between fence lines
that carry a per-call random nonce, so text inside the data cannot close the fence or pass for
instructions. Structured output uses ``method="function_calling"`` (accepted by OpenAI-compatible
servers that refuse ``json_schema``, e.g. llama.cpp); models without tool calling (the scripted
fakes in tests, some local servers) answer in JSON text, which is parsed and validated the same way.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from string import Template as StrTemplate
from typing import Any, TypeVar

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field, ValidationError
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from ipe.graph.context import Context
from ipe.prompts import load_prompt

T = TypeVar("T", bound=BaseModel)


class LlmUnusable(Exception):
    """The model failed or answered something that does not fit the expected structure."""


class DraftOut(BaseModel):
    """What a drafting model must return."""

    subject: str | None = None
    body: str = Field(min_length=1)
    fact_ids: list[str] = Field(default_factory=list)


class ResearchFact(BaseModel):
    """One fact the research model proposes, with its verbatim support."""

    text: str
    source_field: str
    quote: str


class ResearchOut(BaseModel):
    """What a research model must return."""

    facts: list[ResearchFact] = Field(default_factory=list)


class IntentOut(BaseModel):
    """What an intent-classifying model must return."""

    intent: str


def chat_model(ctx: Context) -> BaseChatModel | None:
    """The chat model for this run, or None when drafting is offline."""
    if not ctx.uses_llm:
        return None
    if ctx.chat_model is not None:
        return ctx.chat_model  # type: ignore[no-any-return]
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=ctx.model or os.environ.get("IPE_MODEL") or "gpt-4o-mini",
        base_url=os.environ.get("OPENAI_BASE_URL") or None,
        temperature=0.7,
        timeout=30,
        max_retries=2,
    )


def fence(label: str, data: Any) -> tuple[str, str, str]:
    """Return (open line, JSON block, close line) for untrusted ``data``."""
    nonce = secrets.token_hex(6)
    block = json.dumps(data, ensure_ascii=False, indent=1)
    block = block.replace("<<<", "< < <").replace(">>>", "> > >")
    return f"<<<{label} {nonce}>>>", block, f"<<<END {label} {nonce}>>>"


def render(name: str, **values: Any) -> str:
    """Fill ``prompts/<name>.txt`` (``$placeholders``) with ``values``."""
    return StrTemplate(load_prompt(name)).substitute({k: str(v) for k, v in values.items()})


def _parse_json(text: str, schema: type[T]) -> T:
    match = re.search(r"\{.*\}", text, re.DOTALL)
    if not match:
        raise LlmUnusable("the model's answer holds no JSON object")
    try:
        return schema.model_validate_json(match.group(0))
    except ValidationError as err:
        raise LlmUnusable(f"the model's JSON does not fit {schema.__name__}") from err


async def _call_once(
    model: BaseChatModel,
    schema: type[T],
    messages: list[Any],
    run_name: str,
    metadata: dict[str, Any],
) -> T:
    config: dict[str, Any] = {"run_name": run_name, "tags": ["llm", run_name], "metadata": metadata}
    try:
        structured = model.with_structured_output(schema, method="function_calling")
    except NotImplementedError:
        reply = await model.ainvoke(messages, config=config)  # type: ignore[arg-type]
        return _parse_json(str(reply.content), schema)
    result = await structured.ainvoke(messages, config=config)  # type: ignore[arg-type]
    if isinstance(result, schema):
        return result
    if isinstance(result, dict):
        return schema.model_validate(result)
    raise LlmUnusable("the model returned no structured answer")


async def call_structured(
    model: BaseChatModel,
    schema: type[T],
    *,
    system: str,
    user: str,
    run_name: str,
    attempts: int = 2,
    metadata: dict[str, Any] | None = None,
) -> T:
    """Ask ``model`` for a ``schema`` answer; bounded retries on transient errors.

    The OpenAI client already retries 429/5xx with backoff; this outer loop only adds one more
    attempt (jittered) for any transient failure, and never retries an unusable answer forever.
    Raises ``LlmUnusable`` when no usable answer comes back.
    """
    messages = [SystemMessage(content=system), HumanMessage(content=user)]
    try:
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(attempts),
            wait=wait_random_exponential(multiplier=0.2, max=2),
            retry=retry_if_exception_type((TimeoutError, ConnectionError, OSError)),
            reraise=True,
        ):
            with attempt:
                return await _call_once(model, schema, messages, run_name, metadata or {})
    except LlmUnusable:
        raise
    except Exception as err:  # noqa: BLE001 - any provider failure becomes a fallback, with reason
        raise LlmUnusable(f"{type(err).__name__}: {str(err)[:160]}") from err
    raise LlmUnusable("no attempt was made")
