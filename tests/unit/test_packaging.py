"""The ``ipe`` import root is mapped onto the top-level folders by packaging, not by links."""

from __future__ import annotations

import importlib
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / ".ci"))
typecheck = importlib.import_module("typecheck")


def _setuptools() -> dict[str, object]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return dict(config["tool"]["setuptools"])


def test_every_python_package_under_the_mapped_folders_is_listed() -> None:
    setuptools = _setuptools()
    mapping = dict(setuptools["package-dir"])  # type: ignore[call-overload]
    found = set()
    for package, folder in mapping.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            parts = init.parent.relative_to(ROOT / folder).parts
            found.add(".".join([package, *parts]))
    assert found == set(setuptools["packages"])  # type: ignore[call-overload]


def test_no_links_in_the_import_root() -> None:
    links = [p for p in (ROOT / "ipe").iterdir() if p.is_symlink()]
    assert links == []


def test_the_typecheck_names_every_module_as_installed() -> None:
    names = {source.module: source.path for source in typecheck.sources()}
    python_files = [
        p
        for folder in ("ipe", "graph", "nodes", "tools", "memory", "prompts")
        for p in (ROOT / folder).rglob("*.py")
    ]
    assert len(names) == len(python_files)
    assert names["ipe.graph.builder"] == "graph/builder.py"
    assert names["ipe.tools.writing"] == "tools/writing/__init__.py"
    assert names["ipe"] == "ipe/__init__.py"
    for module in names:
        assert importlib.import_module(module).__name__ == module
