"""Off-policy evaluation: would another policy have done better than what this tenant sent?

Each sent message keeps the arm it used, the arms it could have used (``allowed``) and the
probability the strategy step had of sending that arm (its *logging propensity*, estimated from
the sampler's draws: ``StrategyModel.propensities``). From those logs, the value of any other
policy ``pi`` (the expected positive rate had ``pi`` chosen the arms) is estimated two ways:

* inverse propensity (IPS): ``mean(pi(a_i | x_i) / mu_i * r_i)``, unbiased when the logged
  propensities are right, noisy when ``pi`` puts weight where the logs rarely went;
* doubly robust (DR): ``mean(sum_a pi(a|x_i) q(x_i, a) + pi(a_i|x_i) / mu_i (r_i - q(x_i, a_i)))``
  with ``q`` the strategy model's own prediction: unbiased if either the propensities or ``q``
  are right, and usually much less noisy.

Each estimate carries a 90% normal interval from the spread of its per-message terms and its
effective sample size. The policies compared: the *current* policy (what the strategy model
fitted on these logs would send now: its Thompson first-choice probabilities), *uniform* choice
among the allowed arms, and what was *actually sent* (the plain mean of the outcomes). The
simulator checks these estimates against its known truth (``tools/learning/simulator.py``).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import BaseModel

from ipe.memory.outcomes import ArmStat, OutcomeStore
from ipe.memory.reward import counts_in_model, is_positive, reward_of
from ipe.tools.learning.bandit import BanditConfig, StrategyModel

Z90 = 1.6448536269514722
"""The standard normal quantile of a two-sided 90% interval."""

PolicyFn = Callable[["LoggedSend"], Mapping[str, float]]
"""A policy: for one logged context, the probability of each allowed arm."""

QFn = Callable[[str, str], float]
"""A reward model: ``(segment, arm) -> predicted positive rate``."""


@dataclass(frozen=True)
class LoggedSend:
    """One sent message as off-policy evaluation sees it."""

    message_id: str
    segment: str
    arm: str
    """The arm sent, ``tone/angle/cta``."""
    allowed: tuple[str, ...]
    """Every arm the strategy step could have sent for this prospect."""
    propensity: float
    """The logging probability of ``arm`` (in (0, 1])."""
    reward: float
    """The observed outcome: 1.0 for a positive outcome, else 0.0."""
    graded: float = 0.0
    """The outcome's graded reward (``reward.toml``), what the strategy model learns from."""


class Estimate(BaseModel):
    """A policy value with its 90% interval, sample size and effective sample size."""

    value: float
    low: float
    high: float
    n: int
    effective_n: float
    """``(sum w)^2 / sum w^2`` of the importance weights (n for an on-policy mean)."""


class PolicyValue(BaseModel):
    """The estimated positive rate of one policy on the tenant's logs."""

    policy: str
    description: str
    ips: Estimate
    dr: Estimate


class PolicyEvalReport(BaseModel):
    """Current policy, uniform choice and what was sent, on the same logged sends."""

    tenant: str
    n: int
    skipped: int
    """Sent messages without a logged propensity (recorded before propensities were kept)."""
    logged: Estimate
    policies: list[PolicyValue]
    notes: list[str]


def _interval(terms: Sequence[float], weights: Sequence[float] | None = None) -> Estimate:
    n = len(terms)
    if n == 0:
        return Estimate(value=0.0, low=0.0, high=0.0, n=0, effective_n=0.0)
    mean = sum(terms) / n
    var = sum((t - mean) ** 2 for t in terms) / (n - 1) if n > 1 else 0.0
    half = Z90 * math.sqrt(var / n)
    if weights is None:
        effective = float(n)
    else:
        total, squares = sum(weights), sum(w * w for w in weights)
        effective = total * total / squares if squares else 0.0
    return Estimate(
        value=round(mean, 4),
        low=round(mean - half, 4),
        high=round(mean + half, 4),
        n=n,
        effective_n=round(effective, 1),
    )


def on_policy(logs: Sequence[LoggedSend]) -> Estimate:
    """The positive rate of what was actually sent, with its 90% interval."""
    return _interval([log.reward for log in logs])


