"""Benchmark: how close the strategy model gets to the oracle, over many seeds, beside a ceiling.

Runs the learning simulator (``tools/learning/simulator.py``) at model level (``ModelLevelLoop``:
the outcome store and the strategy model, no graph) for 2,000 sends per seed and prints, per seed
and over all seeds, the last-500 ratio to the oracle (mean, 10th percentile, median, min), the
cumulative regret (expected positives lost to the oracle over all sends) and the windows after
the first 200 sends in which the learner did not beat uniform random choice.

Beside it runs a reference learner that is TOLD which segments share each factor's taste (the
simulator's hidden grouping, not the tastes themselves) and pools exactly those segments: the
same additive logistic model and Thompson sampling, fitted jointly, with the same common random
numbers. It is not a product strategy (a real tenant's grouping is unknown); it measures how much
of the gap to the oracle is the cost of learning who shares a taste, and whether the target is
reachable on every seed even when that is known.

    python bench/bench_learning.py [--seeds 1-12,31-42,51-62] [--sends 2000] [--workers 2]
                                   [--learners model,reference] [--sharpen 30]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

# Small matrices: a multi-threaded BLAS per worker process only contends for the cores.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ipe.memory.outcomes import OutcomeStore  # noqa: E402
from ipe.tools.learning.bandit import fit_logistic  # noqa: E402
from ipe.tools.learning.segments import niche_group, segment_key  # noqa: E402
from ipe.tools.learning.simulator import (  # noqa: E402
    _FACTORS,
    ALL_ARMS,
    ModelLevelLoop,
    SimReport,
    build_population,
    config,
    simulate,
)

Result = tuple[int, float, list[int], float]
"""``(seed, last-500 ratio to the oracle, windows lost to random after 200, cumulative regret)``."""


def _summary(report: SimReport) -> Result:
    lost = [w.start for w in report.windows[2:] if w.engine_rate <= w.random_rate]
    return report.seed, report.final_window_ratio_to_oracle, lost, report.cumulative_regret


def run_model(seed: int, sends: int) -> Result:
    """The product's learner: ``ModelLevelLoop`` (refit every 5 sends) on a fresh store."""

    async def go() -> Result:
        with tempfile.TemporaryDirectory() as tmp:
            loop = ModelLevelLoop(
                OutcomeStore(Path(tmp) / "outcomes.sqlite"), "sim", seed=seed, refresh_every=5
            )
            report = await simulate(
                sends=sends, seed=seed, choose=loop.choose, feedback=loop.feedback
            )
            return _summary(report)

    return asyncio.run(go())


class InformedLearner:
    """Thompson sampling over one joint logistic model whose sharing structure is given.

    Coefficients: an intercept per segment, and per factor one set of level effects per group
    of segments that share that factor's hidden order. Prior N(logit 0.3, 1.5^2) on intercepts
    and N(0, 0.6^2) on effects (the product's global prior); draws use the posterior
    covariance divided by ``1 + segment sends / sharpen_sends``.
    """

    def __init__(self, seed: int, sharpen_sends: float = 30.0, refresh_every: int = 5) -> None:
        population = build_population(random.Random(f"{seed}:population"))
        self.segments = {t.segment: i for i, t in enumerate(population)}
        columns: dict[tuple[Any, ...], int] = {}
        for i in range(len(population)):
            columns[("intercept", i)] = len(columns)
        shape = (len(population), len(ALL_ARMS))
        keys: list[list[list[tuple[Any, ...]]]] = []
        for i, truth in enumerate(population):
            per_arm = []
            for arm in ALL_ARMS:
                row: list[tuple[Any, ...]] = [("intercept", i)]
                for factor, level in zip(_FACTORS, arm, strict=True):
                    offsets = truth.offsets[factor]
                    order = tuple(sorted(offsets, key=lambda lv: -offsets[lv]))
                    row.append((factor, order, level))
                    columns.setdefault((factor, order, level), len(columns))
                per_arm.append(row)
            keys.append(per_arm)
        self.dim = len(columns)
        self.x = np.zeros((*shape, self.dim))
        for i, per_arm in enumerate(keys):
            for a, row in enumerate(per_arm):
                self.x[i, a, [columns[k] for k in row]] = 1.0
        self.prior_mean = np.zeros(self.dim)
        prior_var = np.full(self.dim, 0.6**2)
        for i in range(len(population)):
            self.prior_mean[columns[("intercept", i)]] = math.log(0.3 / 0.7)
            prior_var[columns[("intercept", i)]] = 1.5**2
        self.precision = np.diag(1.0 / prior_var)
        self.sends = np.zeros(shape)
        self.positives = np.zeros(shape)
        self.theta = self.prior_mean.copy()
        self.cov = np.diag(prior_var)
        self.sharpen_sends = sharpen_sends
        self.refresh_every = refresh_every
        self.rng = random.Random(f"{seed}:model")
        self.sent: dict[str, tuple[int, int]] = {}
        self.counted: set[str] = set()
        self.interested = set(config()["replies"]["interested"])

    def _fit(self) -> None:
        keep = self.sends.reshape(-1) > 0
        self.theta, hessian = fit_logistic(
            self.x.reshape(-1, self.dim)[keep],
            self.sends.reshape(-1)[keep],
            self.positives.reshape(-1)[keep],
            self.prior_mean,
            self.precision,
            start=self.theta,
        )
        self.cov = np.asarray(np.linalg.inv(hessian), dtype=np.float64)

    async def choose(
        self, prospect: dict[str, Any], template: dict[str, Any], channel: str
    ) -> tuple[str, str]:
        """Thompson-sample an arm for the prospect's segment."""
        segment = segment_key(channel, niche_group(prospect.get("niche"), prospect.get("tags", [])))
        i = self.segments[segment]
        if len(self.sent) % self.refresh_every == 0:
            self._fit()
        shrink = 1.0 + (self.sends[i].sum() / self.sharpen_sends if self.sharpen_sends else 0.0)
        chol = np.linalg.cholesky(self.cov / shrink + np.eye(self.dim) * 1e-12)
        theta = self.theta + chol @ np.array([self.rng.gauss(0.0, 1.0) for _ in range(self.dim)])
        arm = int(np.argmax(self.x[i] @ theta))
        message_id = f"m{len(self.sent) + 1}"
        self.sent[message_id] = (i, arm)
        self.sends[i, arm] += 1
        return message_id, "/".join(ALL_ARMS[arm])

    async def feedback(self, message_id: str, event: dict[str, Any]) -> None:
        """Count an interested reply (every positive outcome carries one) once."""
        if event["event"] == "replied" and event.get("reply_text") in self.interested:
            if message_id not in self.counted:
                self.counted.add(message_id)
                i, arm = self.sent[message_id]
                self.positives[i, arm] += 1


