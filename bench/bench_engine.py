"""Benchmark: median ms per offline personalization vs a bare LangGraph graph of the same shape.

Both run in the same process, interleaved in rounds, so machine noise hits both alike. Prints the
medians and the ratio (target: the engine within 3x of the bare graph), by the wall clock and by
this process's CPU time (steadier where other jobs share the cores), then where the engine's
time goes, from each run's step timings: the node bodies (research, context, strategy, drafting,
critic, feedback), the gaps between them inside the graph (LangGraph's scheduling and state
updates with our state), and the time outside the graph's steps (the engine's input checks, the
graph's setup and the result and record after it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import operator
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from langgraph.graph import END, START, StateGraph
from langgraph.types import Send

from ipe.graph.engine import IntelligentPersonalizationEngine

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class BareState:
    n: int = 3
    out: Annotated[list[int], operator.add] = field(default_factory=list)


def bare_graph(n: int) -> Any:
    async def noop(state: Any) -> dict[str, Any]:
        return {}

    async def branch(x: int) -> dict[str, Any]:
        return {"out": [x]}

    b = StateGraph(BareState)
    for name in ("research", "context", "strategy", "critic", "feedback"):
        b.add_node(name, noop)
    b.add_node("draft", branch)
    b.add_edge(START, "research")
    b.add_edge("research", "context")
    b.add_edge("context", "strategy")
    b.add_conditional_edges("strategy", lambda s: [Send("draft", i) for i in range(n)], ["draft"])
    b.add_edge("draft", "critic")
    b.add_edge("critic", "feedback")
    b.add_edge("feedback", END)
    return b.compile()


def prospects(count: int) -> list[dict[str, Any]]:
    base = [json.loads(p.read_text()) for p in sorted((ROOT / "examples/prospects").glob("*.json"))]
    out = []
    for i in range(count):
        p = dict(base[i % len(base)])
        p["id"] = f"bench-{i}"  # each record on its own channel (the six examples: all six)
        p.pop("preferences", None)
        out.append(p)
    return out


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prospects", type=int, default=200)
    parser.add_argument("--variations", type=int, default=3)
    args = parser.parse_args()
    template = json.loads((ROOT / "examples/template.json").read_text())
    people = prospects(args.prospects)
    bare = bare_graph(args.variations)
    with tempfile.TemporaryDirectory() as tmp:
        engines = {
            "engine": IntelligentPersonalizationEngine(
                "bench", data_dir=tmp, llm="none", n_variations=args.variations, durable=False
            ),
            "engine+checkpoints": IntelligentPersonalizationEngine(
                "bench", data_dir=tmp, llm="none", n_variations=args.variations, durable=True
            ),
        }
        times: dict[str, list[float]] = {"bare": [], **{k: [] for k in engines}}
        cpu: dict[str, list[float]] = {name: [] for name in times}
        parts: dict[str, list[float]] = {"node bodies": [], "between nodes": [], "outside": []}
        for e in engines.values():  # warm-up: imports, Chroma, SQLite, caches
            await e.personalize_message(people[0], template)
        await bare.ainvoke(BareState(n=args.variations))
        for p in people:
            t, c = time.perf_counter(), time.process_time()
            await bare.ainvoke(BareState(n=args.variations))
            times["bare"].append(time.perf_counter() - t)
            cpu["bare"].append(time.process_time() - c)
            for name, e in engines.items():
                t, c = time.perf_counter(), time.process_time()
                result = await e.personalize_message(p, template)
                took = time.perf_counter() - t
                times[name].append(took)
                cpu[name].append(time.process_time() - c)
                assert result.status in ("ready", "needs_review"), result.reasons
                if name == "engine":
                    steps = sum(v for k, v in result.timings.items() if k != "total")
                    parts["node bodies"].append(steps)
                    parts["between nodes"].append(result.timings["total"] - steps)
                    parts["outside"].append(took - result.timings["total"])
    bare_ms = statistics.median(times["bare"]) * 1000
    bare_cpu = statistics.median(cpu["bare"]) * 1000
    print(f"prospects: {args.prospects}, variations per run: {args.variations}, offline drafting")
    header = f"{'run':<22}{'median ms':>10}{'p90 ms':>10}{'ratio to bare':>15}"
    print(f"{header}{'CPU ms':>9}{'ratio':>7}")
    for name, ts in times.items():
        med = statistics.median(ts) * 1000
        p90 = statistics.quantiles(ts, n=10)[-1] * 1000
        used = statistics.median(cpu[name]) * 1000
        print(
            f"{name:<22}{med:>10.2f}{p90:>10.2f}{med / bare_ms:>15.2f}"
            f"{used:>9.2f}{used / bare_cpu:>7.2f}"
        )
    print("where an engine run's time goes (mean ms; step timings are rounded to 1 ms each):")
    for part, values in parts.items():
        print(f"  {part:<20}{statistics.mean(values) * 1000:>8.2f}")


if __name__ == "__main__":
    asyncio.run(main())
