"""A synthetic population that proves the feedback loop learns.

The population (``tools/policies/simulator.toml``): segments over a few channels x niche groups
(3 x 3 = 9 by default). Every segment has a hidden taste: an ordering of the levels of each factor
(tone, angle, cta) with logit offsets (0 for the best level, then decreasing; plus a little
per-segment noise). A segment's positive-outcome probability for an arm is logistic-additive:
``p = sigmoid(base + offset_tone + offset_angle + offset_cta)`` where ``base`` makes the best arm
35-50% positive; a typical arm is around 6-15% and the worst about 4-8%. Tastes are shared the way
real audiences share them: one population-wide order per factor, which each channel changes with
some probability (its best level swapped with another), and a few contrarian segments prefer the
OPPOSITE (the reversed order) of everyone else in one factor. Pooling therefore helps most
segments and misleads a few.

Synthetic prospects are dicts in the engine's prospect JSON shape (id, name, platform, handle,
email, niche, audience_size, location, bio, recent_content with a title, tags); they always carry
a fact for every angle, so the best arm is always available, and their niche and tags map to
their segment's niche group (``ipe.tools.learning.segments.niche_group``).

Outcomes use common random numbers: one uniform ``u`` per send decides the outcome of the
engine's arm, of the oracle (always the segment's best arm) and of a uniform-random arm: an arm
is positive when ``u < p(arm)``, so the comparison is low-noise. For the engine's arm, ``u`` also
picks the reply: conversions and interested replies below ``p``; above it, by the configured
shares, not-interested, unsubscribe, not-now, out-of-office and unclassified replies, a click,
or no reply. The simulator sends what it drafts: every send gets a ``sent`` event (dated one
no-event window back, so silence settles at once) before its engagement. Replies carry TEXT
from a small bank, so the reply classifier is exercised; events arrive shuffled and a few are
replayed (same event id).

The loop is injectable: ``simulate(choose=..., feedback=...)`` drives the real engine (the CLI's
``simulate`` command) or ``ModelLevelLoop``, which uses the outcome store and the strategy model
directly (sample 3 arms, take the best draw) to test and tune the learner quickly.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from ipe.domain import ANGLES, CTAS, TONES
from ipe.memory.outcomes import MessageRecord, OutcomeStore
from ipe.memory.reward import is_positive, policy, reward_of
from ipe.tools.learning.bandit import BanditConfig, StrategyModel
from ipe.tools.learning.policy_eval import (
    Estimate,
    LoggedSend,
    cross_fit,
    evaluate_policies,
    model_policy,
    uniform_policy,
)
from ipe.tools.learning.replies import classify_reply
from ipe.tools.learning.segments import describe_segment, niche_group, segment_key
from ipe.tools.policies import load_pack
from ipe.tools.policies.channels import is_email
from ipe.tools.policies.intents import events as reply_events
from ipe.tools.policies.intents import registry

ChooseFn = Callable[[dict[str, Any], dict[str, Any], str], Awaitable[tuple[str, str]]]
"""``(prospect, template, channel) -> (message_id, arm "tone/angle/cta")``."""

FeedbackFn = Callable[[str, dict[str, Any]], Awaitable[None]]
"""``(message_id, engagement event dict) -> None``."""

SIM_ANGLES: tuple[str, ...] = tuple(a for a in ANGLES if a != "generic")
"""Synthetic prospects always carry personal facts, so the engine never opens generically: the
oracle and the random baseline choose among the same arms the engine can."""
ALL_ARMS: tuple[tuple[str, str, str], ...] = tuple(itertools.product(TONES, SIM_ANGLES, CTAS))
SIM_ARM_KEYS: tuple[str, ...] = tuple("/".join(arm) for arm in ALL_ARMS)
_FACTORS: dict[str, tuple[str, ...]] = {"tone": TONES, "angle": SIM_ANGLES, "cta": CTAS}


@cache
def config() -> dict[str, Any]:
    """Return the parsed ``simulator.toml``."""
    return load_pack("simulator")


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def parse_arm(arm: str) -> tuple[str, str, str]:
    """Split ``"tone/angle/cta"``; raise ``ValueError`` for anything else."""
    parts = arm.split("/")
    if len(parts) != 3 or any(p not in _FACTORS[f] for p, f in zip(parts, _FACTORS, strict=True)):
        raise ValueError(f"not an arm: {arm!r}")
    return parts[0], parts[1], parts[2]


@dataclass(frozen=True)
class SegmentTruth:
    """A segment's hidden response model."""

    segment: str
    channel: str
    group: str
    base: float
    """The logit of the best arm's positive probability."""
    offsets: dict[str, dict[str, float]]
    """``factor -> level -> logit offset`` (0 for the best level)."""
    contrarian: bool

    def rate(self, tone: str, angle: str, cta: str) -> float:
        """Return the positive-outcome probability of an arm."""
        o = self.offsets
        return _sigmoid(self.base + o["tone"][tone] + o["angle"][angle] + o["cta"][cta])

    @property
    def best(self) -> tuple[str, str, str]:
        """The best arm."""
        return tuple(max(levels, key=levels.__getitem__) for levels in self.offsets.values())  # type: ignore[return-value]

    @property
    def best_rate(self) -> float:
        """The best arm's positive probability."""
        return self.rate(*self.best)

    @property
    def mean_rate(self) -> float:
        """The average positive probability of a uniform-random arm."""
        return sum(self.rate(*arm) for arm in ALL_ARMS) / len(ALL_ARMS)

    def describe(self) -> dict[str, Any]:
        """A JSON summary: best arm and rates."""
        return {
            "segment": self.segment,
            "best_arm": "/".join(self.best),
            "best_rate": round(self.best_rate, 4),
            "mean_rate": round(self.mean_rate, 4),
            "worst_rate": round(min(self.rate(*arm) for arm in ALL_ARMS), 4),
            "contrarian": self.contrarian,
        }


