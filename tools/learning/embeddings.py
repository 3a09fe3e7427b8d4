"""Embedders: an offline hashing embedder by default, OpenAI embeddings when a key is set.

The offline embedder (``ipe.memory.embeddings.HashingEmbeddings``) needs no model download.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

from ipe.memory.embeddings import HashingEmbeddings
from ipe.settings import Settings

if TYPE_CHECKING:
    from ipe.graph.context import Context
from ipe.tools.provider.deadline import EMBED_SHARE, deadline_or_default
from ipe.tools.provider.models import embeddings_for, has_key


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
