"""One channel registry: a channel is one table of channels.toml, and nothing else lists them."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tomllib
import uuid
from pathlib import Path
from typing import Any

import pytest

from ipe.prompts import load_prompt
from ipe.tools.channel.policy import load_policy
from ipe.tools.policies.channels import KINDS, channel_names, channels_of_kind, registry
from ipe.tools.text.textcount import measure

ROOT = Path(__file__).resolve().parents[2]
CODE = ("graph", "nodes", "tools", "memory", "prompts", "ipe")
EXAMPLES = ROOT / "examples"

# Run the real CLI with channels.toml read from another file (a copy with one more table).
OVERRIDE = """
import functools, sys, tomllib
import ipe.tools.policies as policies
original = policies.load_pack.__wrapped__

@functools.cache
def load_pack(name):
    if name == "channels":
        return tomllib.loads(open(sys.argv[1], encoding="utf-8").read())
    return original(name)

policies.load_pack = load_pack
from ipe.graph.cli import main
sys.exit(main(sys.argv[2:]))
"""


def test_every_channel_is_complete() -> None:
    assert channel_names()[0] == channels_of_kind("email")[0]
    for name, spec in registry().items():
        policy = load_policy(name)
        assert spec.kind in KINDS and spec.unit == policy.unit
        assert 0 < spec.length_target <= policy.body_limit, name
        low, high = spec.words
        assert 0 <= low < high <= spec.hard_max_words, name
        assert spec.prompt_example is None or load_prompt(spec.prompt_example).strip(), name
    assert set(channels_of_kind("email")) | set(channels_of_kind("dm")) | set(
        channels_of_kind("connection-note")
    ) == set(channel_names())


def _string_constants(path: Path) -> list[tuple[int, str]]:
    """Strings a module compares with, lists, keys or indexes by (where a channel list hides)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    holders: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            holders += [node.left, *node.comparators]
        elif isinstance(node, ast.Tuple | ast.List | ast.Set):
            holders += node.elts
        elif isinstance(node, ast.Dict):
            holders += [k for k in node.keys if k is not None]
        elif isinstance(node, ast.Subscript):
            holders.append(node.slice)
        elif isinstance(node, ast.JoinedStr):  # f"draft_example_{...}"
            holders += node.values
        elif isinstance(node, ast.Call):  # load_policy("linkedin"); a one-letter "x" is text there
            holders += [
                a for a in node.args if not (isinstance(a, ast.Constant) and a.value == "x")
            ]
    return [
        (node.lineno, node.value)
        for node in holders
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_no_code_lists_channels_by_name() -> None:
    """Only channels.toml names channels ("email" is also a record field and a kind)."""
    names = set(channel_names()) - {"email"}
    aliases = {a for spec in registry().values() for a in spec.aliases}
    found = [
        f"{path.relative_to(ROOT)}:{line}: {value!r}"
        for folder in CODE
        for path in sorted((ROOT / folder).rglob("*.py"))
        for line, value in _string_constants(path)
        if value.strip().lower() in names | aliases
        or re.fullmatch(rf"(?:draft_example|draft_shape)_({'|'.join(names)})", value)
    ]
    assert found == []


def _with_copied_table(source: str, new: str, tmp_path: Path, *, opens: bool = True) -> Path:
    """channels.toml with ``source``'s tables (rules included) copied under ``new``."""
    text = (ROOT / "tools" / "policies" / "channels.toml").read_text(encoding="utf-8")
    tables = re.findall(rf"(?ms)^\[{source}(?:\.[^\]]+)?\]\n.*?(?=^\[|^# -|\Z)", text)
    copied = "".join(
        re.sub(rf"^\[{source}", f"[{new}", t).replace(f'"{source}.', f'"{new}.') for t in tables
    )
    copied = re.sub(r"(?m)^(aliases|hosts) = .*$", r"\1 = []", copied)
    copied = re.sub(
        r"(?m)^opens_conversation = .*$", f"opens_conversation = {str(opens).lower()}", copied
    )
    path = tmp_path / "channels.toml"
    path.write_text(text + "\n" + copied, encoding="utf-8")
    assert new in tomllib.loads(path.read_text(encoding="utf-8"))
    return path


def _personalize(source: str, tmp_path: Path, *, opens: bool = True) -> dict[str, Any]:
    """``ipe personalize --platform NEW --json`` with ``source``'s table copied as NEW."""
    new = f"ch{uuid.uuid4().hex[:8]}"
    override = _with_copied_table(source, new, tmp_path, opens=opens)
    prospect = json.loads((EXAMPLES / "prospects" / "ana-email.json").read_text("utf-8"))
    prospect["handles"] = {new: "@ana.new"}
    (tmp_path / "p.json").write_text(json.dumps(prospect), encoding="utf-8")
    env = {**os.environ, "IPE_LLM": "none", "IPE_DATA_DIR": str(tmp_path / "data")}
    env.pop("OPENAI_API_KEY", None)
    args = ["personalize", "--prospect", str(tmp_path / "p.json"), "--json"]
    args += ["--template", str(EXAMPLES / "template.json"), "--platform", new]
    run = subprocess.run(
        [sys.executable, "-c", OVERRIDE, str(override), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    result: dict[str, Any] = json.loads(run.stdout)
    assert result["platform"] == new
    return result


@pytest.mark.parametrize("kind", KINDS)
def test_a_copied_channel_table_is_a_channel_that_gives_a_compliant_message(
    kind: str, tmp_path: Path
) -> None:
    sources = channels_of_kind(kind)  # one whose links are blocked, when there is one
    source = next((c for c in sources if not load_policy(c).links_allowed), sources[0])
    result = _personalize(source, tmp_path)
    assert result["status"] in ("ready", "needs_review")
    policy = load_policy(source)  # the copy has the source's limits and rules
    assert measure(result["body"], policy.unit) <= policy.body_limit
    assert (result["subject"] is not None) == (kind == "email")
    if not policy.links_allowed:
        assert "http" not in result["body"] and "www." not in result["body"]
    if kind != "email":
        assert result["recipient"] in ("@ana.new", "ana.new")


def test_a_channel_that_cannot_open_a_conversation_blocks_a_first_message(tmp_path: Path) -> None:
    result = _personalize(channels_of_kind("dm")[0], tmp_path, opens=False)
    assert result["status"] == "blocked"
    assert any("a first message cannot go on" in r for r in result["reasons"])
