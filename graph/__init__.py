"""The Intelligent Personalization Engine's public face.

Names are loaded lazily so that importing a domain type (``graph.domain``) never pulls in the
graph builder, the nodes or the model clients.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graph.builder import graph
    from graph.domain import MessageVariation, PersonalizationError, PersonalizationStrategy
    from graph.engine import ContextEngine, FeedbackLoop, IntelligentPersonalizationEngine

__all__ = [
    "ContextEngine",
    "FeedbackLoop",
    "IntelligentPersonalizationEngine",
    "MessageVariation",
    "PersonalizationError",
    "PersonalizationStrategy",
    "graph",
]

_WHERE = {
    "graph": "graph.builder",
    "MessageVariation": "graph.domain",
    "PersonalizationError": "graph.domain",
    "PersonalizationStrategy": "graph.domain",
    "ContextEngine": "graph.engine",
    "FeedbackLoop": "graph.engine",
    "IntelligentPersonalizationEngine": "graph.engine",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'graph' has no attribute {name!r}")
    return getattr(import_module(_WHERE[name]), name)
