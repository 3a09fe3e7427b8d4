"""Prompt regression tests: the golden set through both drafting paths, logged to LangSmith.

Each golden record is one LangSmith test (inputs, outputs, reference expectations and one feedback
score per evaluator and path); with ``LANGSMITH_TEST_TRACKING=false`` (``make test``) nothing leaves
the machine, with a LangSmith key the run is an experiment. The per-record assertions are the
guarantees that hold on every run (a sendable message passes compliance and grounding); the pass
rates per evaluator are gated by ``thresholds.toml`` and printed by ``make eval``.
"""

from __future__ import annotations

import asyncio
from statistics import mean

import pytest
from langsmith import testing as t

from ipe.tools.policies.channels import channel_names
from tests.eval.evaluators import EVALUATORS, Run, evaluate
from tests.eval.golden import LANGUAGES, load_cases
from tests.eval.harness import run_all
from tests.eval.scorecard import PATHS, load_thresholds, render, tally

CASES = load_cases()


@pytest.fixture(scope="module")
def golden_runs() -> list[Run]:
    return asyncio.run(run_all(CASES))


def test_the_golden_set_covers_what_a_manager_sends() -> None:
    assert len(CASES) >= 30
    assert {c.channel for c in CASES} == set(channel_names())
    assert {c.expect.language for c in CASES} == set(LANGUAGES)
    stages = {c.expect.stage for c in CASES}
    assert {"cold", "awaiting_reply", "check_back_due", "asked_for_details", "deferred"} <= stages
    assert sum(c.expect.thin for c in CASES) >= 4
    with_body = {c.template_key for c in CASES if c.template.get("body")}
    without = {c.template_key for c in CASES if not c.template.get("body")}
    assert with_body and without
    assert sum(c.manager_draft is not None for c in CASES) >= 10


@pytest.mark.langsmith
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_golden_record(case: object, golden_runs: list[Run]) -> None:
    runs = [r for r in golden_runs if r.case is case]
    first = runs[0].case
    t.log_inputs({"channel": first.channel, "prospect": first.prospect, "template": first.template})
    t.log_reference_outputs(
        {"stage": first.expect.stage, "language": first.expect.language, "hook": first.expect.hook}
    )
    t.log_outputs(
        {
            f"{r.path}:{r.message_id}": {"status": r.status, "subject": r.subject, "body": r.body}
            for r in runs
        }
    )
    verdicts = [(r, evaluate(r)) for r in runs]
    for path in PATHS:
        for name in EVALUATORS:
            scores = [v[name].score for r, v in verdicts if r.path == path and name in v]
            if scores:
                t.log_feedback(key=f"{path}.{name}", score=mean(scores))
    for run, verdict in verdicts:
        assert run.error is None, run.error
        if run.sendable:  # what the critic guarantees on every run, whatever the drafting path
            assert verdict["compliance"].passed, (run.message_id, verdict["compliance"].note)


def test_pass_rates_hold_the_gate(golden_runs: list[Run]) -> None:
    rows, _ = tally(golden_runs)
    gate = load_thresholds()
    low = [
        f"{path}.{name}: {rows[path][name].rate:.0%} < {minimum:.0%}"
        for path in PATHS
        for name, minimum in gate.get(path, {}).items()
        if rows[path][name].total and rows[path][name].rate < minimum
    ]
    assert not low, "\n" + render(golden_runs, rows)
