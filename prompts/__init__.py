"""Prompt templates and phrase banks as text files, loaded by name."""

from __future__ import annotations

import hashlib
import tomllib
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any


def _bank_languages() -> tuple[str, ...]:
    """Every folder of ``phrases/`` with a ``message.toml``, English first, then by code."""
    root = files(__name__).joinpath("phrases")
    found = {
        entry.name
        for entry in root.iterdir()
        if entry.is_dir() and entry.joinpath("message.toml").is_file()
    }
    return ("en", *sorted(found - {"en"}))


LANGUAGES: tuple[str, ...] = _bank_languages()
"""The languages with a phrase bank (``phrases/<language>/message.toml``), English first: the
offline drafter writes in these. Adding a language is adding its folder: every layer (the
language choice, register, terms, answers, subjects, the footer, the critic's disclosure and
keep words) reads it from there."""

RULE_TABLES: frozenset[str] = frozenset({"register", "checks"})
"""Tables of a language's bank that hold rules, not phrases: ``[register]`` (cues, channel
defaults, forms) and ``[checks]`` (what the critic and the fitter read: disclosure patterns, offer
words, keep markers). Walks over a bank's text leave them out."""


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
