"""Benchmark: 10,000 engagement events (10% replayed duplicates, shuffled) through FeedbackLoop.

Reports throughput (events/s, median ms per event) and checks that nothing was double counted:
the stored event count equals the unique events, the strategy model's aggregates equal a
recomputation from scratch, and replaying every event once more changes nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from ipe.graph.engine import FeedbackLoop, IntelligentPersonalizationEngine
from ipe.memory.handles import outcome_store

ROOT = Path(__file__).resolve().parents[1]
KINDS = ["delivered", "opened", "clicked", "replied", "converted", "unsubscribed", "bounced"]
REPLIES = [
    "Sounds great, tell me more",
    "Not interested, thanks",
    "Maybe next quarter",
    "Please remove me from your list",
    "I'm out of office until Monday",
    "Yes, send details",
]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=400)
    args = parser.parse_args()
    rng = random.Random(3)
    template = json.loads((ROOT / "examples/template.json").read_text())
    base = [json.loads(p.read_text()) for p in sorted((ROOT / "examples/prospects").glob("*.json"))]
    with tempfile.TemporaryDirectory() as tmp:
        engine = IntelligentPersonalizationEngine("fb", data_dir=tmp, llm="none", durable=False)
        ids = []
        for i in range(args.messages):
            prospect = dict(base[i % len(base)], id=f"fb-{i}")
            ids.append((await engine.personalize_message(prospect, template)).message_id)
        unique = int(args.events * 0.9)
        events = []
        for n in range(unique):
            kind = rng.choice(KINDS)
            event = {"event_id": f"ev-{n}", "event": kind}
            if kind == "replied":
                event["reply_text"] = rng.choice(REPLIES)
            events.append((rng.choice(ids), event))
        stream = events + [rng.choice(events) for _ in range(args.events - unique)]
        rng.shuffle(stream)
        loop = FeedbackLoop("fb", data_dir=tmp, llm="none")
        times = []
        start = time.perf_counter()
        for message_id, event in stream:
            t = time.perf_counter()
            await loop.update_model(message_id, event)
            times.append(time.perf_counter() - t)
        elapsed = time.perf_counter() - start
        store = outcome_store(tmp)
        stored = store.events_count("fb")
        aggregates = sorted(store.arm_stats("fb"), key=lambda s: (s.segment, s.arm))
        recomputed = sorted(store.recompute_arm_stats("fb"), key=lambda s: (s.segment, s.arm))
        before = [(s.segment, s.arm, s.sends, round(s.reward_sum, 6)) for s in aggregates]
        for message_id, event in stream[:2000]:
            await loop.update_model(message_id, event)
        after = [
            (s.segment, s.arm, s.sends, round(s.reward_sum, 6))
            for s in sorted(store.arm_stats("fb"), key=lambda s: (s.segment, s.arm))
        ]
    dupes = len(stream) - unique
    median_ms = statistics.median(times) * 1000
    p90_ms = statistics.quantiles(times, n=10)[-1] * 1000
    print(f"events: {len(stream)} ({dupes} replayed duplicates) over {len(ids)} messages")
    print(f"throughput: {len(stream) / elapsed:,.0f} events/s in {elapsed:.1f} s")
    print(f"per event: median {median_ms:.2f} ms, p90 {p90_ms:.2f} ms")
    print(f"stored events: {stored} (unique sent: {unique}) -> double counted: {stored - unique}")
    print(f"aggregates equal a recomputation: {aggregates == recomputed}")
    print(f"replaying 2,000 events changed the model: {before != after}")
    if stored != unique or aggregates != recomputed or before != after:
        raise SystemExit("double counting detected")


if __name__ == "__main__":
    asyncio.run(main())
