"""How well replies are understood: a JSONL reply set through the real reading and the engine.

Usage::

    python bench/reply_report.py PATH.jsonl [--engine] [--failures] [--json]

Each line is ``{"id", "language", "reply", "expected_intent", "written_at"?, "channel"?,
"brand"?}`` (the format of ``tests/eval/replies.jsonl`` and the blind sets). Every reply is read
with ``ipe.tools.learning.replies.read_reply`` (offline: the rules); the report gives accuracy
per language and per intent, a confusion matrix, the opt-outs missed and the ``needs_review``
count. A reply in a language the rules do not read counts as handled when it is the right
intent or goes to a person (``needs_review``), never when it gets a sendable answer.

With ``--engine`` each reply also runs through ``ipe personalize`` (offline) as the latest
inbound message of a record's ``interaction_history``, after a first pitch, and the report counts
pitches: a ``ready``/``needs_review``/``scheduled`` message written to someone who declined or
opted out.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ipe.tools.context.deferrals import find_deferral
from ipe.tools.learning.intent import RULE_LANGUAGES
from ipe.tools.learning.replies import read_reply
from ipe.tools.policies.intents import names, registry, resolve

_NO_PITCH = {i.name for i in registry().values() if i.hold in ("declined", "forever")}


def load(path: Path) -> list[dict[str, Any]]:
    """The reply rows of a JSONL file."""
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()
    ]


def _expected(row: dict[str, Any]) -> str:
    found = resolve(str(row["expected_intent"]))
    return found.name if found else str(row["expected_intent"])


def classify(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row with the reading's intent, language, review flag and whether it was handled."""
    out = []
    for row in rows:
        reading = read_reply(str(row.get("reply") or ""))
        date = _date(row, reading.intent)
        expected = _expected(row)
        lang = str(row.get("language") or "?")
        right = reading.intent == expected
        held = reading.needs_review and not reading.spec.suppress
        missed_opt_out = resolve(expected) is not None and resolve(expected).suppress  # type: ignore[union-attr]
        missed_opt_out = missed_opt_out and not reading.spec.suppress
        handled = right or (lang not in RULE_LANGUAGES and held and not missed_opt_out)
        out.append(
            {
                "id": row.get("id"),
                "language": lang,
                "expected": expected,
                "got": reading.intent,
                "review": reading.needs_review,
                "right": right,
                "handled": handled,
                "missed_opt_out": missed_opt_out,
                "reply": str(row.get("reply") or ""),
                "reasons": list(reading.reasons),
                "date": date,
                "date_expected": (row.get("expected") or {}).get("date"),
            }
        )
    return out


def _date(row: dict[str, Any], intent: str) -> str | None:
    """The date the engine would hold a deferral or an out-of-office reply until (ISO), if any."""
    written = datetime.fromisoformat(str(row.get("written_at") or "2026-12-01")).replace(tzinfo=UTC)
    found = find_deferral(
        str(row.get("reply") or ""), written, language=str(row.get("language") or "en")
    )
    return found.until.isoformat() if found else None


def _table(title: str, groups: dict[str, list[dict[str, Any]]]) -> list[str]:
    lines = [title, f"  {'':24} {'n':>4} {'right':>6} {'handled':>8} {'review':>7}"]
    for key in sorted(groups):
        rows = groups[key]
        n = len(rows)
        right = sum(r["right"] for r in rows)
        handled = sum(r["handled"] for r in rows)
        review = sum(r["review"] for r in rows)
        lines.append(f"  {key:24} {n:4d} {right / n:6.0%} {handled / n:8.0%} {review:7d}")
    return lines


def confusion(results: list[dict[str, Any]], title: str = "all languages") -> list[str]:
    """A confusion matrix (rows: expected, columns: read) over the registry's intents."""
    labels = [n for n in names() if any(r["expected"] == n or r["got"] == n for r in results)]
    short = {n: n[:6] for n in labels}
    counts = Counter((r["expected"], r["got"]) for r in results)
    head = "  " + " " * 24 + " ".join(f"{short[n]:>6}" for n in labels)
    lines = [f"confusion, {title} (rows expected, columns read)", head]
    for want in labels:
        cells = " ".join(f"{counts.get((want, got), 0) or '.':>6}" for got in labels)
        lines.append(f"  {want:24}{cells}")
    return lines


