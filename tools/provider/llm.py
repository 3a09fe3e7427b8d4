"""Chat-model access: the factory, fenced prompts and structured calls within the run's deadline.

Untrusted prospect text reaches a model only through ``fence()``: a JSON block between fence lines
that carry a per-call random nonce, so text inside the data cannot close the fence or pass for
instructions. Structured output uses the method the provider's table names (``function_calling``
for OpenAI and OpenAI-compatible servers that refuse ``json_schema``, e.g. llama.cpp); models
without tool calling (the scripted fakes in tests, some local servers) answer in JSON text, which
is parsed and validated the same way.

Every call is paced under the provider's rate limits (``tools/provider/pacing.py``) and runs inside
the run's deadline (``tools/provider/deadline.py``): each attempt is cancelled when the time for
model work is up and retries (tenacity, for transient failures only) start only if they can still
finish. Outside a batch a 429 whose ``Retry-After`` is longer than the time left gives up at once,
so the caller falls back in time; inside one the wait is queue time, bounded by the batch's budget.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import json
import math
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from string import Template as StrTemplate
from typing import Any, Generic, TypeVar

import openai
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_core.runnables import Runnable, RunnableSequence
from langchain_core.utils.function_calling import convert_to_json_schema
from pydantic import BaseModel, Field, ValidationError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)
from tenacity.stop import stop_base

from ipe.graph.context import Context
from ipe.prompts import load_prompt
from ipe.tools.policies.intents import names as intent_names
from ipe.tools.policies.intents import registry as intent_registry
from ipe.tools.policies.intents import resolve as resolve_intent
from ipe.tools.provider.deadline import MIN_CALL_S, Deadline, deadline_or_default
from ipe.tools.provider.models import chat_model_for, structured_method
from ipe.tools.provider.pacing import (
    Pacer,
    QueueClock,
    estimate_tokens,
    pacer_for,
    provider_key,
    queue_clock,
)

T = TypeVar("T", bound=BaseModel)

ANSWER_TOKENS = 300
"""The tokens a structured answer is expected to take, for the estimate a call is paced by."""

MAX_RATE_LIMITED = 50
"""In a batch, a call waits out at most this many 429 answers in a row, then gives up."""


class LlmUnusable(Exception):
    """The model failed or answered something that does not fit the expected structure."""


class LlmTimedOut(LlmUnusable):
    """The model did not answer within the time the run's deadline left for this call."""


TRANSIENT: tuple[type[BaseException], ...] = (
    openai.APIConnectionError,  # includes the client's own APITimeoutError
    openai.RateLimitError,
    openai.InternalServerError,
    ConnectionError,
    OSError,
)
"""Failures worth another attempt (if it still fits in the deadline); anything else falls back."""


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
    """What an intent-classifying model must return: one name of the intent registry."""

    intent: str = Field(json_schema_extra={"enum": list(intent_names())})


def chat_model(ctx: Context) -> BaseChatModel | None:
    """The chat model for this run, or None when drafting is offline.

    Every model goes through here: an injected one (``Context.chat_model``: a test's scripted
    fake, a caller's own client) or one the factory builds from the ``provider:model`` setting
    (``tools/provider/models.py``).
    """
    if not ctx.uses_llm:
        return None
    model: BaseChatModel
    if ctx.chat_model is not None:
        model = ctx.chat_model
    else:
        env = ctx.settings_env
        timeout = deadline_or_default(ctx.deadline_s)
        model = chat_model_for(ctx.model or env.model, env, timeout=timeout)
    if ctx.model_rpm or ctx.model_tpm:  # the process-wide pacer of this provider key
        pacer_for(provider_key(model)).configure(ctx.model_rpm, ctx.model_tpm)
    return model


def fence(label: str, data: Any) -> tuple[str, str, str]:
    """Return (open line, JSON block, close line) for untrusted ``data``."""
    nonce = secrets.token_hex(6)
    block = json.dumps(data, ensure_ascii=False, separators=(",", ":"))  # compact: fewer tokens
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


