"""The built distribution installs beside an application with its own top-level packages."""

from __future__ import annotations

import glob
import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP_PACKAGES = ("tools", "graph", "memory", "nodes", "prompts")

SCRIPT = """
import asyncio, json, sys
import tools, graph, memory, nodes, prompts
from ipe import IntelligentPersonalizationEngine, PersonalizationError
import ipe

assert all(m.OWNER == "app" for m in (tools, graph, memory, nodes, prompts)), "app shadowed"
assert ipe.__file__.startswith(sys.argv[1]), ipe.__file__
prospect = json.load(open(sys.argv[2]))
template = json.load(open(sys.argv[3]))
result = asyncio.run(IntelligentPersonalizationEngine(user_id="app").personalize_message(
    prospect, template))
print(result.status, len(result.body.split()))
"""


def _setuptools_major() -> int:
    try:
        return int(importlib.metadata.version("setuptools").split(".")[0])
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return 0


def test_a_wheel_installs_beside_an_app_with_tools_graph_memory_nodes_prompts(
    tmp_path: Path,
) -> None:
    wheels, target, app = tmp_path / "wheels", tmp_path / "site", tmp_path / "app"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    # The venv's own setuptools builds it when recent enough (no download); else pip fetches it.
    isolation = ["--no-build-isolation"] if _setuptools_major() >= 77 else []
    build = [*pip, "wheel", "--no-deps", *isolation, "-w", str(wheels), str(ROOT)]
    subprocess.run(build, check=True, capture_output=True, timeout=300)
    (wheel,) = glob.glob(str(wheels / "*.whl"))
    install = [*pip, "install", "--no-deps", "--no-compile", "--target", str(target), wheel]
    subprocess.run(install, check=True, capture_output=True, timeout=300)
    packages = [p.name for p in target.iterdir() if (p / "__init__.py").exists()]
    assert packages == ["ipe"], "the distribution installs one package of its own"
    for name in APP_PACKAGES:
        (app / name).mkdir(parents=True)
        (app / name / "__init__.py").write_text('OWNER = "app"\n', encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(app), str(target)]),
        "IPE_LLM": "none",
        "IPE_DATA_DIR": str(tmp_path / "data"),
    }
    env.pop("OPENAI_API_KEY", None)
    examples = ROOT / "examples"
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            SCRIPT,
            str(target),
            str(examples / "prospects" / "ana-email.json"),
            str(examples / "template.json"),
        ],
        capture_output=True,
        text=True,
        cwd=app,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    status, words = run.stdout.split()
    assert status in ("ready", "needs_review") and int(words) > 20
