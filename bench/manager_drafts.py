"""Manager drafts sent as written: the golden set's manager-written drafts through the CLI.

Each golden record with a draft a partnerships manager wrote (``tests/eval/golden``) is run
through ``ipe personalize --json``, as a user would, with the engine's model path pointed at the
repository's OpenAI-compatible test server (``tests/fakes/openai_server.py``, 127.0.0.1 only)
scripted to answer every drafting call with the manager's draft (research finds nothing new, a
reply is classified with the intent the record's stage implies). A draft counts as sent as written
when the message is sendable (``ready``, or ``needs_review`` for a stated reason), the chosen
variation is the model's, and the text above the footer the engine adds equals the manager's body
(whitespace aside), the subject too on e-mail.

Run: ``python bench/manager_drafts.py [--case ID] [--min 0.9] [--drafts DIR/drafts.jsonl]``;
exit 1 below ``--min``. ``--drafts`` reads manager drafts written beside a fresh record set
(one JSON line each: id, prospect and template paths relative to the file, channel, stage,
subject, body) instead of the golden set's.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ipe.tools.learning.replies import read_reply  # noqa: E402
from tests.eval.evaluators import Run, prompt_context  # noqa: E402
from tests.eval.golden import Case, load_cases  # noqa: E402
from tests.eval.scripted import INTENT_BY_STAGE  # noqa: E402
from tests.fakes.openai_server import FakeOpenAIServer  # noqa: E402

FOOTER = "\n---\n"
SENDABLE = ("ready", "needs_review")


def norm(text: str | None) -> str:
    """Text compared as a reader sees it: NFC, whitespace runs as one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip()


def above_footer(body: str) -> str:
    """The message without the compliance footer the engine adds to e-mail."""
    head, sep, _ = body.rpartition(FOOTER)
    return head if sep else body


def ipe_command() -> list[str]:
    """The installed ``ipe`` script beside this interpreter (else the module)."""
    script = Path(sys.executable).with_name("ipe")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ipe.graph.cli"]


def judge(case: Case, out: dict[str, Any]) -> tuple[bool, str]:
    """Whether the manager's draft went out as written, and why not."""
    draft = case.manager_draft or {}
    chosen = next((v for v in out.get("variations", []) if v["id"] == out.get("selected_id")), None)
    problems = []
    if out.get("status") not in SENDABLE:
        problems.append(f"status {out.get('status')}")
    if chosen is None or chosen.get("source") != "llm":
        problems.append(f"chose {chosen.get('source') if chosen else None}")
    if norm(above_footer(out.get("body") or "")) != norm(draft.get("body")):
        problems.append("body changed")
    if case.channel == "email" and norm(out.get("subject")) != norm(draft.get("subject")):
        problems.append(f"subject {out.get('subject')!r}")
    if problems:
        rejected = [
            f"{v['id']}: "
            + ", ".join(f"{f['rule_id']} '{f.get('span') or ''}'" for f in v["violations"])
            for v in out.get("variations", [])
            if v.get("source") == "llm" and v.get("violations")
        ]
        problems += rejected[:2]
        problems += [r for r in out.get("reasons", []) if "rejected" in r][:3]
    return not problems, "; ".join(problems)


FRESH_STAGES = {
    "details_reply": "asked_for_details",
    "reply_terms": "asked_for_details",
    "call_proposal": "asked_for_details",
    "reply_positive": "asked_for_details",
    "courtesy_thanks": "declined",
    "courtesy": "declined",
    "follow_up": "awaiting_reply",
}
"""A drafts file's stage names, as the golden set's stages (for the scripted reply intent)."""

FRESH_INTENTS = {"referral": "referral"}
"""A drafts file's stage names that name the intent a model reads in their reply directly."""

READ_STAGES = ("reply",)
"""Drafts-file stages that say only that we answer their reply: the scripted model reads it as
the intent rules do (``read_reply`` on their latest inbound message)."""

_INTENTS: dict[str, str] = {}
"""The scripted reply intent of each drafts-file case whose stage names one (by case id)."""


def _last_reply(prospect: dict[str, Any]) -> str | None:
    """The text of the record's latest inbound history item, if any."""
    inbound = [
        h for h in prospect.get("interaction_history") or [] if h.get("direction") == "inbound"
    ]
    return str(inbound[-1].get("text") or "") or None if inbound else None