def ips_terms(logs: Sequence[LoggedSend], policy: PolicyFn) -> tuple[list[float], list[float]]:
    """Per-message inverse-propensity terms of ``policy`` and their importance weights."""
    weights = [policy(log).get(log.arm, 0.0) / log.propensity for log in logs]
    return [w * log.reward for w, log in zip(weights, logs, strict=True)], weights


def dr_terms(
    logs: Sequence[LoggedSend], policy: PolicyFn, q: QFn
) -> tuple[list[float], list[float]]:
    """Per-message doubly robust terms of ``policy`` (reward model ``q``) and their weights."""
    terms, weights = [], []
    for log in logs:
        probs = policy(log)
        w = probs.get(log.arm, 0.0) / log.propensity
        direct = sum(p * q(log.segment, arm) for arm, p in probs.items())
        terms.append(direct + w * (log.reward - q(log.segment, log.arm)))
        weights.append(w)
    return terms, weights


def ips(logs: Sequence[LoggedSend], policy: PolicyFn) -> Estimate:
    """The inverse-propensity estimate of ``policy``'s positive rate on ``logs``."""
    return _interval(*ips_terms(logs, policy))


def doubly_robust(logs: Sequence[LoggedSend], policy: PolicyFn, q: QFn) -> Estimate:
    """The doubly robust estimate of ``policy``'s positive rate on ``logs`` (model ``q``)."""
    return _interval(*dr_terms(logs, policy, q))


def uniform_policy(log: LoggedSend) -> Mapping[str, float]:
    """Uniform choice among the arms the message could have used."""
    return {arm: 1.0 / len(log.allowed) for arm in log.allowed}


def model_policy(model: StrategyModel, *, draws: int = 2048) -> PolicyFn:
    """The strategy model's current policy: the probability that its Thompson draw sends each arm.

    Contexts that share a segment and an allowed set share one estimate.
    """
    cache: dict[tuple[str, tuple[str, ...]], Mapping[str, float]] = {}

    def policy(log: LoggedSend) -> Mapping[str, float]:
        key = (log.segment, log.allowed)
        if key not in cache:
            cache[key] = model.choice_probabilities(
                log.segment, log.allowed, seed=f"ope:{log.segment}", draws=draws
            )
        return cache[key]

    return policy


def model_q(model: StrategyModel) -> QFn:
    """The strategy model's plug-in prediction of an arm's positive rate, as DR's reward model."""

    def q(segment: str, arm: str) -> float:
        tone, angle, cta = arm.split("/")
        return model.predict(segment, tone, angle, cta)

    return q


FOLDS = 5
"""Cross-fitting folds: each fold is evaluated with a model fitted on the other folds."""


def fold_of(message_id: str, folds: int = FOLDS) -> int:
    """The cross-fitting fold of a message (stable: a hash of its id)."""
    return int(hashlib.sha256(message_id.encode("utf-8")).hexdigest()[:8], 16) % folds


def fit_on(logs: Sequence[LoggedSend], config: BanditConfig | None = None) -> StrategyModel:
    """A strategy model fitted on ``logs`` alone (their per-arm sends and rewards)."""
    cells: dict[tuple[str, str], list[float]] = {}
    for log in logs:
        cell = cells.setdefault((log.segment, log.arm), [0.0, 0.0, 0.0])
        cell[0] += 1
        cell[1] += log.graded
        cell[2] += log.reward
    stats = []
    for (segment, arm), (n, total, positives) in sorted(cells.items()):
        tone, angle, cta = arm.split("/")
        stats.append(ArmStat(segment, tone, angle, cta, int(n), total, int(positives)))
    return StrategyModel(stats, stats, config=config)


def cross_fit(
    logs: Sequence[LoggedSend], config: BanditConfig | None = None, folds: int = FOLDS
) -> list[tuple[list[LoggedSend], StrategyModel]]:
    """Split ``logs`` into folds and fit one model per fold on all the other folds."""
    parts: list[list[LoggedSend]] = [[] for _ in range(folds)]
    for log in logs:
        parts[fold_of(log.message_id, folds)].append(log)
    return [
        (part, fit_on([log for j, other in enumerate(parts) if j != k for log in other], config))
        for k, part in enumerate(parts)
        if part
    ]


