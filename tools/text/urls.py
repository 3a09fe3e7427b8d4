"""Plain links: ``sanitize_url`` keeps only a plain http(s) URL with a host and no credentials."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

_HOST = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$"
)
_URL_FORBIDDEN = re.compile(r"[\s<>\"'`\\{}|^]")


def sanitize_url(value: str) -> str | None:
    """``value`` if it is a plain http(s) URL with a host and no credentials, else ``None``."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 2048 or _URL_FORBIDDEN.search(text):
        return None
    if any(unicodedata.category(c).startswith("C") for c in text):
        return None
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if "@" in parts.netloc or parts.username or parts.password:
        return None
    host = (parts.hostname or "").lower()
    if not host or not _HOST.match(host) or port == 0:
        return None
    return text
