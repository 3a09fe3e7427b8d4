"""Make untrusted prospect text safe to show, quote and count (OWASP LLM01 and LLM05).

``sanitize_text`` turns any string into plain, visible, bounded text: no markup, no entities that
decode to markup, no control, zero-width or bidi characters. ``sanitize_url`` keeps only plain
http(s) links. ``sanitize_prospect`` applies both to a whole record and drops, sentence by
sentence, what addresses the writer of the message or tries to change what is sent (see
``tools/trust/injection.py``); the rest of the field stays usable. A field holding half of an
instruction cut across two fields is kept out whole. Each exclusion names its span and reason.
Exclusion is by function, not a guarantee: what may go out is allow-listed on the final text
(``tools/trust/outbound.py``), whatever survived here.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

from ipe.addresses import is_address
from ipe.domain import ExcludedSpan, Prospect
from ipe.tools.learning.replies import is_opt_out
from ipe.tools.policies.intents import opt_out_intent
from ipe.tools.text.urls import sanitize_url
from ipe.tools.trust.injection import find_instructions, has_split_trigger, split_reason
from ipe.tools.trust.outbound import TEMPLATE_SYNTAX

SHORT_LIMIT = 120
TITLE_LIMIT = 300
TEXT_LIMIT = 1000

_INVISIBLE = frozenset(
    [*range(0x200B, 0x2010), *range(0x2060, 0x2065), 0xFEFF, 0x00AD, 0x180E]
    + [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
    + [*range(0xE0000, 0xE0080), *range(0xFFF9, 0xFFFC)]
)
_DROP_BLOCKS = re.compile(r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z!?][^<>]*>")
_BLOCK_TAG = re.compile(
    r"</?(?:br|p|div|li|ul|ol|tr|td|th|table|h[1-6]|hr|section|article|header|footer|"
    r"blockquote|pre|nav|aside|main|form|iframe|img)\b[^<>]*>",
    re.IGNORECASE,
)
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_MD_IMAGE_OR_LINK = re.compile(
    r"!?\[([^\[\]]*)\]\([^\s()]*(?:\([^\s()]*\)[^\s()]*)*(?:\s+\"[^\"]*\")?\)"
)
_MD_MARKERS = re.compile(r"\*\*|__|~~|`")
_MD_STAR = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])")
_MD_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+", re.MULTILINE)
_SPACES = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r"\n{3,}")

SHORT_FIELDS = ("name", "company", "title", "location", "niche")
PLAIN_FIELDS = ("id", "platform", "handle", "language")


_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _drop_invisible(text: str, multiline: bool) -> str:
    if text.isascii() and not _ASCII_CONTROL.search(text):  # the common case, no char loop
        text = text.replace("\t", " ")
        return text if multiline else text.replace("\n", " ")
    out: list[str] = []
    for char in text:
        code = ord(char)
        if char == "\n" or code in (0x2028, 0x2029):
            out.append("\n" if multiline else " ")
        elif char == "\t":
            out.append(" ")
        elif code < 0x20 or 0x7F <= code <= 0x9F or code in _INVISIBLE:
            continue
        else:
            out.append(char)
    return "".join(out)


_MARKUP_STEPS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("<", _DROP_BLOCKS, " "),
    ("<", _COMMENT, " "),
    ("<", _BLOCK_TAG, " "),
    ("<", _TAG, ""),
    ("<", _TAG_START, ""),
    ("[", _MD_IMAGE_OR_LINK, r"\1"),
    ("#", _MD_HEADING, ""),
    ("*_~`", _MD_MARKERS, ""),
    ("*", _MD_STAR, r"\1"),
)
"""In order: each step's pattern, its replacement, and the characters it cannot match without
(as ``ipe.tools.channel.formatting._MARKUP_STEPS``)."""


def _strip_markup(text: str) -> str:
    for needs, pattern, replacement in _MARKUP_STEPS:
        if any(char in text for char in needs):
            text = pattern.sub(replacement, text)
    return text


def _collapse(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _NEWLINES.sub("\n\n", "\n".join(lines)).strip()


def _bound(text: str, max_len: int) -> str:
    if len(text) <= max_len:
        return text
    cut = text[: max_len + 1]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    return (cut[:space] if space > 0 else text[:max_len]).rstrip()


_TERMINAL_ESCAPE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])"
)
"""ANSI/VT escape sequences (colours, cursor moves, titles): removed whole, not just the ESC."""


def _one_pass(text: str, max_len: int, multiline: bool) -> str:
    text = _TERMINAL_ESCAPE.sub("", unicodedata.normalize("NFC", text))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _drop_invisible(text, multiline)
    text = _strip_markup(text)
    text = html.unescape(text)
    text = _drop_invisible(text, multiline)
    text = _strip_markup(text)
    return _bound(_collapse(text), max_len)


def sanitize_text(value: str, *, max_len: int = 2000, multiline: bool = False) -> str:
    """Plain, visible, NFC text of at most ``max_len`` characters, cut at a word boundary.

    Removes HTML/XML tags (and script/style contents), decoded entities that form markup, markdown
    links and emphasis markers, control characters (a line break survives only when
    ``multiline``), zero-width and bidi controls; collapses whitespace. The result is a fixed
    point: sanitising it again changes nothing.
    """
    if max_len <= 0:
        return ""
    text = value
    for _ in range(25):
        cleaned = _one_pass(text, max_len, multiline)
        if cleaned == text:
            break
        text = cleaned
    return text


class _Cleaner:
    """Collects excluded spans while one prospect is sanitised."""

    def __init__(self, split: dict[str, str] | None = None) -> None:
        self.excluded: list[ExcludedSpan] = []
        self.split = split or {}
        """Fields that carry half of an instruction cut across two fields, with the reason."""

    def free_text(self, value: str, field: str, max_len: int) -> str:
        """``value`` sanitised, without the sentences that address the writer (each reported).

        A sentence is dropped when it speaks to whoever writes the message or tries to change
        what is sent (``find_instructions``); the rest of the field stays usable. A field holding
        half of an instruction cut across two fields is kept out whole.
        """
        text = sanitize_text(value, max_len=max(max_len * 2, 4000), multiline=True)
        split = self.split.get(field)
        if split is not None:
            shown = sanitize_text(text, max_len=TEXT_LIMIT)
            self.excluded.append(ExcludedSpan(field=field, text=shown, reason=split))
            return ""
        spans = find_instructions(text)
        if not spans:
            return sanitize_text(text, max_len=max_len)
        kept, cursor = [], 0
        for start, end, reason in spans:
            kept.append(text[cursor:start])
            shown = sanitize_text(text[start:end], max_len=TEXT_LIMIT)
            self.excluded.append(ExcludedSpan(field=field, text=shown, reason=reason))
            cursor = end
        kept.append(text[cursor:])
        rest = sanitize_text(" ".join(kept), max_len=max_len)
        return rest if sum(c.isalpha() for c in rest) >= 3 else ""

    def name(self, value: str) -> str:
        """A display name the greeting may use: ``free_text``, or '' when it holds template tags.

        The greeting would write what the tags hold ('Hi PWNED'); the handle stands in.
        """
        text = self.free_text(value, "name", SHORT_LIMIT)
        if text and TEMPLATE_SYNTAX.search(text):
            reason = "template tags in a name"
            self.excluded.append(ExcludedSpan(field="name", text=text, reason=reason))
            return ""
        return text

    def url(self, value: str | None, field: str) -> str | None:
        if value is None or not str(value).strip():
            return None
        clean = sanitize_url(str(value))
        if clean is None:
            shown = sanitize_text(str(value), max_len=200)
            self.excluded.append(ExcludedSpan(field=field, text=shown, reason="unsafe url"))
        return clean

    def email(self, value: str | None, field: str) -> str | None:
        if value is None or not value.strip():
            return None
        text = value.strip()
        if is_address(text):
            return text
        shown = sanitize_text(text, max_len=200)
        self.excluded.append(ExcludedSpan(field=field, text=shown, reason="invalid email"))
        return None

    def extra(self, value: Any, field: str) -> Any:
        if isinstance(value, str):
            return self.free_text(value, field, TEXT_LIMIT)
        if isinstance(value, list):
            return [self.extra(item, f"{field}[{i}]") for i, item in enumerate(value)]
        if isinstance(value, dict):
            return {
                sanitize_text(str(key), max_len=SHORT_LIMIT): self.extra(item, f"{field}.{key}")
                for key, item in value.items()
            }
        return value


def _optional(value: str | None, max_len: int = SHORT_LIMIT) -> str | None:
    if value is None:
        return None
    return sanitize_text(value, max_len=max_len) or None


def _free_fields(p: Prospect) -> list[tuple[str, str]]:
    """Every free-text field of ``p`` as (field name, text), in record order."""
    out: list[tuple[str, str]] = [(key, getattr(p, key) or "") for key in SHORT_FIELDS]
    out.append(("bio", p.bio or ""))
    out += [(f"tags[{i}]", tag) for i, tag in enumerate(p.tags)]
    for i, item in enumerate(p.recent_content):
        out.append((f"recent_content[{i}].title", item.title))
        out.append((f"recent_content[{i}].summary", item.summary or ""))
    out += [(f"interaction_history[{i}].text", h.text) for i, h in enumerate(p.interaction_history)]
    for key, value in (p.model_extra or {}).items():
        if isinstance(value, str):
            out.append((key, value))
    return [(name, sanitize_text(text, max_len=4000)) for name, text in out if text]


def split_fields(p: Prospect) -> dict[str, str]:
    """Fields holding one half of an instruction cut across two fields, with the reason.

    Any ordered pair counts (a model may see the fields in any order); only pairs whose first
    field ends with a word that can start an instruction are joined and checked.
    """
    fields = _free_fields(p)
    starts = [(name, text) for name, text in fields if has_split_trigger(text)]
    found: dict[str, str] = {}
    for first, first_text in starts:
        for second, second_text in fields:
            if second == first or (first in found and second in found):
                continue
            reason = split_reason(first_text, second_text)
            if reason is not None:
                found.setdefault(first, f"{reason} (split across {first} and {second})")
                found.setdefault(second, f"{reason} (split across {first} and {second})")
    return found


def sanitize_prospect(p: Prospect) -> tuple[Prospect, list[ExcludedSpan]]:
    """A sanitised copy of ``p`` and the fields that were kept out of it (and why).

    A history text cut for hostile sentences that asks to opt out keeps that request as the
    item's outcome: an opt-out is never lost because its text was also hostile.
    """
    clean = _Cleaner(split_fields(p))
    data: dict[str, Any] = p.model_dump()
    for key in PLAIN_FIELDS:
        data[key] = _optional(data[key])
    data["id"] = data["id"] or p.id
    for key in SHORT_FIELDS:
        if data[key] is not None:
            name = key == "name"
            text = clean.name(data[key]) if name else clean.free_text(data[key], key, SHORT_LIMIT)
            data[key] = text or None
    if data["bio"] is not None:
        data["bio"] = clean.free_text(data["bio"], "bio", TEXT_LIMIT) or None
    data["email"] = clean.email(p.email, "email")
    data["website"] = clean.url(p.website, "website")
    tags = [clean.free_text(tag, f"tags[{i}]", SHORT_LIMIT) for i, tag in enumerate(p.tags)]
    data["tags"] = [tag for tag in tags if tag]
    for i, item in enumerate(data["recent_content"]):
        where = f"recent_content[{i}]"
        item["title"] = clean.free_text(item["title"], f"{where}.title", TITLE_LIMIT)
        if item["summary"] is not None:
            item["summary"] = clean.free_text(item["summary"], f"{where}.summary", TEXT_LIMIT)
        item["url"] = clean.url(item["url"], f"{where}.url")
        item["published_at"] = _optional(item["published_at"])
        item["platform"] = _optional(item["platform"])
    for i, item in enumerate(data["interaction_history"]):
        raw = item["text"]
        item["text"] = clean.free_text(raw, f"interaction_history[{i}].text", TEXT_LIMIT)
        if raw and item["text"] != sanitize_text(raw, max_len=TEXT_LIMIT) and is_opt_out(raw):
            item["outcome"] = opt_out_intent(newsletter=False).event
        for key in ("at", "channel", "outcome"):
            item[key] = _optional(item[key])
        item["direction"] = sanitize_text(item["direction"], max_len=SHORT_LIMIT) or "outbound"
    data["preferences"] = {key: _optional(value) for key, value in data["preferences"].items()}
    for key, value in (p.model_extra or {}).items():
        data[key] = clean.extra(value, key)
    if not data["name"]:
        handle = (data["handle"] or "").lstrip("@").strip()
        data["name"] = handle or "there"
    return Prospect.model_validate(data), clean.excluded
