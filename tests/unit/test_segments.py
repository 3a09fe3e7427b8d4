import pytest

from ipe.tools.learning.segments import (
    NICHE_GROUPS,
    describe_segment,
    group_label,
    niche_group,
    parse_segment,
    segment_key,
)


@pytest.mark.parametrize(
    ("niche", "tags", "group"),
    [
        ("Hiking & Travel", [], "outdoor_travel"),
        ("van life", ["#travelling"], "outdoor_travel"),
        ("skincare and beauty", [], "beauty_fashion"),
        ("PC gaming", [], "tech_gaming"),
        ("artificial intelligence", [], "tech_gaming"),
        ("home cooking", [], "food_drink"),
        ("marathon running", [], "fitness_health"),
        ("personal finance", [], "finance_business"),
        ("parenting", ["toddlers"], "family_home"),
        ("indie music", [], "arts_entertainment"),
        (None, ["gaming", "tech"], "tech_gaming"),
        ("knitting", [], "general"),
        (None, [], "general"),
    ],
)
def test_niche_group(niche: str | None, tags: list[str], group: str) -> None:
    assert niche_group(niche, tags) == group


def test_keywords_match_whole_words_and_niche_outweighs_tags() -> None:
    assert niche_group("artificial flowers", []) == "general"  # "art" is not a prefix keyword
    assert niche_group("travel", ["makeup"]) == "outdoor_travel"
    assert niche_group(None, ["makeup", "skincare", "travel"]) == "beauty_fashion"


def test_segment_keys_and_descriptions() -> None:
    key = segment_key("instagram", "outdoor_travel")
    assert key == "instagram:outdoor_travel"
    assert parse_segment(key) == ("instagram", "outdoor_travel")
    assert parse_segment("email") == ("email", "general")
    assert describe_segment(key) == "instagram creators in outdoor and travel niches"
    assert describe_segment("linkedin:finance_business").startswith("LinkedIn creators")


def test_every_group_has_a_label() -> None:
    assert "general" in NICHE_GROUPS
    assert len(NICHE_GROUPS) == len(set(NICHE_GROUPS)) >= 9
    for group in NICHE_GROUPS:
        assert "_" not in group_label(group)
