"""``ipe suppress``, ``ipe suppressions`` and the conflicts, run as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples"


def ipe(*args: str, data_dir: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "IPE_LLM": "none", "IPE_DATA_DIR": data_dir}
    env.pop("OPENAI_API_KEY", None)
    return subprocess.run(
        [sys.executable, "-m", "ipe.graph.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


def _personalize(data_dir: str, *extra: str) -> dict[str, object]:
    run = ipe(
        "personalize",
        "--prospect",
        str(EX / "prospects/ana-email.json"),
        "--template",
        str(EX / "template.json"),
        "--json",
        *extra,
        data_dir=data_dir,
    )
    assert run.returncode == 0, run.stderr
    return dict(json.loads(run.stdout))


def test_suppress_list_and_lift(data_dir: str) -> None:
    added = ipe("suppress", "--email", "Ana@Example.org", data_dir=data_dir)
    assert added.returncode == 0, added.stderr
    assert "email:ana@example.org" in added.stdout and "manual" in added.stdout
    assert _personalize(data_dir)["status"] == "blocked"
    listed = ipe("suppressions", "--json", data_dir=data_dir)
    [entry] = json.loads(listed.stdout)
    assert entry["reason"] == "manual" and "id:p-1001" in entry["labels"]
    lifted = ipe("suppress", "--lift", "--prospect-id", "p-1001", data_dir=data_dir)
    assert lifted.returncode == 0 and "LIFTED" in lifted.stdout
    assert _personalize(data_dir)["status"] == "ready"
    assert "0 suppressed" in ipe("suppressions", data_dir=data_dir).stdout
    assert "1 suppressed" in ipe("suppressions", "--all", data_dir=data_dir).stdout
    nothing = ipe("suppress", "--lift", "--email", "zed@example.org", data_dir=data_dir)
    assert nothing.returncode == 0 and "nothing lifted" in nothing.stdout


def test_bad_suppress_input_and_conflicts_are_one_line_exit_2(data_dir: str) -> None:
    for args in (
        ("suppress",),
        ("suppress", "--email", "nope"),
        ("suppress", "--handle", "ana"),
    ):
        run = ipe(*args, data_dir=data_dir)
        assert run.returncode == 2 and run.stderr.count("\n") == 1, (args, run.stderr)
        assert "Traceback" not in run.stderr
    message_id = str(_personalize(data_dir)["message_id"])
    ok = ipe(
        "feedback",
        "--message-id",
        message_id,
        "--event",
        "delivered",
        "--event-id",
        "w1",
        data_dir=data_dir,
    )
    assert ok.returncode == 0, ok.stderr
    clash = ipe(
        "feedback",
        "--message-id",
        message_id,
        "--event",
        "unsubscribed",
        "--event-id",
        "w1",
        data_dir=data_dir,
    )
    assert clash.returncode == 2 and "w1" in clash.stderr and "Traceback" not in clash.stderr
    assert _personalize(data_dir)["status"] == "blocked"  # the opt-out in the clash still holds
    zoe = ipe(
        "personalize",
        "--prospect",
        str(EX / "prospects/zoe-tiktok.json"),
        "--template",
        str(EX / "template.json"),
        "--message-id",
        message_id,
        data_dir=data_dir,
    )
    assert zoe.returncode == 2 and "another prospect" in zoe.stderr
