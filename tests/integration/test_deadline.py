"""Every run ends within its deadline: per-step timeouts, fallbacks, retries, the test server."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest

from ipe import FeedbackLoop, IntelligentPersonalizationEngine
from ipe.domain import Lesson, SettingsInvalidError
from ipe.memory.embeddings import HashingEmbeddings
from ipe.memory.handles import lesson_memory, outcome_store
from ipe.settings import load_settings
from ipe.tools.learning.embeddings import default_embedder
from ipe.tools.learning.segments import segment_key
from ipe.tools.provider.deadline import Deadline, deadline_or_default, reserve_for
from tests.fakes.models import ScriptedSlowModel

SLACK = 1.2
"""A shared 2-core machine may add a little to the deadline after the model work is cut."""
STEPS = {"research", "context", "strategy", "drafting", "critic", "feedback", "total"}


def engine(data_dir: str, model: Any, deadline: float, **options: Any) -> Any:
    return IntelligentPersonalizationEngine(
        user_id="t",
        data_dir=data_dir,
        llm="auto",
        chat_model=model,
        durable=False,
        deadline_s=deadline,
        **({"draft_mode": "per_variation"} | options),  # one call per variation: timed each
    )


def researched(prospect: dict[str, Any]) -> dict[str, Any]:
    """``prospect`` with a bio sentence no extracted fact carries: research has work to do."""
    more = (  # facts take two bio sentences at most: the third is research's to find
        " Every Sunday a new packing list goes up for the weekend crowd."
        " Trail runs before work most days of the week."
        " Fixing old gear instead of buying new is the rule here."
    )
    return {**prospect, "bio": str(prospect.get("bio") or "") + more}


def other_tasks() -> list[asyncio.Task[Any]]:
    return [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]


async def timed_run(eng: Any, prospect: dict[str, Any], template: dict[str, Any]) -> Any:
    start = time.monotonic()
    result = await eng.personalize_message(prospect, template)
    return result, time.monotonic() - start


@pytest.fixture(autouse=True, scope="module")
def _warm(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Offline runs first: first loads (language detector, confusables) are not model time."""
    from tests.conftest import EXAMPLES, load_example

    data = str(tmp_path_factory.mktemp("warm"))
    eng = IntelligentPersonalizationEngine(user_id="w", data_dir=data, durable=False)
    for path in sorted((EXAMPLES / "prospects").glob("*.json")):
        record = json.loads(path.read_text("utf-8"))
        asyncio.run(eng.personalize_message(record, load_example("template")))


def test_the_deadline_setting() -> None:
    assert deadline_or_default(None) == 30.0
    assert deadline_or_default(-1) == 30.0 and deadline_or_default(float("nan")) == 30.0
    assert deadline_or_default(4.5) == 4.5
    deadline = Deadline.starting_now(10)
    assert deadline.for_model() == pytest.approx(10 - reserve_for(10), abs=0.05)
    assert deadline.for_model(share=0.4) == pytest.approx(4.0, abs=0.05)
    assert Deadline(at=time.time() - 1, total_s=10).for_model() < 0


def test_the_environment_sets_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPE_DEADLINE_S", "12")
    assert IntelligentPersonalizationEngine(durable=False).context.deadline_s == 12.0
    monkeypatch.setenv("IPE_DEADLINE_S", "soon")  # a wrong value is an error naming it
    with pytest.raises(SettingsInvalidError, match="IPE_DEADLINE_S must be a number"):
        IntelligentPersonalizationEngine(durable=False)
    monkeypatch.setenv("IPE_DEADLINE_S", "12")
    assert IntelligentPersonalizationEngine(deadline_s=3).context.deadline_s == 3


