"""Embedders: an offline hashing embedder by default, OpenAI embeddings when a key is set.

The offline embedder needs no model download. It hashes word unigrams, word bigrams and character
trigrams of the lower-cased text into a fixed-size signed vector and L2-normalises it, so texts that
share words and word pieces land near each other (cosine similarity), which is what lesson retrieval
needs. It is deterministic across processes (blake2b, not Python's salted ``hash``).
"""

from __future__ import annotations

import hashlib
import math
import re
from functools import cache
from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

from ipe.settings import Settings

if TYPE_CHECKING:
    from ipe.graph.context import Context
from ipe.tools.writing.deadline import EMBED_SHARE, deadline_or_default
from ipe.tools.writing.models import embeddings_for, has_key

_WORD = re.compile(r"[a-z0-9]+")


class HashingEmbeddings(Embeddings):
    """Feature-hashing embeddings over word and character n-grams (offline, deterministic)."""

    def __init__(self, size: int = 384) -> None:
        """Create an embedder producing vectors of ``size`` dimensions."""
        self.size = size

    def _features(self, text: str) -> list[tuple[str, float]]:
        words = _WORD.findall(text.lower())
        feats: list[tuple[str, float]] = [(f"w:{w}", 1.0) for w in words]
        feats += [(f"b:{a}_{b}", 0.7) for a, b in zip(words, words[1:], strict=False)]
        for w in words:
            padded = f"#{w}#"
            feats += [(f"c:{padded[i : i + 3]}", 0.3) for i in range(len(padded) - 2)]
        return feats

    def _embed(self, text: str) -> list[float]:
        vec = [0.0] * self.size
        for feat, weight in self._features(text):
            digest = hashlib.blake2b(feat.encode(), digest_size=8).digest()
            index = int.from_bytes(digest[:4], "little") % self.size
            sign = 1.0 if digest[4] & 1 else -1.0
            vec[index] += sign * weight
        norm = math.sqrt(sum(x * x for x in vec))
        return [x / norm for x in vec] if norm else vec

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed several texts."""
        return [self._embed(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        """Embed one query text."""
        return self._embed(text)


def default_embedder(
    settings: Settings, *, llm: str | None = None, deadline_s: float | None = None
) -> Embeddings:
    """The embedder of a run: ``IPE_EMBEDDING_MODEL``'s when the run may use it, else hashing.

    The model (``provider:model``, OpenAI's by default) is used when its provider's key is set
    (``OPENAI_API_KEY``) and the run's ``llm`` (default: the settings' ``IPE_LLM``) is not
    ``none``: ``llm="none"`` makes no network call of any kind. An embedding call (one lesson
    query per run) may take at most a fifth of the deadline, with one retry; a failed search
    leaves the run without lessons.
    """
    mode = llm or settings.llm
    spec = settings.embedding_model
    if mode == "none" or not has_key(spec, settings):
        return _hashing()
    timeout = EMBED_SHARE * deadline_or_default(deadline_s or settings.deadline_s)
    return embeddings_for(spec, settings, timeout=timeout)


def run_embedder(ctx: Context) -> Embeddings:
    """The embedder of a resolved run context: its injected one, else ``default_embedder``."""
    if ctx.embedder is not None:
        return ctx.embedder  # type: ignore[no-any-return]
    return default_embedder(ctx.settings_env, llm=ctx.llm, deadline_s=ctx.deadline_s)


@cache
def _hashing() -> Embeddings:
    return HashingEmbeddings()
