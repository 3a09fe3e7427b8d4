"""The feedback graph's one step: attach engagement to a message and update what it taught."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from ipe.graph.context import Context, settings
from ipe.graph.state import FeedbackState
from ipe.memory.storage import storage_guard
from ipe.tools.learning.feedback import apply_engagement, expand_engagement
from ipe.tools.trust.inputs import as_dict, bounded_event


async def record_engagement(state: FeedbackState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Count each event once for the tenant's message; return what changed."""
    ctx = settings(runtime.context)
    raw = state.engagement if isinstance(state.engagement, list) else [state.engagement]
    events = [e for item in raw for e in expand_engagement(as_dict(item, "engagement"))]
    checked = [bounded_event(e) for e in events]
    with storage_guard(str(ctx.data_dir)):
        result = await apply_engagement(ctx, state.message_id, checked)
    return {"result": result}
