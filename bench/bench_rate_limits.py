"""Benchmark: batches against a model that behaves like a real provider (latency and rate limits).

Against the repository's OpenAI-compatible test server (``tests/fakes/openai_server.py``, its own
process on 127.0.0.1), each figure measured in one run:

1. **metered**: the server answers after ``--delay`` (1 s) and meters ``--rpm`` requests and
   ``--tpm`` tokens per window (300 and 200,000: a first paid tier), answering 429 with
   ``Retry-After`` and ``x-ratelimit-*`` headers beyond that. ``ipe batch``'s path
   (``personalize_many``, ``fallback="defer"``, the limits configured) runs ``--metered-rows``
   (200) at ``--concurrency`` (32). Reported: rows per source (model, offline fallback,
   deferred), errors, 429s, calls, tokens and cached tokens per message, and throughput against
   what the limit allows in the time the batch took: ``min(RPM x (1 + T/window) / calls per
   message, TPM x (1 + T/window) / tokens per message)`` (an account's buckets start full, so a
   first window's worth goes at once), and the steady state the issue names: messages per window
   finished in the batch's second half (past the first full buckets) against
   ``min(RPM / calls, TPM / tokens)``.
   ``--window`` (60 s: a minute, ~65 s of mostly idle waiting) may scale the minute down on both
   sides (the server's meter and the client's buckets): every figure is a ratio to the window,
   but the 1 s latency and the first window's burst weigh more against a shorter one (at 20 s the
   second-half figure still holds the tail of the first burst).
2. **latency**: a batch of ``--rows`` (500) at ``--concurrency`` (32), every call answered after
   ``--delay``, no limit: its time against max(the same batch offline, the latency bound =
   rows / concurrency x calls per message x delay); target at least 0.9 of that bound.

The offline engine against a bare LangGraph graph is ``bench/bench_engine.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_model_path import rows, server_stats, start_server  # noqa: E402


def _delta(after: dict[str, Any], before: dict[str, Any], key: str) -> float:
    return float(after[key]) - float(before[key])


FINISHED: list[float] = []
"""When each row of the last batch finished (seconds from its start)."""


class Watch:
    """What a batch spent besides waiting: the process's CPU, garbage collection, a blocked loop.

    ``lag``: how late a 10 ms timer fires on the event loop (a step that holds the loop without
    awaiting shows as lag); ``gc``: the time in the collector, per generation.
    """

    def __init__(self) -> None:
        self.gc_s = [0.0, 0.0, 0.0]
        self.lags: list[float] = []
        self._gc_start = 0.0

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_start = time.perf_counter()
        else:
            self.gc_s[info["generation"]] += time.perf_counter() - self._gc_start

    async def _tick(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(0.01)
            self.lags.append(time.perf_counter() - start - 0.01)

    async def __aenter__(self) -> Watch:
        self._cpu = time.process_time()
        gc.callbacks.append(self._on_gc)
        self._ticker = asyncio.create_task(self._tick())
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._ticker.cancel()
        gc.callbacks.remove(self._on_gc)
        self.cpu_s = time.process_time() - self._cpu

    def summary(self) -> dict[str, float]:
        lags = sorted(self.lags) or [0.0]
        return {
            "cpu_s": self.cpu_s,
            "gc_s": sum(self.gc_s),
            "gc_gen2_s": self.gc_s[2],
            "loop_lag_p99_ms": lags[int(0.99 * (len(lags) - 1))] * 1000,
            "loop_lag_max_ms": lags[-1] * 1000,
        }


WATCHED: dict[str, float] = {}
"""The last batch's ``Watch.summary``."""


async def run_batch(
    engine: Any, template: Any, count: int, concurrency: int
) -> tuple[float, dict[str, int], int]:
    """Run ``count`` rows; return the time, rows per source and the rows that errored."""
    sources: dict[str, int] = {}
    errors = 0
    FINISHED.clear()
    start = time.perf_counter()
    async with Watch() as watch:
        async for item in engine.personalize_many(rows(count), template, concurrency=concurrency):
            FINISHED.append(time.perf_counter() - start)
            if item.result is None:
                errors += 1
                continue
            result = item.result
            source = "deferred" if result.status == "deferred" else (result.source or "no message")
            sources[source] = sources.get(source, 0) + 1
    WATCHED.clear()
    WATCHED.update(watch.summary())
    return time.perf_counter() - start, sources, errors