async def _engine_pitches(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    import tempfile

    from ipe import IntelligentPersonalizationEngine  # the real engine, offline

    example = json.loads(Path("examples/template.json").read_text(encoding="utf-8"))
    folder = tempfile.mkdtemp(prefix="reply-report-")
    eng = IntelligentPersonalizationEngine("replies", data_dir=folder, llm="none", durable=False)
    found = []
    for row in rows:
        written = datetime.fromisoformat(str(row.get("written_at") or "2026-12-01"))
        prospect = {
            "id": f"reply-{row['id']}",
            "name": "Sam Rivera",
            "email": f"sam.{row['id']}@example.com",
            "platform": "instagram",
            "handle": f"@sam_{row['id']}",
            "interaction_history": [
                {
                    "at": (written - timedelta(days=3)).isoformat(),
                    "direction": "outbound",
                    "channel": "email",
                    "text": "A first note about the affiliate program.",
                },
                {
                    "at": written.isoformat(),
                    "direction": "inbound",
                    "channel": "email",
                    "text": str(row.get("reply") or ""),
                },
            ],
        }
        channel = str(row.get("channel") or "email")
        prospect["platform"] = channel if channel != "email" else "instagram"
        result = await eng.personalize_message(
            prospect, example, platform=channel if channel != "email" else None
        )
        found.append({"id": row["id"], "status": result.status, "body": result.body or ""})
    return found


def _pitches(body: str, template: dict[str, Any]) -> bool:
    """True when a message states the offer: its commission, cookie, sample perk or a link."""
    offer = template.get("offer", {})
    marks = [offer.get("commission"), *(offer.get("perks") or []), *template.get("links", [])]
    if offer.get("cookie_days"):
        marks.append(f"{offer['cookie_days']}")
    return any(m and str(m).lower() in body.lower() for m in marks)


def main(argv: list[str] | None = None) -> int:
    """Print the report; exit 1 when an opt-out was missed or a decline/opt-out got a pitch."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--engine", action="store_true", help="also run the engine per reply")
    parser.add_argument("--failures", action="store_true", help="list each wrong reading")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    try:
        rows = load(args.path)
    except (OSError, ValueError) as err:
        print(f"reply_report: cannot read {args.path}: {err}", file=sys.stderr)
        return 2
    results = classify(rows)
    by_lang: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_intent: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in results:
        by_lang[r["language"] if r["language"] in RULE_LANGUAGES else "other"].append(r)
        by_lang["all"].append(r)
        by_intent[r["expected"]].append(r)
    missed = [r for r in results if r["missed_opt_out"]]
    pitches: list[dict[str, Any]] = []
    if args.engine:
        runs = asyncio.run(_engine_pitches(rows))
        example = json.loads(Path("examples/template.json").read_text(encoding="utf-8"))
        for r, run in zip(results, runs, strict=True):
            r["status"] = run["status"]
            if r["expected"] in _NO_PITCH and run["status"] != "blocked":
                r["drafted"] = True  # a message (held or not) to someone who declined or opted out
                if _pitches(run["body"], example):
                    pitches.append({**r, "body": run["body"]})
    if args.json:
        print(json.dumps({"results": results, "pitches": pitches}, ensure_ascii=False, indent=1))
    else:
        print(f"{args.path}: {len(results)} replies")
        print("\n".join(_table("per language (other: languages the rules do not read)", by_lang)))
        print("\n".join(_table("per intent", by_intent)))
        print("\n".join(confusion(results)))
        for lang in sorted(by_lang):
            if lang != "all":
                print("\n".join(confusion(by_lang[lang], lang)))
        rule_rows = [r for r in results if r["language"] in RULE_LANGUAGES]
        right = sum(r["right"] for r in rule_rows)
        print(f"intent right on {', '.join(RULE_LANGUAGES)}: {right}/{len(rule_rows)}")
        other = [r for r in results if r["language"] not in RULE_LANGUAGES]
        print(
            f"other languages right or needs_review: {sum(r['handled'] for r in other)}"
            f"/{len(other)}"
        )
        print(f"needs_review: {sum(r['review'] for r in results)}")
        dated = [r for r in results if r["date_expected"]]
        if dated:
            same = sum(r["date"] == r["date_expected"] for r in dated)
            print(f"deferral / out-of-office dates read as expected: {same}/{len(dated)}")
        print(f"opt-outs missed: {len(missed)}")
        if args.engine:
            drafted = sum(bool(r.get("drafted")) for r in results)
            print(f"pitches (offer terms or links) to declines or opt-outs: {len(pitches)}")
            held = drafted - len(pitches)
            print(f"other messages drafted for them (held for a person, no offer): {held}")
            statuses = Counter(r.get("status") for r in results)
            print(f"engine statuses: {dict(statuses)}")
        if args.failures:
            for r in results:
                if not r["handled"]:
                    where = f"{r['id']} [{r['language']}] {r['expected']} -> {r['got']}"
                    print(f"- {where}: {r['reply']!r}")
            for p in pitches:
                print(f"! pitch {p['id']} [{p['expected']}] {p['status']}: {p['body'][:120]!r}")
    return 1 if missed or pitches else 0


if __name__ == "__main__":
    raise SystemExit(main())
