"""Metrics of one tenant's outcomes, each with its sample size and a 90% interval.

* personalization success rate: share of recorded messages that were sendable (passed the checks:
  ready, or needs_review) and used >= 1 fact;
* positive outcome rate and mean reward of the sends;
* variation performance: per arm, sends and positive rate;
* strategy effectiveness: per segment, positive rate vs the segment's uniform-arm average (the
  mean of the per-arm positive rates of the arms tried there: what picking arms at random among
  them would have earned), and the lift;
* context relevance: share of runs that applied at least one stored lesson;
* feedback impact: positive rate of the first vs the last quarter of sends, and the learning
  curve per window of sends.

A send is a message that was SENT (``is_send``: a ``sent`` event, or engagement that implies it;
previews and blocked runs never are) and whose outcome counts in the strategy model
(``tools/policies/reward.toml``: a bounce does not, a pending message not yet). Messages that were
reviewed and then sent count like any other. Sent messages past their no-event window are read as
settled (``no_reply``, or ``clicked``) without writing anything: computing the stats never changes
the store. ``lifecycle`` counts the messages per stage (blocked, drafted, edited, approved, sent);
``outcomes`` counts the sent messages per outcome.
Comparisons below ``[stats] min_n`` sends a side are withheld as "not enough data".
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from pydantic import BaseModel, Field

from ipe.memory.outcomes import MessageRecord, OutcomeStore
from ipe.memory.reward import (
    counts_in_model,
    is_positive,
    reward_of,
)
from ipe.tools.learning.intervals import Metric, level, mean, share, share_difference, z_value
from ipe.tools.learning.segments import describe_segment
from ipe.tools.policies import load_pack

Send = tuple[str, str, bool, float]
"""``(segment, arm, positive, reward)`` of one send."""


@cache
def settings() -> tuple[int, int]:
    """``(min_n, curve_window)`` from ``[stats]`` in ``tools/policies/learning.toml``."""
    raw = load_pack("learning")["stats"]
    return int(raw["min_n"]), int(raw["curve_window"])


class ArmPerformance(BaseModel):
    """One arm's sends and outcomes (all segments together)."""

    arm: str
    sends: int
    positive_rate: Metric
    mean_reward: Metric


class SegmentPerformance(BaseModel):
    """One segment's positive rate against its uniform-arm average."""

    segment: str
    description: str
    sends: int
    positive_rate: Metric
    uniform_arm_average: float
    lift: Metric


class CurvePoint(BaseModel):
    """One learning-curve window."""

    start: int
    end: int
    positive_rate: Metric


class FeedbackImpact(BaseModel):
    """How the positive rate moved as feedback accumulated."""

    first_quarter: Metric
    last_quarter: Metric
    change: Metric
    learning_curve: list[CurvePoint] = Field(default_factory=list)


DEFINITIONS: dict[str, str] = {
    "sends": "messages marked sent (a sent event, or engagement that implies it), not blocked",
    "lifecycle": "messages per stage: blocked, drafted, edited, approved, sent",
    "personalization success rate": "of all messages written for the tenant, the share that "
    "passed the checks (ready or needs_review) AND cite at least one fact about the person "
    "(not the honest non-specific opener)",
    "positive outcome rate": "of the settled sends (a reply, conversion or opt-out came, or the "
    "no-event window passed; bounces left out), the share with a positive outcome (converted "
    "or an interested reply: tools/policies/reward.toml)",
    "mean reward": "the mean reward in [0, 1] of the same settled sends "
    "(tools/policies/reward.toml)",
    "context relevance (lessons used)": "of all messages, the share whose strategy was shaped by "
    "at least one confirmed lesson",
    "positive rate, first/last quarter": "the positive outcome rate of the first and of the last "
    "quarter of the settled sends, in send order",
    "feedback impact (change)": "last quarter minus first quarter, withheld (shown as not enough "
    "data) below the minimum sends a side",
    "outcome (sent)": "sent messages per outcome (pending ones included)",
    "arm (tone/angle/cta)": "the positive outcome rate of each arm's settled sends",
    "segment": "per channel x niche group: the positive outcome rate, 'uniform' (the mean of the "
    "per-arm rates: what choosing arms at random would score) and 'lift' (rate minus uniform)",
    "[interval] n": "every rate has its interval (Wilson, at the level shown) and the n it counts",
}
"""What every figure of ``ipe stats`` means: its help and the README print these."""


def definitions_text() -> str:
    """The definitions as the lines of ``ipe stats --help``."""
    return "figures:\n" + "\n".join(f"  {name}: {text}" for name, text in DEFINITIONS.items())


