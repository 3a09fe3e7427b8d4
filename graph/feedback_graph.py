"""The feedback graph: engagement sent back through the LangGraph server (``langgraph.json``).

Input ``{"message_id": "...", "engagement": {...}}`` (one event, a dict of flags, or a list, as
``FeedbackLoop.update_model`` takes them); output ``result``, what changed. The tenant is the
caller's authenticated identity (see ``graph/server.py``, which builds it for the server).
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.store.base import BaseStore
from langgraph.types import Checkpointer

from ipe.graph.context import Context
from ipe.graph.state import FeedbackInput, FeedbackState
from ipe.nodes.record_engagement import record_engagement


def build_feedback_graph(
    *, store: BaseStore | None = None, checkpointer: Checkpointer = None
) -> CompiledStateGraph[FeedbackState, Context, FeedbackInput, Any]:
    """The one-step feedback graph, compiled with ``store`` and ``checkpointer``."""
    builder = StateGraph(FeedbackState, input_schema=FeedbackInput, context_schema=Context)
    builder.add_node("record_engagement", record_engagement)
    builder.add_edge(START, "record_engagement")
    builder.add_edge("record_engagement", END)
    return builder.compile(name="FeedbackLoop", store=store, checkpointer=checkpointer)
