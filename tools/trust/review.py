"""Human review of a chosen message: the request a person sees and what their decision does.

The request is LangGraph 1.x's human-in-the-loop payload: one ``send_message`` action request with
the chosen variation (and the passing alternates) as its arguments, and a review config allowing
``approve``, ``edit`` and ``reject``. The decision only changes the state; the side effects (the
outcome record, the edit as learning feedback) happen after it, once, in the feedback step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ipe.domain import MessageVariation, ReviewDecision
from ipe.memory.outcomes import MessageRecord, OutcomeStore
from ipe.memory.people import Person

ACTION = "send_message"
ALLOWED: tuple[str, ...] = ("approve", "edit", "reject")
MAX_ROUNDS = 3
"""How many times an edit that fails the checks is sent back to the reviewer."""


def _summary(v: MessageVariation) -> dict[str, Any]:
    return {
        "variation_id": v.id,
        "arm": v.arm,
        "subject": v.subject,
        "body": v.body,
        "score": v.score,
    }


def review_request(
    *,
    message_id: str,
    channel: str,
    prospect_id: str,
    variations: list[MessageVariation],
    selected_id: str,
    reasons: list[str],
    problems: list[str] | None = None,
    tries_left: int = MAX_ROUNDS,
) -> dict[str, Any]:
    """The interrupt payload for the chosen variation (and its passing alternates).

    After an edit that failed the checks, ``problems`` says why it was not sent and
    ``tries_left`` how many more failing edits block the message (both also in ``args``).
    """
    chosen = next(v for v in variations if v.id == selected_id)
    alternates = [_summary(v) for v in variations if v.id != selected_id and v.compliant]
    description = f"Send this {channel} message ({message_id}) to prospect {prospect_id}?"
    if problems:
        description += (
            " The edit was not sent: " + "; ".join(problems) + f". Edit again ({tries_left} "
            f"{'try' if tries_left == 1 else 'tries'} left before the message is blocked), "
            "pick an alternate or reject."
        )
    elif reasons:
        description += " " + reasons[-1]
    return {
        "action_requests": [
            {
                "name": ACTION,
                "args": {
                    "message_id": message_id,
                    "channel": channel,
                    **_summary(chosen),
                    "alternates": alternates,
                    "edit_problems": list(problems or []),
                    "edit_tries_left": tries_left,
                },
                "description": description,
            }
        ],
        "review_configs": [{"action_name": ACTION, "allowed_decisions": list(ALLOWED)}],
    }


def apply_decision(
    decision: ReviewDecision,
    *,
    variations: list[MessageVariation],
    selected_id: str,
    check: Callable[[MessageVariation], MessageVariation],
) -> tuple[dict[str, Any], list[str]]:
    """The state update a decision makes, or the blocking problems of an edit that fails.

    ``check`` runs the critic's checks on exactly what would be sent: an edited message must pass
    them like any draft (it goes back to the reviewer otherwise).
    """
    if decision.type == "approve":
        return {
            "status": "ready",
            "review": {"decision": "approve"},
            "reasons": ["approved in review"],
        }, []
    if decision.type == "reject":
        note = decision.message or "no reason given"
        return {
            "status": "blocked",
            "review": {"decision": "reject", "message": note},
            "reasons": [f"rejected in review: {note}"],
        }, []
    args = decision.edited_action.args if decision.edited_action else {}
    by_id = {v.id: v for v in variations}
    base = by_id.get(str(args.get("variation_id") or selected_id))
    if base is None or not base.compliant:
        return {}, [f"variation '{args.get('variation_id')}' is not one of the passing ones"]
    subject = args.get("subject", base.subject)
    body = args.get("body", base.body)
    if not isinstance(body, str) or not body.strip():
        return {}, ["an edit needs a non-empty body"]
    if subject is not None and not isinstance(subject, str):
        return {}, ["the subject must be text"]
    edited = check(base.model_copy(update={"subject": subject, "body": body, "findings": []}))
    if not edited.compliant:
        return {}, [
            f"{f.rule_id}: {f.message}" for f in edited.findings if f.severity == "blocking"
        ]
    edited = edited.model_copy(update={"score": base.score})
    changed = (edited.subject, edited.body) != (base.subject, base.body)
    return {
        "variations": [edited],
        "selected_id": edited.id,
        "status": "ready",
        "review": {
            "decision": "edit" if changed else "approve",
            "original_body": base.body,
            "variation_id": edited.id,
        },
        "reasons": [
            f"edited in review ({edited.id})" if changed else f"approved {edited.id} in review"
        ],
    }, []


def drafted_body(review: dict[str, Any] | None, sent_body: str) -> str:
    """The body the engine drafted: what the record keeps (an edit is stored beside it)."""
    if review and review.get("decision") == "edit":
        return str(review.get("original_body", sent_body))
    return sent_body


def store_outcome(
    store: OutcomeStore,
    record: MessageRecord,
    person: Person,
    review: dict[str, Any] | None,
    sent_body: str,
) -> None:
    """Record the message; an approval (edited or not) as its ``approved`` lifecycle event.

    Called once, after the decision: the record keeps the drafted body and ``record_edit``
    stores what the reviewer changed it to (its removed sentences teach later drafts).
    """
    store.record_message(record, person)
    decision = (review or {}).get("decision")
    if decision == "edit":
        store.record_edit(record.tenant, record.message_id, sent_body)
    if decision in ("approve", "edit"):
        store.add_event(
            record.tenant, record.message_id, event_id="review:approved", kind="approved"
        )
