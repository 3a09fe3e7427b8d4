"""Load test: 8 worker processes on one PostgreSQL and one Chroma server.

2,000 personalizations (durable: every run checkpointed in PostgreSQL) and 6,000 engagement
events, a third of them duplicates posted by another worker, then checks that nothing was lost,
duplicated or double counted: messages, distinct events, checkpoint threads, and the per-arm
aggregates equal to a recomputation from the messages. Throughput is reported beside the same
work in a single process.

Uses the services of ``IPE_TEST_DATABASE_URL`` / ``IPE_TEST_CHROMA_URL`` when set, else starts
PostgreSQL and ``chroma run`` on loopback itself (``.ci/services.sh``) and stops them after.

    python bench/bench_scale.py [--workers 8] [--messages 2000] [--single 250]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ipe.memory.database import PostgresDatabase  # noqa: E402
from ipe.memory.outcomes import OutcomeStore  # noqa: E402
from ipe.tools.learning.simulator import build_population, make_prospect, template  # noqa: E402

SEED = 7


def _env(url: str, chroma: str, schema: str) -> None:
    os.environ.update(
        IPE_DATABASE_URL=url, IPE_DATABASE_SCHEMA=schema, IPE_CHROMA_URL=chroma, IPE_LLM="none"
    )
    os.environ.pop("OPENAI_API_KEY", None)


def personalize(args: tuple[str, str, str, int, list[int]]) -> tuple[int, float]:
    """One worker: personalize its share of the prospects; return (done, seconds)."""
    url, chroma, schema, worker, indices = args
    _env(url, chroma, schema)
    from ipe import IntelligentPersonalizationEngine

    population = build_population(random.Random(f"{SEED}:population"))

    async def go() -> int:
        engine = IntelligentPersonalizationEngine("bench", data_dir=tempfile.mkdtemp())
        done = 0
        for i in indices:
            rng = random.Random(f"{SEED}:{i}")
            truth = population[i % len(population)]
            prospect = make_prospect(rng, truth, i, SEED)
            await engine.personalize_message(
                prospect, template(), platform=truth.channel, message_id=f"m{i}"
            )
            done += 1
        return done

    start = time.perf_counter()
    done = asyncio.run(go())
    return done, time.perf_counter() - start


def events_of(i: int) -> list[dict[str, Any]]:
    """Two distinct events per message (delivery, then a reply or a conversion)."""
    second = (
        {"event": "converted"}
        if i % 5 == 0
        else {"event": "replied", "reply_text": "Sounds good, tell me more"}
        if i % 3 == 0
        else {"event": "replied", "reply_text": "Not for me, thanks"}
    )
    return [
        {"event": "delivered", "event_id": f"d{i}"},
        {**second, "event_id": f"r{i}"},
    ]


def post(args: tuple[str, str, str, list[int], list[int]]) -> int:
    """One worker: post the events of its messages, and replays of another worker's."""
    url, chroma, schema, own, replayed = args
    _env(url, chroma, schema)
    from ipe import FeedbackLoop

    async def go() -> int:
        loop = FeedbackLoop("bench", data_dir=tempfile.mkdtemp())
        posted = 0
        for i in own:
            for event in events_of(i):
                await loop.update_model(f"m{i}", event)
                posted += 1
        for i in replayed:  # a duplicate delivery from another worker: counts once
            await loop.update_model(f"m{i}", events_of(i)[i % 2])
            posted += 1
        return posted

    return asyncio.run(go())


def run(url: str, chroma: str, workers: int, messages: int) -> dict[str, Any]:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    shares = [list(range(k, messages, workers)) for k in range(workers)]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        start = time.perf_counter()
        done = list(
            pool.map(personalize, [(url, chroma, schema, k, s) for k, s in enumerate(shares)])
        )
        personalize_s = time.perf_counter() - start
        rng = random.Random(SEED)
        replays = [
            rng.sample(shares[(k + 1) % workers], len(shares[k]) // 1) for k in range(workers)
        ]
        start = time.perf_counter()
        posted = list(
            pool.map(post, [(url, chroma, schema, shares[k], replays[k]) for k in range(workers)])
        )
        events_s = time.perf_counter() - start
    store = OutcomeStore(database=PostgresDatabase(url, schema=schema))
    try:
        counts = {
            "messages": store.messages_count("bench"),
            "events": store.events_count("bench"),
            "aggregates_exact": store.arm_stats("bench") == store.recompute_arm_stats("bench"),
        }
    finally:
        store.close()
    import psycopg

    with psycopg.connect(url, options=f"-c search_path={schema}") as conn:
        counts["checkpoint_threads"] = int(
            conn.execute("SELECT COUNT(DISTINCT thread_id) FROM checkpoints").fetchone()[0]
        )
        conn.execute(f"DROP SCHEMA {schema} CASCADE")
        conn.commit()
    return {
        "workers": workers,
        "personalized": sum(d for d, _ in done),
        "personalize_s": personalize_s,
        "posted": sum(posted),
        "events_s": events_s,
        **counts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument(
        "--single", type=int, default=250, help="messages for the 1-process baseline"
    )
    args = parser.parse_args()
    url, chroma = os.environ.get("IPE_TEST_DATABASE_URL"), os.environ.get("IPE_TEST_CHROMA_URL")
    services = None
    if not (url and chroma):
        services = tempfile.mkdtemp(prefix="ipe-bench-services-")
        os.chmod(services, 0o755)
        env = {**os.environ, "VENV_BIN": str(Path(sys.executable).parent)}
        out = subprocess.run(
            [str(ROOT / ".ci/services.sh"), "start", services],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout
        values = dict(line.removeprefix("export ").split("=", 1) for line in out.splitlines())
        url, chroma = values["IPE_TEST_DATABASE_URL"], values["IPE_TEST_CHROMA_URL"]
    try:
        single = run(url, chroma, 1, args.single)
        many = run(url, chroma, args.workers, args.messages)
    finally:
        if services:
            env = {**os.environ, "VENV_BIN": str(Path(sys.executable).parent)}
            subprocess.run([str(ROOT / ".ci/services.sh"), "stop", services], env=env, check=False)
    for result, expected in ((single, args.single), (many, args.messages)):
        rate = result["personalized"] / result["personalize_s"]
        ev_rate = result["posted"] / result["events_s"]
        lost = expected - result["messages"]
        unique = 2 * expected
        print(
            f"{result['workers']} worker(s): {result['personalized']} personalizations in "
            f"{result['personalize_s']:.1f} s ({rate:.1f}/s), {result['posted']} events posted in "
            f"{result['events_s']:.1f} s ({ev_rate:.0f}/s); stored {result['messages']} messages "
            f"(lost {lost}), {result['events']} distinct events (expected {unique}, "
            f"double counted {result['events'] - unique}), {result['checkpoint_threads']} "
            f"checkpoint threads, aggregates exact: {result['aggregates_exact']}"
        )
    speedup = (many["personalized"] / many["personalize_s"]) / (
        single["personalized"] / single["personalize_s"]
    )
    print(f"throughput, {args.workers} workers vs 1 process: {speedup:.2f}x (2 cores here)")
    ok = all(
        r["messages"] == n
        and r["events"] == 2 * n
        and r["aggregates_exact"]
        and r["checkpoint_threads"] == n
        for r, n in ((single, args.single), (many, args.messages))
    )
    if not ok:
        raise SystemExit("load test: records or counts are not exact")


if __name__ == "__main__":
    main()
