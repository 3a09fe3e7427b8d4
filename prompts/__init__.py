"""Prompt templates and phrase banks as text files, loaded by name."""

from __future__ import annotations

import hashlib
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


@cache
def prompt_version() -> str:
    """A short digest of every prompt and phrase bank: changes whenever any of their text does."""
    digest = hashlib.sha256()
    root = files(__name__)
    texts = [p.name for p in root.iterdir() if p.name.endswith(".txt")]
    banks = [f"phrases/{p.name}" for p in root.joinpath("phrases").iterdir()]
    names = sorted(texts + [b for b in banks if b.endswith(".toml")])
    for name in names:
        digest.update(name.encode())
        digest.update(root.joinpath(*name.split("/")).read_bytes())
    return digest.hexdigest()[:12]