def evaluate_policies(
    tenant: str,
    logs: Sequence[LoggedSend],
    *,
    config: BanditConfig | None = None,
    skipped: int = 0,
) -> PolicyEvalReport:
    """Compare the current policy, uniform choice and what was sent on ``logs``.

    The current policy and DR's reward model are *cross-fitted*: the logs are split into
    ``FOLDS`` folds and each fold is evaluated with a model fitted on the other folds only. A
    model evaluated on the very sends it was fitted on looks better than it is (it prefers the
    arms that happened to get lucky there); cross-fitting removes that optimism, at the price
    of evaluating a model fitted on four fifths of the data.
    """
    folds = cross_fit(logs, config)
    current, uniform = [], []
    for part, model in folds:
        policy, q = model_policy(model), model_q(model)
        current.append((ips_terms(part, policy), dr_terms(part, policy, q)))
        uniform.append((ips_terms(part, uniform_policy), dr_terms(part, uniform_policy, q)))
    notes = [
        f"the current policy is cross-fitted over {len(folds)} folds: each send is judged by a "
        "model fitted on the other folds"
    ]
    if skipped:
        notes.append(f"{skipped} sent messages have no logged propensity and are left out")
    values = []
    for name, description, parts in (
        ("current", "what the strategy model learned from these sends would choose", current),
        ("uniform", "uniform choice among each prospect's allowed arms", uniform),
    ):
        ips_est = _interval(*_joined([p[0] for p in parts]))
        dr_est = _interval(*_joined([p[1] for p in parts]))
        if ips_est.effective_n < 0.1 * max(ips_est.n, 1):
            notes.append(
                f"{name}: the logs rarely chose what this policy would (effective n "
                f"{ips_est.effective_n:.0f} of {ips_est.n}); trust the doubly robust estimate"
            )
        values.append(PolicyValue(policy=name, description=description, ips=ips_est, dr=dr_est))
    return PolicyEvalReport(
        tenant=tenant,
        n=len(logs),
        skipped=skipped,
        logged=on_policy(logs),
        policies=values,
        notes=notes,
    )


def _joined(
    parts: Sequence[tuple[list[float], list[float]]],
) -> tuple[list[float], list[float]]:
    return [t for p in parts for t in p[0]], [w for p in parts for w in p[1]]


def logged_sends(store: OutcomeStore, tenant: str) -> tuple[list[LoggedSend], int]:
    """The tenant's sent messages with a settled outcome, as off-policy evaluation reads them.

    Returns the logs and how many sent messages had no logged propensity (recorded before
    propensities were kept). Long-pending messages are read as settled, without writing.
    """
    from ipe.tools.learning.stats import is_send

    now = datetime.now(UTC)
    policies = store.message_policies(tenant)
    logs, skipped = [], 0
    for record, outcome in store.message_outcomes(tenant, as_of=now):
        if not is_send(record) or not counts_in_model(outcome):
            continue
        logged = policies.get(record.message_id)
        if logged is None or record.arm not in logged[2]:
            skipped += 1
            continue
        logs.append(
            LoggedSend(
                message_id=record.message_id,
                segment=record.segment,
                arm=record.arm,
                allowed=tuple(logged[2]),
                propensity=logged[1],
                reward=float(is_positive(outcome)),
                graded=reward_of(outcome),
            )
        )
    return logs, skipped


def render_policy_eval(report: PolicyEvalReport) -> str:
    """The report as a plain-text table."""

    def cell(e: Estimate) -> str:
        return f"{e.value:>7.1%} [{e.low:.1%}, {e.high:.1%}]"

    lines = [
        f"off-policy evaluation for tenant {report.tenant}: {report.n} sent messages "
        "(positive rate, 90% intervals)",
        f"{'policy':<14}{'inverse propensity':>28}{'doubly robust':>28}{'eff. n':>9}",
        f"{'as sent':<14}{cell(report.logged):>28}{cell(report.logged):>28}"
        f"{report.logged.effective_n:>9.0f}",
        *(
            f"{p.policy:<14}{cell(p.ips):>28}{cell(p.dr):>28}{p.ips.effective_n:>9.0f}"
            for p in report.policies
        ),
        *(f"note: {note}" for note in report.notes),
    ]
    return "\n".join(lines)
