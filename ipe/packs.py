"""The engine's policy data: one TOML file per concern under ``tools/policies/``, read once.

The files are data, not code: the foundation reads them so that every layer (``memory/``
included, which may not import ``tools/``) loads them the same way. ``ipe.tools.policies``
re-exports ``load_pack``.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files
from typing import Any

POLICIES = "ipe.tools.policies"
"""The package whose folder holds the TOML files."""


@cache
def load_pack(name: str) -> dict[str, Any]:
    """Return the parsed TOML data file ``tools/policies/<name>.toml`` (read once per process)."""
    text = files(POLICIES).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)
