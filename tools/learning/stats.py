"""Metrics of one tenant's outcomes: the numbers the documentation names, a table and a chart.

* personalization success rate: share of recorded messages that were ready AND used >= 1 fact;
* variation performance: per arm, sends and positive rate;
* strategy effectiveness: per segment, positive rate vs the segment's uniform-arm average (the
  mean of the per-arm positive rates of the arms tried there: what picking arms at random among
  them would have earned);
* context relevance: share of runs that applied at least one stored lesson;
* feedback impact: positive rate of the first vs the last quarter of sends, and the learning
  curve per window of 50 sends.

A send is a recorded message with status ``ready`` whose outcome counts in the strategy model
(``tools/policies/reward.toml``: by default a bounce does not).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from ipe.memory.outcomes import OutcomeStore
from ipe.tools.learning.reward import counts_in_model, is_positive, reward_of
from ipe.tools.learning.segments import describe_segment

CURVE_WINDOW = 50
"""Sends per learning-curve window."""


class ArmPerformance(BaseModel):
    """One arm's sends and outcomes (all segments together)."""

    arm: str
    sends: int
    positives: int
    positive_rate: float
    mean_reward: float


class SegmentPerformance(BaseModel):
    """One segment's positive rate against its uniform-arm average."""

    segment: str
    description: str
    sends: int
    positive_rate: float
    uniform_arm_average: float
    lift: float


class CurvePoint(BaseModel):
    """One learning-curve window."""

    start: int
    end: int
    sends: int
    positive_rate: float
    mean_reward: float


class FeedbackImpact(BaseModel):
    """How the positive rate moved as feedback accumulated."""

    first_quarter_rate: float
    last_quarter_rate: float
    change: float
    learning_curve: list[CurvePoint] = Field(default_factory=list)


class StatsReport(BaseModel):
    """Every metric for one tenant."""

    tenant: str
    messages: int
    ready: int
    sends: int
    positives: int
    positive_rate: float
    mean_reward: float
    personalization_success_rate: float
    context_relevance: float
    outcomes: dict[str, int]
    variations: list[ArmPerformance]
    strategy_effectiveness: list[SegmentPerformance]
    feedback_impact: FeedbackImpact
    events: int
    edits: int


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def compute_stats(store: OutcomeStore, tenant: str) -> StatsReport:
    """Compute every metric of ``tenant`` from the outcome store (settling due messages first)."""
    store.settle_due()
    records = store.message_outcomes(tenant)
    sends: list[tuple[str, str, bool, float]] = []  # (segment, arm, positive, reward)
    outcomes: dict[str, int] = {}
    for record, outcome in records:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if record.status == "ready" and counts_in_model(outcome):
            sends.append((record.segment, record.arm, is_positive(outcome), reward_of(outcome)))
    ready = sum(1 for record, _ in records if record.status == "ready")
    personalized = sum(1 for r, _ in records if r.status == "ready" and len(r.fact_ids) >= 1)
    with_lessons = sum(1 for record, _ in records if record.lessons_applied > 0)
    positives = sum(1 for s in sends if s[2])
    return StatsReport(
        tenant=tenant,
        messages=len(records),
        ready=ready,
        sends=len(sends),
        positives=positives,
        positive_rate=_share(positives, len(sends)),
        mean_reward=round(sum(s[3] for s in sends) / len(sends), 4) if sends else 0.0,
        personalization_success_rate=_share(personalized, len(records)),
        context_relevance=_share(with_lessons, len(records)),
        outcomes=dict(sorted(outcomes.items(), key=lambda kv: -kv[1])),
        variations=_arms(sends),
        strategy_effectiveness=_segments(sends),
        feedback_impact=_impact(sends),
        events=store.events_count(tenant),
        edits=store.edits_count(tenant),
    )


def _arms(sends: list[tuple[str, str, bool, float]]) -> list[ArmPerformance]:
    table: dict[str, list[float]] = {}
    for _, arm, positive, reward in sends:
        cell = table.setdefault(arm, [0, 0, 0.0])
        cell[0] += 1
        cell[1] += positive
        cell[2] += reward
    rows = [
        ArmPerformance(
            arm=arm,
            sends=int(n),
            positives=int(pos),
            positive_rate=_share(int(pos), int(n)),
            mean_reward=round(total / n, 4),
        )
        for arm, (n, pos, total) in table.items()
    ]
    return sorted(rows, key=lambda row: (-row.sends, -row.positive_rate, row.arm))


