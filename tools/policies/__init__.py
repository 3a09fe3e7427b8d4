"""The engine's policies as data: channel rules, intents, rewards, learning and lint settings.

Every figure lives in a TOML file beside this module, next to its source; ``load_pack`` reads one.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def load_pack(name: str) -> dict[str, Any]:
    """Return the parsed TOML data file ``tools/policies/<name>.toml`` (read once per process)."""
    text = files(__name__).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)
