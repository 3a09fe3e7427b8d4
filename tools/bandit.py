"""The strategy model: factored Thompson sampling per segment with hierarchical pooling.

For every factor (tone, angle, cta) and level, a Beta posterior over the reward rate of sends
with that level. Posteriors are pooled hierarchically: a weak global prior -> the population
(all tenants) -> the tenant (all its segments) -> the channel (this tenant's segments of the
channel) -> the segment. Each level's posterior mean becomes the next level's prior mean with a
fixed prior strength (pseudo-sends), so a new segment starts from what the tenant and the
population already learned and its own data takes over after a few dozen sends. Every send is
counted once along the chain: each level adds only the data its child does not hold (the
population without this tenant, the tenant without this channel, the channel without this
segment), so a level that is rarely tried is not pushed to an extreme by counting the same
misses four times. A reward r in
[0, 1] adds r to alpha and 1 - r to beta (see ``tools/policies/learning.toml`` for the settings
and the alternative binary target).

The prior strength of each step adapts (empirical Bayes, method of moments): once a scope has
enough sends of a factor, the spread of its level rates around the parent's means beyond
sampling noise tells how different it is; a scope that behaves like its parent pools strongly
(up to ``max_strength`` and never above the parent's own evidence), one with the opposite taste
learns on its own.

An arm's score combines its factor rates logistic-additively around the segment's overall rate
``mu``: ``score = sigmoid(logit(mu) + sum_f (logit(theta_f) - logit(mu)))``. With posterior
means for ``theta_f`` it is ``predict``; with one joint Thompson draw it is the arm's ``draw``.
Draws come from the posteriors sharpened by ``exploration`` (Beta(alpha * c, beta * c)).
``sample`` takes ONE joint draw of every factor level and returns the ``n`` distinct arms with the
highest scores, so the first arm is exactly the Thompson-sampling choice and the others are the
next best arms under the same draw.
"""

from __future__ import annotations

import math
import random
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from functools import cache
from importlib.resources import files
from typing import Any, Literal

from graph.domain import ANGLES, CTAS, TONES
from memory.outcomes import ArmStat
from tools.segments import parse_segment

FACTORS: dict[str, tuple[str, ...]] = {"tone": TONES, "angle": ANGLES, "cta": CTAS}
"""Every factor and its levels."""

_ALL = "*"
_EPS = 1e-6

LessonBonus = Mapping[tuple[str, str, str], float]
"""Prior shifts ``(segment or "*", factor, level) -> pseudo-positives`` (negative: misses)."""


@dataclass(frozen=True)
class BanditConfig:
    """The strategy model's settings (defaults from ``learning.toml``'s ``[bandit]``)."""

    target: Literal["reward", "positive"] = "reward"
    prior_mean: float = 0.3
    global_strength: float = 2.0
    population_strength: float = 4.0
    tenant_strength: float = 4.0
    channel_strength: float = 4.0
    segment_strength: float = 4.0
    exploration: float = 3.0
    adaptive_pooling: bool = True
    adaptive_min_sends: float = 30.0
    min_strength: float = 2.0
    max_strength: float = 200.0


@cache
def default_config() -> BanditConfig:
    """Return the configured ``BanditConfig`` from ``tools/policies/learning.toml``."""
    text = files("tools").joinpath("policies", "learning.toml").read_text(encoding="utf-8")
    raw: dict[str, Any] = tomllib.loads(text)["bandit"]
    known = {f.name for f in fields(BanditConfig)}
    return BanditConfig(**{k: v for k, v in raw.items() if k in known})


@dataclass(frozen=True)
class ArmDraw:
    """One sampled arm: its Thompson score (``draw``) and its posterior-mean score (``mean``)."""

    tone: str
    angle: str
    cta: str
    draw: float
    mean: float

    @property
    def arm(self) -> str:
        """The arm key, ``tone/angle/cta``."""
        return f"{self.tone}/{self.angle}/{self.cta}"


def _logit(p: float) -> float:
    p = min(max(p, _EPS), 1.0 - _EPS)
    return math.log(p / (1.0 - p))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


Arm = tuple[str, str, str]
ArmTable = dict[Arm, list[float]]
"""``(tone, angle, cta) -> [sends, successes]`` of one scope."""

Totals = dict[tuple[str, str], list[float]]
"""``(factor, level) -> [sends, successes]``; the key ``("*", "*")`` holds the scope's total."""

_KEYS: tuple[tuple[str, str], ...] = ((_ALL, _ALL),) + tuple(
    (factor, level) for factor, levels in FACTORS.items() for level in levels
)
_FACTOR_NAMES = tuple(FACTORS)


def _tables(stats: Iterable[ArmStat], target: str) -> dict[str, ArmTable]:
    """Return each segment's arm table (successes: reward sums or positives)."""
    tables: dict[str, ArmTable] = {}
    for stat in stats:
        if stat.sends <= 0:
            continue
        success = stat.reward_sum if target == "reward" else float(stat.positives)
        cell = tables.setdefault(stat.segment, {}).setdefault(
            (stat.tone, stat.angle, stat.cta), [0.0, 0.0]
        )
        cell[0] += stat.sends
        cell[1] += success
    return tables


