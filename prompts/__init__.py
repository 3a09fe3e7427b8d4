"""Prompt templates and phrase banks as text files, loaded by name."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def load_prompt(name: str) -> str:
    """Return the text of ``prompts/<name>.txt``."""
    return files(__name__).joinpath(f"{name}.txt").read_text(encoding="utf-8")


@cache
def load_bank(name: str) -> dict[str, Any]:
    """Return the parsed phrase bank ``prompts/phrases/<name>.toml`` (e.g. ``en/message``)."""
    *folders, stem = name.split("/")
    text = files(__name__).joinpath("phrases", *folders, f"{stem}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)
