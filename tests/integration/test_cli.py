"""The ``ipe`` command line, run as a user runs it (a subprocess), offline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_personalize_json_then_feedback_then_stats(data_dir: str, tmp_path: Path) -> None:
    run = ipe(
        "personalize",
        "--prospect",
        str(EX / "prospects/ana-email.json"),
        "--template",
        str(EX / "template.json"),
        "--json",
        data_dir=data_dir,
    )
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    for key in (
        "message_id",
        "status",
        "platform",
        "subject",
        "body",
        "variations",
        "facts_used",
        "reasons",
    ):
        assert key in out
    assert out["status"] == "ready" and out["platform"] == "email"
    assert len(out["variations"]) >= 2
    assert all(
        {"id", "subject", "body", "score", "compliant", "violations"} <= v.keys()
        for v in out["variations"]
    )
    mid = out["message_id"]
    fb = ipe(
        "feedback",
        "--message-id",
        mid,
        "--event",
        "replied",
        "--event-id",
        "e1",
        "--reply-text",
        "Sounds great, tell me more!",
        "--json",
        data_dir=data_dir,
    )
    assert fb.returncode == 0, fb.stderr
    assert json.loads(fb.stdout)["counted"] == 1
    again = ipe(
        "feedback",
        "--message-id",
        mid,
        "--event",
        "replied",
        "--event-id",
        "e1",
        "--reply-text",
        "Sounds great, tell me more!",
        "--json",
        data_dir=data_dir,
    )
    assert json.loads(again.stdout)["counted"] == 0
    plot = tmp_path / "stats.png"
    stats = ipe("stats", "--plot", str(plot), data_dir=data_dir)
    assert stats.returncode == 0, stats.stderr
    assert plot.stat().st_size > 5000


def test_readable_view_shows_message_and_variation_table(data_dir: str) -> None:
    run = ipe(
        "personalize",
        "--prospect",
        str(EX / "prospects/liam-linkedin.json"),
        "--template",
        str(EX / "template.json"),
        data_dir=data_dir,
    )
    assert run.returncode == 0, run.stderr
    assert "status: READY" in run.stdout
    assert "TrailPeak" in run.stdout
    assert run.stdout.count("\nv") >= 2


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (
            ["personalize", "--prospect", "missing.json", "--template", "examples/template.json"],
            "cannot read",
        ),
        (
            ["personalize", "--prospect", "README.md", "--template", "examples/template.json"],
            "not valid JSON",
        ),
        (
            [
                "personalize",
                "--prospect",
                "examples/prospects/ana-email.json",
                "--template",
                "examples/template.json",
                "--platform",
                "myspace",
            ],
            "unknown channel",
        ),
        (
            [
                "personalize",
                "--prospect",
                "tests/data/prospect_without_name.json",
                "--template",
                "examples/template.json",
            ],
            "required field",
        ),
        (["feedback", "--message-id", "msg_nope", "--event", "opened"], "unknown message id"),
        (["feedback", "--message-id", "msg_nope", "--event", "teleported"], "unknown"),
        (["personalize"], "required"),
        (["stats", "--data-dir", "README.md"], "not a folder"),
        (["stats", "--plot", "chart.pdfzz"], "--plot needs"),
        (["feedback", "--message-id", "msg_nope", "--event", ""], "unknown"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], needle: str, data_dir: str) -> None:
    run = ipe(*args, data_dir=data_dir)
    assert run.returncode == 2
    assert needle in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert "Traceback" not in run.stderr


def test_template_without_postal_address_is_refused_for_email(
    data_dir: str, tmp_path: Path
) -> None:
    template = json.loads((EX / "template.json").read_text())
    del template["sender"]["postal_address"]
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template))
    run = ipe(
        "personalize",
        "--prospect",
        str(EX / "prospects/ana-email.json"),
        "--template",
        str(path),
        "--platform",
        "email",
        data_dir=data_dir,
    )
    assert run.returncode == 2
    assert "postal" in run.stderr
