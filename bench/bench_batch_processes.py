"""Measurement: would a batch split over worker processes reach 0.85 of the model path's bound?

``bench/bench_model_path.py`` finds one process CPU-bound on the model path (each call costs
milliseconds of client CPU). This script splits the same batch (``--rows`` at ``--concurrency``)
over ``--workers`` processes, each running ``personalize_many`` on its share with its share of
the concurrency on ONE data directory, against the repository's test server answering after
``--delay``; the offline batch is split the same way. It prints each batch's wall time and the
throughput against max(the same split batch offline, the latency bound), for one and for N
processes. It is not part of ``make bench`` (about two minutes); the engine has no worker pool.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_model_path import start_server

ROOT = Path(__file__).resolve().parents[1]

WORKER = """
import asyncio, json, sys, time
sys.path.insert(0, {bench!r})
from bench_model_path import rows
from ipe.graph.engine import IntelligentPersonalizationEngine

mode, llm, data = sys.argv[1:4]
part, parts, count, concurrency = map(int, sys.argv[4:8])
template = json.loads(open({template!r}).read())

async def main():
    engine = IntelligentPersonalizationEngine(
        user_id="bench", data_dir=data, llm=llm, draft_mode=mode
    )
    async for _ in engine.personalize_many(rows(12), template, concurrency=4):
        pass  # warm-up: imports, stores, connections
    mine = [r for i, r in enumerate(rows(count)) if i % parts == part]
    print("ready", flush=True)
    sys.stdin.readline()
    start = time.perf_counter()
    async for _ in engine.personalize_many(mine, template, concurrency=concurrency):
        pass
    print(time.perf_counter() - start, flush=True)

asyncio.run(main())
"""


def split_batch(
    mode: str, llm: str, workers: int, args: argparse.Namespace, env: dict[str, str]
) -> float:
    """Wall time of one batch split over ``workers`` processes started together."""
    code = WORKER.format(bench=str(ROOT / "bench"), template=str(ROOT / "examples/template.json"))
    data = tempfile.mkdtemp(prefix="ipe-bench-")
    share = max(1, args.concurrency // workers)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                code,
                mode,
                llm,
                data,
                str(i),
                str(workers),
                str(args.rows),
                str(share),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        for i in range(workers)
    ]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    start = time.perf_counter()
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for proc in procs:
        assert proc.stdout is not None
        float(proc.stdout.readline())
    wall = time.perf_counter() - start
    for proc in procs:
        proc.wait(60)
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--delay", type=float, default=0.2, help="server delay per call (s)")
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--critical-path", type=float, default=0.4, help="s, from bench_model_path")
    args = parser.parse_args()
    server, url = start_server(args.delay)
    env = dict(
        os.environ, OPENAI_BASE_URL=url, OPENAI_API_KEY="bench-key", LANGSMITH_TRACING="false"
    )
    bound = args.rows / args.concurrency * args.critical_path
    try:
        for workers in sorted({1, args.workers}):
            offline = split_batch("per_variation", "none", workers, args, env)
            print(
                f"{workers} process(es): offline batch {offline:.1f} s, latency bound {bound:.1f} s"
            )
            for mode in ("one_call", "per_variation"):
                wall = split_batch(mode, "auto", workers, args, env)
                print(
                    f"  {mode:<13} {wall:5.1f} s: throughput {max(offline, bound) / wall:.2f} "
                    "of the bound (target 0.85)"
                )
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