def build_population(rng: random.Random) -> list[SegmentTruth]:
    """Draw the hidden tastes of every segment (see the module docstring)."""
    pop = config()["population"]
    low, high = pop["best_rate"]
    keys = [(c, g) for c in pop["channels"] for g in pop["groups"]]
    contrarians = dict.fromkeys(rng.sample(keys, int(pop["contrarian_segments"])), True)
    shared = {f: rng.sample(list(levels), len(levels)) for f, levels in _FACTORS.items()}
    segments: list[SegmentTruth] = []
    for channel in pop["channels"]:
        taste = {f: list(order) for f, order in shared.items()}
        for order in taste.values():
            if rng.random() < pop["channel_variation"]:
                other = rng.randrange(1, len(order))
                order[0], order[other] = order[other], order[0]
        for group in pop["groups"]:
            flipped = set()
            if (channel, group) in contrarians:
                flipped = set(rng.sample(list(_FACTORS), int(pop["contrarian_factors"])))
            offsets: dict[str, dict[str, float]] = {}
            for factor, order in taste.items():
                ranked = list(reversed(order)) if factor in flipped else order
                steps = pop[f"{factor}_offsets"]
                offsets[factor] = {
                    level: 0.0
                    if i == 0
                    else min(steps[i] + rng.gauss(0.0, pop["offset_noise"]), -0.15)
                    for i, level in enumerate(ranked)
                }
            best = rng.uniform(low, high)
            segments.append(
                SegmentTruth(
                    segment=segment_key(channel, group),
                    channel=channel,
                    group=group,
                    base=math.log(best / (1.0 - best)),
                    offsets=offsets,
                    contrarian=bool(flipped),
                )
            )
    return segments


def template() -> dict[str, Any]:
    """Return the simulation's affiliate template (the engine's template JSON shape)."""
    return dict(config()["template"])


