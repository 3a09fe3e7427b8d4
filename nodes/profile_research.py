"""Step 1, profile research: validate, sanitise, extract grounded facts, read preferences."""

from __future__ import annotations

import time
import uuid
from typing import Any

from langgraph.runtime import Runtime

from ipe.graph.context import Context, settings
from ipe.graph.state import State
from ipe.prompts import prompt_version
from ipe.tools.provider.deadline import RESEARCH_SHARE, Deadline
from ipe.tools.provider.llm import chat_model
from ipe.tools.trust.inputs import validate_request
from ipe.tools.trust.outbound import screen_facts
from ipe.tools.trust.sanitize import sanitize_prospect
from ipe.tools.writing.facts import analyse_profile, extract_facts, uncovered_text
from ipe.tools.writing.language import choose_language
from ipe.tools.writing.research import research_more
from ipe.tools.writing.templates import for_prospect
from ipe.tracing import annotate_run

IDENTITY_FIELDS = ("id", "email", "platform", "handle")
"""The raw fields that identify the person (what ``ipe.memory.people.Person`` reads)."""


async def profile_research(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Validate the inputs, fence the untrusted record and list its personalization points."""
    ctx = settings(runtime.context)
    total = float(ctx.deadline_s or 0)
    deadline = Deadline(at=state.deadline_at or time.time() + total, total_s=total)
    prospect, template, channel = validate_request(state.prospect, state.template, state.platform)
    annotate_run(
        tenant=ctx.user_id,
        prospect_id=prospect.id,
        channel=channel,
        prompt_version=prompt_version(),
    )
    clean, excluded = sanitize_prospect(prospect)
    template = for_prospect(template, clean)  # this prospect's affiliate link and promo code
    facts, refused = extract_facts(clean)
    facts, not_quoted = screen_facts(facts, template)
    excluded += refused
    reasons = [f"excluded from drafting: {e.field} ({e.reason})" for e in excluded] + not_quoted
    language = choose_language(clean, copy=template.body)
    if language.source:  # whether the message needs review: the critic says, on its text
        how = "from" if language.detected else "as the record's"
        reasons.append(f"language: '{language.wanted}' {how} {language.source}")
    model = chat_model(ctx)
    if model is not None and uncovered_text(clean, facts):  # else research has nothing to find
        more, notes = await research_more(
            model, clean, facts, template=template, deadline=deadline, share=RESEARCH_SHARE
        )
        more, not_quoted = screen_facts(more, template)
        facts += more
        reasons += notes + not_quoted
    return {
        # parsed: only the raw identity keys go on (the suppression list matches them too), so
        # the raw record is not carried, nor checkpointed, any further
        "prospect": {k: state.prospect[k] for k in IDENTITY_FIELDS if k in state.prospect},
        "template": {},
        "message_id": state.message_id or f"msg_{uuid.uuid4().hex[:16]}",
        "channel": channel,
        "clean_prospect": clean,
        "clean_template": template,
        "facts": facts,
        "language": language.language,
        "language_note": language.note,
        "language_wanted": language.wanted,
        "excluded": excluded,
        "analysis": analyse_profile(clean),
        "reasons": reasons,
        "deadline_at": deadline.at,
    }