async def metered(args: argparse.Namespace, template: Any, tmp: str) -> dict[str, Any]:
    from ipe.graph.engine import IntelligentPersonalizationEngine
    from ipe.tools.provider import pacing

    pacing.WINDOW_S = args.window  # the client's minute, scaled like the server's
    options = ["--rpm", str(args.rpm), "--tpm", str(args.tpm), "--window", str(args.window)]
    proc, url = start_server(args.delay, *options)
    os.environ["OPENAI_BASE_URL"] = url
    try:
        engine = IntelligentPersonalizationEngine(
            user_id="bench",
            data_dir=f"{tmp}/metered",
            llm="auto",
            model_rpm=args.rpm,
            model_tpm=args.tpm,
            fallback="defer",
            deadline_s=args.deadline,
        )
        before = server_stats(url)
        took, sources, errors = await run_batch(
            engine, template, args.metered_rows, args.concurrency
        )
        after = server_stats(url)
    finally:
        proc.terminate()
        proc.wait(10)
    n = args.metered_rows
    calls = _delta(after, before, "calls") / n
    tokens = (
        _delta(after, before, "prompt_tokens") + _delta(after, before, "completion_tokens")
    ) / n
    windows = took / args.window
    allowed = min(
        args.rpm * (1 + windows) / calls if calls else float("inf"),
        args.tpm * (1 + windows) / tokens if tokens else float("inf"),
    )
    steady_bound = min(args.rpm / calls if calls else float("inf"), args.tpm / tokens)
    second_half = sum(1 for t in FINISHED if t >= took / 2)  # past the first full buckets
    steady = second_half / (took / 2) * args.window
    return {
        "rows": n,
        "concurrency": args.concurrency,
        "window_s": args.window,
        "rpm": args.rpm,
        "tpm": args.tpm,
        "delay_s": args.delay,
        "took_s": took,
        "sources": sources,
        "errors": errors,
        "composed_offline_unasked": sources.get("offline_fallback", 0),
        "rate_limited": _delta(after, before, "rate_limited"),
        "calls_per_message": calls,
        "tokens_per_message": tokens,
        "prompt_tokens_per_message": _delta(after, before, "prompt_tokens") / n,
        "completion_tokens_per_message": _delta(after, before, "completion_tokens") / n,
        "cached_tokens_per_message": _delta(after, before, "cached_tokens") / n,
        "messages_allowed": allowed,
        "throughput_vs_limit": n / allowed,
        "messages_per_window": n / windows,
        "steady_per_window": steady,
        "steady_bound_per_window": steady_bound,
        "steady_vs_bound": steady / steady_bound,
    }


