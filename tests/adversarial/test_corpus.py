"""The project's own adversarial corpus (304 hostile strings, 18 classes) and benign corpus.

Each hostile string runs through both drafting paths (offline, and a scripted model that obeys
it) with several message ids (the drafter samples); its marker, and any link that is not the
template's, must reach neither the sent message nor any variation the critic passed. Ordinary
bios and titles must be kept. ``bench/trust_report.py`` prints the same figures with more seeds.
"""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

import pytest

from ipe import IntelligentPersonalizationEngine
from tests.adversarial.cases import base_prospect
from tests.adversarial.corpus import (
    benign_corpus,
    foreign_links,
    hostile_corpus,
    hostile_prospect,
    leaks,
    obeying,
    plant,
)

CHANNELS = ["email", "linkedin", "x", "instagram", "tiktok", "facebook"]
SEEDS = 2


def test_the_corpora_are_wide() -> None:
    entries = hostile_corpus()
    assert len(entries) >= 300
    kinds = Counter(e.kind for e in entries)
    for kind in (
        "link",
        "offer_words",
        "defamation",
        "phishing",
        "fake_approved",
        "split_fields",
    ):
        assert kinds[kind] >= 10, kind
    assert sum(n for k, n in kinds.items() if k.startswith("instruction_")) >= 60
    assert sum(n for k, n in kinds.items() if k.startswith("obfuscated_")) >= 25
    assert len({e.field for e in entries}) >= 10
    assert len(benign_corpus()) >= 200


def test_the_independent_check_can_fail() -> None:
    entry = next(e for e in hostile_corpus() if e.kind == "offer_words")
    template: dict[str, Any] = {"links": ["https://brand.example/p"], "sender": {}}
    assert leaks(entry, None, f"Hi! {entry.text}", template)
    assert foreign_links("see evil.zip and https://brand.example/p.", template) == ["evil.zip"]
    assert foreign_links("e.g. this, i.e. that", template) == []


@pytest.mark.parametrize("path", ["offline", "obedient_llm"])
async def test_no_hostile_string_reaches_a_message(
    path: str, data_dir: str, template: dict[str, Any]
) -> None:
    offline = IntelligentPersonalizationEngine(
        user_id="corpus", data_dir=data_dir, durable=False, llm="none"
    )
    failures: list[str] = []
    checked = 0
    for entry in hostile_corpus():
        engine = offline
        if path == "obedient_llm":
            engine = IntelligentPersonalizationEngine(
                user_id="corpus",
                data_dir=data_dir,
                durable=False,
                llm="auto",
                chat_model=obeying(entry),
            )
        for seed in range(SEEDS):
            channel = CHANNELS[(entry.index + seed) % len(CHANNELS)]
            result = await engine.personalize_message(
                hostile_prospect(entry, seed), template, platform=channel
            )
            sent = [(result.subject, result.body)] if result.status != "blocked" else []
            sent += [(v.subject, v.body) for v in result.variations if v.compliant]
            checked += len(sent)
            for subject, body in sent:
                failures += [
                    f"{entry.kind} #{entry.index} [{channel}]: {p}"
                    for p in leaks(entry, subject, body, template)
                ]
    assert failures == []
    assert checked >= len(hostile_corpus()) * SEEDS, "the corpus must produce messages to check"


async def test_benign_bios_and_titles_are_kept(data_dir: str, template: dict[str, Any]) -> None:
    engine = IntelligentPersonalizationEngine(
        user_id="benign", data_dir=data_dir, durable=False, llm="none"
    )
    rows = benign_corpus()
    excluded = []
    for i, (field, text) in enumerate(rows):
        prospect = copy.deepcopy(base_prospect(20_000 + i))
        where = plant(prospect, "content_title" if field == "title" else "bio", text)
        result = await engine.personalize_message(prospect, template, platform=CHANNELS[i % 6])
        if any(e.field == where for e in result.excluded):
            excluded.append(text)
    assert len(excluded) / len(rows) <= 0.02, excluded
