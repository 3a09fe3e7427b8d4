from ipe.domain import Lesson
from ipe.memory.embeddings import HashingEmbeddings
from ipe.memory.lessons import LessonMemory


def _lesson(i: str, text: str, segment: str, status: str = "confirmed") -> Lesson:
    return Lesson(
        id=i, text=text, segment=segment, factor="angle", level="recent_content", status=status
    )  # type: ignore[arg-type]


def test_search_finds_the_relevant_confirmed_lesson(tmp_path) -> None:
    mem = LessonMemory(tmp_path, "tenant-a", HashingEmbeddings())
    mem.upsert(
        [
            _lesson(
                "a",
                "On instagram, outdoor and travel creators like their latest trip",
                "instagram:outdoor_travel",
            ),
            _lesson(
                "b",
                "On linkedin, finance and business people prefer a call",
                "linkedin:finance_business",
            ),
            _lesson(
                "c",
                "On instagram, outdoor creators like a casual tone",
                "instagram:outdoor_travel",
                "candidate",
            ),
        ]
    )
    found = mem.search("instagram creators in outdoor and travel niches", k=2)
    assert [x.id for x in found][0] == "a"
    assert all(x.status == "confirmed" for x in found)


def test_upsert_merges_by_id_instead_of_duplicating(tmp_path) -> None:
    mem = LessonMemory(tmp_path, "tenant-a", HashingEmbeddings())
    mem.upsert([_lesson("a", "first text", "x:general")])
    mem.upsert([_lesson("a", "second text with more evidence", "x:general")])
    assert mem.count() == 1
    assert mem.all()[0].text == "second text with more evidence"


def test_tenants_never_see_each_others_lessons(tmp_path) -> None:
    canary = "CANARY-7f3a lesson only tenant a knows"
    LessonMemory(tmp_path, "tenant-a", HashingEmbeddings()).upsert(
        [_lesson("a", canary, "x:general")]
    )
    other = LessonMemory(tmp_path, "tenant-b", HashingEmbeddings())
    assert other.search(canary, k=5) == []
    assert other.all() == []


def test_a_write_through_any_handle_refreshes_cached_searches(tmp_path) -> None:
    reader = LessonMemory(tmp_path, "tenant-a", HashingEmbeddings())
    writer = LessonMemory(tmp_path, "tenant-a", HashingEmbeddings())
    query = "instagram creators in outdoor and travel niches"
    assert reader.search(query) == []
    writer.upsert([_lesson("a", "On instagram, outdoor creators like a trip", "instagram:x")])
    assert [x.id for x in reader.search(query)] == ["a"]
    writer.upsert(
        [_lesson("a", "On instagram, outdoor creators like a trip", "instagram:x", "retired")]
    )
    assert reader.search(query) == []  # retired: no longer a confirmed lesson
    assert [x.status for x in reader.search(query, status=None)] == ["retired"]
