"""Benchmark: do the off-policy estimates agree with the simulator's truth?

For each seed, the model-level learner (``ModelLevelLoop``) runs ``--sends`` simulated sends with
logged propensities; then the current policy (cross-fitted), uniform choice and what was sent are
estimated from the logs by inverse propensity (IPS) and doubly robust (DR) estimates with 90%
intervals, and compared with their exact values under the simulator's hidden tastes. Prints, per
policy, how many seeds' intervals contain the truth (issue 14's bar: at least 9 of 10 with DR).

    python bench/bench_policy_eval.py [--seeds 1-10] [--sends 1000] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ipe.tools.learning.simulator import PolicyCheck, check_policy_eval  # noqa: E402


def run(seed: int, sends: int) -> list[PolicyCheck]:
    return asyncio.run(check_policy_eval(sends=sends, seed=seed))


def _cell(value: float, low: float, high: float, covers: bool) -> str:
    return f"{value:.3f} [{low:.3f}, {high:.3f}]{'*' if covers else ' '}"


def _seeds(text: str) -> list[int]:
    seeds: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        seeds += range(int(low), int(high or low) + 1)
    return seeds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="1-10")
    parser.add_argument("--sends", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    seeds = _seeds(args.seeds)
    start = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        results = list(pool.map(run, seeds, [args.sends] * len(seeds)))
    print(f"off-policy evaluation vs the simulator's truth: {len(seeds)} seeds, {args.sends} sends")
    print(f"{'seed':>5} {'policy':<9}{'truth':>7}{'IPS [90%]':>26}{'DR [90%]':>26}")
    covered: dict[str, list[int]] = {}
    for seed, checks in zip(seeds, results, strict=True):
        for c in checks:
            hit = covered.setdefault(c.policy, [0, 0])
            hit[0] += c.ips_covers
            hit[1] += c.dr_covers
            ips = _cell(c.ips.value, c.ips.low, c.ips.high, c.ips_covers)
            dr = _cell(c.dr.value, c.dr.low, c.dr.high, c.dr_covers)
            print(f"{seed:>5} {c.policy:<9}{c.truth:>7.3f}{ips:>26}{dr:>26}")
    print("(* the interval contains the truth)")
    for policy, (ips_hits, dr_hits) in covered.items():
        print(
            f"{policy:<9} truth inside the 90% interval: IPS {ips_hits}/{len(seeds)}, "
            f"DR {dr_hits}/{len(seeds)}"
        )
    print(f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
