"""The prompt-regression scorecard: every evaluator's pass rate per drafting path.

``make eval`` runs ``python -m tests.eval.scorecard``: the golden set offline (several message ids
per record) and on the LLM path with the scripted manager model, then prints one table. Thresholds
(``thresholds.toml``) are the rates the pytest gate holds the engine to; rows below their target
are marked, so the table doubles as the to-do list.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from tests.eval.evaluators import (
    EVALUATORS,
    SAMENESS_MAX,
    Run,
    Verdict,
    dm_words,
    evaluate,
    sameness,
)
from tests.eval.golden import load_cases
from tests.eval.harness import run_all_sync

PATHS = ("offline", "llm", "llm_repair")
THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"


@dataclass(frozen=True)
class Row:
    """One evaluator on one path: passes out of applicable runs."""

    passed: int
    total: int

    @property
    def rate(self) -> float:
        """Pass rate (1.0 when nothing applied)."""
        return self.passed / self.total if self.total else 1.0


def one_per_case(runs: list[Run]) -> list[Run]:
    """The first run of each case (cross-prospect sameness compares prospects, not seeds)."""
    seen: set[str] = set()
    out = []
    for run in runs:
        if run.case.id not in seen:
            seen.add(run.case.id)
            out.append(run)
    return out


def load_thresholds() -> dict[str, dict[str, float]]:
    """``{path: {evaluator: minimum pass rate}}`` (the pytest gate) and ``target`` (the goal)."""
    return tomllib.loads(THRESHOLDS.read_text(encoding="utf-8"))


def tally(runs: list[Run]) -> tuple[dict[str, dict[str, Row]], dict[int, dict[str, Verdict]]]:
    """Per path and evaluator, the passes; and every run's verdicts (by index)."""
    verdicts = {i: evaluate(run) for i, run in enumerate(runs)}
    rows: dict[str, dict[str, Row]] = {}
    for path in PATHS:
        mine = [i for i, r in enumerate(runs) if r.path == path]
        rows[path] = {}
        for name in EVALUATORS:
            applied = [verdicts[i][name] for i in mine if name in verdicts[i]]
            rows[path][name] = Row(sum(v.passed for v in applied), len(applied))
        _, over, pairs, _ = sameness(one_per_case([runs[i] for i in mine]))
        rows[path]["sameness"] = Row(pairs - over, pairs)
    return rows, verdicts


def _pair(pair: tuple[str, str] | None) -> str:
    return f", worst {pair[0]} ~ {pair[1]}" if pair else ""


def render(runs: list[Run], rows: dict[str, dict[str, Row]]) -> str:
    """The scorecard table and its summary lines."""
    limits = load_thresholds()
    target = limits.get("target", {})
    lines = [
        f"{'evaluator':<16}" + "".join(f"{p + ' pass':>22}" for p in PATHS) + f"{'target':>9}",
        "-" * (16 + 22 * len(PATHS) + 9),
    ]
    for name in [*EVALUATORS, "sameness"]:
        cells = []
        for path in PATHS:
            row = rows[path][name]
            if not row.total:
                cells.append(f"{'n/a':>22}")
                continue
            gate = limits.get(path, {}).get(name)
            mark = "!" if gate is not None and row.rate < gate else " "
            below = "*" if row.rate < target.get(name, 1.0) else " "
            cells.append(f"{row.passed}/{row.total} {row.rate:>5.0%}{mark}{below}".rjust(22))
        lines.append(f"{name:<16}" + "".join(cells) + f"{target.get(name, 1.0):>9.0%}")
    lines.append("")
    for path in PATHS:
        mine = [r for r in runs if r.path == path]
        if not mine:
            continue
        median, most = dm_words(mine)
        worst, over, pairs, pair = sameness(one_per_case(mine))
        statuses: dict[str, int] = {}
        for r in mine:
            statuses[r.status] = statuses.get(r.status, 0) + 1
        lines.append(
            f"{path}: {len(mine)} runs of {len({r.case.id for r in mine})} records; "
            f"DM words median {median:g}, max {most}; sameness max {worst:.2f} "
            f"({over}/{pairs} pairs over {SAMENESS_MAX:.1f}{_pair(pair)}); "
            f"statuses {dict(sorted(statuses.items()))}"
        )
    lines.append("'!' below the pytest gate (tests/eval/thresholds.toml), '*' below the target.")
    return "\n".join(lines)


def failures(runs: list[Run], verdicts: dict[int, dict[str, Verdict]]) -> str:
    """One line per failed verdict: case, path, evaluator and why."""
    out = []
    for i, run in enumerate(runs):
        for name, v in verdicts[i].items():
            if not v.passed:
                seed = run.message_id.rsplit("-", 1)[-1]
                out.append(f"{run.case.id:<36} {run.path:<10} {seed:<6} {name:<17} {v.note}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Run the golden set and print the scorecard."""
    parser = argparse.ArgumentParser(prog="python -m tests.eval.scorecard")
    parser.add_argument("--failures", action="store_true", help="list every failed verdict")
    parser.add_argument("--json", type=Path, help="also write the runs and verdicts here")
    parser.add_argument("--case", action="append", help="only cases whose id contains this")
    args = parser.parse_args(argv)
    cases = load_cases()
    if args.case:
        cases = [c for c in cases if any(part in c.id for part in args.case)]
    runs = run_all_sync(cases)
    rows, verdicts = tally(runs)
    print(render(runs, rows))
    if args.failures:
        print("\nfailures:\n" + failures(runs, verdicts))
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        "case": r.case.id,
                        "path": r.path,
                        "message_id": r.message_id,
                        "status": r.status,
                        "subject": r.subject,
                        "body": r.body,
                        "verdicts": {k: vars(v) for k, v in verdicts[i].items()},
                    }
                    for i, r in enumerate(runs)
                ],
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
