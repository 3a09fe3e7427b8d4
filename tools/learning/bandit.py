"""The strategy model: Bayesian logistic regression over arms, per segment, pooled hierarchically.

An arm is (tone, angle, cta). A message's reward r in [0, 1] (``memory/reward.py``) is
modelled as
``logit E[r] = intercept + tone_effect + angle_effect + cta_effect``: an additive model, so what a
segment learns about one tone is shared by every arm with that tone, and 60 arms cost 13
coefficients. Because all factors are fitted jointly, an arm's effect is not confounded by the
other levels it happened to be paired with (a marginal Beta per level would be).

Pooling (each step uses only data its child does not hold, so nothing is counted twice)::

    weak global prior -> population (other tenants) -> tenant (other channels)
                      -> channel (other niche groups of the channel) -> segment

Each step is a Laplace-approximated MAP fit whose prior is the parent's posterior, widened by
that level's pooling standard deviation (how far a child may differ from its parent), and also
fitted "its own way" under a wide prior; the two are averaged by their evidence. A new segment
therefore starts from what its channel, its tenant and the population learned, and a segment
with the opposite taste (a contrarian niche, a channel of its own) moves to its own fit once its
evidence contradicts the parent's, exploring more while the two disagree.

Thompson sampling draws coefficients from the segment's Gaussian posterior (its covariance
narrowed as the segment's own evidence grows, see ``_exploration``), scores every allowed arm and
keeps the top ``n``: the first is exactly the Thompson choice.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ipe.domain import ANGLES, CTAS, TONES
from ipe.memory.outcomes import ArmStat
from ipe.tools.learning.pooling import Aggregate, pool_config
from ipe.tools.policies import load_pack

Vector = NDArray[np.float64]
FACTORS: dict[str, tuple[str, ...]] = {"tone": TONES, "angle": ANGLES, "cta": CTAS}
_INDEX: dict[tuple[str, str], int] = {}
for _factor, _levels in FACTORS.items():
    for _level in _levels:
        _INDEX[(_factor, _level)] = len(_INDEX) + 1
DIM = len(_INDEX) + 1
"""Intercept plus one coefficient per factor level."""


@dataclass(frozen=True)
class BanditConfig:
    """Settings of the strategy model (``[bandit]`` in ``tools/policies/learning.toml``)."""

    target: str = "reward"
    prior_mean: float = 0.3
    intercept_sd: float = 1.5
    level_sd: float = 0.6
    tenant_sd: float = 0.5
    channel_sd: float = 0.7
    segment_sd: float = 0.35
    free_sd: float = 1.0
    pool_weight: float = 0.7
    exploration: float = 1.0
    exploration_sends: float = 0.0
    lesson_logit: float = 0.1
    newton_steps: int = 25
    population_max_shift: float = 0.05
    """Logits the population level may move the global prior (``[pooling] max_prior_shift``)."""


@cache
def default_config() -> BanditConfig:
    """The configured settings (``[bandit]`` of ``tools/policies/learning.toml``)."""
    raw: Mapping[str, Any] = {
        **load_pack("learning")["bandit"],
        "population_max_shift": pool_config().max_prior_shift,
    }
    defaults = BanditConfig()
    return BanditConfig(
        **{k: type(getattr(defaults, k))(v) for k, v in raw.items() if hasattr(defaults, k)}
    )


@dataclass(frozen=True)
class ArmDraw:
    """One sampled arm: its Thompson draw and its posterior mean (both on the reward scale)."""

    tone: str
    angle: str
    cta: str
    draw: float
    mean: float

    @property
    def arm(self) -> str:
        """The arm key, ``tone/angle/cta``."""
        return f"{self.tone}/{self.angle}/{self.cta}"


def _sigmoid(x: float) -> float:
    """The logistic function of one logit (the same form as ``_logistic``: no overflow)."""
    return 0.5 * (1.0 + math.tanh(0.5 * x))


def _logistic(z: Vector) -> Vector:
    """The logistic function, elementwise, without overflow for large ``|z|``."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _features(tone: str, angle: str, cta: str) -> Vector:
    x = np.zeros(DIM)
    x[0] = 1.0
    x[_INDEX[("tone", tone)]] = 1.0
    x[_INDEX[("angle", angle)]] = 1.0
    x[_INDEX[("cta", cta)]] = 1.0
    return x


