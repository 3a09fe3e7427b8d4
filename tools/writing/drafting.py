"""Drafting one variation: through the chat model when configured, else the offline composer.

Both paths return the same ``MessageVariation``. Whatever the model writes is only a proposal: the
critic checks it against the facts, the template and the channel's rules before anything is chosen.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, cast

from langchain_core.language_models import BaseChatModel

from ipe.domain import Angle, Cta, Fact, Finding, MessageVariation, Relationship, Template
from ipe.graph.state import DraftTask
from ipe.prompts import load_prompt, load_table
from ipe.tools.channel.formatting import first_name
from ipe.tools.policies.channels import is_email, is_note, registry
from ipe.tools.policies.intents import asked_to_wait
from ipe.tools.policies.intents import get as get_intent
from ipe.tools.provider.deadline import Deadline
from ipe.tools.provider.llm import (
    DraftOut,
    LlmTimedOut,
    LlmUnusable,
    call_structured,
    fence,
    render,
)
from ipe.tools.writing.answers import call_slots
from ipe.tools.writing.language import DETECTED, NAMES, choose_language, detect
from ipe.tools.writing.offline_drafter import bank, compose
from ipe.tools.writing.register import register_note

_CONTENT_FIELDS = {"title", "published_at", "platform", "summary"}
_CONTENT_FIELD = re.compile(r"recent_content\[(\d+)\]\.(title|summary)")
_HISTORY_ITEMS = 8
_HISTORY_CHARS = 500


def offline_variation(
    task: DraftTask, *, reason: str | None = None, unavailable: bool = False
) -> MessageVariation:
    """Compose the plan's message from the phrase banks (deterministic, grounded by design).

    ``reason``: why a model's draft is not used; ``unavailable``: because the model could not be
    used at all (limit, outage, deadline), which a batch defers unless told to fall back.
    """
    relationship = getattr(task.context, "relationship", None)
    draft = compose(
        task.plan,
        facts=task.facts,
        template=task.clean_template,
        first_name=first_name(task.clean_prospect.name),
        channel=task.channel,
        links_allowed=task.context.links_allowed,
        size="short" if _is_note(task) else "full",
        in_conversation=_in_conversation(task),
        seed=f"{task.clean_prospect.id}\x1f{task.attempt}",
        language=task.language,
        register=task.register,
        prospect=task.clean_prospect,
        relationship=relationship if isinstance(relationship, Relationship) else None,
        slots=call_slots(
            getattr(task.context, "timezone", None), getattr(task.context, "send_at", None)
        ),
    )
    return MessageVariation(
        id=task.plan.id,
        plan=task.plan,
        subject=draft.subject,
        body=draft.body,
        fact_ids=draft.fact_ids,
        source="offline_fallback" if reason else "offline",
        fallback_reason=reason,
        model_unavailable=unavailable,
        attempt=task.attempt,
        language=draft.language,
        angle_written=cast(Angle, draft.angle_used),
        cta_written=cast(Cta, _written_cta(draft.cta_used, task.plan.cta)),
    )


def prompt_language(task: DraftTask) -> str:
    """The language the model writes in: the run's, or the prospect's where only a bank is missing.

    The run's language is the one the offline drafter can write (English when the prospect's has
    no phrase bank); a model writes every language the engine detects, so it gets the prospect's
    (or the language of the tenant's copy, which the hook must read as part of).
    """
    if task.language and task.language != "en":
        return task.language
    return choose_language(task.clean_prospect, DETECTED, copy=task.clean_template.body).language


def _relationship(task: DraftTask) -> Relationship | None:
    found = getattr(task.context, "relationship", None)
    return found if isinstance(found, Relationship) else None


def _today() -> date:
    return datetime.now(UTC).date()


def _stage(task: DraftTask) -> tuple[str, str]:
    """The stage name and a trusted one-line note on what it means for this message."""
    rel = _relationship(task)
    if rel is None:
        if not task.clean_prospect.interaction_history and not task.context.history:
            return "cold", _stage_note("cold")
        return "unknown", _stage_note("unknown")
    stage = rel.stage
    if stage in ("deferred", "check_back_due") and not asked_to_wait(rel):
        stage = "awaiting_reply"  # an auto-reply or an unclear reply naming a date: no wish cited
    note = _stage_note(stage)
    if stage == "awaiting_reply":
        since = f", {rel.days_since_outbound} days since our last message" * (
            rel.days_since_outbound is not None
        )
        note += f" This is follow-up {max(rel.follow_up, 1)}{since}."
    if rel.intent and rel.stage == "asked_for_details":
        note += " " + get_intent(rel.intent).note
    if rel.not_before and asked_to_wait(rel):
        note += f" The date they asked for: {rel.not_before}."
    elif rel.not_before:
        note += f" It is held and goes out on {rel.not_before}: nothing stale by then."
    if rel.asked_for:
        note += " Their own words are in the data block (relationship.asked_for)."
    return stage, note


def _stage_note(stage: str) -> str:
    """What the stage asks of this message (``prompts/draft_stages.toml``)."""
    return str(load_table("draft_stages").get(stage, ""))


def _in_conversation(task: DraftTask) -> bool:
    return bool(getattr(task.context, "in_conversation", False))


def _is_note(task: DraftTask) -> bool:
    """A connection note: a note channel before the person has written to us."""
    return is_note(task.channel) and not _in_conversation(task)


def _shape(task: DraftTask) -> str:
    if _is_note(task):
        return render("draft_shape_note", limit=task.context.body_limit)
    return load_prompt("draft_shape_email" if is_email(task.channel) else "draft_shape_dm")


def _examples(task: DraftTask, stage: str, language: str) -> str:
    example = registry()[task.channel].prompt_example
    names = [example] if example else []
    names += {
        "awaiting_reply": ["draft_example_follow_up"],
        "check_back_due": ["draft_example_check_back"],
        "deferred": ["draft_example_check_back"],
        "asked_for_details": ["draft_example_details"],
    }.get(stage, [])
    if language != "en":
        names.append("draft_example_non_english")
    return "\n".join(load_prompt(name).strip() for name in names)


def _sender_block(template: Template) -> str:
    sender = template.sender
    lines = [f"Name: {sender.name}"]
    lines += [f"Title: {sender.title}"] if sender.title else []
    lines += [f"Company: {sender.company}"] if sender.company else []
    return "\n".join(lines)


def _written_cta(used: str, planned: str) -> str:
    """The ``Cta`` a draft made: an offer to send the link on reply asks for a reply."""
    if not used:
        return planned
    return "reply" if used == "link_request" else used


def claims_for(claims: list[str], language: str) -> list[str]:
    """The approved claims worded in ``language`` (and those too short to tell); all, if none is."""
    found = {claim: detect(claim) for claim in claims}
    if language not in found.values():
        return list(claims)
    return [claim for claim, lang in found.items() if lang in (language, None)]


def _offer_block(template: Template, language: str) -> str:
    offer = template.offer
    lines = [f"Brand: {template.brand}"]
    lines += [f"Goal of this outreach: {template.goal}"] if template.goal else []
    lines += [f"Offer: {offer.summary}"] if offer.summary else []
    claims = claims_for(list(template.approved_claims), language)
    said = " ".join(claims).casefold()  # a term an approved claim words is not listed twice
    if offer.commission and offer.commission.casefold() not in said:
        lines.append(f"Commission: {offer.commission}")
    if offer.cookie_days and str(offer.cookie_days) not in said:
        lines.append(f"Cookie length: {offer.cookie_days} days")
    lines += [f"Perk: {perk}" for perk in offer.perks if perk.casefold() not in said]
    lines += [f"Approved claim: {claim}" for claim in claims]
    lines += [f"Link: {link}" for link in template.links]
    return "\n".join(lines)


def _template_block(template: Template) -> str:
    subject = f"Subject: {template.subject}" if template.subject else "Subject: (none given)"
    if not template.body:
        return f"{subject}\nBody: (none: write the whole message)"
    keep = "Body (keep every sentence; write only the {{ }} parts):"
    return f"{subject}\n{keep}\n{template.body}"


def _facts_block(facts: list[Fact], planned: list[str]) -> str:
    lines = [
        f"- {f.id} ({f.kind}, from {f.source_field})" + (" [planned]" * (f.id in planned))
        for f in facts
    ]
    return "\n".join(lines) or "- (none: open honestly, without a personal claim)"


def _audience_unit(task: DraftTask) -> str:
    """What the record's platform calls an audience (the English bank's word: the prompt's)."""
    nouns: dict[str, str] = bank("en")["words"]["audience_noun"]
    platform = (task.clean_prospect.platform or task.channel).lower()
    noun = nouns.get(platform, nouns["default"])
    if f"{platform}_group" in nouns:  # a platform with groups (the bank's <platform>_group)
        noun += f" ({nouns[f'{platform}_group']}, for a group)"
    return noun


def _history(task: DraftTask) -> list[dict[str, Any]]:
    items = [
        {"at": h.at, "channel": h.channel, "direction": h.direction}
        | {"text": h.text[:_HISTORY_CHARS]}
        | ({"outcome": h.outcome} if h.outcome else {})
        for h in task.clean_prospect.interaction_history
    ]
    recorded = {(h.at, h.direction) for h in task.clean_prospect.interaction_history}
    items += [
        {"at": h.at, "channel": h.channel, "direction": h.direction, "text": h.summary}
        for h in task.context.history
        if (h.at, h.direction) not in recorded
    ]
    items.sort(key=lambda item: str(item.get("at") or ""))
    return items[-_HISTORY_ITEMS:]


def _finding_note(f: Finding) -> str:
    return f"{f.rule_id}: {f.message}" + (f" ('{f.span}')" if f.span else "")


def _carried(fact: Fact, platform: str | None, content: list[dict[str, Any]]) -> bool:
    """True when the data block already holds ``fact`` word for word at its source field.

    A content title or summary fact is its recent_content item's field, the platform fact the
    record's platform: the fact list names the field, so the words are not sent twice.
    """
    match = _CONTENT_FIELD.fullmatch(fact.source_field)
    if match:
        index, name = int(match.group(1)), match.group(2)
        return index < len(content) and content[index].get(name) == fact.text
    return fact.source_field == "platform" and fact.text == platform


def _prospect_data(task: DraftTask) -> dict[str, Any]:
    """Everything about the person the model may read: all of it untrusted, for the fence."""
    prospect = task.clean_prospect
    content = [
        item.model_dump(include=_CONTENT_FIELDS, exclude_none=True)
        for item in prospect.recent_content
    ]
    data: dict[str, Any] = {
        "first_name": first_name(prospect.name),
        "platform": prospect.platform,
        "facts": [
            {"id": f.id, "text": f.text}  # its kind and field are in the prompt's fact list
            for f in task.facts
            if not _carried(f, prospect.platform, content)
        ],
        "recent_content": content,
        "history": _history(task),
    }
    rel = _relationship(task)
    if rel is not None and rel.stage != "cold":  # cold: the prompt's stage line says all of it
        data["relationship"] = rel.model_dump(exclude_none=True, exclude={"stage"})
    if task.rejected is not None:
        data["rejected_draft"] = {"subject": task.rejected.subject, "body": task.rejected.body}
        data["findings"] = list(task.repair_notes)
    return {k: v for k, v in data.items() if v not in (None, [], {})}


def draft_prompt(task: DraftTask, *, one_plan: bool = True) -> str:
    """The user prompt for the plan's message: trusted context outside, the record in the fence.

    ``one_plan=False``: the caller lists the plans itself (one-call drafting), so the prompt
    does not name this plan's labels.
    """
    plan = task.plan
    language = prompt_language(task)
    stage, stage_note = _stage(task)
    fence_open, block, fence_close = fence("PROSPECT_DATA", _prospect_data(task))
    email = is_email(task.channel)
    return render(
        "draft_user",
        today=_today().isoformat(),
        channel=task.channel,
        shape=_shape(task).strip(),
        subject_rule="required, plain, 3-7 words" if email else "none (leave it null)",
        language=language,
        language_name=NAMES.get(language, language),
        register_note=register_note(language, task.register),
        stage=stage,
        stage_note=stage_note,
        variation_line=(
            f"This variation: tone {plan.tone}, opening angle {plan.angle}, "
            f"call to action {plan.cta}.\n"
        )
        if one_plan
        else "",
        links_allowed=(
            "no (a connection note carries none)"
            if _is_note(task)
            else "yes"
            if task.context.links_allowed
            else "no"
        ),
        audience_unit=_audience_unit(task),
        sender_block=_sender_block(task.clean_template),
        offer_block=_offer_block(task.clean_template, language),
        template_block=_template_block(task.clean_template),
        facts_block=_facts_block(task.facts, plan.fact_ids if one_plan else []),
        repair_block=load_prompt("draft_repair") if task.rejected is not None else "",
        examples=_examples(task, stage, language),
        fence_open=fence_open,
        prospect_block=block,
        fence_close=fence_close,
    )


async def llm_variation(
    model: BaseChatModel,
    task: DraftTask,
    *,
    still_rejected: Callable[[MessageVariation, DraftTask], list[str]],
    deadline: Deadline | None = None,
) -> MessageVariation:
    """Ask the model for the plan's message; unusable output falls back to the offline composer.

    A repair (``task.rejected`` set) shows the model its rejected draft and the critic's findings,
    once: if the critic's check (``still_rejected``, the blocking rules it finds in the new draft)
    still rejects it, the offline composer writes it.
    The call is cut to end before ``deadline`` (with time left for the offline composer, the
    critic and the recording); out of time, the variation is composed offline and says so.
    """
    plan = task.plan
    try:
        out = await call_structured(
            model,
            DraftOut,
            system=load_prompt("draft_system"),
            user=draft_prompt(task),
            run_name=f"draft:{plan.id}" + (":repair" if task.rejected is not None else ""),
            metadata={
                "arm": plan.arm,
                "variation": plan.id,
                "channel": task.channel,
                "repair": task.rejected is not None,
            },
            deadline=deadline,
        )
    except LlmTimedOut as err:
        return offline_variation(task, reason=f"out of time: {err}", unavailable=True)
    except LlmUnusable as err:
        return offline_variation(task, reason=f"model unusable: {err}", unavailable=True)
    known = {f.id for f in task.facts}
    variation = MessageVariation(
        id=plan.id,
        plan=plan,
        subject=out.subject if is_email(task.channel) else None,
        body=out.body,
        fact_ids=[i for i in out.fact_ids if i in known],
        source="llm",
        attempt=task.attempt,
        language=prompt_language(task),
    )
    if task.rejected is not None:
        rules = still_rejected(variation, task)
        if rules:
            return offline_variation(
                task, reason=f"the model's repair was rejected again ({', '.join(rules)})"
            )
    return variation


def repair_notes(variation: MessageVariation) -> list[str]:
    """The critic's blocking findings on ``variation``, as lines the model can act on."""
    return [_finding_note(f) for f in variation.findings if f.severity == "blocking"]