@dataclass(frozen=True)
class Structured:
    """How to ask a model for a structured answer: its bound call, then the parse of the reply.

    ``ask`` returns the model's message (its usage and response headers pace the next calls) and
    ``parse`` reads the answer out of it, on the loop: LangChain's ``include_raw=True`` chain does
    the same in five steps, three of them handed to a thread (~3 ms of CPU a call more, measured
    against the test server). ``whole`` is that chain, for a model whose structured output is not
    a bound call followed by a parser (a test's fake); None when the model has no tool calling.
    """

    ask: Runnable[Any, Any] | None = None
    parse: Runnable[Any, Any] | None = None
    whole: Runnable[Any, Any] | None = None


_STRUCTURED: dict[tuple[int, type[BaseModel]], tuple[BaseChatModel, Structured]] = {}


def _structured(model: BaseChatModel, schema: type[BaseModel]) -> Structured:
    """``model.with_structured_output(schema)``, built once per model and schema.

    Building it converts the schema to a tool each time, a cost that showed as a fifth of a
    batch's time on the model path. It is given the schema's JSON schema (the same tool the model
    sees), not the class: with a class LangChain regenerates the JSON schema on every call for its
    tracing metadata (~0.5 ms a call); the answer, a dict then, is validated against the class by
    ``_call_once``.
    """
    key = (id(model), schema)
    hit = _STRUCTURED.get(key)
    if hit is None or hit[0] is not model:  # the model is kept, so its id is not reused
        if len(_STRUCTURED) > 256:
            _STRUCTURED.clear()
        hit = _STRUCTURED[key] = (model, _build_structured(model, schema))
    return hit[1]


def _build_structured(model: BaseChatModel, schema: type[BaseModel]) -> Structured:
    tool, method = convert_to_json_schema(schema), structured_method(model)
    try:
        chain = model.with_structured_output(tool, method=method)
    except NotImplementedError:
        return Structured()
    if isinstance(chain, RunnableSequence):  # the bound model, then the parser's steps
        rest = [*chain.middle, chain.last]
        return Structured(
            ask=chain.first, parse=rest[0] if len(rest) == 1 else RunnableSequence(*rest)
        )
    return Structured(whole=model.with_structured_output(tool, method=method, include_raw=True))


@dataclass(frozen=True)
class Answer(Generic[T]):
    """A structured answer with what the provider said about it: tokens used, headers."""

    value: T
    tokens: int | None = None
    cached_tokens: int | None = None
    headers: Mapping[str, Any] | None = None


def _answer(value: T, raw: Any) -> Answer[T]:
    usage = getattr(raw, "usage_metadata", None) or {}
    meta = getattr(raw, "response_metadata", None) or {}
    headers = meta.get("headers") if isinstance(meta, dict) else None
    details = usage.get("input_token_details") or {}
    return Answer(
        value,
        tokens=usage.get("total_tokens"),
        cached_tokens=details.get("cache_read"),
        headers=headers if isinstance(headers, Mapping) else None,
    )


async def _call_once(
    model: BaseChatModel,
    schema: type[T],
    messages: list[Any],
    run_name: str,
    metadata: dict[str, Any],
) -> Answer[T]:
    config: dict[str, Any] = {"run_name": run_name, "tags": ["llm", run_name], "metadata": metadata}
    structured = _structured(model, schema)
    if structured.ask is not None and structured.parse is not None:
        raw = await structured.ask.ainvoke(messages, config=config)  # type: ignore[arg-type]
        try:
            parsed = structured.parse.invoke(raw)
        except Exception:  # noqa: BLE001 - as LangChain's include_raw chain: no parsed answer
            parsed = None
    elif structured.whole is not None:
        result = await structured.whole.ainvoke(messages, config=config)  # type: ignore[arg-type]
        raw, parsed = (
            (result.get("raw"), result.get("parsed")) if isinstance(result, dict) else (0, 0)
        )
    else:
        reply = await model.ainvoke(messages, config=config)  # type: ignore[arg-type]
        return _answer(_parse_json(str(reply.content), schema), reply)
    if isinstance(parsed, schema):
        return _answer(parsed, raw)
    if isinstance(parsed, dict):
        try:
            return _answer(schema.model_validate(parsed), raw)
        except ValidationError as err:
            raise LlmUnusable(f"the model's answer does not fit {schema.__name__}") from err
    raise LlmUnusable("the model returned no structured answer")


