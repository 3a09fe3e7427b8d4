"""Open the stores of a data directory once per process and hand them to nodes and facades."""

from __future__ import annotations

import threading

from langchain_core.embeddings import Embeddings

from ipe.memory.database import open_database
from ipe.memory.embeddings import HashingEmbeddings
from ipe.memory.lessons import LessonMemory
from ipe.memory.outcomes import OutcomeStore
from ipe.memory.storage import check_lesson_store

_outcomes: dict[str, OutcomeStore] = {}
_outcomes_lock = threading.Lock()  # concurrent first runs (a batch) must share one store


def outcome_store(data_dir: str) -> OutcomeStore:
    """The message and outcome store (rows scoped per tenant), one per process.

    PostgreSQL when ``$IPE_DATABASE_URL`` is set (shared by every worker), else
    ``data_dir/outcomes.sqlite``.
    """
    with _outcomes_lock:
        if data_dir not in _outcomes:
            database = open_database(data_dir)
            _outcomes[data_dir] = OutcomeStore(database=database)
        return _outcomes[data_dir]


_HASHING = HashingEmbeddings()
_lessons: dict[tuple[str, str, int], LessonMemory] = {}
_lessons_lock = threading.Lock()


def lesson_memory(data_dir: str, tenant: str, embedder: Embeddings | None = None) -> LessonMemory:
    """The tenant's lesson collection in ``data_dir`` (one Chroma collection per tenant).

    ``embedder``: the run's (``tools.learning.embeddings.default_embedder``); without one, the
    offline hashing embedder.
    """
    check_lesson_store(data_dir)  # an empty or foreign chroma.sqlite3 is reported, not reset
    emb = embedder or _HASHING
    key = (data_dir, tenant, id(emb))
    with _lessons_lock:  # concurrent first calls must not open the collection twice
        if key not in _lessons:
            _lessons[key] = LessonMemory(data_dir, tenant, emb)
        return _lessons[key]