def load_drafts(path: Path) -> list[Case]:
    """Manager drafts written beside a fresh record set (``drafts.jsonl``: id, prospect,
    template, channel, stage, subject, body; paths relative to the file)."""
    from tests.eval.golden import Expect

    cases = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        item = json.loads(line)
        prospect = json.loads((path.parent / item["prospect"]).read_text(encoding="utf-8"))
        template = json.loads((path.parent / item["template"]).read_text(encoding="utf-8"))
        stage = FRESH_STAGES.get(item["stage"], "cold")
        case_id = f"{item['id']}-{item['prospect'].removesuffix('.json')}"
        if item["stage"] in FRESH_INTENTS:
            _INTENTS[case_id] = FRESH_INTENTS[item["stage"]]
        elif item["stage"] in READ_STAGES and (said := _last_reply(prospect)):
            _INTENTS[case_id] = read_reply(said).intent
        cases.append(
            Case(
                id=case_id,
                channel=item["channel"],
                template_key=item["template"],
                prospect=prospect,
                template=template,
                must_keep=(),
                expect=Expect(language=str(prospect.get("language") or "en"), stage=stage),
                manager_draft={"subject": item.get("subject"), "body": item["body"]},
            )
        )
    return cases


def run_case(case: Case, server: FakeOpenAIServer, url: str, tmp: Path) -> dict[str, Any]:
    """One CLI run of ``case`` against the scripted server; the parsed ``--json`` output."""
    assert case.manager_draft is not None
    intent = _INTENTS.get(case.id) or INTENT_BY_STAGE.get(case.expect.stage, "neutral")
    server.script({"drafts": [case.manager_draft], "intent": intent})
    prospect, template = tmp / f"{case.id}.prospect.json", tmp / f"{case.id}.template.json"
    prospect.write_text(json.dumps(case.prospect, ensure_ascii=False), encoding="utf-8")
    template.write_text(json.dumps(case.template, ensure_ascii=False), encoding="utf-8")
    env = dict(os.environ, OPENAI_API_KEY="sk-scripted", OPENAI_BASE_URL=url, IPE_MODEL="fake")
    env.pop("IPE_LLM", None)
    cmd = [
        *ipe_command(),
        "personalize",
        "--prospect",
        str(prospect),
        "--template",
        str(template),
        "--platform",
        case.channel,
        "--json",
        "--data-dir",
        str(tmp / "data"),
        "--user-id",
        f"md-{case.id}",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, check=False)
    if proc.returncode != 0:
        return {"status": f"exit {proc.returncode}", "error": proc.stderr.strip()[-300:]}
    result: dict[str, Any] = json.loads(proc.stdout)
    result["_prompts"] = len(server.stats.draft_prompts)
    result["_prompt"] = server.stats.draft_prompts[0] if server.stats.draft_prompts else ""
    return result


def prompt_carries(case: Case, out: dict[str, Any]) -> tuple[bool, str]:
    """Whether the first drafting prompt the server saw carries what a manager looks at."""
    verdict = prompt_context(Run(case=case, path="llm", message_id="", prompts=[out["_prompt"]]))
    return (verdict.passed, verdict.note) if verdict else (False, "no drafting prompt")


def main(argv: list[str] | None = None) -> int:
    """Run every manager draft through the CLI and print how many went out as written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--case", action="append", help="only cases whose id contains this")
    parser.add_argument("--min", type=float, default=0.0, help="exit 1 below this share")
    parser.add_argument("--verbose", action="store_true", help="print each sent message")
    parser.add_argument("--drafts", type=Path, help="a drafts.jsonl beside fresh records")
    args = parser.parse_args(argv)
    cases = (
        load_drafts(args.drafts) if args.drafts else [c for c in load_cases() if c.manager_draft]
    )
    if args.case:
        cases = [c for c in cases if any(part in c.id for part in args.case)]
    server = FakeOpenAIServer()
    url = server.start()
    sent = carried = 0
    try:
        with tempfile.TemporaryDirectory(prefix="ipe-manager-") as tmp:
            for case in cases:
                out = run_case(case, server, url, Path(tmp))
                ok, why = judge(case, out) if "error" not in out else (False, out["error"])
                sent += ok
                if "error" not in out:
                    has, missing = prompt_carries(case, out)
                    carried += has
                    if not has:
                        print(f"      prompt {missing}")
                review = [r for r in out.get("reasons", []) if "review" in r or "language" in r]
                if ok:
                    note = "; ".join(review)[:160] if out.get("status") != "ready" else ""
                else:
                    note = why
                print(f"{'SENT ' if ok else 'NOT  '} {case.id:<36} {out.get('status'):<13} {note}")
                if args.verbose:
                    print("    " + (out.get("body") or "").replace("\n", "\n    "))
    finally:
        server.stop()
    share = sent / len(cases) if cases else 0.0
    print(f"manager drafts sent as written: {sent}/{len(cases)} ({share:.0%})")
    print(f"drafting prompts carrying what a manager looks at: {carried}/{len(cases)}")
    return 0 if share >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())
