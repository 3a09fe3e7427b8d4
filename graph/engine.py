"""The public facade: the engine, ``ContextEngine`` and ``FeedbackLoop``."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from ipe.graph.builder import graph
from ipe.graph.context import Context, settings
from ipe.graph.domain import (
    InvalidInputError,
    PersonalizationResult,
)
from ipe.graph.state import InputState
from ipe.memory.handles import outcome_store
from ipe.memory.outcomes import Suppression
from ipe.memory.people import Person, person_of
from ipe.tools.context.history import retrieve_context
from ipe.tools.learning.feedback import apply_engagement
from ipe.tools.trust.inputs import as_dict, validate_request
from ipe.tools.trust.sanitize import sanitize_prospect
from ipe.tools.writing.facts import analyse_profile, extract_facts


def _context(user_id: Any, **overrides: Any) -> Context:
    return Context(user_id=str(user_id), **{k: v for k, v in overrides.items() if v is not None})


class IntelligentPersonalizationEngine:
    """Personalize one message per call: research, context, strategy, drafts, critic, feedback."""

    def __init__(
        self,
        user_id: Any = "default",
        *,
        data_dir: str | Path | None = None,
        llm: str | None = None,
        chat_model: Any = None,
        embedder: Any = None,
        n_variations: int | None = None,
        durable: bool = True,
        **options: Any,
    ) -> None:
        """Create an engine for tenant ``user_id``; every option has an offline default.

        ``durable`` keeps a SQLite checkpoint of every run (thread ``tenant:message_id:run``) so a
        run can be inspected afterwards; switch it off for throughput when that is not needed.
        """
        self.context = settings(
            _context(
                user_id,
                data_dir=str(data_dir) if data_dir else None,
                llm=llm,
                chat_model=chat_model,
                embedder=embedder,
                n_variations=n_variations,
                **options,
            )
        )
        self.durable = durable

    async def _invoke(self, state: InputState, config: RunnableConfig) -> dict[str, Any]:
        """Run the graph; when durable, through a checkpointer opened and closed for this run."""
        if not self.durable:
            return await graph.ainvoke(state, context=self.context, config=config)
        path = Path(str(self.context.data_dir)) / "checkpoints.sqlite"
        await asyncio.to_thread(path.parent.mkdir, parents=True, exist_ok=True)
        async with AsyncSqliteSaver.from_conn_string(str(path)) as saver:
            durable = graph.copy({"checkpointer": saver})  # the compiled graph, checkpointed
            return await durable.ainvoke(state, context=self.context, config=config)

    async def personalize_message(
        self,
        prospect: Any,
        template: Any,
        *,
        platform: str | None = None,
        message_id: str | None = None,
    ) -> PersonalizationResult:
        """Return the chosen message, the variations and the reasons for ``prospect``.

        ``message_id`` lets the calling system choose the id (e.g. its own send id); engagement is
        attached to it later. Each run has its own checkpoint thread (tenant, id and a run key),
        so a reused id never resumes or mixes another run's state.
        Raises a ``PersonalizationError`` subclass for bad input (before any work is done), e.g.
        ``MessageIdConflictError`` when ``message_id`` already belongs to another prospect.
        """
        parsed, _, channel = validate_request(prospect, template, platform)
        if message_id is not None:
            store = outcome_store(str(self.context.data_dir))
            who = person_of(as_dict(prospect, "prospect"), parsed)
            await asyncio.to_thread(
                store.check_message_id, self.context.user_id, message_id, parsed.id, who
            )
        message_id = message_id or f"msg_{uuid.uuid4().hex[:16]}"
        run_key = uuid.uuid4().hex[:8]
        final = await self._invoke(
            InputState(
                prospect=as_dict(prospect, "prospect"),
                template=as_dict(template, "template"),
                platform=channel,
                message_id=message_id,
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
                },
            },
        )
        return result_from_state(final)


def result_from_state(final: dict[str, Any]) -> PersonalizationResult:
    """Build the public result from the graph's final state."""
    variations = final["variations"]
    chosen = next((v for v in variations if v.id == final.get("selected_id")), None)
    by_id = {f.id: f for f in final["facts"]}
    return PersonalizationResult(
        message_id=final["message_id"],
        status=final["status"],
        platform=final["channel"],
        subject=chosen.subject if chosen else None,
        body=chosen.body if chosen else "",
        variations=variations,
        facts_used=[by_id[i] for i in (chosen.fact_ids if chosen else []) if i in by_id],
        reasons=final["reasons"],
        strategy=final.get("strategy"),
        excluded=final["excluded"],
        selected_id=final.get("selected_id"),
        arm=chosen.plan.arm if chosen else None,
        segment=final["context"].segment if final.get("context") else None,
    )


