from typing import Literal

from ipe.domain import Lesson
from ipe.memory.outcomes import ArmStat
from ipe.tools.learning.lessons import distil, lesson_bonus, lesson_id, probability_better

SEG = "instagram:outdoor_travel"
NOW = "2026-05-01T00:00:00+00:00"


def _stats(good: tuple[int, int], rest: tuple[int, int], segment: str = SEG) -> list[ArmStat]:
    """``recent_content`` with (sends, positives) ``good``; ``generic`` with ``rest``."""
    return [
        ArmStat(segment, "casual", "recent_content", "reply", good[0], 0.0, good[1]),
        ArmStat(segment, "casual", "generic", "reply", rest[0], 0.0, rest[1]),
    ]


def _angle_lesson(lessons: list[Lesson]) -> Lesson:
    [lesson] = [x for x in lessons if (x.factor, x.level) == ("angle", "recent_content")]
    return lesson


def test_probability_better() -> None:
    assert probability_better(24, 57, 10, 57) > 0.99
    assert probability_better(10, 57, 24, 57) < 0.01
    assert 0.45 < probability_better(5, 20, 5, 20) < 0.55


def test_confirmed_lesson_with_its_evidence_and_text() -> None:
    lessons = distil(
        "t1",
        SEG,
        _stats((57, 24), (57, 10)) + _stats((50, 1), (50, 40), segment="email:general"),
        [],
        now=NOW,
        evidence_ids={("angle", "recent_content"): [f"m{i}" for i in range(30)]},
    )
    lesson = _angle_lesson(lessons)
    assert lesson.status == "confirmed"
    assert lesson.id == lesson_id("t1", SEG, "angle", "recent_content")
    assert (lesson.sends, lesson.rate, lesson.baseline_rate) == (57, 0.4211, 0.1754)
    assert lesson.probability_best > 0.95
    assert lesson.text == (
        "On instagram, for outdoor and travel creators, opening with their latest content works:"
        " 42% positive over 57 sends vs 18% otherwise."
    )
    assert lesson.message_ids == [f"m{i}" for i in range(20)]
    assert lesson.updated_at == NOW
    assert all(x.segment == SEG for x in lessons)
    # the worse level and the levels without contrast teach nothing
    assert {(x.factor, x.level) for x in lessons} == {("angle", "recent_content")}


def test_candidate_needs_less_evidence_and_weak_evidence_teaches_nothing() -> None:
    candidate = _angle_lesson(distil("t1", SEG, _stats((20, 9), (40, 6)), [], now=NOW))
    assert candidate.status == "candidate"
    assert "looks promising" in candidate.text
    assert distil("t1", SEG, _stats((10, 5), (40, 6)), [], now=NOW) == []
    assert distil("t1", SEG, _stats((30, 6), (30, 6)), [], now=NOW) == []


def test_repeat_merges_and_only_material_changes_are_returned() -> None:
    first = distil("t1", SEG, _stats((57, 24), (57, 10)), [], now=NOW)
    assert distil("t1", SEG, _stats((57, 24), (57, 10)), first, now="later") == []
    grown = distil(
        "t1",
        SEG,
        _stats((80, 34), (60, 11)),
        first,
        now="later",
        evidence_ids={("angle", "recent_content"): ["new"]},
    )
    lesson = _angle_lesson(grown)
    assert lesson.id == _angle_lesson(first).id
    assert lesson.sends == 80 and lesson.message_ids == ["new"]


def test_contradicted_confirmed_lesson_is_retired_and_can_return() -> None:
    confirmed = distil("t1", SEG, _stats((57, 24), (57, 10)), [], now=NOW)
    weaker = distil("t1", SEG, _stats((100, 30), (100, 28)), confirmed, now=NOW)
    assert _angle_lesson(weaker).status == "confirmed"  # P still above the retire threshold
    retired = distil("t1", SEG, _stats((150, 30), (150, 45)), confirmed, now=NOW)
    lesson = _angle_lesson(retired)
    assert lesson.status == "retired"
    assert "no longer stands out" in lesson.text
    back = distil("t1", SEG, _stats((300, 120), (150, 30)), retired, now=NOW)
    assert _angle_lesson(back).status == "confirmed"


def test_lesson_bonus_weights_by_relatedness() -> None:
    def lesson(segment: str, status: Literal["candidate", "confirmed"] = "confirmed") -> Lesson:
        return Lesson(
            id=lesson_id("t1", segment, "cta", "sample"),
            text="x",
            segment=segment,
            factor="cta",
            level="sample",
            status=status,
        )

    bonus = lesson_bonus(
        [
            lesson(SEG),
            lesson("instagram:tech_gaming"),  # same channel: half
            lesson("tiktok:outdoor_travel"),  # same niche group: half
            lesson("email:finance_business"),  # unrelated
            lesson(SEG, status="candidate"),  # not confirmed
        ],
        SEG,
    )
    assert bonus == {(SEG, "cta", "sample"): 2.0 + 1.0 + 1.0}
    assert lesson_bonus([lesson("email:finance_business")], SEG) == {}
