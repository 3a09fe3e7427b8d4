"""Traces without personal data, with the metadata that makes them searchable.

With tracing on (``LANGSMITH_TRACING=true``), ``install_privacy`` routes every trace of the process
through a LangSmith client whose anonymizer (``langsmith.anonymizer.create_anonymizer``) masks
e-mail addresses, phone numbers, handles and history text in run inputs, outputs and metadata.
``IPE_TRACE_MASK`` chooses what is masked: a comma-separated subset of
``email,phone,handle,history`` (default: all of them) or ``none``.

``annotate_run`` adds what a step has just learned (segment, chosen arm) to the metadata of the
step's run and of every run above it, up to the trace's root, while they are still open: the
root run of every trace, through the API or the server, ends carrying the tenant, prospect id,
channel, segment, chosen arm and prompt version.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from langchain_core.tracers.base import BaseTracer
from langgraph.config import get_config

from ipe.addresses import mask_addresses
from ipe.settings import TRACE_MASKS, Settings, current

MASKS: tuple[str, ...] = TRACE_MASKS

_PHONE = re.compile(
    r"(?<![\w+-])(?!\d{4}-\d{2}-\d{2})\+?(?:\(\d{1,4}\)[ .-]?)?\d[\d ().-]{5,}\d(?![\w-])"
)
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?")
_QUOTED = r"""(['"])(?:\\.|(?!\2).)*\2"""
_REPR_HANDLE = re.compile(r"(\b(?:handle|username|screen_name)=)" + _QUOTED)
_REPR_HISTORY = re.compile(
    r"((?:(?:Interaction|HistoryItem)\([^()]*?\b(?:text|summary)="
    r"|Fact\([^()]*?\bkind='history',[^()]*?\btext=|\basked_for=))" + _QUOTED
)
_HANDLE_KEYS = frozenset({"handle", "username", "screen_name"})
_HISTORY_KEYS = frozenset({"interaction_history", "history", "reply_text", "edited_body"})
_HISTORY_TEXT_KEYS = frozenset({"text", "summary"})


def configured_masks(settings: Settings | None = None) -> tuple[str, ...]:
    """What ``IPE_TRACE_MASK`` asks to mask (all of ``MASKS`` when unset), from the settings."""
    return (settings or current()).trace_masks


def _phone(match: re.Match[str]) -> str:
    digits = sum(c.isdigit() for c in match.group())
    return "<phone>" if 7 <= digits <= 15 else match.group()


def _in_history(path: Sequence[str | int]) -> bool:
    keys = [p for p in path if isinstance(p, str)]
    if any(k in ("reply_text", "edited_body") for k in keys[-1:]):
        return True
    if "relationship" in keys[:-1] and keys[-1] in ("asked_for", "evidence"):
        return True  # the prospect's words, quoted by the relationship state
    return any(k in ("interaction_history", "history") for k in keys[:-1]) and bool(
        keys and keys[-1] in _HISTORY_TEXT_KEYS
    )


def mask_text(value: str, path: Sequence[str | int], masks: Iterable[str] = MASKS) -> str:
    """Mask one string of a run's data, given where it sits (``path``) in the data."""
    chosen = set(masks)
    last = path[-1] if path else None
    if "history" in chosen and _in_history(path):
        return "<history>"
    if "handle" in chosen and isinstance(last, str) and last in _HANDLE_KEYS and value:
        return "<handle>"
    # A model's repr inside a string (e.g. a ``Send`` carrying a draft task): the same fields.
    if "history" in chosen and "=" in value:
        value = _REPR_HISTORY.sub(r"\1'<history>'", value)
    if "handle" in chosen and "=" in value:
        value = _REPR_HANDLE.sub(r"\1'<handle>'", value)
    if "email" in chosen:
        value = mask_addresses(value, "<email>")
    if "phone" in chosen:
        value = _PHONE.sub(_phone, value)
    if "handle" in chosen:
        value = _HANDLE.sub("<handle>", value)
    return value


def privacy_anonymizer(masks: Iterable[str] | None = None) -> Callable[[Any], Any]:
    """A LangSmith anonymizer masking ``masks`` (default: ``IPE_TRACE_MASK`` or all)."""
    from langsmith.anonymizer import create_anonymizer

    chosen = tuple(masks) if masks is not None else configured_masks()

    def anonymize(data: Any) -> Any:
        # The prospect's words also travel as history facts and quotes in notes and reasons:
        # every copy of a history text found anywhere in this payload is masked too.
        quoted = sorted(_history_texts(data), key=len, reverse=True) if "history" in chosen else []

        def replace(value: str, path: list[str | int]) -> str:
            for text in quoted:
                value = value.replace(text, "<history>")
            return mask_text(value, path, chosen)

        return create_anonymizer(replace, max_depth=20)(data)

    return anonymize


_MIN_QUOTE = 8  # shorter history texts ("ok", "thanks") are not searched for elsewhere


def _history_texts(data: Any, path: tuple[str | int, ...] = (), depth: int = 0) -> set[str]:
    """The history texts in ``data``: history items, replies, history facts, quoted asks."""
    found: set[str] = set()
    if depth > 20:
        return found
    if isinstance(data, dict):
        if data.get("kind") == "history" and isinstance(data.get("text"), str):
            found.add(data["text"])
        for key, value in data.items():
            found |= _history_texts(value, (*path, str(key)), depth + 1)
    elif isinstance(data, list | tuple):
        for i, value in enumerate(data):
            found |= _history_texts(value, (*path, i), depth + 1)
    elif isinstance(data, str):
        if _in_history(path) and "relationship" not in path:
            found.add(data)
        elif path and path[-1] == "asked_for":
            found.add(data)
        for match in _REPR_HISTORY.finditer(data):
            found.add(match.group(0)[len(match.group(1)) + 1 : -1])
    return {text for text in found if len(text) >= _MIN_QUOTE}


_installed = False


def install_privacy(masks: Iterable[str] | None = None) -> bool:
    """With tracing on, send this process's traces through a masking LangSmith client.

    Returns True when the client was installed (once per process; a no-op with tracing off or
    nothing to mask). A client configured later with ``langsmith.configure`` replaces it.
    """
    global _installed
    from langsmith import utils as ls_utils

    chosen = tuple(masks) if masks is not None else configured_masks()
    if _installed or not chosen or not ls_utils.tracing_is_enabled():
        return False
    import langsmith

    langsmith.configure(client=langsmith.Client(anonymizer=privacy_anonymizer(chosen)))
    _installed = True
    return True


def annotate_run(**metadata: Any) -> None:
    """Add ``metadata`` to the current step's run and every open run above it (up to the root).

    Called inside a graph node. Tracers (LangSmith's and any other ``BaseTracer``) keep open runs
    in ``run_map``; a run's metadata is sent when it ends, so what a step learns mid-run reaches
    the root run.
    """
    try:
        config = get_config()
    except RuntimeError:  # not inside a runnable: nothing is being traced
        return
    callbacks = config.get("callbacks")
    handlers = getattr(callbacks, "handlers", None)
    parent = getattr(callbacks, "parent_run_id", None)
    if not handlers or parent is None:
        return
    values = {k: v for k, v in metadata.items() if v is not None}
    for handler in handlers:
        if not isinstance(handler, BaseTracer):
            continue
        run = handler.run_map.get(str(parent))
        while run is not None:
            run.extra.setdefault("metadata", {}).update(values)
            run = handler.run_map.get(str(run.parent_run_id)) if run.parent_run_id else None
