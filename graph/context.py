"""The run context: per-run configuration passed as ``context=`` (LangGraph ``context_schema``).

An explicitly passed value always beats the process settings (``ipe.settings.Settings``: the
environment, read and checked once at the entry point); the settings fill what is left, see
``resolved()``. Nothing here reads ``os.environ``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from langgraph.config import get_config

from ipe.settings import Settings, current, expand_path
from ipe.tools.provider.models import has_key

LlmMode = Literal["auto", "openai", "none"]
LLM_MODES: tuple[str, ...] = ("auto", "openai", "none")
DraftMode = Literal["per_variation", "one_call"]
DRAFT_MODES: tuple[str, ...] = ("per_variation", "one_call")
Fallback = Literal["offline", "defer"]
FALLBACKS: tuple[str, ...] = ("offline", "defer")


@dataclass(kw_only=True)
class Context:
    """Configuration of one personalization run."""

    user_id: str = field(default="default", metadata={"description": "The tenant id."})
    data_dir: str | None = field(
        default=None,
        metadata={"description": "Where memory lives; default $IPE_DATA_DIR or ~/.ipe."},
    )
    llm: LlmMode | None = field(
        default=None,
        metadata={"description": "auto: OpenAI when OPENAI_API_KEY is set; none: offline drafter."},
    )
    model: str | None = field(
        default=None,
        metadata={"description": "Chat model name; default $IPE_MODEL or gpt-4o-mini."},
    )
    n_variations: int = field(
        default=3, metadata={"description": "Variations drafted in parallel."}
    )
    max_repairs: int = field(default=1, metadata={"description": "Critic repair rounds at most."})
    lessons_k: int = field(default=5, metadata={"description": "Lessons retrieved per run."})
    linkedin_free_account: bool = field(
        default=False, metadata={"description": "Use LinkedIn's 200-character free-account limit."}
    )
    review: bool = field(
        default=False,
        metadata={
            "description": "Pause after the critic for a person to approve, edit or reject "
            "(needs a checkpointer)."
        },
    )
    require_approval: bool = field(
        default=False, metadata={"description": "Mark every passing message needs_review."}
    )
    seed: str | None = field(
        default=None, metadata={"description": "Seed for strategy sampling (default: message id)."}
    )
    chat_model: Any = field(
        default=None,
        metadata={"description": "An injected LangChain chat model (tests, custom providers)."},
    )
    embedder: Any = field(
        default=None, metadata={"description": "An injected LangChain Embeddings object."}
    )
    retention_days: float | None = field(
        default=None,
        metadata={
            "description": "Days run checkpoints are kept; default $IPE_RETENTION_DAYS or 30."
        },
    )
    pool_tenants: bool | None = field(
        default=None,
        metadata={
            "description": "Let other tenants' outcomes shape this tenant's prior (bounded); "
            "default $IPE_POOL_TENANTS or off."
        },
    )
    record_in_graph: bool = field(
        default=True,
        metadata={
            "description": "The feedback step records the message itself (a bare graph run); the "
            "engine sets False and records once the whole run, checkpoint included, succeeded."
        },
    )
    draft_mode: DraftMode | None = field(
        default=None,
        metadata={
            "description": "one_call: all variations in one structured call; per_variation: one "
            "model call per variation, in parallel; default $IPE_DRAFT_MODE or one_call."
        },
    )
    model_rpm: float | None = field(
        default=None,
        metadata={
            "description": "The provider's requests per minute: model calls are paced under it "
            "(process-wide, per provider key); default $IPE_MODEL_RPM or unpaced."
        },
    )
    model_tpm: float | None = field(
        default=None,
        metadata={
            "description": "The provider's tokens per minute (prompt + answer), paced like "
            "model_rpm; default $IPE_MODEL_TPM or unpaced."
        },
    )
    fallback: Fallback | None = field(
        default=None,
        metadata={
            "description": "When the model cannot be used (limit, outage, deadline): offline "
            "composes the message offline and says so; defer returns status deferred (nothing "
            "recorded) so the row can be drafted on the model later; default offline."
        },
    )
    deadline_s: float | None = field(
        default=None,
        metadata={
            "description": "Seconds a run may take (model calls are cut to fit, unfinished "
            "variations fall back to the offline drafter); default $IPE_DEADLINE_S or 30."
        },
    )

    env: Any = field(
        default=None,
        metadata={
            "description": "The process settings (ipe.settings.Settings) this run was resolved "
            "with; set by the entry point."
        },
    )

    def resolved(self, env: Settings | None = None) -> Context:
        """Return a copy with every unset field filled from the settings (``env``).

        ``env`` defaults to the context's own settings, else those of the process environment
        (``ipe.settings.current()``).
        """
        env = env or self.settings_env
        llm = self.llm if self.llm in LLM_MODES else env.llm
        deadline = self.deadline_s
        return replace(
            self,
            env=env,
            data_dir=expand_path(self.data_dir, "the data directory")
            if self.data_dir
            else env.data_dir,
            llm=llm,
            model=self.model or env.model,
            retention_days=(
                self.retention_days if self.retention_days is not None else env.retention_days
            ),
            pool_tenants=self.pool_tenants if self.pool_tenants is not None else env.pool_tenants,
            deadline_s=(
                deadline
                if deadline is not None and math.isfinite(deadline) and deadline > 0
                else env.deadline_s
            ),
            draft_mode=self.draft_mode if self.draft_mode in DRAFT_MODES else env.draft_mode,
            model_rpm=self.model_rpm or env.model_rpm,
            model_tpm=self.model_tpm or env.model_tpm,
            fallback=self.fallback if self.fallback in FALLBACKS else "offline",
        )

    @property
    def settings_env(self) -> Settings:
        """The process settings of this run (the entry point's, else the environment's)."""
        return self.env if isinstance(self.env, Settings) else current()

    @property
    def uses_llm(self) -> bool:
        """True when drafting should go through a chat model."""
        mode = self.llm or self.settings_env.llm
        if mode == "none":
            return False
        if self.chat_model is not None:
            return True
        env = self.settings_env  # auto: when the provider's key is set (OpenAI's: OPENAI_API_KEY)
        return mode == "openai" or has_key(self.model or env.model, env)


def server_tenant() -> str | None:
    """The authenticated tenant when the graph runs under the LangGraph server, else None.

    The server puts the identity its auth handler returned (``graph/server.py``) in the run's
    configurable as ``langgraph_auth_user_id``; a caller cannot set it.
    """
    try:
        configurable = get_config().get("configurable") or {}
    except RuntimeError:  # not inside a graph run
        return None
    tenant = configurable.get("langgraph_auth_user_id")
    return str(tenant) if tenant else None


def settings(context: Context | None) -> Context:
    """The run's resolved settings (a default ``Context`` when the caller passed none).

    Under the LangGraph server the tenant is the authenticated identity and the data directory
    the server's own (``$IPE_DATA_DIR``): whatever a caller put in the run's context for
    ``user_id`` or ``data_dir`` is ignored.
    """
    tenant = server_tenant()
    if tenant is not None:
        base = replace(context or Context(), user_id=tenant, data_dir=None)
        return base.resolved()
    if (
        context is not None
        and isinstance(context.env, Settings)
        and context.data_dir
        and context.model
        and context.llm in LLM_MODES
        and context.retention_days is not None
        and context.pool_tenants is not None
        and context.deadline_s
        and context.draft_mode
        and context.fallback
    ):
        return context  # already resolved (the engine resolves once, nodes read it per step)
    return (context or Context()).resolved()
