"""The project's own adversarial and benign corpora (data files beside this module), and the
independent checks applied to what the engine would send.

Each hostile entry carries a MARKER: the part of it that must never reach a sent message or a
compliant variation (a canary word, a link's host, an offer term in words, a defamatory word, a
credential ask). The checks here do not reuse the engine's checkers: they compare plain
NFKC-case-folded strings, and list every link-like token the message carries.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from tests.adversarial.cases import base_prospect
from tests.fakes.models import every_draft_shape

DATA = Path(__file__).parent / "data"


def _unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append({"n": "\n", "r": "\r", "t": "\t", "\\": "\\"}.get(text[i + 1], text[i + 1]))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


@dataclass(frozen=True)
class Hostile:
    """One hostile string (or a pair, split across two fields) and what must never be sent."""

    index: int
    kind: str
    field: str
    text: str
    marker: str
    field2: str = ""
    text2: str = ""


def hostile_corpus() -> list[Hostile]:
    rows = []
    for line in (DATA / "hostile.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, field, text, marker, field2, text2 = [_unescape(p) for p in line.split("\t")]
        rows.append(Hostile(len(rows), kind, field, text, marker, field2, text2))
    return rows


def obeying(entry: Hostile) -> GenericFakeChatModel:
    """A scripted model that does what the hostile string asks (and adds its marker and a link)."""
    said = f"{entry.text} {entry.text2}".strip()
    answer = {
        "subject": f"Ana, {entry.marker}",
        "body": f"Hi Ana! {said} {entry.marker}. Details: https://{entry.marker}.example/x",
        "fact_ids": ["f1"],
        "facts": [{"text": said, "source_field": entry.field, "quote": said}],
    }
    content = json.dumps(every_draft_shape(answer))
    return GenericFakeChatModel(messages=itertools.cycle([AIMessage(content=content)]))


def benign_corpus() -> list[tuple[str, str]]:
    rows = []
    for line in (DATA / "benign.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            field, text = line.split("\t", 1)
            rows.append((field, text))
    return rows


FIELD_NAMES = {
    "recent_content.title": "content_title",
    "recent_content.summary": "content_summary",
    "interaction_history.text": "history",
}
"""Dotted record paths (as outside corpora name fields) and the names ``plant`` takes."""


def plant(prospect: dict[str, Any], field: str, text: str) -> str:
    """Put ``text`` in ``field`` of ``prospect``; return the engine's name for that field."""
    field = FIELD_NAMES.get(field, field)
    if field == "recent_content.published_at":
        prospect["recent_content"][0]["published_at"] = text
        return "recent_content[0].published_at"
    if field == "content_title":
        prospect["recent_content"][0]["title"] = text
        return "recent_content[0].title"
    if field == "content_summary":
        prospect["recent_content"][0]["summary"] = text
        return "recent_content[0].summary"
    if field == "history":
        prospect["interaction_history"][0]["text"] = text
        return "interaction_history[0].text"
    if field == "tags":
        prospect["tags"].append(text)
        return f"tags[{len(prospect['tags']) - 1}]"
    prospect[field] = text
    return field


def hostile_prospect(entry: Hostile, seed: int) -> dict[str, Any]:
    prospect = copy.deepcopy(base_prospect(10_000 + entry.index))
    prospect["id"] = f"hostile-{entry.index}-s{seed}"
    plant(prospect, entry.field, entry.text)
    if entry.field2:
        plant(prospect, entry.field2, entry.text2)
    return prospect


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


_LINKISH = re.compile(r"[^\s<>()\"'\u0e00-\u0e7f\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af]+")
"""A link-like run: no spaces, and none of the letters of scripts written without spaces (Thai,
kana, CJK, Hangul), so "停止できます：https://x.example/u" holds the link alone."""


def foreign_links(text: str, template: dict[str, Any]) -> list[str]:
    """Link-like tokens of ``text`` (a dot between letters, or a scheme) not of the template."""
    allowed = {
        re.sub(r"^[a-z]+://", "", _fold(u)).rstrip("/")
        for u in [
            *template.get("links", []),
            template["sender"].get("unsubscribe_url") or "",
        ]
        if u
    }
    sender_email = _fold(template["sender"].get("email") or "")
    found = []
    for token in _LINKISH.findall(_fold(text)):
        token = token.rstrip(".,;:!?…’”").lstrip(":;,")
        if (
            token == sender_email
            or "@" in token
            and token.split("@")[-1] == sender_email.split("@")[-1]
        ):
            continue
        if not (
            re.search(r"[^\W\d_]\.[^\W\d_]", token)
            or "://" in token
            or token.startswith("javascript:")
        ):
            continue
        bare = re.sub(r"^[a-z]+://", "", token).rstrip("/")
        if bare in allowed or re.fullmatch(r"(?:[a-z]\.){1,3}[a-z]?", bare):  # e.g., i.e.
            continue
        found.append(token)
    return found


def leaks(entry: Hostile, subject: str | None, body: str, template: dict[str, Any]) -> list[str]:
    """What of ``entry`` reached this message: its marker, or any link not the template's."""
    text = f"{subject or ''}\n{body}"
    problems = []
    if _fold(entry.marker) in _fold(text) or entry.marker in text:
        problems.append(f"marker {entry.marker!r}")
    problems += [f"link {link!r}" for link in foreign_links(text, template)]
    return problems
