"""The graphs are built by factories: no work at import, variants through the same function."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.store.memory import InMemoryStore

from ipe.graph.builder import STEPS, build_graph
from ipe.graph.feedback_graph import build_feedback_graph

IMPORT_ONLY = """
import ipe.graph.builder, ipe.graph.feedback_graph, ipe.graph.engine
from ipe.tools.warmup import preload
from ipe.tools.writing.offline_drafter import bank
assert preload.cache_info().currsize == 0, "the warm-up ran at import"
assert bank.cache_info().currsize == 0, "a phrase bank was read at import"
"""


def _in_a_fresh_process(code: str) -> None:
    env = {**os.environ, "IPE_LLM": "none"}
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert run.returncode == 0, run.stderr[-2000:]


def test_importing_the_graph_modules_builds_and_reads_nothing() -> None:
    _in_a_fresh_process(IMPORT_ONLY)


WARM_UP_FREEZES = """
import gc
from ipe.tools.warmup import preload
assert gc.get_freeze_count() == 0
preload()
assert gc.get_freeze_count() > 50_000, gc.get_freeze_count()
"""


def test_the_warm_up_moves_what_it_loaded_out_of_full_collections() -> None:
    _in_a_fresh_process(WARM_UP_FREEZES)


def test_build_graph_attaches_what_it_is_given() -> None:
    saver, store = InMemorySaver(), InMemoryStore()
    built = build_graph(checkpointer=saver, store=store)
    assert built.checkpointer is saver and built.store is store
    assert build_graph().checkpointer is None
    assert set(built.get_graph().nodes) == {"__start__", "__end__", *STEPS}
    feedback = build_feedback_graph(checkpointer=saver)
    assert feedback.checkpointer is saver and feedback.name == "FeedbackLoop"


def test_a_replaced_node_is_wired_like_the_original() -> None:
    async def other_critic(state: object) -> dict[str, object]:
        return {}

    variant = build_graph(nodes={"critic": other_critic})
    standard = build_graph()
    assert variant.get_graph().draw_mermaid() == standard.get_graph().draw_mermaid()
    critic = variant.builder.nodes["critic"].runnable
    assert critic.afunc.__name__ == "other_critic"  # type: ignore[attr-defined]
    assert standard.builder.nodes["critic"].runnable.afunc.__name__ == "critic"  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="no node named"):
        build_graph(nodes={"critique": other_critic})


def test_the_context_graph_runs_the_graphs_own_steps_1_and_2() -> None:
    from ipe.graph.builder import build_context_graph
    from ipe.nodes.context_retrieval import context_retrieval
    from ipe.nodes.profile_research import profile_research

    steps = build_context_graph().builder.nodes
    assert list(steps) == ["profile_research", "context_retrieval"]
    assert steps["profile_research"].runnable.afunc.__wrapped__ is profile_research  # type: ignore[attr-defined]
    assert steps["context_retrieval"].runnable.afunc.__wrapped__ is context_retrieval  # type: ignore[attr-defined]
