"""Shared fixtures: example inputs, a private data directory per test, offline settings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ipe.tools.learning.embeddings import HashingEmbeddings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def load_example(name: str) -> dict[str, Any]:
    """Load ``examples/<name>.json``."""
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("IPE_LLM", "none")
    monkeypatch.setenv("LANGSMITH_TRACING", "false")
    monkeypatch.setenv("LANGSMITH_TEST_TRACKING", "false")


@pytest.fixture
def data_dir(tmp_path: Path) -> str:
    return str(tmp_path / "data")


@pytest.fixture
def template() -> dict[str, Any]:
    return load_example("template")


@pytest.fixture
def prospects() -> dict[str, dict[str, Any]]:
    return {
        p.stem: json.loads(p.read_text("utf-8")) for p in (EXAMPLES / "prospects").glob("*.json")
    }


@pytest.fixture
def embedder() -> HashingEmbeddings:
    return HashingEmbeddings()
