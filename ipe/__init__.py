"""The Intelligent Personalization Engine's public face.

Names are loaded lazily so that importing a domain type (``ipe.domain``) never pulls in the
graph builder, the nodes or the model clients.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ipe.domain import MessageVariation, PersonalizationError, PersonalizationStrategy
    from ipe.graph.builder import build_graph
    from ipe.graph.engine import ContextEngine, FeedbackLoop, IntelligentPersonalizationEngine

__all__ = [
    "ContextEngine",
    "FeedbackLoop",
    "IntelligentPersonalizationEngine",
    "MessageVariation",
    "PersonalizationError",
    "PersonalizationStrategy",
    "build_graph",
]

_WHERE = {
    "build_graph": "ipe.graph.builder",
    "MessageVariation": "ipe.domain",
    "PersonalizationError": "ipe.domain",
    "PersonalizationStrategy": "ipe.domain",
    "ContextEngine": "ipe.graph.engine",
    "FeedbackLoop": "ipe.graph.engine",
    "IntelligentPersonalizationEngine": "ipe.graph.engine",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'ipe' has no attribute {name!r}")
    return getattr(import_module(_WHERE[name]), name)
