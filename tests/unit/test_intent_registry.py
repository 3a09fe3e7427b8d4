"""The intent registry is the one list of reply intents: complete, read everywhere, extensible."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any, get_args

import pytest

from ipe.domain import (
    EngagementKind,
    Relationship,
    RelationshipStage,
    Template,
    VariationPlan,
)
from ipe.tools.learning import intent as intent_rules
from ipe.tools.learning.replies import read_reply
from ipe.tools.policies import intents, load_pack
from ipe.tools.provider.llm import IntentOut
from ipe.tools.writing.offline_drafter import compose

ROOT = Path(__file__).resolve().parents[2]
CODE = ("graph", "nodes", "tools", "memory")


def test_every_intent_is_complete_everywhere() -> None:
    reward = load_pack("reward")
    rules = {r["intent"] for r in load_pack("intent")["rules"]}
    for spec in intents.registry().values():
        assert spec.stage in get_args(RelationshipStage), spec.name
        assert spec.reward in reward["outcomes"], spec.name
        assert reward["intents"][spec.event] == spec.reward, spec.name  # stored event -> outcome
        assert read_reply(spec.example).intent == spec.name, spec.example
        if not spec.suppress and spec.name != intents.UNCLEAR:
            assert spec.name in rules, f"{spec.name} has no phrases in intent.toml"
    assert set(IntentOut.model_json_schema()["properties"]["intent"]["enum"]) == set(
        intents.names()
    )


def test_readme_event_names_stay_aliases() -> None:
    for old, new in {
        "interested": "asked_for_details",
        "not_now": "deferral",
        "not_interested": "declined",
        "unsubscribe_request": "opted_out",
        "out_of_office": "out_of_office",
    }.items():
        found = intents.resolve(old)
        assert found is not None and found.name == new


def _listed_intents(tree: ast.AST, vocabulary: set[str]) -> list[tuple[int, list[str]]]:
    found = []
    for node in ast.walk(tree):
        items: list[ast.expr] = []
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            items = list(node.elts)
        elif isinstance(node, ast.Dict):
            items = [k for k in node.keys if k is not None]
        names = [i.value for i in items if isinstance(i, ast.Constant) and i.value in vocabulary]
        if len(names) >= 2:
            found.append((getattr(node, "lineno", 0), names))
    return found


def test_no_code_lists_intents_outside_the_registry() -> None:
    """A tuple, list, set or dict naming two or more intents (or aliases) is a second registry."""
    other_concepts = set(get_args(RelationshipStage)) | set(get_args(EngagementKind))
    vocabulary = set(intents.accepted_names()) - other_concepts
    offenders = []
    for folder in CODE:
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for line, names in _listed_intents(tree, vocabulary):
                offenders.append(f"{path.relative_to(ROOT)}:{line} {names}")
    assert offenders == []


def test_the_scan_finds_a_list_of_intents() -> None:
    vocabulary = set(intents.accepted_names())
    tree = ast.parse('KINDS = ("question", "referral")\nOK = ("question",)')
    assert _listed_intents(tree, vocabulary) == [(1, ["question", "referral"])]


def test_adding_an_intent_is_one_entry_plus_its_phrases(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new intent (``wrong_person``) from one registry table and one phrase rule."""
    real = load_pack.__wrapped__  # type: ignore[attr-defined]

    def patched(name: str) -> dict[str, Any]:
        data = real(name)
        if name == "intents":
            data["intents"]["wrong_person"] = {
                "stage": "asked_for_details",
                "action": "hand_to_person",
                "hold": "none",
                "review": True,
                "event": "unclassified",
                "reward": "neutral",
                "suppress": False,
                "aliases": ["wrong_contact_person"],
                "example": "You have the wrong person, I am not Sam.",
                "note": "They are not the person we meant: a person checks who to write to.",
                "priority": 58,
            }
        if name == "intent":
            data["rules"].append(
                {
                    "intent": "wrong_person",
                    "lang": "en",
                    "pattern": r"\bwrong person\b",
                    "weight": 3.0,
                }
            )
        return data

    caches = (intents.registry, intents._lookup, intent_rules.rules)
    for cached in caches:
        cached.cache_clear()
    monkeypatch.setattr(intents, "load_pack", patched)
    monkeypatch.setattr(intent_rules, "load_pack", patched)
    try:
        reading = read_reply("You have the wrong person, I am not Sam.")
        assert reading.intent == "wrong_person"
        assert reading.needs_review  # the registry says a person answers it
        assert intents.resolve("wrong_contact_person").name == "wrong_person"  # type: ignore[union-attr]
        assert "wrong_person" in intents.names()
    finally:
        monkeypatch.undo()
        for cached in caches:
            cached.cache_clear()
    assert "wrong_person" not in intents.names()


@pytest.mark.parametrize("language", ["en", "es", "pt", "fr", "de"])
def test_every_answered_intent_has_an_answer_that_names_the_brand(language: str) -> None:
    template = Template.model_validate(
        json.loads((ROOT / "examples" / "template.json").read_text(encoding="utf-8"))
    )
    plan = VariationPlan(id="v1", tone="casual", angle="generic", cta="reply")
    for spec in intents.registry().values():
        if spec.stage != "asked_for_details":
            continue
        rel = Relationship(
            stage=spec.stage,
            intent=spec.name,
            asked_for="What is the commission? Call me, jo@x.example",
        )
        for channel in ("email", "instagram", "linkedin"):
            body = compose(
                plan,
                facts=[],
                template=template,
                first_name="Ana",
                channel=channel,
                links_allowed=channel != "instagram",
                language=language,
                relationship=rel,
            ).body
            assert template.brand in body, (spec.name, language, channel, body)