ALL_ARMS: tuple[tuple[str, str, str], ...] = tuple(itertools.product(TONES, ANGLES, CTAS))
_ALL_X: Vector = np.array([_features(*arm) for arm in ALL_ARMS])
_ROW = {arm: i for i, arm in enumerate(ALL_ARMS)}


def allowed_arm_rows(
    allowed_angles: Sequence[str],
    allowed_tones: Sequence[str],
    allowed_ctas: Sequence[str] = CTAS,
) -> list[int]:
    """Rows of ``ALL_ARMS`` a message may use; the generic opener when nothing personal is."""
    tones, ctas = allowed_tones or TONES, allowed_ctas or CTAS
    allowed = [
        i
        for i, a in enumerate(ALL_ARMS)
        if a[1] in allowed_angles and a[0] in tones and a[2] in ctas
    ]
    return allowed or [i for i, arm in enumerate(ALL_ARMS) if arm[1] == "generic"]


def arm_shift(rows: Sequence[int], bias: Mapping[tuple[str, str], float] | None) -> Vector:
    """A caller's preference per arm of ``rows``: the sum of its levels' biases (logits)."""
    prefs = bias or {}
    levels = [zip(FACTORS, ALL_ARMS[i], strict=True) for i in rows]
    return np.array([sum(prefs.get(key, 0.0) for key in arm) for arm in levels])


def parse_arm_key(arm: str) -> tuple[str, str, str]:
    """``"tone/angle/cta"`` as a tuple; ``ValueError`` for anything that is not an arm."""
    parts = arm.split("/")
    key = (parts[0], parts[1], parts[2]) if len(parts) == 3 else None
    if key is None or key not in _ROW:
        raise ValueError(f"not an arm: {arm!r}")
    return key


def allowed_arms(
    allowed_angles: Sequence[str],
    allowed_tones: Sequence[str],
    allowed_ctas: Sequence[str] = CTAS,
) -> list[str]:
    """The ``tone/angle/cta`` keys of the arms a message may use (see ``allowed_arm_rows``)."""
    rows = allowed_arm_rows(allowed_angles, allowed_tones, allowed_ctas)
    return ["/".join(ALL_ARMS[row]) for row in rows]


@dataclass(frozen=True)
class Propensity:
    """How likely the strategy step was to draft an arm, and to send it (logged per message)."""

    drafted: float
    chosen: float


@dataclass(frozen=True)
class Counts:
    """Sends and successes per arm (row ``i`` is ``ALL_ARMS[i]``).

    Successes are the reward sum or the positives, by ``BanditConfig.target``.
    """

    sends: Vector
    successes: Vector

    def __bool__(self) -> bool:
        return bool(np.any(self.sends > 1e-9))

    def __sub__(self, other: Counts) -> Counts:
        sends = np.clip(self.sends - other.sends, 0.0, None)
        return Counts(
            sends, np.where(sends > 1e-9, np.clip(self.successes - other.successes, 0.0, None), 0.0)
        )

    def design(self) -> tuple[Vector, Vector, Vector]:
        """Feature rows, sends and successes of the arms with data."""
        rows = self.sends > 1e-9
        return _ALL_X[rows], self.sends[rows], self.successes[rows]


def _counts(
    stats: Sequence[Aggregate], target: str, mask: NDArray[np.bool_] | None = None
) -> Counts:
    """Aggregate ``stats`` (optionally only the rows where ``mask``) per arm."""
    if not stats:
        return Counts(np.zeros(len(ALL_ARMS)), np.zeros(len(ALL_ARMS)))
    rows = np.array([_ROW.get((s.tone, s.angle, s.cta), -1) for s in stats])
    sends = np.array([float(s.sends) for s in stats])
    success = np.array([s.reward_sum if target == "reward" else float(s.positives) for s in stats])
    keep = (rows >= 0) & (sends > 0) & (mask if mask is not None else True)
    size = len(ALL_ARMS)
    return Counts(
        np.bincount(rows[keep], weights=sends[keep], minlength=size).astype(np.float64),
        np.bincount(rows[keep], weights=success[keep], minlength=size).astype(np.float64),
    )


