"""The documented Python API works as written: strategies, variation requests, defaults, errors."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from ipe import (
    ContextEngine,
    FeedbackLoop,
    IntelligentPersonalizationEngine,
    MessageVariation,
    PersonalizationError,
    PersonalizationStrategy,
)
from ipe.domain import EngineError, InvalidInputError
from ipe.memory.handles import outcome_store

ROOT = Path(__file__).resolve().parents[2]


def _engine(data_dir: str, user_id: Any = "acme") -> IntelligentPersonalizationEngine:
    return IntelligentPersonalizationEngine(user_id=user_id, data_dir=data_dir, durable=False)


async def test_a_pinned_strategy_is_followed_by_every_variation(
    data_dir: str, prospects: dict[str, Any], template: dict[str, Any]
) -> None:
    engine = _engine(data_dir)
    strategy = PersonalizationStrategy(
        tone_rules={"professional": 1.0}, content_rules={"recent_content": 1.0}
    )
    for i in range(4):
        result = await engine.personalize_message(
            prospects["ana-email"], template, strategy=strategy, message_id=f"pin-{i}"
        )
        assert result.variations
        assert {v.plan.tone for v in result.variations if v.plan} == {"professional"}
        assert {v.plan.angle for v in result.variations if v.plan} == {"recent_content"}
        assert result.strategy and result.strategy.tone_rules == {"professional": 1.0}
        assert any("tone rules override" in r for r in result.reasons)  # Ana prefers casual


async def test_weights_tilt_the_draws_without_pinning(
    data_dir: str, prospects: dict[str, Any], template: dict[str, Any]
) -> None:
    engine = _engine(data_dir)
    heavy = PersonalizationStrategy(tone_rules={"professional": 20.0, "enthusiastic": 1.0})
    first: Counter[str] = Counter()
    for i in range(30):
        result = await engine.personalize_message(
            prospects["ana-email"], template, strategy=heavy, message_id=f"w-{i}"
        )
        tones = [v.plan.tone for v in result.variations if v.plan]
        assert set(tones) <= {"professional", "enthusiastic"}
        first[tones[0]] += 1
    # log(20) ~ 3 logits of preference: the first draw is almost always professional, and the
    # other allowed tone still appears among the variations.
    assert first["professional"] >= 25


async def test_a_variation_request_varies_only_its_factor(
    data_dir: str, prospects: dict[str, Any], template: dict[str, Any]
) -> None:
    engine = _engine(data_dir)
    for kind, index in (("tone", 0), ("cta", 2)):
        request = MessageVariation(template=template, variation_type=kind)
        for i in range(3):
            result = await engine.personalize_message(
                prospects["liam-linkedin"], request, message_id=f"{kind}-{i}"
            )
            arms = [v.arm.split("/") for v in result.variations]
            varied = {arm[index] for arm in arms}
            fixed = {tuple(a for j, a in enumerate(arm) if j != index) for arm in arms}
            assert len(varied) == len(arms) == 3, arms
            assert len(fixed) == 1, arms
            assert {v.variation_type for v in result.variations} == {kind}


async def test_requests_and_strategies_validate_to_personalization_errors(
    data_dir: str, prospects: dict[str, Any], template: dict[str, Any]
) -> None:
    with pytest.raises(PersonalizationError, match="unknown level loud"):
        PersonalizationStrategy(tone_rules={"loud": 1.0})
    with pytest.raises(PersonalizationError, match="at least one weight"):
        PersonalizationStrategy(content_rules={"bio": 0})
    with pytest.raises(PersonalizationError, match="variation_type"):
        MessageVariation(template=template, variation_type="length")
    engine = _engine(data_dir)
    with pytest.raises(InvalidInputError, match="needs a template"):
        await engine.personalize_message(prospects["ana-email"], MessageVariation())
    with pytest.raises(PersonalizationError, match="unknown level"):
        await engine.personalize_message(
            prospects["ana-email"], template, strategy={"cta_rules": {"dance": 1}}
        )


async def test_other_failures_are_engine_errors(
    tmp_path: Path,
    prospects: dict[str, Any],
    template: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    engine = IntelligentPersonalizationEngine(user_id="x", data_dir=blocker / "data")
    with pytest.raises(PersonalizationError, match="data directory"):
        await engine.personalize_message(prospects["ana-email"], template)

    def broken(**_: Any) -> None:
        raise RuntimeError("the strategy step broke")

    monkeypatch.setattr("ipe.nodes.strategy.build_strategy", broken)
    engine = IntelligentPersonalizationEngine(user_id="x", data_dir=tmp_path / "ok")
    with pytest.raises(EngineError, match="failed.*strategy step broke") as info:
        await engine.personalize_message(prospects["ana-email"], template)
    assert isinstance(info.value.__cause__, RuntimeError)


async def test_companions_default_to_the_engines_tenant_and_data(
    data_dir: str, prospects: dict[str, Any], template: dict[str, Any]
) -> None:
    engine = _engine(data_dir, user_id=123)
    result = await engine.personalize_message(prospects["ana-email"], template)
    loop = FeedbackLoop()
    assert (loop.context.user_id, loop.context.data_dir) == ("123", engine.context.data_dir)
    assert ContextEngine().context.user_id == "123"
    outcome = await loop.update_model(result.message_id, {"event": "opened"})
    assert outcome["counted"] == 1
    assert FeedbackLoop(user_id="other").context.user_id == "other"


async def test_the_flags_form_of_engagement(
    data_dir: str, prospects: dict[str, Any], template: dict[str, Any]
) -> None:
    engine = _engine(data_dir)
    result = await engine.personalize_message(prospects["ana-email"], template)
    loop = FeedbackLoop(user_id="acme", data_dir=data_dir)
    data = {"opened": True, "clicked": False, "replied": True, "reply_text": "Interested, tell me"}
    first = await loop.update_model(result.message_id, data)
    assert (first["counted"], first["outcome"]) == (2, "interested")
    again = await loop.update_model(result.message_id, data)  # the same record counts once
    assert (again["counted"], again["duplicates"]) == (0, 2)
    assert outcome_store(data_dir).events_count("acme") == 2
    with pytest.raises(InvalidInputError, match="every flag is false"):
        await loop.update_model(result.message_id, {"opened": False, "replied": False})
    with pytest.raises(InvalidInputError, match="true or false"):
        await loop.update_model(result.message_id, {"opened": "yes"})


def test_the_readme_python_snippets_run_as_written(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    snippets = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert snippets, "the README documents the Python API"
    for code in snippets:
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", "IPE_DATA_DIR": str(tmp_path / "d"), "IPE_LLM": "none"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert "refused:" in done.stdout
