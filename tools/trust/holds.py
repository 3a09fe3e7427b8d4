"""What the person's state allows: the hold of their relationship stage, read by the critic.

An opt-out or a decline blocks, an ended sequence blocks, a deferral schedules (or asks a person
first), a reply a person must read first needs review; the figures are in
``tools/policies/relationship.toml``. The stage itself is assessed in
``tools/context/relationship.py``.
"""

from __future__ import annotations

from ipe.domain import Relationship, Status
from ipe.tools.policies import load_pack


def hold(relationship: Relationship) -> tuple[Status, str] | None:
    """What the stage allows: ``(status, reason)`` when it blocks or schedules, else ``None``."""
    pol = load_pack("relationship")
    stage = relationship.stage
    if stage == "opted_out":
        return "blocked", "the prospect asked not to be contacted"
    if stage == "declined":
        return (
            "blocked",
            f"the prospect declined: no new message before {relationship.not_before} "
            f"({pol['declined']['blocked_days']} days, tools/policies/relationship.toml)",
        )
    limit = int(pol["sequence"]["max_follow_ups"])
    if stage == "awaiting_reply" and relationship.follow_up > limit:
        return (
            "blocked",
            f"the sequence ended: {relationship.follow_up} messages went unanswered "
            f"(the first and {limit} follow-up(s)); no further follow-up is written",
        )
    if stage == "deferred" and relationship.review:
        return (
            "needs_review",
            f"held until {relationship.not_before}, and a person checks first: "
            f"{relationship.review}",
        )
    if stage == "deferred":
        return "scheduled", f"held until {relationship.not_before}: the prospect asked us to wait"
    if relationship.review:
        return "needs_review", f"a person reads their reply first: {relationship.review}"
    return None
