"""The feedback graph: engagement sent back through the LangGraph server (``langgraph.json``).

Input ``{"message_id": "...", "engagement": {...}}`` (one event, a dict of flags, or a list, as
``FeedbackLoop.update_model`` takes them); output ``result``, what changed. The tenant is the
caller's authenticated identity (see ``graph/server.py``).
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from ipe.graph.context import Context
from ipe.graph.state import FeedbackInput, FeedbackState
from ipe.nodes.record_engagement import record_engagement

builder = StateGraph(FeedbackState, input_schema=FeedbackInput, context_schema=Context)
builder.add_node("record_engagement", record_engagement)
builder.add_edge(START, "record_engagement")
builder.add_edge("record_engagement", END)

graph = builder.compile(name="FeedbackLoop")
