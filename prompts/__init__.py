"""Prompt templates and phrase banks as text files, loaded by name."""

from __future__ import annotations

import hashlib
import tomllib
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

LANGUAGES: tuple[str, ...] = ("en", "es", "pt", "fr", "de")
"""The languages with a phrase bank (``phrases/<language>/``), English first: the offline drafter
writes in these."""


@cache
def load_prompt(name: str) -> str:
    """Return the text of ``prompts/<name>.txt``."""
    return files(__name__).joinpath(f"{name}.txt").read_text(encoding="utf-8")


@cache
def load_table(name: str) -> dict[str, Any]:
    """Return the parsed ``prompts/<name>.toml`` (trusted prompt text keyed by name)."""
    return tomllib.loads(files(__name__).joinpath(f"{name}.toml").read_text(encoding="utf-8"))


@cache
def load_bank(name: str) -> dict[str, Any]:
    """Return the parsed phrase bank ``prompts/phrases/<name>.toml`` (e.g. ``en/message``)."""
    *folders, stem = name.split("/")
    text = files(__name__).joinpath("phrases", *folders, f"{stem}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def bank_names(language: str) -> list[str]:
    """The language's banks by name: ``<lang>/message`` first, then its register overlays."""
    folder = files(__name__).joinpath("phrases", language)
    overlays = sorted(
        f"{language}/{entry.name.removesuffix('.toml')}"
        for entry in folder.iterdir()
        if entry.name.endswith(".toml") and entry.name != "message.toml"
    )
    return [f"{language}/message", *overlays]


def _text_files(root: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    """Every ``.txt`` and ``.toml`` file under ``root`` (recursively), by relative name."""
    found: list[tuple[str, Traversable]] = []
    for entry in root.iterdir():
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            found += _text_files(entry, f"{name}/")
        elif entry.name.endswith((".txt", ".toml")):
            found.append((name, entry))
    return found


def shaping_files() -> list[tuple[str, Traversable]]:
    """The files ``prompt_version`` hashes, by name: prompts, phrase banks and policies."""
    found = _text_files(files(__name__), "prompts/")
    found += _text_files(files("ipe.tools.policies"), "policies/")
    return sorted(found, key=lambda item: item[0])


@cache
def prompt_version() -> str:
    """A short digest of every file that shapes a message's text: changes when any of them does.

    The prompts, every phrase bank (each language's ``message.toml`` too) and the policies
    (``tools/policies/*.toml``: channel rules, strategy knobs, brand and language rules).
    """
    digest = hashlib.sha256()
    for name, entry in shaping_files():
        digest.update(name.encode())
        digest.update(entry.read_bytes())
    return digest.hexdigest()[:12]
