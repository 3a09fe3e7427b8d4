"""The offline embedder of the lessons' memory: feature hashing, no model download.

It hashes word unigrams, word bigrams and character trigrams of the lower-cased text into a
fixed-size signed vector and L2-normalises it, so texts that share words and word pieces land near
each other (cosine similarity), which is what lesson retrieval needs. It is deterministic across
processes (blake2b, not Python's salted ``hash``). ``ipe.tools.learning.embeddings`` picks a run's
embedder (a model's when a key is set, else this one).
"""

from __future__ import annotations

import hashlib
import math
import re

from langchain_core.embeddings import Embeddings

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
