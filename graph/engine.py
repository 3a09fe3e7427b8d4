"""The public facade: the engine, ``ContextEngine`` and ``FeedbackLoop``.

Everything these classes raise is a ``PersonalizationError``: bad input as its subclasses, any
other failure (storage, a model, the graph) as ``EngineError`` with the cause chained.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from langchain_core.runnables import RunnableConfig
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command
from pydantic import ValidationError

from ipe.domain import (
    VARIATION_TYPES,
    EngineError,
    InvalidInputError,
    MessageVariation,
    PersonalizationError,
    PersonalizationResult,
    PersonalizationStrategy,
    Relationship,
    ReviewDecision,
    ReviewResponse,
    ServiceUnavailableError,
    SettingsInvalidError,
    UnknownMessageError,
    VariationType,
    first_error,
)
from ipe.graph.batch import BatchItem, Durable, personalize_many, shared_durable
from ipe.graph.builder import build_context_graph, build_graph
from ipe.graph.context import LLM_MODES, Context
from ipe.graph.context import settings as resolve_context
from ipe.graph.state import InputState
from ipe.graph.timing import step_timings
from ipe.memory.checkpoints import forget_run, note_run, open_saver, prune_due, runs_of
from ipe.memory.erasure import ForgetReport, forget_person
from ipe.memory.handles import outcome_store
from ipe.memory.outcomes import MessageRecord, Suppression
from ipe.memory.people import Person, person_of
from ipe.memory.storage import storage_guard
from ipe.prompts import prompt_version
from ipe.settings import Settings, SettingsError, load_settings
from ipe.tools.context.recipient import find_recipient, inbound_addresses
from ipe.tools.learning.feedback import apply_engagement, expand_engagement
from ipe.tools.policies.channels import is_email
from ipe.tools.provider.models import ModelSetupError, check_spec
from ipe.tools.trust.inputs import (
    as_dict,
    bounded_event,
    bounded_prospect,
    bounded_template,
    validate_request,
)
from ipe.tools.trust.review import store_outcome
from ipe.tools.trust.sanitize import sanitize_prospect
from ipe.tools.warmup import preload
from ipe.tracing import install_privacy

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")

_DEFAULTS: dict[str, Any] = {}
"""The tenant and data directory of the engine created last in this process."""


def process_settings(settings: Settings | None = None) -> Settings:
    """``settings``, or the environment's read now; a wrong value is a ``SettingsInvalidError``."""
    if settings is not None:
        return settings
    try:
        return load_settings()
    except SettingsError as err:
        raise SettingsInvalidError(str(err)) from None


def default_tenant(settings: Settings | None = None) -> str:
    """The tenant an engine uses when none is given: ``$IPE_USER_ID``, else ``default``."""
    return process_settings(settings).user_id


def _context(user_id: Any, env: Settings, **overrides: Any) -> Context:
    """The resolved run context of a facade, checked: a model it cannot reach is an error now."""
    llm = overrides.get("llm")
    if llm is not None and llm not in LLM_MODES:
        raise InvalidInputError(f"llm must be one of {', '.join(LLM_MODES)}, got {llm!r}")
    options = {k: v for k, v in overrides.items() if v is not None}
    try:
        ctx = resolve_context(Context(user_id=str(user_id), env=env, **options))
    except ValueError as err:  # a data directory naming an unset $VAR
        raise InvalidInputError(str(err)) from None
    try:  # a model setting naming an unknown or uninstalled provider fails here, not mid-run
        if ctx.chat_model is None and ctx.llm != "none":
            check_spec(str(ctx.model), env)
    except ModelSetupError as err:
        raise InvalidInputError(f"model {ctx.model!r} (IPE_MODEL): {err}") from None
    if ctx.llm == "openai" and ctx.chat_model is None and env.openai_api_key is None:
        raise ServiceUnavailableError(
            "IPE_LLM=openai needs OPENAI_API_KEY (any value for a local OPENAI_BASE_URL "
            "server), or set IPE_LLM=none for the offline drafter"
        )
    return ctx