def _segments(sends: list[tuple[str, str, bool, float]]) -> list[SegmentPerformance]:
    arms: dict[str, dict[str, list[int]]] = {}
    for segment, arm, positive, _ in sends:
        cell = arms.setdefault(segment, {}).setdefault(arm, [0, 0])
        cell[0] += 1
        cell[1] += positive
    rows = []
    for segment, table in arms.items():
        n = sum(cell[0] for cell in table.values())
        pos = sum(cell[1] for cell in table.values())
        uniform = sum(cell[1] / cell[0] for cell in table.values()) / len(table)
        rate = pos / n
        rows.append(
            SegmentPerformance(
                segment=segment,
                description=describe_segment(segment),
                sends=n,
                positive_rate=round(rate, 4),
                uniform_arm_average=round(uniform, 4),
                lift=round(rate - uniform, 4),
            )
        )
    return sorted(rows, key=lambda row: (-row.sends, row.segment))


def _impact(sends: list[tuple[str, str, bool, float]]) -> FeedbackImpact:
    quarter = max(len(sends) // 4, 1)

    def rate(part: list[tuple[str, str, bool, float]]) -> float:
        return _share(sum(1 for s in part if s[2]), len(part))

    first, last = rate(sends[:quarter]), rate(sends[-quarter:])
    curve = [
        CurvePoint(
            start=start,
            end=start + len(chunk),
            sends=len(chunk),
            positive_rate=rate(chunk),
            mean_reward=round(sum(s[3] for s in chunk) / len(chunk), 4),
        )
        for start in range(0, len(sends), CURVE_WINDOW)
        if (chunk := sends[start : start + CURVE_WINDOW])
    ]
    return FeedbackImpact(
        first_quarter_rate=first if sends else 0.0,
        last_quarter_rate=last if sends else 0.0,
        change=round(last - first, 4) if sends else 0.0,
        learning_curve=curve,
    )


def render_table(report: StatsReport) -> str:
    """Return the report as a plain-text table."""
    impact = report.feedback_impact
    lines = [
        f"tenant {report.tenant}: {report.messages} messages, {report.ready} ready, "
        f"{report.sends} sends, {report.events} events, {report.edits} edits",
        "",
        f"{'metric':<34}{'value':>10}",
        f"{'personalization success rate':<34}{report.personalization_success_rate:>10.1%}",
        f"{'positive outcome rate':<34}{report.positive_rate:>10.1%}",
        f"{'mean reward':<34}{report.mean_reward:>10.3f}",
        f"{'context relevance (lessons used)':<34}{report.context_relevance:>10.1%}",
        f"{'positive rate, first quarter':<34}{impact.first_quarter_rate:>10.1%}",
        f"{'positive rate, last quarter':<34}{impact.last_quarter_rate:>10.1%}",
        f"{'feedback impact (change)':<34}{impact.change:>+10.1%}",
        "",
        f"{'outcome':<20}{'messages':>10}",
        *(f"{name:<20}{count:>10}" for name, count in report.outcomes.items()),
        "",
        f"{'arm (tone/angle/cta)':<36}{'sends':>7}{'positive':>10}{'reward':>8}",
        *(
            f"{row.arm:<36}{row.sends:>7}{row.positive_rate:>10.1%}{row.mean_reward:>8.3f}"
            for row in report.variations[:15]
        ),
        "",
        f"{'segment':<30}{'sends':>7}{'positive':>10}{'uniform':>9}{'lift':>8}",
        *(
            f"{row.segment:<30}{row.sends:>7}{row.positive_rate:>10.1%}"
            f"{row.uniform_arm_average:>9.1%}{row.lift:>+8.1%}"
            for row in report.strategy_effectiveness
        ),
    ]
    return "\n".join(lines)


def plot_stats(report: StatsReport, path: Path) -> None:
    """Draw the learning curve and the top-10 arms' positive rates to ``path`` (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (curve_ax, arm_ax) = plt.subplots(1, 2, figsize=(13, 5))
    points = report.feedback_impact.learning_curve
    curve_ax.plot([p.end for p in points], [p.positive_rate for p in points], marker="o")
    curve_ax.set_title(f"Learning curve (positive rate per {CURVE_WINDOW} sends)")
    curve_ax.set_xlabel("sends")
    curve_ax.set_ylabel("positive outcome rate")
    curve_ax.set_ylim(0, max([p.positive_rate for p in points] + [0.1]) * 1.2)
    curve_ax.grid(alpha=0.3)
    top = sorted(report.variations, key=lambda row: (-row.sends, -row.positive_rate))[:10]
    labels = [row.arm for row in top]
    arm_ax.barh(labels[::-1], [row.positive_rate for row in top][::-1])
    for y, row in enumerate(top[::-1]):
        arm_ax.text(row.positive_rate, y, f" n={row.sends}", va="center", fontsize=8)
    arm_ax.set_title("Top 10 arms by sends: positive rate")
    arm_ax.set_xlabel("positive outcome rate")
    arm_ax.set_ylabel("arm (tone/angle/cta)")
    fig.suptitle(
        f"Tenant {report.tenant}: {report.sends} sends, {report.positive_rate:.1%} positive"
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
