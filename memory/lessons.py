"""The per-tenant Chroma memory of lessons.

One collection per tenant (``lessons_<slug>``): the safe layout (a query can only ever see its own
tenant's lessons) and the fast one (no metadata filter over a shared collection). Embeddings are
computed by the injected LangChain ``Embeddings`` object, never by Chroma's default function, which
downloads a model at first use and fails offline. A collection remembers which embedder filled it; a
different embedder gets its own collection so vectors of different spaces never mix.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import chromadb
from chromadb.config import Settings
from langchain_core.embeddings import Embeddings

from ipe.domain import Lesson
from ipe.settings import current

_clients: dict[str, Any] = {}
_clients_lock = threading.Lock()


def chroma_location(data_dir: str | Path) -> str:
    """Where lessons live: ``$IPE_CHROMA_URL`` (a Chroma server) or ``data_dir/chroma``."""
    return current().chroma_url or str(Path(data_dir).resolve() / "chroma")


def chroma_client(location: str) -> Any:
    """One Chroma client per location and process, created under a lock.

    A server URL gets an ``HttpClient`` (the way several workers share lessons: an embedded
    Chroma directory is not safe for several processes). A directory gets a
    ``PersistentClient``; its first-time set-up (Chroma's own schema migration) is serialised
    across processes by an exclusive lock file beside it, so twelve processes starting on a
    fresh data directory do not race.
    """
    with _clients_lock:
        client = _clients.get(location)
        if client is None:
            client = _clients[location] = _open_client(location)
        return client


def _open_client(location: str) -> Any:
    settings = Settings(anonymized_telemetry=False)
    if location.startswith(("http://", "https://")):
        url = urlsplit(location)
        return chromadb.HttpClient(
            host=url.hostname or "127.0.0.1",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=settings,
        )
    Path(location).mkdir(parents=True, exist_ok=True)
    with open(f"{location}.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return chromadb.PersistentClient(path=location, settings=settings)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


_SEARCH_TTL_S = 30.0
"""How long a search result is reused when this process has not written the collection since.

Writes through this process clear the collection's cached results at once; the TTL bounds how long
another process's writes (``ipe feedback`` in a shell) take to show up. Lessons change only as
evidence accumulates (tens of sends), so a run never misses anything that matters.
"""
_searches: dict[tuple[str, str, int, str | None], tuple[int, float, list[Lesson]]] = {}
_writes: dict[str, int] = {}
"""Per collection: bumped before and after each write, so a search that overlapped one is stale."""
_searches_lock = threading.Lock()


def _bump(collection_key: str) -> None:
    with _searches_lock:
        _writes[collection_key] = _writes.get(collection_key, 0) + 1


def collection_name(tenant: str, embedder: Embeddings) -> str:
    """Chroma collection name for a tenant and embedder kind (3-63 chars of [a-zA-Z0-9_-])."""
    slug = re.sub(r"[^a-zA-Z0-9]", "", tenant)[:20] or "t"
    digest = hashlib.sha1(f"{tenant}|{type(embedder).__name__}".encode()).hexdigest()[:12]
    return f"lessons_{slug}_{digest}"


class LessonMemory:
    """Lessons of one tenant, stored with their evidence and retrieved by meaning."""

    def __init__(self, data_dir: str | Path, tenant: str, embedder: Embeddings) -> None:
        """Open (or create) the tenant's collection under ``data_dir/chroma``."""
        self.tenant = tenant
        self.embedder = embedder
        location = chroma_location(data_dir)
        client = chroma_client(location)
        self._key = f"{location}|{collection_name(tenant, embedder)}"
        self._col = client.get_or_create_collection(
            collection_name(tenant, embedder),
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"tenant": tenant},
        )

    def upsert(self, lessons: list[Lesson]) -> None:
        """Insert or merge lessons by id (the same lesson id never makes a second entry)."""
        if not lessons:
            return
        _bump(self._key)
        self._col.upsert(
            ids=[lesson.id for lesson in lessons],
            embeddings=self.embedder.embed_documents([lesson.text for lesson in lessons]),
            documents=[lesson.text for lesson in lessons],
            metadatas=[
                {
                    "status": lesson.status,
                    "segment": lesson.segment,
                    "json": lesson.model_dump_json(),
                }
                for lesson in lessons
            ],
        )
        _bump(self._key)

    def search(self, query: str, *, k: int = 5, status: str | None = "confirmed") -> list[Lesson]:
        """The ``k`` lessons nearest in meaning to ``query`` (only ``status`` ones if given).

        Results are reused for ``_SEARCH_TTL_S`` seconds unless this process writes the collection.
        """
        key, now = (self._key, query, k, status), time.monotonic()
        with _searches_lock:
            writes = _writes.get(self._key, 0)
            hit = _searches.get(key)
        if hit is not None and hit[0] == writes and now - hit[1] < _SEARCH_TTL_S:
            return list(hit[2])
        found = self._search(query, k=k, status=status)
        with _searches_lock:
            if len(_searches) > 1024:
                _searches.clear()
            _searches[key] = (writes, now, found)
        return list(found)

    def _search(self, query: str, *, k: int, status: str | None) -> list[Lesson]:
        if self._col.count() == 0:
            return []
        result = self._col.query(
            query_embeddings=[self.embedder.embed_query(query)],
            n_results=k,
            where={"status": status} if status else None,
        )
        metadatas = (result.get("metadatas") or [[]])[0]
        return [Lesson.model_validate(json.loads(str(m["json"]))) for m in metadatas if m]

    def all(self) -> list[Lesson]:
        """Every lesson of this tenant (for merging, stats and inspection)."""
        got = self._col.get(include=["metadatas"])
        return [Lesson.model_validate(json.loads(str(m["json"]))) for m in got["metadatas"] or []]

    def count(self) -> int:
        """How many lessons the tenant has."""
        return int(self._col.count())


def forget_evidence(data_dir: str | Path, tenant: str, message_ids: set[str]) -> int:
    """Remove these message ids from the evidence of every lesson of ``tenant``; return how many.

    Covers the tenant's collections of every embedder. The lessons' counts and rates stay (they
    are aggregates); only the ids that point at a person's messages go. Nothing is created when
    the data directory has no lesson memory.
    """
    location = chroma_location(data_dir)
    local = not location.startswith(("http://", "https://"))
    if not message_ids or (local and not Path(location).is_dir()):
        return 0
    client = chroma_client(location)
    changed = 0
    for col in client.list_collections():
        if (col.metadata or {}).get("tenant") != tenant:
            continue
        got = col.get(include=["metadatas"])
        ids, metadatas = [], []
        for lesson_id, meta in zip(got["ids"], got["metadatas"] or [], strict=True):
            lesson = Lesson.model_validate(json.loads(str(meta["json"])))
            kept = [m for m in lesson.message_ids if m not in message_ids]
            if kept != lesson.message_ids:
                updated = lesson.model_copy(update={"message_ids": kept})
                ids.append(lesson_id)
                metadatas.append({**meta, "json": updated.model_dump_json()})
        if ids:
            key = f"{location}|{col.name}"
            _bump(key)
            col.update(ids=ids, metadatas=metadatas)
            _bump(key)
            changed += len(ids)
    return changed
