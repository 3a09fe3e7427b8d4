import asyncio
import random

import pytest

from ipe.tools.learning.policy_eval import (
    LoggedSend,
    doubly_robust,
    evaluate_policies,
    fold_of,
    ips,
    on_policy,
    uniform_policy,
)
from ipe.tools.learning.simulator import check_policy_eval

ARMS = ("casual/bio/reply", "professional/audience/call", "casual/audience/link")
TRUE = {"casual/bio/reply": 0.5, "professional/audience/call": 0.1, "casual/audience/link": 0.2}
LOGGING = {"casual/bio/reply": 0.2, "professional/audience/call": 0.6, "casual/audience/link": 0.2}


def _logs(n: int, seed: int) -> list[LoggedSend]:
    rng = random.Random(seed)
    logs = []
    for i in range(n):
        arm = rng.choices(ARMS, weights=[LOGGING[a] for a in ARMS])[0]
        positive = rng.random() < TRUE[arm]
        logs.append(
            LoggedSend(
                message_id=f"m{i}",
                segment="email:tech_gaming",
                arm=arm,
                allowed=ARMS,
                propensity=LOGGING[arm],
                reward=float(positive),
                graded=0.6 if positive else 0.05,
            )
        )
    return logs


def test_ips_and_dr_recover_a_known_policy_value() -> None:
    """Logs from a skewed logging policy; the value of 'always casual/bio/reply' is 0.5."""
    logs = _logs(4000, seed=1)

    def always(_: LoggedSend) -> dict[str, float]:
        return {"casual/bio/reply": 1.0}

    def q(_: str, __: str) -> float:
        return 0.3  # a poor reward model: DR must still be unbiased (propensities are exact)

    for estimate in (ips(logs, always), doubly_robust(logs, always, q)):
        assert estimate.low <= 0.5 <= estimate.high
        assert abs(estimate.value - 0.5) < 0.05
    uniform = ips(logs, uniform_policy)
    assert uniform.low <= sum(TRUE.values()) / 3 <= uniform.high
    sent = on_policy(logs)
    truth = sum(LOGGING[a] * TRUE[a] for a in ARMS)
    assert sent.low <= truth <= sent.high and sent.effective_n == len(logs)


def test_a_policy_the_logs_never_tried_has_a_tiny_effective_sample() -> None:
    logs = [log for log in _logs(500, seed=2) if log.arm != "casual/bio/reply"]

    def always(_: LoggedSend) -> dict[str, float]:
        return {"casual/bio/reply": 1.0}

    assert ips(logs, always).value == 0.0 and ips(logs, always).effective_n == 0.0


def test_folds_are_stable_and_balanced() -> None:
    counts = [0] * 5
    for i in range(5000):
        counts[fold_of(f"m{i}")] += 1
    assert fold_of("m1") == fold_of("m1")
    assert min(counts) > 900


def test_report_compares_current_uniform_and_sent() -> None:
    report = evaluate_policies("t", _logs(1500, seed=3))
    assert [p.policy for p in report.policies] == ["current", "uniform"]
    assert report.n == 1500
    for value in report.policies:
        assert value.dr.low <= value.dr.value <= value.dr.high
    current = report.policies[0].dr
    uniform = report.policies[1].dr
    # the learned policy prefers the arm that is truly best: it beats uniform choice
    assert current.value > uniform.value
    assert any("cross-fitted" in note for note in report.notes)


@pytest.mark.parametrize("seed", [4])
def test_the_simulator_checks_the_estimates_against_its_truth(seed: int) -> None:
    """One seed here; bench/bench_policy_eval.py runs ten (issue 14: at least 9 of 10 agree).

    A 90% interval misses the truth one time in ten, so one seed checks a wider band: the truth
    within twice the interval's half-width of every DR estimate (a 99.9% event when unbiased).
    """
    checks = {c.policy: c for c in asyncio.run(check_policy_eval(sends=1000, seed=seed))}
    assert set(checks) == {"current", "uniform", "as sent"}
    for check in checks.values():
        half = (check.dr.high - check.dr.low) / 2
        assert abs(check.dr.value - check.truth) <= 2 * half, check
    assert checks["current"].truth > checks["uniform"].truth
    assert checks["current"].dr.value > checks["uniform"].dr.value