class ContextEngine:
    """Steps 1-2 on their own: what the engine knows about a prospect before it writes."""

    def __init__(self, user_id: Any = "default", **options: Any) -> None:
        """Create a context engine for tenant ``user_id``."""
        self.context = settings(_context(user_id, **options))

    async def get_context_data(
        self, prospect: Any, template: Any, *, platform: str | None = None
    ) -> dict[str, Any]:
        """Facts, exclusions, preferences, channel rules, history and lessons for ``prospect``."""
        parsed, _, channel = validate_request(prospect, template, platform)
        clean, excluded = sanitize_prospect(parsed)
        facts, refused = extract_facts(clean)
        analysis = analyse_profile(clean)
        person = person_of(as_dict(prospect, "prospect"), clean)
        retrieved = await asyncio.to_thread(
            retrieve_context, self.context, clean, channel, analysis, person
        )
        return {
            "channel": channel,
            "facts": [f.model_dump() for f in facts],
            "excluded": [e.model_dump() for e in excluded + refused],
            "analysis": analysis.model_dump(),
            "context": asdict(retrieved),
        }


class FeedbackLoop:
    """Attach engagement to sent messages and update the strategy model and the lessons."""

    def __init__(self, user_id: Any = "default", **options: Any) -> None:
        """Create a feedback loop for tenant ``user_id``."""
        self.context = settings(_context(user_id, **options))

    def for_tenant(self, user_id: Any) -> FeedbackLoop:
        """The same loop for another tenant (same data directory and models)."""
        loop = FeedbackLoop.__new__(FeedbackLoop)
        loop.context = replace(self.context, user_id=str(user_id))
        return loop

    async def update_model(self, message: Any, engagement_data: Any) -> dict[str, Any]:
        """Record engagement for ``message`` (an id, a result or a dict with ``message_id``).

        ``engagement_data`` is one event dict or a list of them: ``{"event": "replied",
        "event_id": "...", "reply_text": "...", "at": "...", "edited_body": "..."}``. Each event is
        counted once (by event id; without one, by its content), in any order. Returns what changed.
        """
        message_id = _message_id(message)
        events = engagement_data if isinstance(engagement_data, list) else [engagement_data]
        return await apply_engagement(
            self.context, message_id, [as_dict(e, "engagement event") for e in events]
        )

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
        store = outcome_store(str(self.context.data_dir))
        return await asyncio.to_thread(store.suppress, self.context.user_id, person, reason=reason)

    async def suppressions(self, *, include_lifted: bool = False) -> list[Suppression]:
        """This tenant's suppression list, one entry per person."""
        store = outcome_store(str(self.context.data_dir))
        return await asyncio.to_thread(
            store.suppressions, self.context.user_id, include_lifted=include_lifted
        )

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
        store = outcome_store(str(self.context.data_dir))
        return await asyncio.to_thread(store.lift, self.context.user_id, person, note=note)


def _person(
    email: str | None, prospect_id: str | None, handle: str | None, platform: str | None
) -> Person:
    if handle and not platform:
        raise InvalidInputError("a handle needs its platform (e.g. platform='instagram')")
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
