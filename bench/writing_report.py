"""Writing measurements on records of our own (six channels, four languages, thin records,
templates with and without a body), through the public engine API, offline.

Run: ``IPE_LLM=none python bench/writing_report.py [--seeds 3]``. Prints DM words (median, max),
e-mail words above the footer, the offer stated once, cut quotes, the written language, the
template copy kept, cross-prospect sameness and statuses. Uses only the public API, so the
same script measures any version of the engine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import tempfile
from collections import Counter
from itertools import combinations
from pathlib import Path

from ipe import IntelligentPersonalizationEngine

RECORDS = Path(__file__).with_name("writing_records.json")
DM = {"x", "instagram", "tiktok", "facebook"}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def above_footer(body: str) -> str:
    return body.split("\n\n---\n", 1)[0]


def shingles(text: str, names: list[str]) -> set[tuple[str, ...]]:
    words = [w.lower() for w in _WORD.findall(text) if w not in names]
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def language_of(text: str) -> str | None:
    try:
        from lingua import Language, LanguageDetectorBuilder
    except ImportError:
        return None
    langs = {
        Language.ENGLISH: "en",
        Language.SPANISH: "es",
        Language.PORTUGUESE: "pt",
        Language.FRENCH: "fr",
        Language.GERMAN: "de",
    }
    detector = LanguageDetectorBuilder.from_languages(*langs).build()
    found = detector.detect_language_of(re.sub(r'"[^"]*"|https?://\S+', " ", text))
    return langs.get(found) if found else None


async def run(seeds: int) -> None:
    data = json.loads(RECORDS.read_text(encoding="utf-8"))
    rows = []
    with tempfile.TemporaryDirectory() as data_dir:
        for seed in range(seeds):
            engine = IntelligentPersonalizationEngine(
                user_id=f"bench{seed}", data_dir=data_dir, llm="none"
            )
            for rec in data["records"]:
                template = data["templates"][rec["template"]]
                prospect = dict(rec["prospect"], id=f"{rec['prospect']['id']}-{seed}")
                result = await engine.personalize_message(
                    prospect, template, platform=rec["channel"]
                )
                rows.append((rec, template, result))
    dm_words, email_words, offer_once, cut, lang_ok, copy_kept = [], [], [], 0, [], []
    statuses: Counter[str] = Counter()
    for rec, template, result in rows:
        statuses[result.status] += 1
        text = above_footer(result.body)
        n = len(text.split())
        if rec["channel"] in DM:
            dm_words.append(n)
        if rec["channel"] == "email":
            email_words.append(n)
        commission = template["offer"]["commission"]
        offer_once.append(text.count(commission) <= 1)
        if "…" in text or "..." in text:
            cut += 1
        expected = rec["prospect"].get("language") or ("es" if template["id"] == "kt" else None)
        if expected:
            got = language_of(text)
            lang_ok.append(got == expected or (result.status == "needs_review"))
        if template.get("body"):
            kept = "Shall I send one over?" in text and "12% commission" in text
            same_subject = rec["channel"] != "email" or result.subject == template["subject"]
            copy_kept.append(kept and same_subject)
    firsts = [(rec, res) for rec, _, res in rows[: len(data["records"])]]
    sims = []
    for (r1, a), (r2, b) in combinations(firsts, 2):
        if r1["channel"] != r2["channel"]:
            continue
        names = r1["prospect"]["name"].split() + r2["prospect"]["name"].split()
        s1, s2 = shingles(above_footer(a.body), names), shingles(above_footer(b.body), names)
        if s1 and s2:
            sims.append(len(s1 & s2) / len(s1 | s2))
    print(f"runs: {len(rows)} ({len(data['records'])} records x {seeds} seeds)")
    over = sum(w > 90 for w in dm_words)
    print(f"DM words: median {statistics.median(dm_words)}, max {max(dm_words)}, over 90: {over}")
    mid, low, high = statistics.median(email_words), min(email_words), max(email_words)
    print(f"e-mail words above footer: median {mid}, min {low}, max {high}")
    print(f"offer stated once: {sum(offer_once)}/{len(offer_once)}")
    print(f"cut quotes/sentences: {cut}")
    print(f"language right (or flagged): {sum(lang_ok)}/{len(lang_ok)}")
    print(f"template copy and subject kept: {sum(copy_kept)}/{len(copy_kept)}")
    close = sum(s > 0.5 for s in sims)
    print(
        "cross-prospect sameness (same channel, 3-word shingles): "
        f"max {max(sims):.2f}, mean {statistics.mean(sims):.2f}, over 0.5: {close}/{len(sims)}"
    )
    print(f"statuses: {dict(statuses)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=3)
    asyncio.run(run(parser.parse_args().seeds))


if __name__ == "__main__":
    main()
