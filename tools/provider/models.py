"""The model factory: chat models and embeddings from a ``provider:model`` setting.

Providers are one table each in ``tools/policies/models.toml`` (the LangChain package and this
project's extra that installs it, the API key's variable, the structured-output method). Models
are built by LangChain's ``init_chat_model`` / ``init_embeddings``; a setting without a provider
is OpenAI's (``gpt-4o-mini`` is ``openai:gpt-4o-mini``), and ``OPENAI_BASE_URL`` still points
OpenAI models at any OpenAI-compatible server. Keys and the server come from the settings
(``ipe.settings.Settings``) the entry point read. A model object given instead of a setting (a
test's scripted fake, a caller's own client) goes through ``chat_model`` the same way.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel
from pydantic import SecretStr

from ipe.settings import Settings
from ipe.tools.policies import load_pack

StructuredMethod = Literal["function_calling", "json_schema", "json_mode"]


class ModelSetupError(ValueError):
    """A model setting names an unknown provider, or one whose package is not installed."""


@dataclass(frozen=True)
class Provider:
    """One provider's row of ``models.toml``."""

    name: str
    package: str
    extra: str
    key: str
    structured_output: StructuredMethod
    base_url: bool
    response_headers: bool = False

    @property
    def install_hint(self) -> str:
        """How to install this provider's package."""
        if self.extra:
            return f"pip install 'intelligent-personalization-engine[{self.extra}]'"
        return f"pip install {self.package}"


@cache
def providers() -> dict[str, Provider]:
    """Every provider of ``models.toml``, by LangChain's provider name."""
    return {
        name: Provider(name=name, **row) for name, row in load_pack("models")["providers"].items()
    }


def split_spec(spec: str, base_url: str | None = None) -> tuple[Provider, str]:
    """``provider:model`` (or a bare model name, OpenAI's) as the provider and the model name.

    With an OpenAI-compatible server (``base_url``) a name whose prefix is no provider is the
    server's own model name (``qwen2:7b``); without one such a prefix is an error.
    """
    head, sep, tail = spec.partition(":")
    if sep and head in providers():
        return providers()[head], tail
    default = providers()[load_pack("models")["default_provider"]]
    if sep and head.isidentifier() and not (default.base_url and base_url):
        known = ", ".join(sorted(providers()))
        raise ModelSetupError(f"unknown model provider {head!r} in {spec!r} (known: {known})")
    return default, spec


def provider_of(model: BaseChatModel) -> Provider | None:
    """The provider a built model belongs to (None for a model of no listed provider)."""
    name = str(model._get_ls_params().get("ls_provider") or "")
    return providers().get(name)


def structured_method(model: BaseChatModel) -> StructuredMethod:
    """The ``with_structured_output`` method for ``model``'s provider (else function calling)."""
    provider = provider_of(model)
    return provider.structured_output if provider else "function_calling"


def check_spec(spec: str, env: Settings) -> Provider:
    """The provider of ``spec``; ``ModelSetupError`` when it is unknown or not installed."""
    provider, _ = split_spec(spec, env.openai_base_url)
    if importlib.util.find_spec(provider.package.replace("-", "_")) is None:
        raise ModelSetupError(
            f"the {provider.name} models need {provider.package}: {provider.install_hint}"
        )
    return provider


def api_key(provider: Provider, env: Settings) -> str | None:
    """The provider's API key: OpenAI's from the settings, another's from its own variable.

    The other providers' packages read the same variable themselves; it is looked up here so
    that a run without the key stays offline instead of failing at its first call.
    """
    if provider.name == "openai":
        return env.openai_api_key.get_secret_value() if env.openai_api_key else None
    return os.environ.get(provider.key) if provider.key else None


def has_key(spec: str, env: Settings) -> bool:
    """True when the provider of ``spec`` needs no key or its key is set."""
    provider, _ = split_spec(spec, env.openai_base_url)
    return not provider.key or api_key(provider, env) is not None


def chat_model_for(spec: str, env: Settings, *, timeout: float) -> BaseChatModel:
    """The chat model of ``spec`` with the settings' key and server (``OPENAI_BASE_URL``)."""
    provider, _ = split_spec(spec, env.openai_base_url)
    return build_chat_model(
        spec, api_key=api_key(provider, env), base_url=env.openai_base_url, timeout=timeout
    )


def embeddings_for(spec: str, env: Settings, *, timeout: float) -> Embeddings:
    """The embeddings of ``spec`` with the settings' key and server (``OPENAI_BASE_URL``)."""
    provider, _ = split_spec(spec, env.openai_base_url)
    return build_embeddings(
        spec, api_key=api_key(provider, env), base_url=env.openai_base_url, timeout=timeout
    )


def build_chat_model(
    spec: str, *, timeout: float, api_key: str | None = None, base_url: str | None = None
) -> BaseChatModel:
    """The chat model of ``spec`` (``provider:model``), one client per model, key and server.

    ``base_url`` applies to providers whose table says so (OpenAI-compatible servers). The
    client's own retries are off (``max_retries=0``): the caller retries within the run's
    deadline and reads ``Retry-After`` itself; the client timeout is only a backstop.
    """
    provider, name = split_spec(spec, base_url)
    return _client(provider.name, name, timeout, api_key, base_url if provider.base_url else None)


@cache
def _client(
    provider_name: str, name: str, timeout: float, key: str | None, base_url: str | None
) -> BaseChatModel:
    """One client per model, timeout, key and server (a process reuses its connection pool)."""
    from langchain.chat_models import init_chat_model

    provider = providers()[provider_name]
    kwargs: dict[str, Any] = {"temperature": 0.7, "timeout": timeout, "max_retries": 0}
    if key:
        kwargs["api_key"] = SecretStr(key)
    if provider.base_url:
        kwargs["base_url"] = base_url
    if provider.response_headers:  # x-ratelimit-* headers pace the next calls
        kwargs["include_response_headers"] = True
    try:
        model = init_chat_model(name, model_provider=provider.name, **kwargs)
    except ImportError as err:
        raise ModelSetupError(
            f"the {provider.name} models need {provider.package}: {provider.install_hint}"
        ) from err
    assert isinstance(model, BaseChatModel)
    return model


def build_embeddings(
    spec: str, *, timeout: float, api_key: str | None = None, base_url: str | None = None
) -> Embeddings:
    """The embeddings of ``spec`` (``provider:model``), with one retry and ``timeout``."""
    provider, name = split_spec(spec, base_url)
    return _embeddings(provider.name, name, timeout, api_key, base_url)


@cache
def _embeddings(
    provider_name: str, name: str, timeout: float, key: str | None, base_url: str | None
) -> Embeddings:
    from langchain.embeddings import init_embeddings

    provider = providers()[provider_name]
    kwargs: dict[str, Any] = {"max_retries": 1}
    if key:
        kwargs["api_key"] = SecretStr(key)
    if provider.name == "openai":
        # Plain text: no tokenizer download, any OpenAI-compatible server.
        kwargs.update(request_timeout=timeout, check_embedding_ctx_length=False, base_url=base_url)
    try:
        return init_embeddings(name, provider=provider.name, **kwargs)
    except ImportError as err:
        raise ModelSetupError(
            f"the {provider.name} embeddings need {provider.package}: {provider.install_hint}"
        ) from err
