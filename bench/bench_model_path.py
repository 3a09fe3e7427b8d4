"""Benchmark: the model path against a local OpenAI-compatible server that answers after a delay.

Each figure is a ratio measured in one run, against the repository's test server
(``tests/fakes/openai_server.py``, started here as a process of its own on 127.0.0.1):

1. one personalization against its critical path: the longest chain of model calls that had to
   follow one another (read from the server's log of when each call ran) x the delay; target
   within 1.15x, so research and the parallel drafts must not serialise;
2. a batch of ``--rows`` at ``--concurrency`` through ``personalize_many``: its time against
   max(the same batch offline, the latency bound = rows / concurrency x critical path); target a
   throughput of at least 0.85 of that bound;
3. model calls, tokens and cached prompt tokens (the server's prefix cache, as providers report
   it) per message, drafting all variations in ONE structured call (``draft_mode="one_call"``,
   the default) against one call per variation: calls, tokens and latency.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def start_server(delay: float, *options: str) -> tuple[subprocess.Popen[str], str]:
    """The test server as a process of its own (``options``: more of its flags, e.g. --rpm)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.openai_server", "--delay", str(delay), *options],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        proc.kill()
        raise SystemExit(f"the test server did not start (said {url!r})")
    return proc, url


def server_stats(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url.removesuffix("/v1") + "/stats", timeout=10) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def chain_length(intervals: list[tuple[float, float]]) -> int:
    """The longest chain of calls where each started after the previous one had ended."""
    best: list[tuple[float, int]] = []  # (end, chain length ending there)
    longest = 0
    for start, end in sorted(intervals, key=lambda i: i[1]):
        before = max((n for e, n in best if e <= start + 1e-3), default=0)
        best.append((end, before + 1))
        longest = max(longest, before + 1)
    return longest


def rows(count: int) -> list[dict[str, Any]]:
    base = [json.loads(p.read_text()) for p in sorted((ROOT / "examples/prospects").glob("*.json"))]
    return [{**base[i % len(base)], "id": f"bench-{i}"} for i in range(count)]


async def single(engine: Any, url: str, template: Any, runs: int, delay: float) -> dict[str, Any]:
    ratios, walls, paths = [], [], []
    for i, prospect in enumerate(rows(runs + 6)):
        before = len(server_stats(url)["intervals"])
        start = time.perf_counter()
        await engine.personalize_message(prospect, template)
        wall = time.perf_counter() - start
        if i < 6:
            continue  # warm-up, one of each example: first loads (per kind of record), connections
        intervals = server_stats(url)["intervals"][before:]
        path = chain_length([tuple(x) for x in intervals]) * delay
        ratios.append(wall / path)
        walls.append(wall)
        paths.append(path)
    return {
        "median_ratio": statistics.median(ratios),
        "max_ratio": max(ratios),
        "median_wall_s": statistics.median(walls),
        "median_critical_path_s": statistics.median(paths),
    }


async def batch(engine: Any, template: Any, count: int, concurrency: int) -> tuple[float, int]:
    start = time.perf_counter()
    done = 0
    async for item in engine.personalize_many(rows(count), template, concurrency=concurrency):
        done += item.result is not None
    return time.perf_counter() - start, done


async def run(args: argparse.Namespace) -> dict[str, Any]:
    proc, url = start_server(args.delay)
    os.environ.update(OPENAI_BASE_URL=url, OPENAI_API_KEY="bench-key", IPE_LLM="auto")
    os.environ["LANGSMITH_TRACING"] = "false"
    from ipe.graph.engine import IntelligentPersonalizationEngine

    template = json.loads((ROOT / "examples/template.json").read_text())
    report: dict[str, Any] = {"delay_s": args.delay}
    try:
        with tempfile.TemporaryDirectory() as tmp:

            def engine(name: str, **options: Any) -> Any:
                return IntelligentPersonalizationEngine(
                    user_id="bench", data_dir=f"{tmp}/{name}", **options
                )

            llm = engine("single", llm="auto")
            report["single"] = await single(llm, url, template, args.runs, args.delay)
            for mode in ("per_variation", "one_call"):
                eng = engine(mode, llm="auto", draft_mode=mode)
                before = server_stats(url)
                n = args.runs
                start = time.perf_counter()
                for prospect in rows(n):
                    await eng.personalize_message(prospect, template)
                took = (time.perf_counter() - start) / n
                after = server_stats(url)
                report[mode] = {
                    "calls_per_message": (after["calls"] - before["calls"]) / n,
                    "prompt_tokens_per_message": (after["prompt_tokens"] - before["prompt_tokens"])
                    / n,
                    "completion_tokens_per_message": (
                        after["completion_tokens"] - before["completion_tokens"]
                    )
                    / n,
                    "cached_tokens_per_message": (after["cached_tokens"] - before["cached_tokens"])
                    / n,
                    "latency_s": took,
                }
            offline_s, _ = await batch(
                engine("offline", llm="none"), template, args.rows, args.concurrency
            )
            path = report["single"]["median_critical_path_s"]
            bound_s = args.rows / args.concurrency * path
            for mode in ("per_variation", "one_call"):
                before = server_stats(url)
                llm_engine = engine(f"batch-{mode}", llm="auto", draft_mode=mode)
                llm_s, ok = await batch(llm_engine, template, args.rows, args.concurrency)
                after = server_stats(url)
                report[f"batch_{mode}"] = {
                    "rows": args.rows,
                    "concurrency": args.concurrency,
                    "ok": ok,
                    "llm_s": llm_s,
                    "offline_s": offline_s,
                    "latency_bound_s": bound_s,
                    "throughput_vs_bound": max(offline_s, bound_s) / llm_s,
                    "peak_in_flight": after["peak_in_flight"],
                    "calls": after["calls"] - before["calls"],
                }
    finally:
        proc.terminate()
        proc.wait(10)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--delay", type=float, default=0.2, help="server delay per call (s)")
    parser.add_argument("--runs", type=int, default=8, help="single personalizations timed")
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = asyncio.run(run(args))
    if args.json:
        print(json.dumps(report, indent=1))
        return
    s = report["single"]
    print(f"model path against a test server answering after {args.delay * 1000:.0f} ms")
    print(
        f"  one personalization: {s['median_wall_s'] * 1000:.0f} ms vs critical path "
        f"{s['median_critical_path_s'] * 1000:.0f} ms: {s['median_ratio']:.3f}x median, "
        f"{s['max_ratio']:.3f}x worst (target 1.15x)"
    )
    for mode in ("per_variation", "one_call"):
        b = report[f"batch_{mode}"]
        print(
            f"  batch of {b['rows']} at concurrency {b['concurrency']} ({mode}): "
            f"{b['llm_s']:.1f} s (offline {b['offline_s']:.1f} s, latency bound "
            f"{b['latency_bound_s']:.1f} s): throughput {b['throughput_vs_bound']:.2f} of the "
            f"bound (target 0.85); peak {b['peak_in_flight']} calls in flight"
        )
    for mode in ("per_variation", "one_call"):
        m = report[mode]
        print(
            f"  {mode:<13}: {m['calls_per_message']:.1f} calls, "
            f"{m['prompt_tokens_per_message']:.0f} prompt + "
            f"{m['completion_tokens_per_message']:.0f} completion tokens "
            f"({m['cached_tokens_per_message']:.0f} prompt tokens cached), "
            f"{m['latency_s'] * 1000:.0f} ms per message"
        )


if __name__ == "__main__":
    main()