def _headers(err: BaseException) -> Mapping[str, Any] | None:
    headers = getattr(getattr(err, "response", None), "headers", None)
    return headers if isinstance(headers, Mapping) else None


async def _admit(
    pacer: Pacer, estimate: int, deadline: Deadline, share: float | None, run_name: str
) -> None:
    """Wait for the provider's capacity: queue time in a batch (up to its budget), else run time."""
    clock = queue_clock.get()
    limit = clock.budget_left() if clock is not None else deadline.for_model(share)
    paused = pacer.paused_until - asyncio.get_running_loop().time()
    if paused > limit:  # the provider asked for a wait that cannot fit: say so at once
        raise LlmTimedOut(_rate_limited(run_name, paused, deadline, clock))
    try:
        with clock.queued() if clock is not None else contextlib.nullcontext():
            async with asyncio.timeout(None if math.isinf(limit) else max(0.0, limit)):
                await pacer.admit(estimate)
    except TimeoutError:
        raise LlmTimedOut(_rate_limited(run_name, None, deadline, clock)) from None


def _rate_limited(
    run_name: str, asked: float | None, deadline: Deadline, clock: QueueClock | None
) -> str:
    wait = f"the server asked to retry after {asked:.1f} s" if asked is not None else "no capacity"
    if clock is not None:
        return f"{run_name} rate limited: {wait}, past the batch's budget"
    return (
        f"{run_name} rate limited: {wait}, longer than the {max(0.0, deadline.left()):.1f} s left "
        f"(deadline {deadline.total_s:g} s)"
    )


def retry_after(err: BaseException) -> float | None:
    """The wait a 429/503 answer asks for (``retry-after-ms`` or ``Retry-After``), in seconds."""
    response = getattr(err, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    try:
        if headers.get("retry-after-ms"):
            return max(0.0, float(headers["retry-after-ms"]) / 1000)
        value = headers.get("retry-after")
        if not value:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            when = email.utils.parsedate_to_datetime(value)
            return max(0.0, when.timestamp() - time.time())
    except (TypeError, ValueError, OverflowError):
        return None


async def call_structured(
    model: BaseChatModel,
    schema: type[T],
    *,
    system: str,
    user: str,
    run_name: str,
    attempts: int = 3,
    metadata: dict[str, Any] | None = None,
    deadline: Deadline | None = None,
    share: float | None = None,
    answer_tokens: int = ANSWER_TOKENS,
) -> T:
    """Ask ``model`` for a ``schema`` answer within ``deadline``: paced, transient failures retried.

    The call first waits for the provider's capacity (``pacing.Pacer``: ``answer_tokens`` is the
    reply's share of the token estimate); in a batch that is queue time, bounded by the batch's
    budget, and a 429 is waited out with the provider's ``Retry-After`` (at most
    ``MAX_RATE_LIMITED`` times in a row). Each attempt may then take what
    ``deadline.for_model(share)`` leaves; a retry waits (jittered backoff, or ``Retry-After``)
    only when the next attempt still has time to run. Without a deadline the call gets one of its
    own (``IPE_DEADLINE_S``). Raises ``LlmTimedOut`` when time (or the budget) ran out,
    ``LlmUnusable`` for any other unusable outcome.
    """
    deadline = deadline or Deadline.starting_now(deadline_or_default())
    messages = [SystemMessage(content=system), HumanMessage(content=user)]
    backoff = wait_random_exponential(multiplier=0.2, max=2)
    started = time.time()
    pacer = pacer_for(provider_key(model))
    estimate = estimate_tokens(system, user, answer=answer_tokens)

    def wait(state: RetryCallState) -> float:
        failure = state.outcome.exception() if state.outcome else None
        asked = retry_after(failure) if failure is not None else None
        return asked if asked is not None else backoff(state)

    no_time_for_next = stop_when(
        lambda state: deadline.for_model(share) - state.upcoming_sleep < MIN_CALL_S
    )

    async def attempt_once() -> T:
        refused = 0
        while True:
            await _admit(pacer, estimate, deadline, share, run_name)
            budget = deadline.for_model(share)
            if budget < MIN_CALL_S:
                raise LlmTimedOut(_no_time(run_name, started, deadline))
            try:
                async with asyncio.timeout(budget):
                    answer = await _call_once(model, schema, messages, run_name, metadata or {})
            except TimeoutError as err:
                raise LlmTimedOut(_no_time(run_name, started, deadline)) from err
            except openai.RateLimitError as err:
                if _out_of_quota(err):
                    raise
                pacer.refused(estimate, retry_after(err), _headers(err))
                refused += 1
                if queue_clock.get() is not None and refused < MAX_RATE_LIMITED:
                    continue  # in a batch: wait it out in the queue, not in the deadline
                raise
            pacer.settle(estimate, answer.tokens, answer.headers)
            return answer.value

    try:
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(attempts) | no_time_for_next,
            wait=wait,
            retry=retry_if_exception_type(TRANSIENT),
            reraise=True,
        ):
            with attempt:
                return await attempt_once()
    except LlmUnusable:
        raise
    except Exception as err:  # noqa: BLE001 - any provider failure becomes a fallback, with reason
        asked = retry_after(err)
        if asked is not None and asked > deadline.for_model(share):
            raise LlmTimedOut(_rate_limited(run_name, asked, deadline, queue_clock.get())) from err
        raise LlmUnusable(f"{type(err).__name__}: {str(err)[:160]}") from err
    raise LlmUnusable("no attempt was made")