@dataclass(frozen=True)
class Posterior:
    """A Gaussian (Laplace) posterior over the coefficients."""

    mean: Vector
    cov: Vector

    def widened(self, sd: float) -> Posterior:
        """This posterior as a child's prior: the same mean, variance plus ``sd`` squared."""
        return Posterior(self.mean, self.cov + np.eye(DIM) * sd**2)


def fit_logistic(
    x: Vector,
    n: Vector,
    y: Vector,
    prior_mean: Vector,
    precision: Vector,
    *,
    start: Vector | None = None,
    steps: int = 25,
) -> tuple[Vector, Vector]:
    """MAP of a binomial logistic model under a Gaussian prior, by Newton's method.

    Rows ``x`` with ``n`` trials and ``y`` successes (fractional allowed); the prior's mean and
    precision matrix. Returns the MAP and the Hessian of the negative log posterior there (its
    inverse is the Laplace covariance).
    """
    theta = (prior_mean if start is None else start).copy()
    for _ in range(steps):
        p = _logistic(x @ theta)
        gradient = x.T @ (y - n * p) - precision @ (theta - prior_mean)
        hessian = (x.T * (n * p * (1.0 - p))) @ x + precision
        step = np.linalg.solve(hessian, gradient)
        theta = theta + step
        if float(np.max(np.abs(step))) < 1e-4:
            break
    p = _logistic(x @ theta)
    return theta, (x.T * (n * p * (1.0 - p))) @ x + precision


def _fit(prior: Posterior, counts: Counts, steps: int) -> Posterior:
    """MAP of the logistic model under a Gaussian prior; Laplace covariance."""
    if not counts:
        return prior
    x, n, y = counts.design()
    precision = np.asarray(np.linalg.inv(prior.cov), dtype=np.float64)
    theta, hessian = fit_logistic(x, n, y, prior.mean, precision, steps=steps)
    return Posterior(theta, np.asarray(np.linalg.inv(hessian), dtype=np.float64))


def _log_evidence(prior: Posterior, post: Posterior, counts: Counts) -> float:
    """Laplace approximation of log p(data | prior) (binomial constants dropped: they cancel)."""
    x, n, y = counts.design()
    logit = x @ post.mean
    loglik = float(np.sum(y * logit - n * np.logaddexp(0.0, logit)))
    diff = post.mean - prior.mean
    _, logdet_prior = np.linalg.slogdet(prior.cov)
    _, logdet_post = np.linalg.slogdet(post.cov)
    logprior = -0.5 * float(diff @ np.linalg.solve(prior.cov, diff)) - 0.5 * float(logdet_prior)
    return loglik + logprior + 0.5 * float(logdet_post)


def _pooled(
    parent: Posterior, counts: Counts, *, sd: float, free_sd: float, weight: float, steps: int
) -> Posterior:
    """Fit a child scope under two priors and average them by their evidence.

    "Like its parent" (the parent's posterior widened by ``sd``, prior probability ``weight``)
    against "its own way" (widened by ``free_sd``). A scope whose data contradict the parent
    (a contrarian niche, a channel with its own taste) shifts to the second, and the mixture's
    wider covariance makes Thompson sampling explore exactly there. The mixture is returned as
    one Gaussian with the same mean and covariance (moment matching).
    """
    tight, loose = parent.widened(sd), parent.widened(free_sd)
    a, b = _fit(tight, counts, steps), _fit(loose, counts, steps)
    if not counts:
        return a
    la = math.log(weight) + _log_evidence(tight, a, counts)
    lb = math.log(1.0 - weight) + _log_evidence(loose, b, counts)
    w = 1.0 / (1.0 + math.exp(min(700.0, lb - la)))
    mean = w * a.mean + (1.0 - w) * b.mean
    da, db = a.mean - mean, b.mean - mean
    cov = w * (a.cov + np.outer(da, da)) + (1.0 - w) * (b.cov + np.outer(db, db))
    return Posterior(mean, cov)