async def test_slow_research_times_out_and_keeps_the_extracted_facts(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    model = ScriptedSlowModel(delay=lambda kind, p, n: 30 if kind == "research" else 0)
    ana = researched(prospects["ana-email"])
    result, took = await timed_run(engine(data_dir, model, 2.0), ana, template)
    assert took < 2.0 * SLACK
    timeouts = [r for r in result.reasons if "research timed out" in r]
    assert timeouts and "kept the extracted facts" in timeouts[0]
    assert result.facts_used, "the extracted facts survive a research timeout"
    assert {v.source for v in result.variations} == {"llm"}
    assert result.status == "ready"
    assert model.cancelled == ["research"]
    assert not other_tasks()


async def test_slow_drafts_fall_back_to_the_offline_drafter_each(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    model = ScriptedSlowModel(delay=lambda kind, p, n: 30 if kind == "draft" else 0)
    eng = engine(data_dir, model, 1.5)
    result, took = await timed_run(eng, prospects["kai-instagram"], template)
    assert took < 1.5 * SLACK
    assert {v.source for v in result.variations} == {"offline_fallback"}
    for v in result.variations:
        assert "timed out" in (v.fallback_reason or "")
        assert any(r.startswith(f"{v.id} composed offline: out of time") for r in result.reasons)
    assert result.status in ("ready", "needs_review") and result.body
    assert sorted(model.cancelled) == ["draft"] * len(result.variations)
    assert not other_tasks()


async def test_only_the_unfinished_variation_falls_back(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    # call 1 is research, calls 2-4 the drafts: the second draft never answers
    model = ScriptedSlowModel(delay=lambda kind, p, n: None if n == 3 else 0.05)
    ana = researched(prospects["ana-email"])
    result, took = await timed_run(engine(data_dir, model, 1.5), ana, template)
    assert took < 1.5 * SLACK
    sources = sorted(v.source for v in result.variations)
    assert sources == ["llm", "llm", "offline_fallback"]
    assert sum("composed offline: out of time" in r for r in result.reasons) == 1


async def test_a_hung_server_still_gives_a_message_in_time(
    server_env: Any, data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    server = server_env(hang=True)
    eng = IntelligentPersonalizationEngine(user_id="t", data_dir=data_dir, deadline_s=2.0)
    result, took = await timed_run(eng, researched(prospects["ana-email"]), template)
    assert took < 2.0 * SLACK
    assert result.status in ("ready", "needs_review")
    assert any("research timed out" in r for r in result.reasons)
    assert all("timed out" in (v.fallback_reason or "") for v in result.variations)
    assert server.stats.calls == 0
    assert not other_tasks()


async def test_a_server_slower_than_the_deadline_allows(
    server_env: Any, data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    """The 20 s server against a 30 s deadline, scaled down: every call takes 2/3 of it."""
    server_env(delay=2.0)
    eng = IntelligentPersonalizationEngine(user_id="t", data_dir=data_dir, deadline_s=3.0)
    for name in ("ana-email", "sam-x", "liam-linkedin"):
        result, took = await timed_run(eng, researched(prospects[name]), template)
        assert took < 3.0 * 1.5, name
        assert result.status in ("ready", "needs_review"), (name, result.reasons)
        assert any("timed out" in r for r in result.reasons)
        assert STEPS <= set(result.timings)


async def test_a_prompt_server_drafts_and_the_timings_add_up(
    server_env: Any, data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    server = server_env(delay=0.1)
    eng = IntelligentPersonalizationEngine(
        user_id="t", data_dir=data_dir, deadline_s=10, draft_mode="per_variation"
    )
    result, took = await timed_run(eng, researched(prospects["ana-email"]), template)
    assert {v.source for v in result.variations} == {"llm"}, result.reasons
    assert result.status == "ready"
    assert server.stats.calls == 1 + len(result.variations)
    timings = result.timings
    assert set(timings) == STEPS
    assert timings["research"] >= 0.1 and timings["drafting"] >= 0.1
    steps = sum(v for k, v in timings.items() if k != "total")
    assert steps <= timings["total"] + 0.01 <= took + 0.01
    assert result.to_json_dict()["timings"] == timings


async def test_retry_after_longer_than_the_time_left_falls_back_at_once(
    server_env: Any, data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    server = server_env(rate_limited=1, retry_after=60)
    eng = IntelligentPersonalizationEngine(user_id="t", data_dir=data_dir, deadline_s=10)
    result, took = await timed_run(eng, researched(prospects["ana-email"]), template)
    assert took < 3.0, "no waiting for a Retry-After that cannot fit"
    assert any("retry after 60.0 s" in r and "research" in r for r in result.reasons)
    assert server.stats.rate_limited == 1
    # the provider asked the account to wait 60 s: the drafts do not try before, and say so
    assert {v.source for v in result.variations} == {"offline_fallback"}
    assert all("rate limited" in (v.fallback_reason or "") for v in result.variations)
    assert result.source == "offline_fallback" and result.to_json_dict()["source"] == result.source


async def test_a_short_retry_after_is_waited_and_the_call_retried(
    server_env: Any, data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    server = server_env(rate_limited=1, retry_after=0.3)
    eng = IntelligentPersonalizationEngine(
        user_id="t", data_dir=data_dir, deadline_s=10, draft_mode="per_variation"
    )
    result, took = await timed_run(eng, researched(prospects["ana-email"]), template)
    assert took >= 0.3
    research = [r for r in result.reasons if r.startswith(("out of time", "research model"))]
    assert not research
    assert server.stats.rate_limited == 1
    assert server.stats.calls == 1 + len(result.variations)


async def test_reply_classification_times_out_to_the_rules(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    offline = IntelligentPersonalizationEngine(user_id="t", data_dir=data_dir, durable=False)
    sent = await offline.personalize_message(prospects["ana-email"], template)
    model = ScriptedSlowModel(delay=lambda kind, p, n: 30)
    loop = FeedbackLoop(user_id="t", data_dir=data_dir, llm="auto", chat_model=model, deadline_s=1)
    start = time.monotonic()
    await loop.update_model(
        sent.message_id, {"event": "replied", "reply_text": "Sounds great, tell me more!"}
    )
    assert time.monotonic() - start < 1.0
    assert model.cancelled == ["intent"]
    assert outcome_store(data_dir).outcome_of_message("t", sent.message_id) == "interested"


def test_the_default_embedder_gets_a_timeout_from_the_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    monkeypatch.setenv("IPE_LLM", "auto")
    monkeypatch.setenv("IPE_DEADLINE_S", "5")
    embedder = default_embedder(load_settings())
    assert embedder.request_timeout == pytest.approx(1.0)  # type: ignore[attr-defined]
    assert embedder.max_retries == 1  # type: ignore[attr-defined]


class _QueryTimesOut(HashingEmbeddings):
    def embed_query(self, text: str) -> list[float]:
        raise TimeoutError("embedding request timed out")


async def test_a_failing_lesson_search_leaves_the_run_without_lessons(
    data_dir: str, template: dict[str, Any], prospects: dict[str, Any]
) -> None:
    embedder = _QueryTimesOut()
    segment = segment_key("email", "outdoor_travel")
    lesson_memory(data_dir, "t", embedder).upsert(
        [Lesson(id="l1", text="casual wins", segment=segment, factor="tone", level="casual")]
    )
    eng = IntelligentPersonalizationEngine(
        user_id="t", data_dir=data_dir, durable=False, embedder=embedder
    )
    result = await eng.personalize_message(prospects["ana-email"], template)
    assert result.status == "ready"
    assert any("lesson search failed (TimeoutError)" in r for r in result.reasons)