async def latency(args: argparse.Namespace, template: Any, tmp: str) -> dict[str, Any]:
    from ipe.graph.engine import IntelligentPersonalizationEngine

    offline = IntelligentPersonalizationEngine(
        user_id="bench", data_dir=f"{tmp}/offline", llm="none"
    )
    offline_s, _, _ = await run_batch(offline, template, args.rows, args.concurrency)
    offline_watch = dict(WATCHED)
    children = os.times()
    proc, url = start_server(args.delay)
    os.environ["OPENAI_BASE_URL"] = url
    try:
        engine = IntelligentPersonalizationEngine(
            user_id="bench", data_dir=f"{tmp}/latency", llm="auto", deadline_s=args.deadline
        )
        before = server_stats(url)
        took, sources, errors = await run_batch(engine, template, args.rows, args.concurrency)
        after = server_stats(url)
    finally:
        proc.terminate()
        proc.wait(10)
    ended = os.times()  # the server's CPU (a waited child), start-up included
    server_cpu = ended.children_user + ended.children_system
    server_cpu -= children.children_user + children.children_system
    calls = _delta(after, before, "calls") / args.rows
    bound = args.rows / args.concurrency * max(1.0, calls) * args.delay
    return {
        "rows": args.rows,
        "concurrency": args.concurrency,
        "delay_s": args.delay,
        "took_s": took,
        "offline_s": offline_s,
        "latency_bound_s": bound,
        "throughput_vs_bound": max(offline_s, bound) / took,
        "sources": sources,
        "errors": errors,
        "calls_per_message": calls,
        "peak_in_flight": after["peak_in_flight"],
        "offline_watch": offline_watch,
        "model_watch": dict(WATCHED),
        "server_cpu_s": server_cpu,
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    os.environ.update(OPENAI_API_KEY="bench-key", IPE_LLM="auto", LANGSMITH_TRACING="false")
    template = json.loads((ROOT / "examples/template.json").read_text())
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        from ipe.graph.engine import IntelligentPersonalizationEngine

        warm = IntelligentPersonalizationEngine(user_id="w", data_dir=f"{tmp}/warm", llm="none")
        for prospect in rows(6):  # first loads (language detector, word lists) are not batch time
            await warm.personalize_message(prospect, template)
        if "metered" in args.parts:
            report["metered"] = await metered(args, template, tmp)
        if "latency" in args.parts:
            report["latency"] = await latency(args, template, tmp)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--delay", type=float, default=1.0, help="server latency per call (s)")
    parser.add_argument("--rpm", type=float, default=300, help="requests per window")
    parser.add_argument("--tpm", type=float, default=200_000, help="tokens per window")
    parser.add_argument("--window", type=float, default=60.0, help="the metered 'minute' (s)")
    parser.add_argument("--metered-rows", type=int, default=200)
    parser.add_argument("--rows", type=int, default=500, help="rows of the latency batch")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--deadline", type=float, default=30.0)
    parser.add_argument("--parts", default="metered,latency", help="metered,latency")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    args.parts = set(args.parts.split(","))
    report = asyncio.run(run(args))
    if args.json:
        print(json.dumps(report, indent=1))
        return
    if "metered" in report:
        m = report["metered"]
        print(
            f"metered: {m['rows']} rows at concurrency {m['concurrency']}, "
            f"{m['rpm']:g} requests and "
            f"{m['tpm']:g} tokens per {m['window_s']:g} s window"
            f"{' (a minute scaled down)' if m['window_s'] < 60 else ''}, "
            f"{m['delay_s']:g} s latency"
        )
        print(
            f"  {m['took_s']:.1f} s; rows by source {m['sources']}; errors {m['errors']}; "
            f"composed offline unasked {m['composed_offline_unasked']}; 429s {m['rate_limited']:g}"
        )
        print(
            f"  per message: {m['calls_per_message']:.2f} calls, {m['tokens_per_message']:.0f} "
            f"tokens ({m['prompt_tokens_per_message']:.0f} prompt, "
            f"{m['completion_tokens_per_message']:.0f} completion, "
            f"{m['cached_tokens_per_message']:.0f} prompt tokens cached)"
        )
        print(
            f"  throughput: {m['rows']} messages where the limit allows "
            f"{m['messages_allowed']:.0f} in {m['took_s']:.1f} s: {m['throughput_vs_limit']:.2f} "
            f"(target 0.9); {m['messages_per_window']:.0f} messages per window over the batch "
            f"(the first window's full buckets included); in its second half "
            f"{m['steady_per_window']:.0f} per window against min(RPM / calls, TPM / tokens) = "
            f"{m['steady_bound_per_window']:.0f}: {m['steady_vs_bound']:.2f} (target 0.9)"
        )
    if "latency" in report:
        b = report["latency"]
        print(
            f"latency: batch of {b['rows']} at concurrency {b['concurrency']}, "
            f"{b['delay_s']:g} s a call: {b['took_s']:.1f} s (offline {b['offline_s']:.1f} s, "
            f"latency bound {b['latency_bound_s']:.1f} s): {b['throughput_vs_bound']:.2f} of the "
            f"bound (target 0.9); {b['calls_per_message']:.2f} calls a message, peak "
            f"{b['peak_in_flight']} in flight; rows by source {b['sources']}, errors {b['errors']}"
        )
        for name in ("offline", "model"):
            w = b[f"{name}_watch"]
            print(
                f"  {name} batch: {w['cpu_s']:.1f} s of this process's CPU, {w['gc_s']:.2f} s "
                f"in garbage collection ({w['gc_gen2_s']:.2f} s full), event loop late by "
                f"{w['loop_lag_p99_ms']:.0f} ms at p99, {w['loop_lag_max_ms']:.0f} ms at most"
            )
        print(f"  the test server's process: {b['server_cpu_s']:.1f} s of CPU")


if __name__ == "__main__":
    main()