def _companion(user_id: Any, options: dict[str, Any]) -> Context:
    """Settings of a ``ContextEngine``/``FeedbackLoop``: without a tenant, the engine's."""
    env = process_settings(options.pop("settings", None))
    if user_id is None:
        user_id = _DEFAULTS.get("user_id", env.user_id)
        if options.get("data_dir") is None and _DEFAULTS.get("data_dir"):
            options = {**options, "data_dir": _DEFAULTS["data_dir"]}
    return _context(user_id, env, **options)


@functools.cache
def _standard_graph() -> CompiledStateGraph[Any, Any, Any, Any]:
    """The six-step graph, built once per process (a checkpointer is attached per run)."""
    return build_graph()


@functools.cache
def _context_graph() -> CompiledStateGraph[Any, Any, Any, Any]:
    """Steps 1-2 of the graph, built once per process."""
    return build_context_graph()


def api_errors(func: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Make every failure of a public coroutine a ``PersonalizationError`` (cause chained)."""

    @functools.wraps(func)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await func(*args, **kwargs)
        except PersonalizationError:
            raise
        except Exception as err:
            raise EngineError(f"{func.__name__} failed: {type(err).__name__}: {err}") from err

    return wrapper


class IntelligentPersonalizationEngine:
    """Personalize one message per call: research, context, strategy, drafts, critic, feedback."""

    def __init__(
        self,
        user_id: Any = None,
        *,
        data_dir: str | Path | None = None,
        llm: str | None = None,
        chat_model: Any = None,
        embedder: Any = None,
        n_variations: int | None = None,
        durable: bool = True,
        graph: CompiledStateGraph[Any, Any, Any, Any] | None = None,
        settings: Settings | None = None,
        **options: Any,
    ) -> None:
        """Create an engine for tenant ``user_id``; every option has an offline default.

        Without ``user_id`` the tenant is ``$IPE_USER_ID`` or ``default``. ``ContextEngine()`` and
        ``FeedbackLoop()`` created without a tenant use the tenant and data directory of the
        engine created last. ``durable`` keeps a SQLite checkpoint of every run (thread
        ``tenant:message_id:run``) so a run can be inspected afterwards; switch it off for
        throughput when that is not needed. ``graph`` is a variant built by
        ``ipe.graph.builder.build_graph`` (a test's replaced node); by default the standard one.
        ``settings`` are the process settings (``ipe.settings.Settings``; default: the
        environment's, read and checked now): a wrong ``IPE_*`` value is a
        ``SettingsInvalidError``, ``llm="openai"`` without a key a ``ServiceUnavailableError``.
        """
        env = process_settings(settings)
        self.context = _context(
            env.user_id if user_id is None else user_id,
            env,
            data_dir=str(data_dir) if data_dir else None,
            llm=llm,
            chat_model=chat_model,
            embedder=embedder,
            n_variations=n_variations,
            **options,
        )
        self.durable = durable
        if self.context.review and not durable:
            raise InvalidInputError("review=True needs durable=True: a paused run is checkpointed")
        _DEFAULTS.update(user_id=self.context.user_id, data_dir=self.context.data_dir)
        install_privacy(env.trace_masks)
        preload()  # the data files, read once per process before the first run
        self.graph = graph if graph is not None else _standard_graph()

    @property
    def data_dir(self) -> str:
        """The data directory this engine's runs write to."""
        return str(self.context.data_dir)

    @property
    def row_timeout_s(self) -> float:
        """A backstop per run in a batch: the deadline plus half of it (at least 5 s more)."""
        deadline = float(self.context.deadline_s or 0)
        return deadline + max(5.0, 0.5 * deadline)

    @asynccontextmanager
    async def checkpointed(self) -> AsyncIterator[Durable | None]:
        """The graph with a checkpointer open for this block (None when not durable)."""
        if not self.durable:
            yield None
            return
        async with open_saver(str(self.context.data_dir)) as saver:
            yield Durable(self.graph.copy({"checkpointer": saver}), saver)

    async def _invoke(
        self, state: InputState | Command[Any], config: RunnableConfig
    ) -> dict[str, Any]:
        """Run the graph, then store its outcome record: a failed run leaves no record.

        When durable, the run is checkpointed once, at its end (``durability="exit"``: the final,
        sanitised state, not a copy of everything per step), through the batch's checkpointer
        (inside ``personalize_many``) or one opened and closed for this run; old runs are pruned
        after ``Context.retention_days``.
        """
        ctx = replace(self.context, record_in_graph=False)  # the record waits for the run
        data_dir = str(self.context.data_dir)
        if not self.durable:
            final: dict[str, Any] = await _ainvoke(self.graph, state, ctx, config)
            if not self._deferred(final):
                await self._commit(final)
            return final
        thread_id = str(config.get("configurable", {})["thread_id"])
        metadata = config.get("metadata", {})
        shared = shared_durable.get()
        async with contextlib.nullcontext(shared) if shared else self.checkpointed() as durable:
            assert durable is not None
            if isinstance(state, InputState):  # a resumed run is indexed already
                await note_run(
                    durable.saver,
                    thread_id,
                    tenant=self.context.user_id,
                    message_id=state.message_id,
                    prospect_id=str(metadata.get("prospect_id", "")),
                )
            final = await _ainvoke(durable.graph, state, ctx, config, durability="exit")
            if "__interrupt__" in final:  # paused for review: nothing is recorded yet
                return final
            if self._deferred(final):  # nothing recorded: the row is drafted again later
                with contextlib.suppress(Exception):
                    await forget_run(durable.saver, thread_id)
                return final
            try:
                await self._commit(final)
            except BaseException:
                with contextlib.suppress(Exception):  # best effort: the record is what matters
                    await forget_run(durable.saver, thread_id)
                raise
        try:
            await asyncio.to_thread(prune_due, data_dir, float(self.context.retention_days or 0))
        except Exception as err:  # pruning is housekeeping: it never fails a finished call
            log.warning("pruning old checkpoints in %s failed: %s", data_dir, err)
        return final

    def _deferred(self, final: dict[str, Any]) -> bool:
        """With ``fallback="defer"``: mark a run whose message the model could not write deferred.

        The chosen variation was composed offline because the model could not be used (a rate
        limit past the batch's budget, an outage, the deadline): the status becomes ``deferred``
        with the reason, and nothing is recorded, so the row is drafted on the model when run
        again (a resumed ``ipe batch`` does).
        """
        if self.context.fallback != "defer" or "__interrupt__" in final:
            return False
        chosen = next((v for v in final["variations"] if v.id == final.get("selected_id")), None)
        if chosen is None or not chosen.model_unavailable:
            return False
        final["status"] = "deferred"
        recorded = f"recorded {final['message_id']} for engagement tracking"
        final["reasons"] = [
            *(r for r in final["reasons"] if r != recorded),
            f"deferred: the model could not be used ({chosen.fallback_reason}); nothing was "
            "recorded: run it again to draft it on the model (a resumed batch does)",
        ]
        return True

    async def _commit(self, final: dict[str, Any]) -> None:
        """Store the run's outcome record (built by the feedback step) now that the run is done.

        The person is keyed by the raw record and the sanitised one, as the feedback step does; a
        reviewer's edit is stored beside the record as learning feedback.
        """
        if final.get("record") is None:
            return
        record = MessageRecord.model_validate(final["record"])
        person = person_of(final["prospect"], final.get("clean_prospect"))
        store = outcome_store(str(self.context.data_dir))
        chosen = next((v for v in final["variations"] if v.id == final.get("selected_id")), None)
        await asyncio.to_thread(  # SQLite blocks: off the loop
            store_outcome, store, record, person, final.get("review"), chosen.body if chosen else ""
        )

    @api_errors
    async def pending_reviews(self) -> list[dict[str, Any]]:
        """This tenant's messages waiting for a decision, newest first.

        Each is ``{"message_id", "thread_id", "request"}``, the request being the interrupt's
        human-in-the-loop payload (the chosen message, its alternates, the allowed decisions).
        """
        if not self.durable:
            return []
        pending: list[dict[str, Any]] = []
        with storage_guard(str(self.context.data_dir)):
            async with open_saver(str(self.context.data_dir)) as saver:
                durable = self.graph.copy({"checkpointer": saver})
                for thread_id, message_id in await runs_of(saver, self.context.user_id):
                    snapshot = await durable.aget_state({"configurable": {"thread_id": thread_id}})
                    if snapshot.interrupts:
                        pending.append(
                            {
                                "message_id": message_id,
                                "thread_id": thread_id,
                                "request": snapshot.interrupts[0].value,
                            }
                        )
        return pending

    @api_errors
    async def review_message(self, message_id: str, decision: Any) -> PersonalizationResult:
        """Decide a paused message: ``"approve"``, ``"reject"``, or a decision dict/model.

        ``{"type": "edit", "edited_action": {"args": {"body": "...", "subject": "..."}}}`` sends
        an edited text (checked like any draft) and stores the edit as learning feedback;
        ``{"type": "reject", "message": "why"}`` blocks it; ``edited_action.args.variation_id``
        picks an alternate. The run resumes where it paused and records the outcome once: a
        message already decided has no pending review (``UnknownMessageError``).
        """
        response = _review_response(decision)
        pending = [p for p in await self.pending_reviews() if p["message_id"] == message_id]
        if not pending:
            raise UnknownMessageError(
                f"no review pending for message '{message_id}' of tenant '{self.context.user_id}'"
            )
        final = await self._invoke(
            Command(resume=response.model_dump(mode="json", exclude_none=True)),
            config={
                "configurable": {"thread_id": pending[0]["thread_id"]},
                "run_name": "review_message",
                "tags": ["ipe", "review"],
                "metadata": {"tenant": self.context.user_id, "message_id": message_id},
            },
        )
        return result_from_state(final)

    def personalize_many(
        self,
        rows: Iterable[Any],
        template: Any,
        *,
        platform: str | None = None,
        concurrency: int = 8,
        rate_limit: float | None = None,
        skip: set[str] | None = None,
        batch_id: str | None = None,
        budget_s: float | None = None,
    ) -> AsyncIterator[BatchItem]:
        """Personalize many prospects; an async iterator of ``BatchItem`` in completion order.

        At most ``concurrency`` rows run at once (``rate_limit``: rows started per minute), each
        within its own deadline; a bad row yields an item with ``error`` and never stops the
        batch. The rows share this engine's stores and one checkpointer. ``skip``: prospect ids
        already done; ``batch_id``: derive message ids from it (a redone row updates its record).
        Time a row waits for the provider's capacity (``model_rpm``/``model_tpm``, 429s) is queue
        time, not run time: it is bounded by ``budget_s`` (the whole batch's, None: unbounded).
        Close it early with ``contextlib.aclosing``; see ``graph/batch.py``.
        """
        return personalize_many(
            self,
            rows,
            template,
            platform=platform,
            concurrency=concurrency,
            rate_limit=rate_limit,
            skip=skip,
            batch_id=batch_id,
            budget_s=budget_s,
        )

    @api_errors
    async def personalize_message(
        self,
        prospect: Any,
        template: Any,
        *,
        platform: str | None = None,
        message_id: str | None = None,
        strategy: PersonalizationStrategy | dict[str, Any] | None = None,
        variation_type: VariationType | None = None,
    ) -> PersonalizationResult:
        """Return the chosen message, the variations and the reasons for ``prospect``.

        ``template`` is the template (a dict or a model) or a ``MessageVariation`` request
        (``MessageVariation(template=..., strategy=..., variation_type="tone")``), which brings
        its template, strategy rules and variation type. ``strategy`` (a
        ``PersonalizationStrategy`` with ``tone_rules``/``content_rules``/``cta_rules``) pins or
        weights the strategy; ``variation_type`` makes the variations differ only in the tone,
        the opening (``content``) or the CTA. ``message_id`` lets the calling system choose the
        id (e.g. its own send id); engagement is attached to it later. Each run has its own
        checkpoint thread (tenant, id and a run key), so a reused id never resumes or mixes
        another run's state. Raises a ``PersonalizationError`` subclass for bad input (before any
        work is done), e.g. ``MessageIdConflictError`` when ``message_id`` already belongs to
        another prospect, and a ``StorageError`` when the data directory cannot be used (then
        nothing is recorded); any other failure is an ``EngineError``.
        """
        template, rules, variation_type = _unpack_request(template, strategy, variation_type)
        raw_prospect, raw_template = bounded_prospect(prospect), bounded_template(template)
        parsed, _, channel = validate_request(raw_prospect, raw_template, platform)
        who = person_of(raw_prospect, parsed)
        if message_id is not None:
            with storage_guard(str(self.context.data_dir)):
                store = outcome_store(str(self.context.data_dir))
                await asyncio.to_thread(
                    store.check_message_id, self.context.user_id, message_id, parsed.id, who
                )
        if platform:  # the caller chose the channel: an unreachable one is an input error
            clean, _ = sanitize_prospect(parsed)
            recipient = find_recipient(clean, channel)
            referral = is_email(channel) and bool(inbound_addresses(clean))
            if recipient.address is None and not referral:  # a reply may name whom to write to
                raise InvalidInputError(
                    f"cannot write to prospect '{parsed.id}' on {channel}: {recipient.source}"
                )
        message_id = message_id or f"msg_{uuid.uuid4().hex[:16]}"
        run_key = uuid.uuid4().hex[:8]
        with storage_guard(str(self.context.data_dir)):
            final = await self._invoke(
                InputState(
                    prospect=raw_prospect,
                    template=raw_template,
                    platform=channel,
                    message_id=message_id,
                    strategy_rules=rules,
                    variation_type=variation_type,
                ),
                config={
                    "configurable": {"thread_id": f"{self.context.user_id}:{message_id}:{run_key}"},
                    "run_name": "personalize_message",
                    "tags": ["ipe", f"channel:{channel}"],
                    "metadata": {
                        "tenant": self.context.user_id,
                        "prospect_id": parsed.id,
                        "channel": channel,
                        "message_id": message_id,
                        "prompt_version": prompt_version(),
                    },
                },
            )
        return result_from_state(final)


async def _ainvoke(
    runnable: CompiledStateGraph[Any, Any, Any, Any],
    state: InputState | Command[Any],
    context: Context,
    config: RunnableConfig,
    **options: Any,
) -> dict[str, Any]:
    """``ainvoke`` that, when cancelled, first lets the run's checkpoint writes finish.

    LangGraph hands the task that unwinds a cancelled run (its pending checkpoint writes) to the
    caller in the ``CancelledError``; awaiting it means no task outlives the run and the
    checkpointer is never closed under a write.
    """
    try:
        final: dict[str, Any] = await runnable.ainvoke(
            state, context=context, config=config, **options
        )
        return final
    except asyncio.CancelledError as err:
        unwinding = [a for a in err.args if isinstance(a, asyncio.Future)]
        if unwinding:
            await asyncio.gather(*unwinding, return_exceptions=True)
        raise


def _review_response(decision: Any) -> ReviewResponse:
    """A decision in any accepted form, validated (bad ones are ``InvalidInputError``)."""
    if isinstance(decision, ReviewResponse):
        return decision
    if isinstance(decision, str):
        decision = {"type": decision.strip().lower()}
    if isinstance(decision, ReviewDecision):
        decision = decision.model_dump()
    if isinstance(decision, dict) and "decisions" not in decision:
        decision = {"decisions": [decision]}
    try:
        return ReviewResponse.model_validate(decision)
    except ValidationError as err:
        raise InvalidInputError(first_error(err, "review decision")) from None


def _unpack_request(
    template: Any,
    strategy: PersonalizationStrategy | dict[str, Any] | None,
    variation_type: str | None,
) -> tuple[Any, PersonalizationStrategy | None, VariationType | None]:
    """The template, strategy rules and variation type of a call (or of its request)."""
    if isinstance(template, MessageVariation):
        if template.template is None:
            raise InvalidInputError("a MessageVariation request needs a template=")
        strategy = strategy if strategy is not None else template.strategy
        variation_type = variation_type or template.variation_type
        template = template.template
    if isinstance(strategy, dict):
        strategy = PersonalizationStrategy(**strategy)
    elif strategy is not None and not isinstance(strategy, PersonalizationStrategy):
        raise InvalidInputError(
            f"strategy must be a PersonalizationStrategy or a dict, got {type(strategy).__name__}"
        )
    if variation_type is not None and variation_type not in VARIATION_TYPES:
        raise InvalidInputError(
            f"unknown variation_type '{variation_type}': use {', '.join(VARIATION_TYPES)}"
        )
    return template, strategy, variation_type


def result_from_state(final: dict[str, Any]) -> PersonalizationResult:
    """Build the public result from the graph's final state."""
    variations = final["variations"]
    chosen = next((v for v in variations if v.id == final.get("selected_id")), None)
    by_id = {f.id: f for f in final["facts"]}
    paused = final.get("__interrupt__")
    reasons = list(final["reasons"])
    if paused:
        reasons.append(
            f"waiting for review: decide with review_message('{final['message_id']}', ...) "
            f"or `ipe review {final['message_id']} --approve|--edit-body FILE|--reject`"
        )
    context = final.get("context")
    relationship = context.relationship if context else Relationship()
    return PersonalizationResult(
        message_id=final["message_id"],
        status="needs_review" if paused else final["status"],
        review=paused[0].value if paused else final.get("review"),
        platform=final["channel"],
        subject=chosen.subject if chosen else None,
        body=chosen.body if chosen else "",
        variations=variations,
        facts_used=[by_id[i] for i in (chosen.fact_ids if chosen else []) if i in by_id],
        reasons=reasons,
        strategy=final.get("strategy"),
        excluded=final["excluded"],
        selected_id=final.get("selected_id"),
        arm="/".join(chosen.written_arm) if chosen else None,
        segment=context.segment if context else None,
        relationship=relationship,
        recipient=context.recipient if context else None,
        not_before=(
            relationship.not_before
            if final["status"] == "scheduled"
            or (final["status"] == "needs_review" and relationship.stage == "deferred")
            else None
        ),
        send_at=(
            context.send_at if context and final["status"] not in ("blocked", "deferred") else None
        ),
        timings=step_timings(final.get("spans", [])),
    )


class ContextEngine:
    """Steps 1-2 on their own: what the engine knows about a prospect before it writes."""

    def __init__(self, user_id: Any = None, **options: Any) -> None:
        """Create a context engine for tenant ``user_id`` (default: the engine's tenant)."""
        self.context = _companion(user_id, options)

    @api_errors
    async def get_context_data(
        self, prospect: Any, template: Any, *, platform: str | None = None
    ) -> dict[str, Any]:
        """Facts, exclusions, preferences, channel rules, history and lessons for ``prospect``.

        It runs the graph's own steps 1-2 (``build_context_graph``): the same validation,
        fencing, research and retrieval as a personalization run.
        """
        state = InputState(
            prospect=bounded_prospect(prospect), template=template, platform=platform
        )
        with storage_guard(str(self.context.data_dir)):
            final = await _context_graph().ainvoke(state, context=self.context)
        return {
            "channel": final["channel"],
            "facts": [f.model_dump() for f in final["facts"]],
            "excluded": [e.model_dump() for e in final["excluded"]],
            "analysis": final["analysis"].model_dump(),
            "context": asdict(final["context"]),
        }


class FeedbackLoop:
    """Move messages through their lifecycle and attach engagement; update the model and lessons.

    A recorded message is a draft: ``approve`` / ``mark_sent`` (or ``update_model`` with the
    ``approved`` / ``sent`` events) move it on, and only a sent message is contact and evidence;
    engagement that implies delivery marks it sent on its own.
    """

    def __init__(self, user_id: Any = None, **options: Any) -> None:
        """Create a feedback loop for tenant ``user_id`` (default: the engine's tenant)."""
        self.context = _companion(user_id, options)

    def for_tenant(self, user_id: Any) -> FeedbackLoop:
        """The same loop for another tenant (same data directory and models)."""
        loop = FeedbackLoop.__new__(FeedbackLoop)
        loop.context = replace(self.context, user_id=str(user_id))
        return loop

    @api_errors
    async def update_model(self, message: Any, engagement_data: Any) -> dict[str, Any]:
        """Record engagement for ``message`` (an id, a result or a dict with ``message_id``).

        ``engagement_data`` is one event dict, a dict of flags, or a list of them: ``{"event":
        "replied", "event_id": "...", "reply_text": "...", "at": "...", "edited_body": "..."}``
        or ``{"opened": True, "replied": True, "reply_text": "..."}`` (each true flag is one
        event). Each event is counted once (by event id; without one, by its content), in any
        order. Returns what changed. A reply text or edited body longer than ``[input]
        event_text_chars`` is cut to it.
        """
        message_id = _message_id(message)
        events = engagement_data if isinstance(engagement_data, list) else [engagement_data]
        expanded = [e for raw in events for e in expand_engagement(as_dict(raw, "engagement"))]
        checked = [bounded_event(e) for e in expanded]  # over-long texts cut before any storage
        with storage_guard(str(self.context.data_dir)):
            return await apply_engagement(self.context, message_id, checked)

    @api_errors
    async def approve(self, message: Any, *, at: str | None = None) -> dict[str, Any]:
        """Record that a person approved the message (drafted -> approved)."""
        event: dict[str, Any] = {"event": "approved", **({"at": at} if at else {})}
        return await self.update_model(message, event)

    @api_errors
    async def mark_sent(
        self, message: Any, *, at: str | None = None, event_id: str | None = None
    ) -> dict[str, Any]:
        """Record that the message was sent: from now on it is contact and learning evidence.

        ``at`` (ISO 8601) is when it went out; the no-event window counts from it. Engagement
        that needs delivery (delivered, opened, replied...) implies this on its own.
        """
        event: dict[str, Any] = {"event": "sent"}
        event.update({k: v for k, v in (("at", at), ("event_id", event_id)) if v})
        return await self.update_model(message, event)

    @api_errors
    async def suppress(
        self,
        *,
        email: str | None = None,
        prospect_id: str | None = None,
        handle: str | None = None,
        platform: str | None = None,
        reason: str = "manual",
    ) -> Suppression:
        """Put a person on this tenant's suppression list (no message is ever ready for them).

        Give any of their keys: the e-mail address, a record id, a handle with its platform.
        Opt-out events (unsubscribe, unsubscribe reply, complaint, hard bounce) do this on
        their own; this is for opt-outs that reached the tenant another way.
        """
        person = _person(email, prospect_id, handle, platform)
        with storage_guard(str(self.context.data_dir)):
            store = outcome_store(str(self.context.data_dir))
            return await asyncio.to_thread(
                store.suppress, self.context.user_id, person, reason=reason
            )

    @api_errors
    async def suppressions(self, *, include_lifted: bool = False) -> list[Suppression]:
        """This tenant's suppression list, one entry per person."""
        with storage_guard(str(self.context.data_dir)):
            store = outcome_store(str(self.context.data_dir))
            return await asyncio.to_thread(
                store.suppressions, self.context.user_id, include_lifted=include_lifted
            )

    @api_errors
    async def lift(
        self,
        *,
        email: str | None = None,
        prospect_id: str | None = None,
        handle: str | None = None,
        platform: str | None = None,
        note: str = "",
    ) -> list[Suppression]:
        """Take a person off the suppression list: only this explicit call does that.

        Returns the entries lifted (empty when the person was not suppressed).
        """
        person = _person(email, prospect_id, handle, platform)
        with storage_guard(str(self.context.data_dir)):
            store = outcome_store(str(self.context.data_dir))
            return await asyncio.to_thread(store.lift, self.context.user_id, person, note=note)

    async def forget(
        self,
        *,
        email: str | None = None,
        prospect_id: str | None = None,
        handle: str | None = None,
        platform: str | None = None,
    ) -> ForgetReport:
        """Erase a person (right to erasure): messages, events, edits, lessons' evidence, runs.

        Every message sharing a key with the person goes (the same address under another record
        id too), with their events and edits, the message ids in the lessons' evidence and the
        run checkpoints. The suppression entry stays, hashed: an erased person who opted out is
        still never contacted, and can no longer be read back.
        """
        person = _person(email, prospect_id, handle, platform)
        data_dir = str(self.context.data_dir)
        with storage_guard(data_dir):
            return await asyncio.to_thread(forget_person, data_dir, self.context.user_id, person)


def _person(
    email: str | None, prospect_id: str | None, handle: str | None, platform: str | None
) -> Person:
    if handle and not platform:
        raise InvalidInputError(
            "a handle needs its platform (--platform instagram, or platform='instagram')"
        )
    person = Person.build(
        ids=[prospect_id] if prospect_id else [],
        email=email,
        handles=[(platform, handle)] if handle else [],
    )
    if email and not person.of_kind("email"):
        raise InvalidInputError(f"'{email}' is not an e-mail address")
    if not person.keys:
        raise InvalidInputError("name the person: an e-mail address, a prospect id or a handle")
    return person


def _message_id(message: Any) -> str:
    if isinstance(message, str) and message:
        return message
    if isinstance(message, PersonalizationResult):
        return message.message_id
    if isinstance(message, dict) and message.get("message_id"):
        return str(message["message_id"])
    raise InvalidInputError("message must be a message id, a result or a dict with 'message_id'")
