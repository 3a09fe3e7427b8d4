"""The model factory: provider:model settings, per-provider structured output, clear failures."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from pydantic import SecretStr

from ipe.domain import InvalidInputError
from ipe.graph.context import Context
from ipe.graph.engine import IntelligentPersonalizationEngine
from ipe.memory.embeddings import HashingEmbeddings
from ipe.settings import Settings
from ipe.tools.learning.embeddings import default_embedder
from ipe.tools.provider.llm import chat_model
from ipe.tools.provider.models import (
    ModelSetupError,
    build_chat_model,
    chat_model_for,
    check_spec,
    providers,
    split_spec,
    structured_method,
)


class FakeOf(GenericFakeChatModel):
    """A scripted model that says it belongs to ``provider``."""

    provider: str = "ollama"

    def _get_ls_params(self, stop: Any = None, **kwargs: Any) -> Any:
        return {**super()._get_ls_params(stop=stop, **kwargs), "ls_provider": self.provider}


def _settings(**values: Any) -> Settings:
    """Settings as the entry point reads them, from these values only (no environment)."""
    base = {**Settings().model_dump(), "openai_api_key": None, "openai_base_url": None}
    return Settings.model_construct(**{**base, **values})


def test_every_provider_row_is_complete() -> None:
    for name, provider in providers().items():
        assert provider.package.startswith("langchain-"), name
        assert provider.structured_output in ("function_calling", "json_schema", "json_mode")
        assert provider.extra == "" or provider.install_hint.endswith(f"[{provider.extra}]'")
    assert providers()["openai"].extra == "", "the default provider is always installed"


def test_a_setting_names_its_provider_or_is_openais() -> None:
    assert [(p.name, m) for p, m in [split_spec("gpt-4o-mini")]] == [("openai", "gpt-4o-mini")]
    provider, name = split_spec("ollama:llama3.1:8b")
    assert (provider.name, name) == ("ollama", "llama3.1:8b")
    with pytest.raises(ModelSetupError, match="unknown model provider 'antropic'"):
        split_spec("antropic:claude")


def test_an_openai_compatible_server_takes_any_model_name() -> None:
    provider, name = split_spec("qwen2:7b", "http://127.0.0.1:9/v1")
    assert (provider.name, name) == ("openai", "qwen2:7b")


def test_openai_models_are_built_by_the_factory_with_function_calling() -> None:
    env = _settings(openai_api_key=SecretStr("sk-test"), openai_base_url="http://127.0.0.1:9/v1")
    model = chat_model_for("openai:gpt-4o-mini", env, timeout=5.0)
    assert type(model).__name__ == "ChatOpenAI"
    assert str(getattr(model, "openai_api_base", "")) == "http://127.0.0.1:9/v1"
    assert model is build_chat_model(
        "gpt-4o-mini", timeout=5.0, api_key="sk-test", base_url="http://127.0.0.1:9/v1"
    )
    assert structured_method(model) == "function_calling"


def test_the_structured_output_method_follows_the_provider() -> None:
    script = iter([AIMessage(content="{}")])
    assert structured_method(FakeOf(messages=script, provider="ollama")) == "json_schema"
    assert structured_method(FakeOf(messages=script, provider="anthropic")) == "function_calling"
    assert structured_method(GenericFakeChatModel(messages=script)) == "function_calling"


def test_a_missing_provider_package_names_the_extra() -> None:
    missing = [p for p in providers().values() if p.extra]
    for provider in missing:
        try:
            check_spec(f"{provider.name}:some-model", _settings())
        except ModelSetupError as err:
            assert f"[{provider.extra}]" in str(err)


def test_the_engine_rejects_a_bad_model_setting_at_start() -> None:
    env = _settings(openai_api_key=SecretStr("sk-test"), llm="auto")
    with pytest.raises(InvalidInputError, match="unknown model provider"):
        IntelligentPersonalizationEngine(model="nope:x", settings=env, durable=False)
    # offline, the model setting is not used, so it is not checked
    IntelligentPersonalizationEngine(model="nope:x", llm="none", settings=env, durable=False)


def test_an_injected_model_goes_through_the_same_factory_function() -> None:
    fake = GenericFakeChatModel(messages=iter([AIMessage(content="{}")]))
    assert chat_model(Context(chat_model=fake, llm="auto").resolved()) is fake
    assert chat_model(Context(chat_model=fake, llm="none").resolved()) is None


def test_embeddings_follow_the_key_of_their_provider() -> None:
    assert isinstance(default_embedder(_settings(llm="auto")), HashingEmbeddings)
    keyed = _settings(llm="auto", openai_api_key=SecretStr("sk-test"))
    assert type(default_embedder(keyed)).__name__ == "OpenAIEmbeddings"
    assert isinstance(default_embedder(keyed, llm="none"), HashingEmbeddings)
