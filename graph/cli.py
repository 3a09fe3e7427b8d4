"""The ``ipe`` command line: personalize, batch, template, review, feedback, suppress, forget.

Every failure prints one line to stderr, never a traceback. The exit codes (the README's
contract, held by ``tests/integration/test_exit_codes.py``):

- 0: done (a closed pipe, ``ipe ... | head``, also ends quietly with 0).
- 1: finished, with rows in error (``ipe batch``: each in ``--out`` with its line and error).
- 2: bad input or usage: a file, row, field, flag or setting (``IPE_*``) the user can fix.
- 3: storage or a service unavailable: the data directory (corrupt, foreign, read-only, full,
  locked, permission denied), an output file, PostgreSQL or Chroma down, the provider key missing.
- 130: interrupted (Ctrl-C).
- 70: a bug in the engine (never for a condition a user can cause; ``IPE_DEBUG=1`` shows the
  traceback).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, NoReturn

from ipe.domain import (
    InvalidInputError,
    PersonalizationError,
    PersonalizationResult,
    StorageError,
)
from ipe.graph.state import WAITING
from ipe.settings import SettingsError, expand_path, load_settings
from ipe.tools.policies.channels import channel_names

EXIT_OK = 0
EXIT_ROWS_IN_ERROR = 1
EXIT_BAD_INPUT = 2
EXIT_STORAGE = 3
EXIT_INTERRUPTED = 130
EXIT_INTERNAL = 70  # EX_SOFTWARE (sysexits.h)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        print(f"ipe: error: {message} (see 'ipe --help')", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def _read_json(path: str, what: str) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as err:
        raise InvalidInputError(f"cannot read {what} file '{path}': {err.strerror}") from None
    except UnicodeDecodeError:
        raise InvalidInputError(f"{what} file '{path}' is not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise InvalidInputError(
            f"{what} file '{path}' is not valid JSON (line {err.lineno}: {err.msg})"
        ) from None
    except RecursionError:
        raise InvalidInputError(f"{what} file '{path}' nests too deeply to be a record") from None


def _plot_path(value: str) -> Path:
    """A PNG path for ``--plot`` (``.png`` added when there is no suffix)."""
    path = Path(value)
    if not path.suffix:
        path = path.with_suffix(".png")
    if path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise InvalidInputError(f"--plot needs a .png, .svg or .pdf file name, got '{value}'")
    if not path.parent.is_dir():
        raise InvalidInputError(f"--plot: folder '{path.parent}' does not exist")
    return path


def _positive(unit: str, upper: float) -> Callable[[str], float]:
    """An argparse type: a number of ``unit`` above 0 and below ``upper``."""

    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number of {unit}: '{value}'") from None
        if not (0 < number < upper):
            raise argparse.ArgumentTypeError(
                f"must be more than 0 and less than {upper:g} {unit}, got {value}"
            )
        return number

    return parse


_seconds = _positive("seconds", 86400)
_rate = _positive("per minute", 1e12)


def _deadline(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "--deadline",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="time a message may take (default: $IPE_DEADLINE_S or 30)",
    )


def _common(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--user-id", default=None, help="tenant id (default: $IPE_USER_ID or default)")
    cmd.add_argument(
        "--data-dir", default=None, help="data directory (default: $IPE_DATA_DIR or ~/.ipe)"
    )


def _person_args(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--email", default=None, help="the person's e-mail address")
    cmd.add_argument("--prospect-id", default=None, help="a record id of the person")
    cmd.add_argument("--handle", default=None, help="a handle (with --platform)")
    cmd.add_argument("--platform", default=None, help="the handle's platform")


def build_parser() -> argparse.ArgumentParser:
    """The ``ipe`` argument parser."""
    parser = _Parser(prog="ipe", description="Intelligent Personalization Engine")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p = sub.add_parser("personalize", help="write one personalized message")
    p.add_argument("--prospect", required=True, help="prospect JSON file")
    p.add_argument("--template", required=True, help="template JSON file")
    p.add_argument("--platform", default=None, help=", ".join(channel_names()))
    p.add_argument(
        "--message-id", default=None, help="your own id for this message (e.g. your send id)"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--linkedin-free", action="store_true", help="LinkedIn free account: 200-character notes"
    )
    p.add_argument(
        "--require-approval", action="store_true", help="mark passing messages needs_review"
    )
    p.add_argument("--review", action="store_true", help="pause for a decision (see 'ipe review')")
    _deadline(p)
    _common(p)
    b = sub.add_parser("batch", help="personalize a list of prospects into a results file")
    b.add_argument("--prospects", required=True, help="prospects file: .jsonl or .csv")
    b.add_argument("--template", required=True, help="template JSON file")
    b.add_argument("--platform", default=None, help=", ".join(channel_names()))
    b.add_argument("--out", required=True, help="results file (.jsonl); rerun to resume")
    b.add_argument("--concurrency", type=int, default=8, help="rows in flight (default 8)")
    b.add_argument("--rate-limit", default=None, metavar="R/min", help="rows started per minute")
    b.add_argument(
        "--rpm",
        type=_rate,
        default=None,
        help="the provider's requests per minute: model calls are paced under it "
        "(default: $IPE_MODEL_RPM, and the provider's x-ratelimit headers)",
    )
    b.add_argument(
        "--tpm",
        type=_rate,
        default=None,
        help="the provider's tokens per minute (default: $IPE_MODEL_TPM, and its headers)",
    )
    b.add_argument(
        "--budget",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="the batch's time for waiting out rate limits (default: as long as the provider asks)",
    )
    b.add_argument(
        "--fallback",
        choices=("defer", "offline"),
        default="defer",
        help="when the model cannot be used: defer the row for a rerun (default) or compose it "
        "offline and say so",
    )
    b.add_argument(
        "--require-approval", action="store_true", help="mark passing messages needs_review"
    )
    _deadline(b)
    _common(b)
    r = sub.add_parser("review", help="list messages waiting for review, or decide one")
    r.add_argument("message_id", nargs="?", default=None, help="the message to decide")
    decision = r.add_mutually_exclusive_group()
    decision.add_argument("--approve", action="store_true", help="send it as it is")
    decision.add_argument("--reject", action="store_true", help="send nothing")
    decision.add_argument("--edit-body", default=None, help="file with the body to send instead")
    decision.add_argument("--variation", default=None, help="send this alternate (e.g. v2)")
    r.add_argument("--subject", default=None, help="with --edit-body: the subject to send")
    r.add_argument("--note", default=None, help="with --reject: why")
    r.add_argument("--json", action="store_true")
    _common(r)
    f = sub.add_parser("feedback", help="attach an engagement event to a message")
    f.add_argument("--message-id", required=True)
    f.add_argument(
        "--event",
        required=True,
        help="sent, approved, delivered, opened, replied, ... or an intent",
    )
    f.add_argument("--event-id", default=None)
    f.add_argument("--at", default=None, help="when it happened (ISO 8601; default: now)")
    f.add_argument("--reply-text", default=None)
    f.add_argument("--edited-body", default=None, help="file with the body as actually sent")
    f.add_argument("--json", action="store_true")
    _common(f)
    t = sub.add_parser("template", help="check a template's copy and preview it")
    tsub = t.add_subparsers(dest="template_command", required=True, parser_class=_Parser)
    tc = tsub.add_parser("check", help="validate fields and legal requirements; print a preview")
    tc.add_argument("template", help="template JSON file")
    tc.add_argument("--prospect", default=None, help="prospect JSON file for the preview")
    tc.add_argument("--platform", default=None, help="channel of the preview")
    x = sub.add_parser("suppress", help="put a person on the suppression list (or --lift)")
    _person_args(x)
    x.add_argument(
        "--lift", action="store_true", help="take the person off the list (the tenant's act)"
    )
    x.add_argument("--note", default="", help="why the suppression is lifted")
    x.add_argument("--json", action="store_true")
    _common(x)
    y = sub.add_parser("suppressions", help="list the tenant's suppression list")
    y.add_argument("--all", action="store_true", help="include lifted entries")
    y.add_argument("--json", action="store_true")
    _common(y)
    g = sub.add_parser("forget", help="erase a person (messages, events, edits, lessons, runs)")
    _person_args(g)
    g.add_argument("--json", action="store_true")
    _common(g)
    from ipe.tools.learning.stats import definitions_text

    s = sub.add_parser(
        "stats",
        help="learning metrics for a tenant",
        epilog=definitions_text(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument("--plot", default=None, help="write a PNG chart here")
    s.add_argument("--json", action="store_true")
    s.add_argument(
        "--policy-eval",
        action="store_true",
        help="off-policy evaluation: the current policy and uniform choice against what was sent",
    )
    _common(s)
    m = sub.add_parser("simulate", help="prove the learning on a synthetic population")
    m.add_argument("--sends", type=int, default=2000)
    m.add_argument("--seed", type=int, default=7)
    m.add_argument("--json", action="store_true")
    m.add_argument("--plot", default=None)
    m.add_argument("--data-dir", default=None, help="default: a fresh temporary directory")
    return parser


def render_result(result: PersonalizationResult) -> str:
    """The readable view: the chosen message, then the variations with scores and violations."""
    lines = [
        f"message {result.message_id}  status: {result.status.upper()}  platform: {result.platform}"
    ]
    rel = result.relationship
    stage = rel.stage + (f" (follow-up {rel.follow_up})" if rel.stage == "awaiting_reply" else "")
    if rel.not_before:
        stage += f", until {rel.not_before}"
    to = result.recipient or "(no recipient on this channel)"
    lines.append(f"to: {to}  relationship: {stage}")
    if rel.asked_for:
        lines.append(f"they wrote: {rel.asked_for!r}")
    if result.not_before:
        lines.append(f"not before: {result.not_before}")
    if result.source == "offline_fallback":
        lines.append("written by: the offline drafter: the model could not be used (see reasons)")
    if result.send_at:
        lines.append(f"send at: {result.send_at}")
    if result.subject:
        lines.append(f"Subject: {result.subject}")
    lines += ["", result.body or "(no message: see the reasons)", ""]
    lines.append(f"{'id':<4} {'arm':<36} {'source':<17} {'score':>6}  findings")
    for v in result.variations:
        score = f"{v.score:.3f}" if v.score is not None else "-"
        mark = "*" if v.id == result.selected_id else " "
        verdict = (
            "blocked" if not v.compliant else f"{len(v.findings)} advisory" if v.findings else "ok"
        )
        lines.append(f"{v.id + mark:<4} {v.arm:<36} {v.source:<17} {score:>6}  {verdict}")
    for v in result.variations:  # the compliance report: rule, severity, field, span, why, source
        for f in v.findings:
            lines.append(f"  {v.id} {f.severity:<8} {f.rule_id} [{f.field}] {f.span[:60]!r}")
            lines.append(f"      {f.message}" + (f" (source: {f.source})" if f.source else ""))
    if result.facts_used:
        lines.append(
            "facts used: " + "; ".join(f"{f.id} {f.source_field}" for f in result.facts_used)
        )
    lines += ["reasons:"] + [f"  - {r}" for r in result.reasons]
    if result.timings:
        steps = {k: v for k, v in result.timings.items() if k != WAITING}
        lines.append("time: " + ", ".join(f"{step} {secs:.2f} s" for step, secs in steps.items()))
        if WAITING in result.timings:
            lines.append(
                f"waiting for review: {result.timings[WAITING]:.2f} s (a person's time, not in "
                "the total)"
            )
    return "\n".join(lines)


async def _personalize(args: argparse.Namespace) -> int:
    from ipe.graph.engine import IntelligentPersonalizationEngine

    prospect = _read_json(args.prospect, "prospect")
    template = _read_json(args.template, "template")
    engine = IntelligentPersonalizationEngine(
        user_id=args.user_id,
        data_dir=args.data_dir,
        settings=args.settings,
        linkedin_free_account=args.linkedin_free,
        require_approval=args.require_approval,
        deadline_s=args.deadline,
        review=args.review,
    )
    result = await engine.personalize_message(
        prospect, template, platform=args.platform, message_id=args.message_id
    )
    print(
        json.dumps(result.to_json_dict(), ensure_ascii=False)
        if args.json
        else render_result(result)
    )
    return 0


async def _batch(args: argparse.Namespace) -> int:
    from rich.console import Console

    from ipe.graph.batch import parse_rate, run_file
    from ipe.graph.engine import IntelligentPersonalizationEngine
    from ipe.tools.trust.inputs import parse_template, validate_request

    for name, given in (("--prospects", args.prospects), ("--template", args.template)):
        if _same_file(args.out, given):
            raise InvalidInputError(
                f"--out '{args.out}' is the {name} file: results go to a file of their own"
            )
    template = _read_json(args.template, "template")
    if args.concurrency < 1 or args.concurrency > 1024:
        raise InvalidInputError("--concurrency must be between 1 and 1024")
    rate = parse_rate(args.rate_limit) if args.rate_limit else None
    parse_template(template)  # a bad template is the user's to fix before any row runs
    if args.platform:
        validate_request({"id": "check", "name": "Template Check"}, template, args.platform)
    engine = IntelligentPersonalizationEngine(
        user_id=args.user_id,
        data_dir=args.data_dir,
        settings=args.settings,
        require_approval=args.require_approval,
        deadline_s=args.deadline,
        model_rpm=args.rpm,
        model_tpm=args.tpm,
        fallback=args.fallback,
    )
    console = Console(stderr=True)
    summary = await run_file(
        engine,
        prospects=args.prospects,
        template=template,
        out=args.out,
        platform=args.platform,
        concurrency=args.concurrency,
        rate_limit=rate,
        budget_s=args.budget,
        console=console,
    )
    console.print(summary.table())
    if summary.errors:
        console.print(
            f'{summary.errors} row(s) in error: their lines in {args.out} carry "error" and '
            '"line" (rows marked "retry" run again when you rerun the same command)'
        )
        console.print(f"results in {args.out}")
        return EXIT_ROWS_IN_ERROR
    console.print(f"results in {args.out}")
    return 0


def _same_file(a: str, b: str) -> bool:
    """True when paths ``a`` and ``b`` name the same file (existing or not)."""
    try:
        if Path(a).exists() and Path(b).exists():
            return Path(a).samefile(b)
    except OSError:
        return False
    return Path(a).resolve() == Path(b).resolve()


async def _feedback(args: argparse.Namespace) -> int:
    from ipe.graph.engine import FeedbackLoop

    event: dict[str, Any] = {"event": args.event}
    for key in ("event_id", "reply_text", "at"):
        if getattr(args, key):
            event[key] = getattr(args, key)
    if args.edited_body:
        try:
            event["edited_body"] = Path(args.edited_body).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise InvalidInputError(f"cannot read edited body file '{args.edited_body}'") from None
    loop = FeedbackLoop(user_id=args.user_id, data_dir=args.data_dir, settings=args.settings)
    outcome = await loop.update_model(args.message_id, event)
    if args.json:
        print(json.dumps(outcome))
    else:
        print("; ".join(f"{k}: {v}" for k, v in outcome.items()))
    return 0


def _suppression_line(entry: Any) -> str:
    who = ", ".join(entry.labels) or f"(erased person, {entry.keys} hashed key(s))"
    state = "" if entry.active else f"  LIFTED {entry.lifted_at}"
    return f"{entry.entry[:12]}  {who}  {entry.describe()}{state}"


async def _suppress(args: argparse.Namespace) -> int:
    from ipe.graph.engine import FeedbackLoop

    loop = FeedbackLoop(user_id=args.user_id, data_dir=args.data_dir, settings=args.settings)
    who = {
        "email": args.email,
        "prospect_id": args.prospect_id,
        "handle": args.handle,
        "platform": args.platform,
    }
    entries = await loop.lift(**who, note=args.note) if args.lift else [await loop.suppress(**who)]
    if args.json:
        print(json.dumps([asdict(e) for e in entries]))
    elif args.lift and not entries:
        print("not on the suppression list: nothing lifted")
    else:
        print("\n".join(_suppression_line(e) for e in entries))
    return 0


async def _suppressions(args: argparse.Namespace) -> int:
    from ipe.graph.engine import FeedbackLoop

    loop = FeedbackLoop(user_id=args.user_id, data_dir=args.data_dir, settings=args.settings)
    entries = await loop.suppressions(include_lifted=args.all)
    if args.json:
        print(json.dumps([asdict(e) for e in entries]))
    else:
        print(f"{len(entries)} suppressed person(s) for tenant {loop.context.user_id}")
        for entry in entries:
            print(_suppression_line(entry))
    return 0


async def _forget(args: argparse.Namespace) -> int:
    from ipe.graph.engine import FeedbackLoop

    loop = FeedbackLoop(user_id=args.user_id, data_dir=args.data_dir, settings=args.settings)
    report = await loop.forget(
        email=args.email, prospect_id=args.prospect_id, handle=args.handle, platform=args.platform
    )
    if args.json:
        print(json.dumps(asdict(report)))
    else:
        print(
            "erased: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in asdict(report).items())
        )
    return 0


def _preview_prospect() -> dict[str, Any]:
    """The record ``ipe template check`` writes to: reachable on every channel of the registry."""
    from ipe.tools.policies.channels import channel_names

    handles = {channel: "@alexexample" for channel in channel_names() if channel != "email"}
    return {
        "id": "preview",
        "name": "Alex Example",
        "email": "alex@example.com",
        "handles": handles,
    }


async def _template_check(args: argparse.Namespace) -> int:
    import tempfile

    from ipe.graph.engine import IntelligentPersonalizationEngine
    from ipe.tools.policies.channels import channel_names
    from ipe.tools.trust.inputs import parse_template
    from ipe.tools.writing.templates import review_template

    raw = _read_json(args.template, "template")
    template = parse_template(raw)
    report = review_template(template)
    prospect = _read_json(args.prospect, "prospect") if args.prospect else _preview_prospect()
    print(f"template {template.id}: fields {', '.join(report.fields) or '(none)'}")
    for warning in report.warnings:
        print(f"  warning: {warning}")
    for action in report.actions:
        print(f"  engine: {action}")
    channels = [args.platform] if args.platform in channel_names() else list(channel_names())
    failed = False
    with tempfile.TemporaryDirectory() as data_dir:
        engine = IntelligentPersonalizationEngine(
            user_id="preview", data_dir=data_dir, llm="none", settings=args.settings
        )
        for channel in channels:  # the rules, then a real offline message on each channel
            gaps = report.problems.get(channel, [])
            if not gaps:
                sample = await engine.personalize_message(
                    _preview_prospect(), raw, platform=channel
                )
                if sample.status == "blocked":
                    gaps = [_why_blocked(sample)]
            failed = failed or bool(gaps)
            print(f"  {channel:<9} " + ("ok" if not gaps else "cannot send: " + "; ".join(gaps)))
        try:
            result = await engine.personalize_message(prospect, raw, platform=args.platform)
        except PersonalizationError as err:
            print(f"preview: {err}")
            return EXIT_BAD_INPUT
    print("\npreview:")
    print(render_result(result))
    if failed:
        print(
            "ipe: error: the template cannot produce a sendable message on every channel: "
            "fix what 'cannot send' names above",
            file=sys.stderr,
        )
    return EXIT_BAD_INPUT if failed else 0


def _why_blocked(result: PersonalizationResult) -> str:
    """What kept every variation of a preview from passing (the critic's blocking findings)."""
    seen: list[str] = []
    for variation in result.variations:
        for finding in variation.findings:
            line = f"{finding.rule_id}: {finding.message.rstrip('.')}"
            if finding.severity != "advisory" and line not in seen:
                seen.append(line)
    return "; ".join(seen[:3]) or (result.reasons[-1] if result.reasons else "blocked")


def _stats(args: argparse.Namespace) -> int:
    from ipe.graph.context import Context, settings
    from ipe.memory.storage import storage_guard
    from ipe.tools.learning.stats import compute_stats, plot_stats, render_table

    user_id = args.user_id or args.settings.user_id
    ctx = settings(Context(user_id=user_id, data_dir=args.data_dir, env=args.settings))
    plot = _plot_path(args.plot) if args.plot else None
    with storage_guard(str(ctx.data_dir)):
        store = _existing_store(str(ctx.data_dir), ctx.user_id)
        try:
            report = compute_stats(store, ctx.user_id)
            evaluation = _policy_eval(store, ctx.user_id) if args.policy_eval else None
        finally:
            store.close()
    if args.json:
        document = report.model_dump()
        if evaluation is not None:
            document["policy_eval"] = evaluation.model_dump()
        print(json.dumps(document, default=str))
    else:
        print(render_table(report))
        if evaluation is not None:
            from ipe.tools.learning.policy_eval import render_policy_eval

            print()
            print(render_policy_eval(evaluation))
    if plot:
        plot_stats(report, plot)
        print(f"chart written to {plot}", file=sys.stderr)
    return 0


def _existing_store(data_dir: str, tenant: str) -> Any:
    """Open the outcome store of ``data_dir`` for reading; nothing is created for a wrong path."""
    from ipe.memory.outcomes import OutcomeStore

    path = Path(data_dir) / "outcomes.sqlite"
    if not Path(data_dir).is_dir():
        raise InvalidInputError(f"no data directory at '{data_dir}' (see --data-dir)")
    if not path.is_file():
        raise InvalidInputError(f"'{data_dir}' holds no outcome store (outcomes.sqlite)")
    store = OutcomeStore.open_readonly(path)
    if store.messages_count(tenant) == 0:
        store.close()
        raise InvalidInputError(
            f"tenant '{tenant}' has no messages in '{data_dir}' (see --user-id)"
        )
    return store


def _policy_eval(store: Any, tenant: str) -> Any:
    from ipe.tools.learning.policy_eval import evaluate_policies, logged_sends

    logs, skipped = logged_sends(store, tenant)
    if not logs:
        raise InvalidInputError(
            f"tenant '{tenant}' has no sent messages with logged propensities to evaluate"
        )
    return evaluate_policies(tenant, logs, skipped=skipped)


async def _simulate(args: argparse.Namespace) -> int:
    from ipe.graph.simulation import run_engine_simulation
    from ipe.tools.learning.simulator import plot_simulation

    if args.sends < 100:
        raise InvalidInputError("--sends must be at least 100")
    plot = _plot_path(args.plot) if args.plot else None
    report = await run_engine_simulation(sends=args.sends, seed=args.seed, data_dir=args.data_dir)
    print(json.dumps(report.to_json()) if args.json else report.summary())
    if plot:
        plot_simulation(report, plot)
        print(f"chart written to {plot}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ipe`` console script (exit codes: see the module docstring)."""
    try:
        code = _main(argv)
        sys.stdout.flush()
    except BrokenPipeError:  # ``ipe ... | head``: the reader has all it wanted
        _silence_stdout()
        return EXIT_OK
    except KeyboardInterrupt:
        print("ipe: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return code


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush cannot fail loudly."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    finally:
        os.close(devnull)


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.settings = load_settings()  # once, here: every command gets these
    except SettingsError as err:
        print(f"ipe: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if "user_id" in args and args.user_id is None:
        args.user_id = args.settings.user_id  # --user-id, else $IPE_USER_ID, else default
    data_dir = getattr(args, "data_dir", None)
    if data_dir:
        try:
            args.data_dir = data_dir = expand_path(data_dir, "--data-dir")
        except ValueError as err:
            print(f"ipe: error: {err}", file=sys.stderr)
            return EXIT_BAD_INPUT
    if data_dir and Path(data_dir).exists() and not Path(data_dir).is_dir():
        print(f"ipe: error: --data-dir '{data_dir}' is not a folder", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return _dispatch(args)
    except StorageError as err:
        print(f"ipe: error: {err}", file=sys.stderr)
        return EXIT_STORAGE
    except PersonalizationError as err:
        print(f"ipe: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as err:  # an unusable output file or folder outside the engine's guard
        if isinstance(err, BrokenPipeError):
            raise
        where = f": {err.filename}" if err.filename else ""
        print(f"ipe: error: {err.strerror or err}{where}", file=sys.stderr)
        return EXIT_STORAGE
    except Exception as err:  # a bug: still one line (IPE_DEBUG=1 shows the traceback)
        if args.settings.debug:
            traceback.print_exc()
        line = str(err).splitlines()[0][:200] if str(err) else ""
        print(
            f"ipe: internal error: {type(err).__name__}: {line} (a bug: please report it; "
            "IPE_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _review_decision(args: argparse.Namespace) -> dict[str, Any] | None:
    if args.approve:
        return {"type": "approve"}
    if args.reject:
        return {"type": "reject", "message": args.note}
    if args.variation:
        return {"type": "edit", "edited_action": {"args": {"variation_id": args.variation}}}
    if args.edit_body:
        try:
            body = Path(args.edit_body).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise InvalidInputError(f"cannot read edited body file '{args.edit_body}'") from None
        edit: dict[str, Any] = {"body": body}
        if args.subject is not None:
            edit["subject"] = args.subject
        return {"type": "edit", "edited_action": {"args": edit}}
    return None


async def _review(args: argparse.Namespace) -> int:
    from ipe.graph.engine import IntelligentPersonalizationEngine

    engine = IntelligentPersonalizationEngine(
        user_id=args.user_id, data_dir=args.data_dir, settings=args.settings, review=True
    )
    decision = _review_decision(args)
    if args.message_id is None:
        if decision is not None:
            raise InvalidInputError("name the message to decide: ipe review MESSAGE_ID --approve")
        pending = await engine.pending_reviews()
        if args.json:
            print(json.dumps(pending, ensure_ascii=False))
        for item in [] if args.json else pending:
            request = item["request"]["action_requests"][0]
            subject = request["args"].get("subject") or ""
            print(f"{item['message_id']}  {request['args']['channel']:<9} {subject}")
            print(f"  {request['description']}")
        if not args.json and not pending:
            print("no messages waiting for review")
        return 0
    if decision is None:
        raise InvalidInputError("decide with --approve, --reject, --edit-body FILE or --variation")
    result = await engine.review_message(args.message_id, decision)
    print(
        json.dumps(result.to_json_dict(), ensure_ascii=False)
        if args.json
        else render_result(result)
    )
    if decision["type"] != "edit":
        return 0
    request = (result.review or {}).get("action_requests", [{}])[0] if result.review else {}
    problems = request.get("args", {}).get("edit_problems") if isinstance(request, dict) else None
    if result.status == "needs_review" and problems:
        left = request["args"].get("edit_tries_left")
        print(
            f"ipe: error: the edit was not sent, it fails the checks: {_joined(problems)}. "
            f"The message is still waiting for review; {left} more failing edit(s) block it "
            f"(edit again, pick --variation, or --reject)",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    if result.status == "blocked":
        why = next((r for r in result.reasons if r.startswith("blocked in review")), "")
        print(f"ipe: error: the message is BLOCKED: {why}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


def _joined(problems: list[str]) -> str:
    return "; ".join(p.strip().rstrip(".") for p in problems)


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "personalize":
        return asyncio.run(_personalize(args))
    if args.command == "batch":
        try:
            return asyncio.run(_batch(args))
        except KeyboardInterrupt:
            print(
                "ipe: interrupted: rerun the same command to resume (rows already in --out are "
                "skipped)",
                file=sys.stderr,
            )
            return EXIT_INTERRUPTED
    if args.command == "review":
        return asyncio.run(_review(args))
    if args.command == "feedback":
        return asyncio.run(_feedback(args))
    if args.command == "suppress":
        return asyncio.run(_suppress(args))
    if args.command == "suppressions":
        return asyncio.run(_suppressions(args))
    if args.command == "forget":
        return asyncio.run(_forget(args))
    if args.command == "template":
        return asyncio.run(_template_check(args))
    if args.command == "stats":
        return _stats(args)
    return asyncio.run(_simulate(args))


if __name__ == "__main__":
    raise SystemExit(main())