def _channel(segment: str) -> str:
    return segment.split(":", 1)[0]


class StrategyModel:
    """Posteriors over arm rewards per segment, built from the stored aggregates."""

    def __init__(
        self,
        tenant_stats: list[ArmStat],
        population_stats: Sequence[Aggregate],
        *,
        lesson_bonus: Mapping[tuple[str, str, str], float] | None = None,
        config: BanditConfig | None = None,
    ) -> None:
        """Keep the data; posteriors are fitted lazily, per segment asked for."""
        self.config = config or default_config()
        self.tenant_stats = tenant_stats
        self.population_stats = population_stats
        self.lesson_bonus = dict(lesson_bonus or {})
        self._posteriors: dict[str, Posterior] = {}
        self._summaries: dict[str, dict[str, dict[str, tuple[float, float]]]] = {}
        cfg = self.config
        prior_mean = np.zeros(DIM)
        prior_mean[0] = math.log(cfg.prior_mean / (1.0 - cfg.prior_mean))
        prior_var = np.full(DIM, cfg.level_sd**2)
        prior_var[0] = cfg.intercept_sd**2
        self._global = Posterior(prior_mean, np.diag(prior_var))

    @classmethod
    def from_stats(
        cls,
        tenant_stats: list[ArmStat],
        population_stats: Sequence[Aggregate],
        *,
        lesson_bonus: Mapping[tuple[str, str, str], float] | None = None,
        config: BanditConfig | None = None,
    ) -> StrategyModel:
        """Build the model from this tenant's per-arm aggregates and the population's.

        ``population_stats`` holds the tenant's own aggregates plus what other tenants may
        contribute (``ipe.tools.learning.pooling.population_for``: nothing unless the tenant opted
        in, and bounded); the population level sees it minus the tenant's own.

        Models are immutable once built, so the same data returns the same (already fitted)
        model: between two feedback events every personalization reuses the fits.
        """
        return _shared_model(
            tuple(tenant_stats),
            tuple(population_stats),
            tuple(sorted((lesson_bonus or {}).items())),
            config or default_config(),
        )

    def _child(self, parent: Posterior, counts: Counts, sd: float) -> Posterior:
        cfg = self.config
        return _pooled(
            parent,
            counts,
            sd=sd,
            free_sd=cfg.free_sd,
            weight=cfg.pool_weight,
            steps=cfg.newton_steps,
        )

    def _bounded(self, population: Posterior) -> Posterior:
        """The population posterior, its mean kept near the global prior.

        Within ``population_max_shift`` logits on every coefficient: other tenants can move this
        tenant's prior by that much at most, however much (or however skewed) evidence they hold.
        """
        limit = self.config.population_max_shift
        if limit < 0:
            return population
        shift = np.clip(population.mean - self._global.mean, -limit, limit)
        return Posterior(self._global.mean + shift, population.cov)

    def _posterior(self, segment: str) -> Posterior:
        if segment in self._posteriors:
            return self._posteriors[segment]
        cfg = self.config
        target, channel = cfg.target, _channel(segment)
        segments = np.array([s.segment for s in self.tenant_stats], dtype=object)
        channels = np.array([_channel(s) for s in segments], dtype=object)
        tenant = _counts(self.tenant_stats, target)
        in_channel = _counts(self.tenant_stats, target, channels == channel)
        own = _counts(self.tenant_stats, target, segments == segment)
        population = _counts(self.population_stats, target) - tenant
        post = self._bounded(_fit(self._global, population, cfg.newton_steps))
        post = self._child(post, tenant - in_channel, cfg.tenant_sd)
        post = self._child(post, in_channel - own, cfg.channel_sd)
        shift = np.zeros(DIM)
        for (seg, factor, level), bonus in self.lesson_bonus.items():
            if seg in (segment, "*") and (factor, level) in _INDEX:
                shift[_INDEX[(factor, level)]] += bonus * cfg.lesson_logit
        post = self._child(Posterior(post.mean + shift, post.cov), own, cfg.segment_sd)
        self._posteriors[segment] = post
        return post

    def _exploration(self, segment: str) -> float:
        """Posterior sharpening for the draws: ``exploration``, growing with the segment's sends.

        Early on the draws are plain Thompson samples (wide: the segment explores); as its own
        evidence grows (``exploration_sends`` sends per unit), they narrow towards exploitation.
        """
        cfg = self.config
        if cfg.exploration_sends <= 0:
            return cfg.exploration
        sends = sum(s.sends for s in self.tenant_stats if s.segment == segment)
        return cfg.exploration + sends / cfg.exploration_sends

    def predict(self, segment: str, tone: str, angle: str, cta: str) -> float:
        """Posterior mean estimate (plug-in) of the arm's expected reward."""
        post = self._posterior(segment)
        return _sigmoid(float(_features(tone, angle, cta) @ post.mean))

    def posterior(self, segment: str, factor: str, level: str) -> tuple[float, float]:
        """The mean and standard deviation (logits) of one level's coefficient."""
        post = self._posterior(segment)
        i = _INDEX[(factor, level)]
        return float(post.mean[i]), math.sqrt(float(post.cov[i, i]))

    def sample(
        self,
        segment: str,
        *,
        allowed_angles: Sequence[str],
        n: int,
        rng: random.Random,
        allowed_tones: Sequence[str] = TONES,
        allowed_ctas: Sequence[str] = CTAS,
        bias: Mapping[tuple[str, str], float] | None = None,
        vary: str | None = None,
    ) -> list[ArmDraw]:
        """One Thompson draw of the coefficients; the ``n`` best allowed arms under it.

        ``bias`` adds a caller's preference (logits per ``(factor, level)``) to every arm with
        that level. ``vary`` (``tone``, ``angle`` or ``cta``) keeps the other two factors of the
        best arm and returns arms that differ only in that factor.
        """
        post = self._posterior(segment)
        allowed = allowed_arm_rows(allowed_angles, allowed_tones, allowed_ctas)
        chol = self._draw_factor(segment)
        z = np.array([rng.gauss(0.0, 1.0) for _ in range(DIM)])
        theta = post.mean + chol @ z
        shift = arm_shift(allowed, bias)
        drawn = _ALL_X[allowed] @ theta + shift
        means = _ALL_X[allowed] @ post.mean + shift
        order = np.argsort(-drawn, kind="stable")
        if vary is not None:
            keep = [k for k, f in enumerate(FACTORS) if f != vary]
            best = ALL_ARMS[allowed[int(order[0])]]
            order = np.array(
                [k for k in order if all(ALL_ARMS[allowed[int(k)]][j] == best[j] for j in keep)]
            )
        order = order[: max(1, n)]
        return [
            ArmDraw(
                *ALL_ARMS[allowed[int(k)]],
                draw=_sigmoid(float(drawn[k])),
                mean=_sigmoid(float(means[k])),
            )
            for k in order
        ]

    def _draw_factor(self, segment: str) -> Vector:
        """The Cholesky factor of the (sharpened) covariance the Thompson draws come from."""
        post = self._posterior(segment)
        cov = post.cov / self._exploration(segment) + np.eye(DIM) * 1e-12
        return np.asarray(np.linalg.cholesky(cov), dtype=np.float64)

    def propensities(
        self,
        segment: str,
        arms: Sequence[str],
        *,
        allowed_angles: Sequence[str],
        n: int,
        seed: str,
        allowed_tones: Sequence[str] = TONES,
        allowed_ctas: Sequence[str] = CTAS,
        bias: Mapping[tuple[str, str], float] | None = None,
        vary: str | None = None,
        draws: int = 512,
    ) -> dict[str, Propensity]:
        """How likely ``sample`` was to draft, and to rank first, each of ``arms``.

        Estimated from ``draws`` Thompson draws of the posterior ``sample`` uses (seeded by
        ``seed``, so the estimate is reproducible): ``drafted`` is the share of draws that put
        the arm among the ``n`` best allowed arms, ``chosen`` the share that put it first. The
        critic sends the variation with the best score, which is the draw plus a small quality
        term, so ``chosen`` is the logging propensity of the sent arm up to that term. An arm no
        draw chose gets half a draw (``0.5 / draws``), so inverse-propensity weights stay finite.
        """
        rows = allowed_arm_rows(allowed_angles, allowed_tones)
        scores = self._draws(segment, seed, draws) @ _ALL_X[rows].T  # draws x allowed arms
        floor = 0.5 / draws
        result: dict[str, Propensity] = {}
        for arm in arms:
            column = scores[:, rows.index(_ROW[parse_arm_key(arm)])]
            beaten_by = np.sum(scores > column[:, None], axis=1)
            result[arm] = Propensity(
                drafted=max(float(np.mean(beaten_by < max(1, n))), floor),
                chosen=max(float(np.mean(beaten_by == 0)), floor),
            )
        return result

    def choice_probabilities(
        self, segment: str, allowed: Sequence[str], *, seed: str, draws: int = 2048
    ) -> dict[str, float]:
        """The probability that a Thompson draw ranks each of ``allowed`` first (sums to 1)."""
        rows = [_ROW[parse_arm_key(arm)] for arm in allowed]
        scores = self._draws(segment, seed, draws) @ _ALL_X[rows].T
        first = np.bincount(np.argmax(scores, axis=1), minlength=len(rows))
        return {arm: float(first[i]) / draws for i, arm in enumerate(allowed)}

    def _draws(self, segment: str, seed: str, draws: int) -> Vector:
        """``draws`` reproducible Thompson draws of the coefficients (one per row)."""
        post = self._posterior(segment)
        digest = hashlib.sha256(seed.encode("utf-8")).digest()
        generator = np.random.default_rng(int.from_bytes(digest[:8]))
        return post.mean + generator.standard_normal((draws, DIM)) @ self._draw_factor(segment).T

    def factor_summary(self, segment: str) -> dict[str, dict[str, tuple[float, float]]]:
        """Per factor and level: predicted reward (other factors at their average) and sends.

        The prediction holds the other factors at their average effect; the count is how many of
        this segment's sends used the level.
        """
        if segment not in self._summaries:
            self._summaries[segment] = self._factor_summary(segment)
        return self._summaries[segment]

    def _factor_summary(self, segment: str) -> dict[str, dict[str, tuple[float, float]]]:
        post = self._posterior(segment)
        own = _counts(
            self.tenant_stats,
            self.config.target,
            np.array([s.segment == segment for s in self.tenant_stats], dtype=bool),
        )
        average = {
            f: float(np.mean([post.mean[_INDEX[(f, lv)]] for lv in levels]))
            for f, levels in FACTORS.items()
        }
        summary: dict[str, dict[str, tuple[float, float]]] = {}
        for factor, levels in FACTORS.items():
            rest = sum(v for f, v in average.items() if f != factor)
            summary[factor] = {}
            for level in levels:
                logit = float(post.mean[0]) + rest + float(post.mean[_INDEX[(factor, level)]])
                position = list(FACTORS).index(factor)
                sends = float(
                    sum(
                        n
                        for arm, n in zip(ALL_ARMS, own.sends, strict=True)
                        if arm[position] == level
                    )
                )
                summary[factor][level] = (_sigmoid(logit), sends)
        return summary


@lru_cache(maxsize=16)
def _shared_model(
    tenant_stats: tuple[ArmStat, ...],
    population_stats: tuple[Aggregate, ...],
    lesson_bonus: tuple[tuple[tuple[str, str, str], float], ...],
    config: BanditConfig,
) -> StrategyModel:
    return StrategyModel(
        list(tenant_stats), list(population_stats), lesson_bonus=dict(lesson_bonus), config=config
    )