def _merged(tables: Iterable[ArmTable]) -> ArmTable:
    """Sum arm tables."""
    result: ArmTable = {}
    for table in tables:
        for arm, (sends, success) in table.items():
            cell = result.setdefault(arm, [0.0, 0.0])
            cell[0] += sends
            cell[1] += success
    return result


def _minus(whole: ArmTable, part: ArmTable) -> ArmTable:
    """Return ``whole`` without ``part`` (clamped at zero: the part may be missing from it)."""
    result: ArmTable = {}
    for arm, (sends, success) in whole.items():
        less_sends, less_success = part.get(arm, [0.0, 0.0])
        left = max(sends - less_sends, 0.0)
        if left > 0:
            result[arm] = [left, min(max(success - less_success, 0.0), left)]
    return result


def _totals(table: ArmTable) -> Totals:
    """Return a scope's totals per factor level (and overall) from its arm table."""
    totals: Totals = {(_ALL, _ALL): [0.0, 0.0]}
    for arm, (sends, success) in table.items():
        for key in ((_ALL, _ALL), *zip(_FACTOR_NAMES, arm, strict=True)):
            cell = totals.setdefault(key, [0.0, 0.0])
            cell[0] += sends
            cell[1] += success
    return totals


class StrategyModel:
    """Factored Beta posteriors per segment with hierarchical priors; see the module docstring."""

    def __init__(
        self,
        *,
        population: ArmTable,
        segments: dict[str, ArmTable],
        lesson_bonus: LessonBonus | None = None,
        config: BanditConfig | None = None,
    ) -> None:
        self.config = config or default_config()
        self._segments = segments
        self._tenant = _merged(segments.values())
        self._channels: dict[str, ArmTable] = {}
        for channel in {parse_segment(segment)[0] for segment in segments}:
            self._channels[channel] = _merged(
                t for seg, t in segments.items() if parse_segment(seg)[0] == channel
            )
        self._population_rest = _minus(population, self._tenant)
        self._bonus = dict(lesson_bonus or {})
        self._scope_cache: dict[str, Totals] = {}
        self._cache: dict[str, dict[tuple[str, str], tuple[float, float]]] = {}

    @classmethod
    def from_stats(
        cls,
        tenant_stats: list[ArmStat],
        population_stats: list[ArmStat],
        *,
        lesson_bonus: LessonBonus | None = None,
        config: BanditConfig | None = None,
    ) -> StrategyModel:
        """Build the model from the tenant's and the population's per-arm aggregates.

        Args:
            tenant_stats: ``OutcomeStore.arm_stats(tenant)``.
            population_stats: ``OutcomeStore.population_arm_stats()`` (all tenants, this one
                included: its own part is taken out so that no send is counted twice).
            lesson_bonus: Prior shifts from confirmed lessons (``tools.lessons.lesson_bonus``).
            config: Settings; default from ``learning.toml``.
        """
        cfg = config or default_config()
        return cls(
            population=_merged(_tables(population_stats, cfg.target).values()),
            segments=_tables(tenant_stats, cfg.target),
            lesson_bonus=lesson_bonus,
            config=cfg,
        )

    # --- posteriors ----------------------------------------------------------------------------

    def _scope(self, name: str, table: ArmTable) -> Totals:
        cached = self._scope_cache.get(name)
        if cached is None:
            cached = _totals(table)
            self._scope_cache[name] = cached
        return cached

    def _posteriors(self, segment: str) -> dict[tuple[str, str], tuple[float, float]]:
        cached = self._cache.get(segment)
        if cached is not None:
            return cached
        cfg = self.config
        channel = parse_segment(segment)[0]
        own = self._segments.get(segment, {})
        in_channel = self._channels.get(channel, {})
        chain: list[tuple[Totals, float]] = [
            (self._scope("population", self._population_rest), cfg.population_strength),
            (
                self._scope(f"tenant-{channel}", _minus(self._tenant, in_channel)),
                cfg.tenant_strength,
            ),
            (self._scope(f"channel-{segment}", _minus(in_channel, own)), cfg.channel_strength),
            (self._scope(f"segment-{segment}", own), cfg.segment_strength),
        ]
        means = {key: cfg.prior_mean for key in _KEYS}
        params = {
            key: (cfg.global_strength * m, cfg.global_strength * (1.0 - m))
            for key, m in means.items()
        }
        for totals, strength in chain:
            for key in _KEYS:
                k = strength if key[0] == _ALL else self._strength(totals, means, key[0], strength)
                # never more confident than the parent's own posterior
                k = min(k, max(sum(params[key]), strength))
                sends, success = totals.get(key, [0.0, 0.0])
                mean = means[key]
                params[key] = (k * mean + success, k * (1.0 - mean) + sends - success)
            means = {key: a / (a + b) for key, (a, b) in params.items()}
        result: dict[tuple[str, str], tuple[float, float]] = {}
        for key, (alpha, beta) in params.items():
            for scope in (segment, _ALL):
                shift = self._bonus.get((scope, key[0], key[1]), 0.0)
                alpha, beta = alpha + max(shift, 0.0), beta + max(-shift, 0.0)
            result[key] = (alpha, beta)
        self._cache[segment] = result
        return result

    def _strength(
        self, totals: Totals, means: dict[tuple[str, str], float], factor: str, default: float
    ) -> float:
        """Return the prior strength for one factor at one step of the chain.

        Empirical Bayes (method of moments): the spread of this scope's level rates around the
        parent's means, beyond what sampling noise explains, estimates how much the scope
        differs from its parent. Scopes that agree with their parent pool strongly; a scope with
        the opposite taste learns on its own. Too little data: the configured strength.
        """
        cfg = self.config
        if not cfg.adaptive_pooling:
            return default
        spread = noise = weight = 0.0
        for level in FACTORS[factor]:
            sends, success = totals.get((factor, level), [0.0, 0.0])
            if sends <= 0:
                continue
            mean = means[(factor, level)]
            spread += sends * (success / sends - mean) ** 2
            noise += mean * (1.0 - mean)
            weight += sends
        if weight < cfg.adaptive_min_sends:
            return default
        tau2 = (spread - noise) / weight
        typical = sum(means[(factor, lv)] * (1 - means[(factor, lv)]) for lv in FACTORS[factor])
        typical /= len(FACTORS[factor])
        if tau2 <= 0:
            return cfg.max_strength
        return min(max(typical / tau2 - 1.0, cfg.min_strength), cfg.max_strength)

    def posterior(self, segment: str, factor: str, level: str) -> tuple[float, float]:
        """Return the segment-level Beta ``(alpha, beta)`` of one factor level."""
        return self._posteriors(segment)[(factor, level)]

    def _mean(self, segment: str, key: tuple[str, str]) -> float:
        alpha, beta = self._posteriors(segment)[key]
        return alpha / (alpha + beta)

    @staticmethod
    def _combine(base: float, rates: Sequence[float]) -> float:
        anchor = _logit(base)
        return _sigmoid(anchor + sum(_logit(r) - anchor for r in rates))

    def predict(self, segment: str, tone: str, angle: str, cta: str) -> float:
        """Return the arm's posterior-mean score in the segment (an estimated reward rate)."""
        base = self._mean(segment, (_ALL, _ALL))
        rates = [
            self._mean(segment, key) for key in (("tone", tone), ("angle", angle), ("cta", cta))
        ]
        return self._combine(base, rates)

    def sample(
        self, segment: str, *, allowed_angles: Sequence[str], n: int, rng: random.Random
    ) -> list[ArmDraw]:
        """Return ``n`` distinct arms from one joint Thompson draw, best draw first.

        Args:
            segment: The segment key ``"<channel>:<niche group>"``.
            allowed_angles: The angles the prospect's facts support (unknown ones are ignored;
                ``generic`` is used when none is left).
            n: How many distinct arms (at most the number of allowed arms).
            rng: The random source (the caller seeds it for reproducibility).
        """
        posteriors = self._posteriors(segment)
        scale = self.config.exploration
        wanted = set(allowed_angles)
        angles: list[str] = [a for a in ANGLES if a in wanted] or ["generic"]
        levels: dict[str, list[str]] = {"tone": list(TONES), "angle": angles, "cta": list(CTAS)}
        anchor = _logit(self._mean(segment, (_ALL, _ALL)))
        lift: dict[tuple[str, str], float] = {}  # logit(theta) - logit(mu) per level
        for factor, names in levels.items():
            for level in names:
                alpha, beta = posteriors[(factor, level)]
                lift[(factor, level)] = (
                    _logit(rng.betavariate(alpha * scale, beta * scale)) - anchor
                )
        scored = sorted(
            (
                (anchor + lift[("tone", t)] + lift[("angle", a)] + lift[("cta", c)], t, a, c)
                for t in levels["tone"]
                for a in levels["angle"]
                for c in levels["cta"]
            ),
            key=lambda item: -item[0],
        )
        return [
            ArmDraw(tone, angle, cta, _sigmoid(score), self.predict(segment, tone, angle, cta))
            for score, tone, angle, cta in scored[: max(n, 0)]
        ]

    def factor_summary(self, segment: str) -> dict[str, dict[str, tuple[float, float]]]:
        """Return ``{factor: {level: (posterior mean, segment sends)}}`` for the segment."""
        own: dict[tuple[str, str], float] = {}
        for arm, (sends, _) in self._segments.get(segment, {}).items():
            for factor, level in zip(_FACTOR_NAMES, arm, strict=True):
                own[(factor, level)] = own.get((factor, level), 0.0) + sends
        return {
            factor: {
                level: (self._mean(segment, (factor, level)), own.get((factor, level), 0.0))
                for level in levels
            }
            for factor, levels in FACTORS.items()
        }