class StatsReport(BaseModel):
    """Every metric for one tenant."""

    tenant: str
    messages: int
    lifecycle: dict[str, int]
    """Messages per lifecycle stage: blocked, drafted, edited, approved, sent."""
    sends: int
    events: int
    edits: int
    interval: float
    """The level of every interval (e.g. 0.9)."""
    min_n: int
    personalization_success_rate: Metric
    positive_rate: Metric
    mean_reward: Metric
    context_relevance: Metric
    outcomes: dict[str, int]
    variations: list[ArmPerformance]
    strategy_effectiveness: list[SegmentPerformance]
    feedback_impact: FeedbackImpact


def is_send(record: MessageRecord) -> bool:
    """True for a message that was sent (what the sends of every metric are made of)."""
    return record.sent_at is not None and record.status != "blocked"


def is_sendable(record: MessageRecord) -> bool:
    """True for a message that passed the checks (ready, or waiting for a person's review)."""
    return record.status in ("ready", "needs_review")


def compute_stats(store: OutcomeStore, tenant: str, *, now: datetime | None = None) -> StatsReport:
    """Compute every metric of ``tenant`` from the outcome store (read only)."""
    min_n, window = settings()
    moment = now or datetime.now(UTC)
    records = store.message_outcomes(tenant, as_of=moment)
    sends: list[Send] = [
        (r.segment, r.arm, is_positive(o), reward_of(o))
        for r, o in records
        if is_send(r) and counts_in_model(o)
    ]
    outcomes: dict[str, int] = {}
    lifecycle = {"blocked": 0, "drafted": 0, "edited": 0, "approved": 0, "sent": 0}
    for record, outcome in records:
        lifecycle["blocked" if record.status == "blocked" else record.stage] += 1
        if is_send(record):
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    personalized = sum(1 for r, _ in records if is_sendable(r) and len(r.fact_ids) >= 1)
    with_lessons = sum(1 for r, _ in records if r.lessons_applied > 0)
    return StatsReport(
        tenant=tenant,
        messages=len(records),
        lifecycle=lifecycle,
        sends=len(sends),
        events=store.events_count(tenant),
        edits=store.edits_count(tenant),
        interval=level(),
        min_n=min_n,
        personalization_success_rate=share(personalized, len(records)),
        positive_rate=share(sum(s[2] for s in sends), len(sends)),
        mean_reward=mean([s[3] for s in sends]),
        context_relevance=share(with_lessons, len(records)),
        outcomes=dict(sorted(outcomes.items(), key=lambda kv: -kv[1])),
        variations=_arms(sends),
        strategy_effectiveness=_segments(sends, min_n),
        feedback_impact=_impact(sends, min_n, window),
    )


def _arms(sends: list[Send]) -> list[ArmPerformance]:
    table: dict[str, list[Send]] = {}
    for send in sends:
        table.setdefault(send[1], []).append(send)
    rows = [
        ArmPerformance(
            arm=arm,
            sends=len(cell),
            positive_rate=share(sum(s[2] for s in cell), len(cell)),
            mean_reward=mean([s[3] for s in cell]),
        )
        for arm, cell in table.items()
    ]
    return sorted(rows, key=lambda row: (-row.sends, -(row.positive_rate.value or 0.0), row.arm))


def _segments(sends: list[Send], min_n: int) -> list[SegmentPerformance]:
    arms: dict[str, dict[str, list[int]]] = {}
    for segment, arm, positive, _ in sends:
        cell = arms.setdefault(segment, {}).setdefault(arm, [0, 0])
        cell[0] += 1
        cell[1] += positive
    rows = []
    for segment, table in arms.items():
        n = sum(cell[0] for cell in table.values())
        pos = sum(cell[1] for cell in table.values())
        rates = [cell[1] / cell[0] for cell in table.values()]
        uniform = sum(rates) / len(rates)
        rows.append(
            SegmentPerformance(
                segment=segment,
                description=describe_segment(segment),
                sends=n,
                positive_rate=share(pos, n),
                uniform_arm_average=round(uniform, 4),
                lift=_lift(pos, n, table, uniform, min_n),
            )
        )
    return sorted(rows, key=lambda row: (-row.sends, row.segment))


def _lift(
    positives: int, n: int, table: dict[str, list[int]], uniform: float, min_n: int
) -> Metric:
    """The segment's rate minus its uniform-arm average, with a normal interval.

    The variance adds the rate's and the average's (the mean of per-arm rates, each with its own
    binomial variance); withheld below ``min_n`` sends or with a single arm tried.
    """
    if n < min_n or len(table) < 2:
        return Metric(value=None, n=n, note=f"not enough data (needs {min_n} sends over 2+ arms)")
    rate = positives / n
    k = len(table)
    var = rate * (1 - rate) / n + sum(
        (c[1] / c[0]) * (1 - c[1] / c[0]) / c[0] for c in table.values()
    ) / (k * k)
    half = z_value() * math.sqrt(var)
    lift = rate - uniform
    return Metric(value=round(lift, 4), n=n, low=round(lift - half, 4), high=round(lift + half, 4))


