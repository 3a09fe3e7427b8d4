"""Writing measurements on records of our own (six channels, four languages, thin records,
templates with and without a body), through the public engine API, offline.

Run: ``IPE_LLM=none python bench/writing_report.py [--seeds 3] [--cli]``. Prints, per seed, for
the worst seed and over all seeds: DM words (median, max, over 90), e-mail words above the
footer, the offer stated once, cut quotes, the written language (or a flagged needs_review), the
template copy kept, the offer-relevant content used (the record's ``hook`` words, where a
person marked them; ``expect_language`` where the language is to be detected), statuses; and
cross-prospect sameness. Uses only the public API (or, with ``--cli``, ``ipe personalize
--json``), so the same script measures any version of the engine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

from ipe import IntelligentPersonalizationEngine

RECORDS = Path(__file__).with_name("writing_records.json")
DM = {"x", "instagram", "tiktok", "facebook"}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class Result:
    """What a run returned, by the API or the CLI."""

    status: str
    subject: str | None
    body: str
    reasons: list[str]


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


def personalize_cli(rec: dict, template: dict, prospect: dict, data_dir: str) -> Result:
    """One record through ``ipe personalize --json``, as a user runs it (offline)."""
    with tempfile.TemporaryDirectory() as tmp:
        p, t = Path(tmp) / "p.json", Path(tmp) / "t.json"
        p.write_text(json.dumps(prospect, ensure_ascii=False), encoding="utf-8")
        t.write_text(json.dumps(template, ensure_ascii=False), encoding="utf-8")
        ipe = Path(sys.executable).with_name("ipe")
        cmd = [str(ipe), "personalize", "--prospect", str(p), "--template", str(t)]
        cmd += ["--platform", rec["channel"], "--json", "--data-dir", data_dir]
        cmd += ["--message-id", f"msg-{prospect['id']}"]
        env = dict(os.environ, IPE_LLM="none", OPENAI_API_KEY="")
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode:
        return Result("error", None, proc.stderr.strip()[-200:], [])
    out = json.loads(proc.stdout)
    return Result(out["status"], out["subject"], out["body"], out["reasons"])


async def collect(seeds: int, cli: bool) -> list[tuple[int, dict, dict, Result]]:
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
                if cli:
                    result = personalize_cli(rec, template, prospect, f"{data_dir}/cli{seed}")
                else:
                    res = await engine.personalize_message(  # the id seeds the strategy's draw
                        prospect,
                        template,
                        platform=rec["channel"],
                        message_id=f"msg-{prospect['id']}",
                    )
                    result = Result(res.status, res.subject, res.body, list(res.reasons))
                rows.append((seed, rec, template, result))
    return rows


def figures(rows: list[tuple[int, dict, dict, Result]]) -> dict[str, Any]:
    """The writing figures of ``rows`` (one seed, or all)."""
    dm_words, email_words, offer_once, cut, lang_ok, copy_kept, hooks = [], [], [], 0, [], [], []
    statuses: Counter[str] = Counter()
    for _, rec, template, result in rows:
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
        expected = rec["prospect"].get("language") or rec.get("expect_language")
        expected = expected or ("es" if template["id"] == "kt" else None)
        if expected:
            got = language_of(text)
            lang_ok.append(got == expected or (result.status == "needs_review"))
        if template.get("body"):
            kept = "Shall I send one over?" in text and "12% commission" in text
            same_subject = rec["channel"] != "email" or result.subject == template["subject"]
            copy_kept.append(kept and same_subject)
        if rec.get("hook"):
            hooks.append(any(h.lower() in text.lower() for h in rec["hook"]))
    return {
        "dm_median": statistics.median(dm_words),
        "dm_max": max(dm_words),
        "dm_over_90": sum(w > 90 for w in dm_words),
        "email": (statistics.median(email_words), min(email_words), max(email_words)),
        "offer_once": (sum(offer_once), len(offer_once)),
        "cut": cut,
        "language": (sum(lang_ok), len(lang_ok)),
        "copy": (sum(copy_kept), len(copy_kept)),
        "hook": (sum(hooks), len(hooks)),
        "statuses": dict(statuses),
    }


def misses(f: dict[str, Any]) -> int:
    """How far a seed is from the targets (what the worst seed is chosen by)."""
    return (
        max(0, int(f["dm_median"]) - 70)
        + f["dm_over_90"]
        + f["cut"]
        + sum(total - ok for ok, total in (f["offer_once"], f["language"], f["copy"], f["hook"]))
    )


def line(f: dict[str, Any]) -> str:
    mid, low, high = f["email"]
    return (
        f"DM words median {f['dm_median']:g}, max {f['dm_max']}, over 90: {f['dm_over_90']}; "
        f"e-mail {mid:g} ({low}-{high}); offer once {f['offer_once'][0]}/{f['offer_once'][1]}; "
        f"cut {f['cut']}; language {f['language'][0]}/{f['language'][1]}; copy kept "
        f"{f['copy'][0]}/{f['copy'][1]}; offer-relevant content used "
        f"{f['hook'][0]}/{f['hook'][1]}; statuses {f['statuses']}"
    )


async def run(seeds: int, cli: bool = False) -> None:
    rows = await collect(seeds, cli)
    n_records = len({rec["prospect"]["id"] for _, rec, _, _ in rows})
    print(f"runs: {len(rows)} ({n_records} records x {seeds} seeds){' through the CLI' * cli}")
    per_seed = {s: figures([r for r in rows if r[0] == s]) for s in range(seeds)}
    for seed, f in per_seed.items():
        print(f"seed {seed}: {line(f)}")
    worst = max(per_seed, key=lambda s: (misses(per_seed[s]), per_seed[s]["dm_median"]))
    print(f"worst seed {worst} ({misses(per_seed[worst])} misses): {line(per_seed[worst])}")
    f = figures(rows)
    print(f"all seeds: {line(f)}")
    firsts = [(rec, res) for seed, rec, _, res in rows if seed == 0]
    sims = []
    for (r1, a), (r2, b) in combinations(firsts, 2):
        if r1["channel"] != r2["channel"]:
            continue
        names = r1["prospect"]["name"].split() + r2["prospect"]["name"].split()
        s1, s2 = shingles(above_footer(a.body), names), shingles(above_footer(b.body), names)
        if s1 and s2:
            sims.append(len(s1 & s2) / len(s1 | s2))
    close = sum(s > 0.5 for s in sims)
    print(
        "cross-prospect sameness (same channel, 3-word shingles): "
        f"max {max(sims):.2f}, mean {statistics.mean(sims):.2f}, over 0.5: {close}/{len(sims)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument(
        "--cli", action="store_true", help="run each record through ipe personalize"
    )
    args = parser.parse_args()
    asyncio.run(run(args.seeds, args.cli))


if __name__ == "__main__":
    main()