def run_informed(seed: int, sends: int, sharpen_sends: float = 30.0) -> Result:
    """The reference learner (structure given) on the same seed."""
    learner = InformedLearner(seed, sharpen_sends=sharpen_sends)
    report = asyncio.run(
        simulate(sends=sends, seed=seed, choose=learner.choose, feedback=learner.feedback)
    )
    return _summary(report)


def _seeds(text: str) -> list[int]:
    seeds: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        seeds += range(int(low), int(high or low) + 1)
    return seeds


def _percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) by linear interpolation between order statistics."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _report(name: str, results: list[Result], seconds: float) -> float:
    ratios = [r[1] for r in results]
    regrets = [r[3] for r in results]
    lost = {r[0]: r[2] for r in results if r[2]}
    print(
        f"{name:<28} mean {statistics.mean(ratios):.3f}  p10 {_percentile(ratios, 0.1):.3f}  "
        f"median {statistics.median(ratios):.3f}  min {min(ratios):.3f}  "
        f"regret mean {statistics.mean(regrets):.1f} (p90 {_percentile(regrets, 0.9):.1f})  "
        f"seeds losing a window to random after 200: {len(lost)}  ({seconds:.0f} s)"
    )
    print("    " + " ".join(f"{r[0]}:{r[1]:.2f}" for r in results))
    return statistics.mean(ratios)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="1-12,31-42,51-62")
    parser.add_argument("--sends", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--sharpen",
        type=float,
        default=30.0,
        help="reference learner: sends per unit of draw sharpening (0: plain Thompson sampling)",
    )
    parser.add_argument(
        "--learners", default="model,reference", help="comma-separated: model, reference"
    )
    args = parser.parse_args()
    seeds = _seeds(args.seeds)
    print(f"learning: {len(seeds)} seeds, {args.sends} sends each, last 500 sends vs the oracle")
    means: dict[str, float] = {}
    with ProcessPoolExecutor(args.workers) as pool:
        for key, name, fn in (
            ("model", "strategy model (product)", run_model),
            ("reference", "reference: structure given", run_informed),
        ):
            if key not in args.learners.split(","):
                continue
            start = time.perf_counter()
            extra = [[args.sharpen] * len(seeds)] if key == "reference" else []
            results = list(pool.map(fn, seeds, [args.sends] * len(seeds), *extra))
            means[key] = _report(name, results, time.perf_counter() - start)
    if len(means) == 2:
        gap = means["reference"] - means["model"]
        print(f"gap of the means (reference - model): {gap:.3f} (aim: within 0.03)")


if __name__ == "__main__":
    main()
