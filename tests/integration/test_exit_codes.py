"""One exit-code contract for every command (README, "Exit codes"): 0, 1, 2, 3, 130.

Each failure is one line on stderr naming what to fix, never a traceback and never "internal
error" for a condition a user can cause.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from ipe.graph import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TEMPLATE = str(EXAMPLES / "template.json")
ANA = str(EXAMPLES / "prospects" / "ana-email.json")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err and "internal error" not in err
    return lines[0]


def test_done_is_0_and_bad_input_is_2_naming_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = str(tmp_path / "data")
    code, out, _ = run(capsys, "personalize", "--prospect", ANA, "--template", TEMPLATE,
                       "--data-dir", data, "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["status"] in ("ready", "needs_review")
    broken = tmp_path / "broken.json"
    broken.write_text('{"id": "x",', encoding="utf-8")
    code, _, err = run(capsys, "personalize", "--prospect", str(broken), "--template", TEMPLATE,
                       "--data-dir", data)  # fmt: skip
    assert code == 2 and "broken.json" in one_line(err) and "not valid JSON" in err


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["personalize", "--deadline", "0"], "must be more than 0 and less than 86400 seconds"),
        (["personalize", "--deadline", "soon"], "not a number of seconds"),
        (["frobnicate"], "invalid choice"),
        (["batch", "--template", TEMPLATE], "required"),
    ],
)
def test_usage_errors_are_2(capsys: pytest.CaptureFixture[str], argv: list[str], says: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    assert exit_.value.code == 2
    assert says in one_line(capsys.readouterr().err)


def test_a_wrong_setting_is_2_naming_the_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("IPE_RETENTION_DAYS", "a month")
    code, _, err = run(capsys, "suppressions", "--data-dir", str(tmp_path))
    assert code == 2
    assert one_line(err).startswith("ipe: error: IPE_RETENTION_DAYS must be a number of days")


def test_the_cli_honours_ipe_user_id_and_expands_the_data_dir(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("IPE_USER_ID", "acme")
    monkeypatch.setenv("IPE_DATA_DIR", "~/ipe-data")
    assert run(capsys, "suppress", "--email", "ana@example.org")[0] == 0
    code, out, _ = run(capsys, "suppressions")
    assert code == 0 and "1 suppressed person(s) for tenant acme" in out
    assert (tmp_path / "ipe-data" / "outcomes.sqlite").is_file()
    assert not (Path.cwd() / "~").exists()
    code, out, _ = run(capsys, "suppressions", "--user-id", "globex")  # the flag still wins
    assert code == 0 and "0 suppressed person(s) for tenant globex" in out


def test_a_provider_key_missing_is_3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("IPE_LLM", "openai")
    code, _, err = run(capsys, "personalize", "--prospect", ANA, "--template", TEMPLATE,
                       "--data-dir", str(tmp_path))  # fmt: skip
    assert code == 3 and "IPE_LLM=openai needs OPENAI_API_KEY" in one_line(err)


def test_a_chroma_server_that_is_down_is_3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("IPE_CHROMA_URL", "http://127.0.0.1:9")  # nothing listens on port 9
    code, _, err = run(capsys, "personalize", "--prospect", ANA, "--template", TEMPLATE,
                       "--data-dir", str(tmp_path))  # fmt: skip
    assert code == 3 and "the Chroma server (IPE_CHROMA_URL) does not answer" in one_line(err)


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "prospects.csv"
    path.write_text(
        "id,name,platform,handle,bio\n"
        'kai,Kai Tanaka,instagram,@kai.outside,"Backpacking, ultralight setups"\n'
        'bad,"Unclosed quote,instagram,@nobody,bio\n'
        "zoe,Zoe Park,tiktok,@zoeruns,Runner\n"
        "kai,Kai Again,instagram,@kai.outside,duplicate\n",
        encoding="utf-8",
    )
    return path


def test_a_batch_with_bad_rows_is_1_and_reports_each_row_with_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "results.jsonl"
    code, _, err = run(capsys, "batch", "--prospects", str(_csv(tmp_path)), "--template", TEMPLATE,
                       "--out", str(out), "--data-dir", str(tmp_path / "data"))  # fmt: skip
    assert code == 1, err
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_line = {item["line"]: item for item in lines}
    assert sorted(by_line) == [2, 3, 4, 5]  # every row: a result or an error, none lost
    assert "not valid CSV" in by_line[3]["error"] and by_line[3]["error"].startswith("line 3")
    assert by_line[5]["error"] == "line 5: duplicate prospect id (first on line 2)"
    assert "error" not in by_line[2] and "error" not in by_line[4]
    assert "2 row(s) in error" in err and "errors (bad rows)" in err


def test_out_naming_an_input_is_refused_and_a_run_that_cannot_start_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prospects = _csv(tmp_path)
    before = prospects.read_bytes()
    code, _, err = run(capsys, "batch", "--prospects", str(prospects), "--template", TEMPLATE,
                       "--out", str(prospects), "--data-dir", str(tmp_path / "d"))  # fmt: skip
    assert code == 2 and "is the --prospects file" in one_line(err)
    assert prospects.read_bytes() == before

    # A data directory that cannot be written: exit 3, one line, no --out created.
    @asynccontextmanager
    async def read_only(data_dir: str, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        raise sqlite3.OperationalError("attempt to write a readonly database")
        yield

    monkeypatch.setattr("ipe.graph.engine.open_saver", read_only)
    data = tmp_path / "ro"
    data.mkdir()
    out = tmp_path / "new.jsonl"
    code, _, err = run(capsys, "batch", "--prospects", str(prospects), "--template", TEMPLATE,
                       "--out", str(out), "--data-dir", str(data))  # fmt: skip
    assert code == 3 and "data directory" in one_line(err)
    assert not out.exists()
    kept = tmp_path / "kept.jsonl"
    kept.write_bytes(b'{"prospect_id": "kai", "status": "ready"}\n{"prospect_id": "zo')
    code, _, _ = run(capsys, "batch", "--prospects", str(prospects), "--template", TEMPLATE,
                     "--out", str(kept), "--data-dir", str(data))  # fmt: skip
    assert code == 3
    assert kept.read_bytes() == b'{"prospect_id": "kai", "status": "ready"}\n{"prospect_id": "zo'


def test_a_template_without_an_offer_fails_the_check_with_the_fix(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    template = json.loads(Path(TEMPLATE).read_text(encoding="utf-8"))
    del template["offer"], template["approved_claims"]
    path = tmp_path / "no-offer.json"
    path.write_text(json.dumps(template), encoding="utf-8")
    code, out, err = run(capsys, "template", "check", str(path), "--platform", "instagram")
    assert code == 2
    assert 'instagram cannot send: the template has no offer: add "offer"' in out
    assert "cannot produce a sendable message" in one_line(err)
    code, out, _ = run(capsys, "template", "check", TEMPLATE, "--platform", "instagram")
    assert code == 0 and "instagram ok" in out and "status: READY" in out


def test_interrupted_is_130(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupt(args: Any) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_dispatch", interrupt)
    code, _, err = run(capsys, "suppressions")
    assert code == 130 and one_line(err) == "ipe: interrupted"


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    ipe = str(Path(sys.executable).parent / "ipe")
    proc = subprocess.Popen(
        [ipe, "stats", "--help"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the command writes (``ipe ... | head``)
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0
    assert err == ""