def make_prospect(rng: random.Random, truth: SegmentTruth, index: int, seed: int) -> dict[str, Any]:
    """Return a synthetic prospect of ``truth``'s segment with a fact for every angle."""
    data = config()["prospects"]
    spec = data["groups"][truth.group]
    first, last = rng.choice(data["first_names"]), rng.choice(data["last_names"])
    handle = f"{first}{last}{index}".lower()
    platform = "youtube" if is_email(truth.channel) else truth.channel
    low, high = data["audience"]
    return {
        "id": f"sim-{seed}-{index}",
        "name": f"{first} {last}",
        "platform": platform,
        "handle": handle,
        "email": f"{handle}@example.com",
        "niche": rng.choice(spec["niches"]),
        "audience_size": int(math.exp(rng.uniform(math.log(low), math.log(high)))),
        "location": rng.choice(data["locations"]),
        "bio": rng.choice(spec["bios"]),
        "recent_content": [
            {
                "title": rng.choice(spec["titles"]),
                "url": f"https://{platform}.example/{handle}/{index}",
                "published_at": "2026-04-01",
                "platform": platform,
            }
        ],
        "tags": rng.sample(list(spec["tags"]), 2),
    }


def sent_event(message_id: str) -> dict[str, Any]:
    """The ``sent`` event of a simulated send, dated one no-event window (plus a day) ago.

    The simulator reports each send's events as they stand once its window has passed, so a send
    without a reply settles to no reply at once (as it would after the window in a tenant's log).
    """
    back = timedelta(days=policy().settle_days + 1)
    at = (datetime.now(UTC) - back).isoformat(timespec="seconds")
    return {"event_id": f"{message_id}:sent", "event": "sent", "at": at}


def engagement_events(
    message_id: str, u: float, p: float, rng: random.Random
) -> tuple[str, list[dict[str, Any]]]:
    """Return the outcome label and the events of one send (shuffled, maybe with a replay).

    ``u`` is the send's common random number and ``p`` the positive probability of the arm.
    """
    shares = config()["outcomes"]
    bank = config()["replies"]

    def reply(kind: str) -> dict[str, Any]:
        return {
            "event_id": f"{message_id}:reply",
            "event": "replied",
            "reply_text": rng.choice(bank[kind]),
        }

    events: list[dict[str, Any]] = [{"event_id": f"{message_id}:delivered", "event": "delivered"}]
    if u < p:
        label = "converted" if u < p * shares["converted_share"] else "interested"
        events.append(reply("interested"))
        if label == "converted":
            events.append({"event_id": f"{message_id}:converted", "event": "converted"})
    else:
        v = (u - p) / (1.0 - p)
        label = "no_reply"
        edge = 0.0
        for kind in _negative_replies(shares):
            edge += shares[kind]
            if v < edge:
                label = kind
                break
        else:
            edge += shares["unclassified"]
            if v < edge:
                label = "unclassified"
            elif v < edge + shares["clicked"]:
                label = "clicked"
        if label == "clicked":
            events.append({"event_id": f"{message_id}:clicked", "event": "clicked"})
        elif label != "no_reply":
            events.append(reply(label))
        if rng.random() < 0.4:
            events.append({"event_id": f"{message_id}:opened", "event": "opened"})
    if rng.random() < shares["duplicate_share"]:
        events.append(dict(events[0]))
    rng.shuffle(events)
    return label, events


@dataclass(frozen=True)
class SimWindow:
    """Positive rates of the engine, the oracle and uniform-random arms over a range of sends."""

    start: int
    end: int
    engine_rate: float
    oracle_rate: float
    random_rate: float
    cumulative_regret: float = 0.0
    """Expected positives lost to the oracle up to the window's end (from the true rates)."""