def _impact(sends: list[Send], min_n: int, window: int) -> FeedbackImpact:
    quarter = max(len(sends) // 4, 1)
    first, last = sends[:quarter], sends[-quarter:] if sends else []
    pos_first, pos_last = sum(s[2] for s in first), sum(s[2] for s in last)
    curve = [
        CurvePoint(
            start=start,
            end=start + len(chunk),
            positive_rate=share(sum(s[2] for s in chunk), len(chunk)),
        )
        for start in range(0, len(sends), window)
        if (chunk := sends[start : start + window])
    ]
    return FeedbackImpact(
        first_quarter=share(pos_first, len(first)),
        last_quarter=share(pos_last, len(last)),
        change=share_difference((pos_first, len(first)), (pos_last, len(last)), min_n=min_n),
        learning_curve=curve,
    )


def render_table(report: StatsReport) -> str:
    """Return the report as a plain-text table (every rate with its interval and n)."""
    impact = report.feedback_impact
    level = f"{report.interval:.0%}"
    lines = [
        f"tenant {report.tenant}: {report.messages} messages, {report.sends} sends, "
        f"{report.events} events, {report.edits} edits ({level} intervals; comparisons need "
        f"{report.min_n} sends a side)",
        "lifecycle: " + ", ".join(f"{n} {stage}" for stage, n in report.lifecycle.items()),
        "",
        f"{'metric':<34}{'value [interval] n':>34}",
        f"{'personalization success rate':<34}{report.personalization_success_rate.show():>34}",
        f"{'positive outcome rate':<34}{report.positive_rate.show():>34}",
        f"{'mean reward':<34}{report.mean_reward.show('.3f'):>34}",
        f"{'context relevance (lessons used)':<34}{report.context_relevance.show():>34}",
        f"{'positive rate, first quarter':<34}{impact.first_quarter.show():>34}",
        f"{'positive rate, last quarter':<34}{impact.last_quarter.show():>34}",
        f"{'feedback impact (change)':<34}{impact.change.show('+.1%'):>34}",
        "",
        f"{'outcome (sent)':<20}{'messages':>10}",
        *(f"{name:<20}{count:>10}" for name, count in report.outcomes.items()),
        "",
        f"{'arm (tone/angle/cta)':<36}{'positive rate [interval] n':>34}",
        *(f"{row.arm:<36}{row.positive_rate.show():>34}" for row in report.variations[:15]),
        "",
        f"{'segment':<30}{'positive rate [interval] n':>34}{'uniform':>9}  lift",
        *(
            f"{row.segment:<30}{row.positive_rate.show():>34}{row.uniform_arm_average:>9.1%}  "
            f"{row.lift.show('+.1%')}"
            for row in report.strategy_effectiveness
        ),
    ]
    return "\n".join(lines)


def plot_stats(report: StatsReport, path: Path) -> None:
    """Draw the learning curve and the top-10 arms' positive rates, with intervals, to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (curve_ax, arm_ax) = plt.subplots(1, 2, figsize=(13, 5))
    points = [p for p in report.feedback_impact.learning_curve if p.positive_rate.value is not None]
    ends = [p.end for p in points]
    values = [p.positive_rate.value or 0.0 for p in points]
    lows = [p.positive_rate.low or 0.0 for p in points]
    highs = [p.positive_rate.high or 0.0 for p in points]
    curve_ax.plot(ends, values, marker="o")
    curve_ax.fill_between(ends, lows, highs, alpha=0.2, label=f"{report.interval:.0%} interval")
    window = points[0].end - points[0].start if points else settings()[1]
    curve_ax.set_title(f"Learning curve (positive rate per {window} sends)")
    curve_ax.set_xlabel("sends")
    curve_ax.set_ylabel("positive outcome rate")
    curve_ax.set_ylim(0, max(highs + [0.1]) * 1.1)
    curve_ax.grid(alpha=0.3)
    if points:
        curve_ax.legend(loc="lower right")
    top = [row for row in report.variations if row.positive_rate.value is not None][:10][::-1]
    rates = [row.positive_rate.value or 0.0 for row in top]
    errors = [
        [r - (row.positive_rate.low or 0.0) for r, row in zip(rates, top, strict=True)],
        [(row.positive_rate.high or 0.0) - r for r, row in zip(rates, top, strict=True)],
    ]
    arm_ax.barh([row.arm for row in top], rates, xerr=errors, capsize=3)
    for y, row in enumerate(top):
        arm_ax.text(row.positive_rate.high or 0.0, y, f" n={row.sends}", va="center", fontsize=8)
    arm_ax.set_title(f"Top 10 arms by sends: positive rate ({report.interval:.0%} intervals)")
    arm_ax.set_xlabel("positive outcome rate")
    arm_ax.set_ylabel("arm (tone/angle/cta)")
    fig.suptitle(f"Tenant {report.tenant}: {report.sends} sends, {report.positive_rate.show()}")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
