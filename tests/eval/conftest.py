"""Golden-set tests: keep the caller's LangSmith test tracking (an experiment when a key is set)."""

from __future__ import annotations

import os

import pytest

_TRACKING = os.environ.get("LANGSMITH_TEST_TRACKING")


@pytest.fixture(autouse=True)
def _langsmith_tracking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Undo the suite-wide ``LANGSMITH_TEST_TRACKING=false`` when the caller asked for tracking."""
    if os.environ.get("LANGSMITH_API_KEY") and _TRACKING != "false":
        if _TRACKING:
            monkeypatch.setenv("LANGSMITH_TEST_TRACKING", _TRACKING)
        else:
            monkeypatch.delenv("LANGSMITH_TEST_TRACKING", raising=False)