def _out_of_quota(err: openai.RateLimitError) -> bool:
    """OpenAI answers 429 for an exhausted quota too: that is an outage, not a rate to wait out."""
    return getattr(err, "code", None) == "insufficient_quota"


class stop_when(stop_base):  # noqa: N801 - named like tenacity's own stop conditions
    """Stop retrying when ``predicate(retry_state)`` holds (composable with ``|``)."""

    def __init__(self, predicate: Callable[[RetryCallState], bool]) -> None:
        self.predicate = predicate

    def __call__(self, retry_state: RetryCallState) -> bool:
        """True when retrying should stop."""
        return self.predicate(retry_state)


def _no_time(run_name: str, started: float, deadline: Deadline) -> str:
    return (
        f"{run_name} timed out after {time.time() - started:.1f} s "
        f"(deadline {deadline.total_s:g} s)"
    )


async def model_intent(
    model: BaseChatModel,
    text: str,
    *,
    run_name: str,
    deadline: Deadline | None = None,
    share: float | None = None,
) -> str | None:
    """The intent ``model`` reads in a prospect's reply (fenced as data).

    The label set is the intent registry (``tools/policies/intents.toml``), each with its example.
    Returns None for a label outside it; raises ``LlmUnusable`` when the model gives no usable
    answer. Callers keep the rules as the floor (``replies.with_model``).
    """
    fence_open, block, fence_close = fence("REPLY_DATA", {"reply": text})
    out = await call_structured(
        model,
        IntentOut,
        system=render("intent_system", intents=_intent_menu()),
        user=render(
            "intent_user", fence_open=fence_open, reply_block=block, fence_close=fence_close
        ),
        run_name=run_name,
        deadline=deadline,
        share=share,
    )
    found = resolve_intent(out.intent)
    return found.name if found else None


@cache
def _intent_menu() -> str:
    """One line per registered intent: its name and an example reply (for the intent prompt)."""
    return "\n".join(f'- {i.name}: e.g. "{i.example}"' for i in intent_registry().values())
