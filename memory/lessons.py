"""The per-tenant Chroma memory of lessons.

One collection per tenant (``lessons_<slug>``): the safe layout (a query can only ever see its own
tenant's lessons) and the fast one (no metadata filter over a shared collection). Embeddings are
computed by the injected LangChain ``Embeddings`` object, never by Chroma's default function, which
downloads a model at first use and fails offline. A collection remembers which embedder filled it; a
different embedder gets its own collection so vectors of different spaces never mix.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import chromadb
from chromadb.config import Settings
from langchain_core.embeddings import Embeddings

from graph.domain import Lesson


@cache
def _client(path: str) -> Any:
    Path(path).mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=path, settings=Settings(anonymized_telemetry=False))


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
        client = _client(str(Path(data_dir) / "chroma"))
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

    def search(self, query: str, *, k: int = 5, status: str | None = "confirmed") -> list[Lesson]:
        """The ``k`` lessons nearest in meaning to ``query`` (only ``status`` ones if given)."""
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