@dataclass
class SimReport:
    """What a simulation showed."""

    seed: int
    sends: int
    window: int
    final_window: int
    windows: list[SimWindow]
    engine_positives: int
    oracle_positives: int
    random_positives: int
    final_engine_rate: float
    final_oracle_rate: float
    final_random_rate: float
    final_window_ratio_to_oracle: float
    """Engine positives / oracle positives over the last ``final_window`` sends."""
    final_best_arm_share: float
    """Share of the last ``final_window`` sends that used their segment's best arm."""
    cumulative_regret: float = 0.0
    """Expected positives the engine lost to the oracle over all sends (sum of best rate minus
    the chosen arm's rate: no outcome noise)."""
    random_regret: float = 0.0
    """The same for uniform-random choice, for scale."""
    segments: list[dict[str, Any]] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return the report as a JSON-ready dict."""
        return asdict(self)

    def summary(self) -> str:
        """Return a short human-readable summary."""
        lines = [
            f"simulation: {self.sends} sends, seed {self.seed}, {len(self.segments)} segments",
            f"positives: engine {self.engine_positives}, oracle {self.oracle_positives}, "
            f"random {self.random_positives}",
            f"last {self.final_window} sends: engine {self.final_engine_rate:.1%}, oracle "
            f"{self.final_oracle_rate:.1%}, random {self.final_random_rate:.1%} "
            f"(engine/oracle {self.final_window_ratio_to_oracle:.2f}, best arm "
            f"{self.final_best_arm_share:.0%} of sends)",
            f"cumulative regret (expected positives lost to the oracle): engine "
            f"{self.cumulative_regret:.1f}, uniform random {self.random_regret:.1f}",
            f"{'sends':>11}  {'engine':>7}  {'oracle':>7}  {'random':>7}",
        ]
        lines += [
            f"{w.start + 1:>5}-{w.end:<5}  {w.engine_rate:>7.1%}  {w.oracle_rate:>7.1%}  "
            f"{w.random_rate:>7.1%}"
            for w in self.windows
        ]
        return "\n".join(lines)


def _rate(hits: list[bool]) -> float:
    return sum(hits) / len(hits) if hits else 0.0


async def simulate(
    *,
    sends: int,
    seed: int,
    choose: ChooseFn,
    feedback: FeedbackFn,
    window: int = 100,
    final_window: int = 500,
) -> SimReport:
    """Run ``sends`` synthetic sends through ``choose`` and report ``feedback`` for each.

    Args:
        sends: How many messages to send.
        seed: Seeds the population, the prospects, the outcomes and the random baseline.
        choose: Produces a message for ``(prospect, template, channel)``: ``(message id, arm)``.
        feedback: Receives every engagement event of a message, right after it is chosen.
        window: Sends per learning-curve window.
        final_window: Sends at the end over which the ratio to the oracle is computed.
    """
    population = build_population(random.Random(f"{seed}:population"))
    stream = random.Random(f"{seed}:stream")  # segments, prospects, common random numbers
    details = random.Random(f"{seed}:details")  # reply texts, event order, replays
    baseline = random.Random(f"{seed}:random")  # the uniform-random strategy
    tmpl = template()
    engine_hits: list[bool] = []
    oracle_hits: list[bool] = []
    random_hits: list[bool] = []
    best_used: list[bool] = []
    regret: list[float] = []
    random_regret = 0.0
    outcomes: dict[str, int] = {}
    for index in range(sends):
        truth = stream.choice(population)
        prospect = make_prospect(stream, truth, index, seed)
        u = stream.random()
        message_id, arm = await choose(prospect, dict(tmpl), truth.channel)
        tone, angle, cta = parse_arm(arm)
        p = truth.rate(tone, angle, cta)
        engine_hits.append(u < p)
        oracle_hits.append(u < truth.best_rate)
        random_arm = baseline.choice(ALL_ARMS)
        random_hits.append(u < truth.rate(*random_arm))
        regret.append(truth.best_rate - p)
        random_regret += truth.best_rate - truth.rate(*random_arm)
        best_used.append((tone, angle, cta) == truth.best)
        label, events = engagement_events(message_id, u, p, details)
        outcomes[label] = outcomes.get(label, 0) + 1
        await feedback(message_id, sent_event(message_id))  # it sends what it drafts
        for event in events:
            await feedback(message_id, event)
    windows = [
        SimWindow(
            start=start,
            end=min(start + window, sends),
            engine_rate=_rate(engine_hits[start : start + window]),
            oracle_rate=_rate(oracle_hits[start : start + window]),
            random_rate=_rate(random_hits[start : start + window]),
            cumulative_regret=round(sum(regret[: start + window]), 3),
        )
        for start in range(0, sends, window)
    ]
    tail = slice(max(sends - final_window, 0), sends)
    oracle_tail = sum(oracle_hits[tail])
    return SimReport(
        seed=seed,
        sends=sends,
        window=window,
        final_window=min(final_window, sends),
        windows=windows,
        engine_positives=sum(engine_hits),
        oracle_positives=sum(oracle_hits),
        random_positives=sum(random_hits),
        final_engine_rate=_rate(engine_hits[tail]),
        final_oracle_rate=_rate(oracle_hits[tail]),
        final_random_rate=_rate(random_hits[tail]),
        final_window_ratio_to_oracle=sum(engine_hits[tail]) / oracle_tail if oracle_tail else 0.0,
        final_best_arm_share=_rate(best_used[tail]),
        cumulative_regret=round(sum(regret), 3),
        random_regret=round(random_regret, 3),
        segments=[truth.describe() for truth in population],
        outcomes=dict(sorted(outcomes.items())),
    )


class ModelLevelLoop:
    """A ``ChooseFn``/``FeedbackFn`` pair that drives the learning half without the graph.

    ``choose`` maps the prospect to its segment, rebuilds the strategy model from the outcome
    store (every ``refresh_every`` sends: 1 rebuilds it for every message as the engine does, a
    larger value is a batch update that keeps long simulations fast), samples ``n`` arms and
    takes the best draw (as the engine's critic does when drafts are of equal quality), and
    records the message; ``feedback`` adds the events to the store (replies are classified by
    ``ipe.tools.learning.intent``).
    """

    def __init__(
        self,
        store: OutcomeStore,
        tenant: str,
        *,
        seed: int,
        n: int = 3,
        config: BanditConfig | None = None,
        refresh_every: int = 1,
        log_propensities: bool = False,
    ) -> None:
        self.store = store
        self.log_propensities = log_propensities
        self.decisions: list[LoggedSend] = []
        """With ``log_propensities``: every decision with the logging propensity of its arm."""
        self.refresh_every = max(refresh_every, 1)
        self._model: StrategyModel | None = None
        self.tenant = tenant
        self.n = n
        self.config = config
        self.rng = random.Random(f"{seed}:model")
        self._count = itertools.count(1)

    async def choose(
        self, prospect: dict[str, Any], tmpl: dict[str, Any], channel: str
    ) -> tuple[str, str]:
        """Sample ``n`` arms for the prospect's segment, record the best-draw one."""
        segment = segment_key(channel, niche_group(prospect.get("niche"), prospect.get("tags", [])))
        sent = next(self._count)
        if self._model is None or (sent - 1) % self.refresh_every == 0:
            self._model = StrategyModel.from_stats(
                self.store.arm_stats(self.tenant),
                self.store.population_arm_stats(),
                config=self.config,
            )
        draws = self._model.sample(segment, allowed_angles=SIM_ANGLES, n=self.n, rng=self.rng)
        best = max(draws, key=lambda d: d.draw)
        message_id = f"{self.tenant}-m{sent}"
        if self.log_propensities:
            propensity = self._model.propensities(
                segment,
                [best.arm],
                allowed_angles=SIM_ANGLES,
                n=self.n,
                seed=message_id,
            )[best.arm]
            self.decisions.append(
                LoggedSend(
                    message_id=message_id,
                    segment=segment,
                    arm=best.arm,
                    allowed=SIM_ARM_KEYS,
                    propensity=propensity.chosen,
                    reward=0.0,  # filled in from the store once the outcomes are in
                )
            )
        self.store.record_message(
            MessageRecord(
                message_id=message_id,
                tenant=self.tenant,
                prospect_id=str(prospect["id"]),
                channel=channel,
                segment=segment,
                tone=best.tone,
                angle=best.angle,
                cta=best.cta,
                fact_ids=["f1"],
                body=f"A {best.tone} note for {describe_segment(segment)}.",
                status="ready",
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            )
        )
        return message_id, best.arm

    async def feedback(self, message_id: str, event: dict[str, Any]) -> None:
        """Add one engagement event to the store (a reply's text read by the rules)."""
        kind, text = str(event["event"]), event.get("reply_text")
        self.store.add_event(
            self.tenant,
            message_id,
            event_id=str(event["event_id"]),
            kind=kind,
            intent=classify_reply(text) if kind == "replied" and text else None,
            reply_text=text,
            at=event.get("at"),
        )


@dataclass(frozen=True)
class PolicyCheck:
    """One policy's off-policy estimates beside the simulator's truth on the same contexts."""

    policy: str
    truth: float
    ips: Estimate
    dr: Estimate

    @property
    def ips_covers(self) -> bool:
        """True when the truth lies in the IPS estimate's 90% interval."""
        return self.ips.low <= self.truth <= self.ips.high

    @property
    def dr_covers(self) -> bool:
        """True when the truth lies in the DR estimate's 90% interval."""
        return self.dr.low <= self.truth <= self.dr.high


async def check_policy_eval(*, sends: int, seed: int, refresh_every: int = 5) -> list[PolicyCheck]:
    """Run the model-level learner with logged propensities, then check the off-policy estimates.

    After ``sends`` simulated sends (all outcomes settled), the current policy (the model fitted
    on every send), uniform choice and the logged choices are evaluated on the logs by IPS and
    DR; the truth of each is its exact expected positive rate on the same contexts under the
    simulator's hidden tastes.
    """
    import tempfile

    with tempfile.TemporaryDirectory(prefix="ipe-ope-") as tmp:
        store = OutcomeStore(Path(tmp) / "outcomes.sqlite")
        try:
            loop = ModelLevelLoop(
                store, "ope", seed=seed, refresh_every=refresh_every, log_propensities=True
            )
            await simulate(sends=sends, seed=seed, choose=loop.choose, feedback=loop.feedback)
            store.settle_pending(datetime.now(UTC) + timedelta(days=3650))
            outcomes = [
                store.outcome_of_message("ope", log.message_id) or "" for log in loop.decisions
            ]
            logs = [
                replace(log, reward=float(is_positive(outcome)), graded=reward_of(outcome))
                for log, outcome in zip(loop.decisions, outcomes, strict=True)
            ]
        finally:
            store.close()
    truths = {t.segment: t for t in build_population(random.Random(f"{seed}:population"))}

    def true_rate(segment: str, arm: str) -> float:
        return truths[segment].rate(*parse_arm(arm))

    def truth_of(
        policy: Callable[[LoggedSend], Mapping[str, float]], part: list[LoggedSend]
    ) -> float:
        return sum(
            sum(p * true_rate(log.segment, a) for a, p in policy(log).items()) for log in part
        )

    report = evaluate_policies("sim", logs)
    folds = cross_fit(logs)
    truth = {
        "current": sum(truth_of(model_policy(model), part) for part, model in folds) / len(logs),
        "uniform": sum(truth_of(uniform_policy, part) for part, _ in folds) / len(logs),
    }
    checks = [
        PolicyCheck(v.policy, round(truth[v.policy], 4), v.ips, v.dr) for v in report.policies
    ]
    sent = sum(true_rate(log.segment, log.arm) for log in logs) / len(logs)
    checks.append(PolicyCheck("as sent", round(sent, 4), report.logged, report.logged))
    return checks


def plot_simulation(report: SimReport, path: Path) -> None:
    """Draw the learning curves (engine, oracle, random per window) to ``path`` (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ends = [w.end for w in report.windows]
    fig, ax = plt.subplots(figsize=(9, 5))
    ax.plot(ends, [w.oracle_rate for w in report.windows], label="oracle (best arm)", ls="--")
    ax.plot(ends, [w.engine_rate for w in report.windows], label="engine", lw=2.2)
    ax.plot(ends, [w.random_rate for w in report.windows], label="uniform random", ls=":")
    ax.set_title(
        f"Learning curve: positive rate per {report.window} sends "
        f"(seed {report.seed}, last {report.final_window}: "
        f"{report.final_window_ratio_to_oracle:.0%} of oracle)"
    )
    ax.set_xlabel("sends")
    ax.set_ylabel("positive outcome rate")
    ax.set_ylim(0, max([w.oracle_rate for w in report.windows] + [0.1]) * 1.2)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _negative_replies(shares: dict[str, Any]) -> list[str]:
    """The non-positive reply events ``[outcomes]`` shares out, in its order (no unclassified)."""
    stored = set(reply_events()) - {"unclassified"}
    positive = {i.event for i in registry().values() if i.reward == "interested"}
    return [k for k in shares if k in stored and k not in positive]
