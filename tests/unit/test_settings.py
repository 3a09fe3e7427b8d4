"""One settings model: every variable checked at start, named in its error, in .env.example."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from ipe.settings import Settings, SettingsError, current, env_example, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_env_example_is_generated_from_the_model() -> None:
    assert (ROOT / ".env.example").read_text(encoding="utf-8") == env_example(), (
        "regenerate it: python -m ipe.settings > .env.example"
    )
    for name, info in Settings.model_fields.items():
        assert info.description, f"{name} needs a description (it is the .env.example comment)"


@pytest.mark.parametrize(
    ("var", "value", "says"),
    [
        ("IPE_DEADLINE_S", "soon", "above 0 and below 86400"),
        ("IPE_DEADLINE_S", "0", "above 0 and below 86400"),
        ("IPE_RETENTION_DAYS", "-1", "number of days above 0"),
        ("IPE_LLM", "gpt-4", "'auto', 'openai' or 'none'"),
        ("IPE_DRAFT_MODE", "sideways", "'per_variation' or 'one_call'"),
        ("IPE_POOL_TENANTS", "maybe", "true or false"),
        ("IPE_DEBUG", "loud", "true or false"),
        ("IPE_DATA_DIR", "$IPE_TEST_UNSET_VAR/x", "names $IPE_TEST_UNSET_VAR, which is not set"),
        ("IPE_API_KEYS", "key1=tenant1,oops", "pair 2 has no '='"),
        ("IPE_API_KEYS", "=secret-tenant", "key=tenant pairs"),
        ("IPE_DATABASE_URL", "mysql://db/ipe", "postgresql:// URL"),
        ("IPE_DATABASE_SCHEMA", "Bad-Name", "schema name"),
        ("IPE_CHROMA_URL", "localhost:8000", "http:// or https:// URL"),
        ("OPENAI_BASE_URL", "127.0.0.1:8080/v1", "http:// or https:// URL"),
        ("IPE_TRACE_MASK", "emails", "subset of email,phone,handle,history"),
        ("LANGSMITH_TRACING", "sometimes", "true or false"),
    ],
)
def test_a_wrong_value_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, var: str, value: str, says: str
) -> None:
    monkeypatch.delenv("IPE_TEST_UNSET_VAR", raising=False)
    monkeypatch.setenv(var, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    line = str(err.value)
    assert line.startswith(f"{var} ") and says in line and "\n" not in line
    if var in ("IPE_API_KEYS", "IPE_DATABASE_URL"):
        assert value not in line  # secrets are never echoed


def test_paths_expand_home_and_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("IPE_DATA_DIR", "~/ipe-data")
    assert load_settings().data_dir == str(tmp_path / "ipe-data")
    monkeypatch.setenv("WHERE", str(tmp_path / "w"))
    monkeypatch.setenv("IPE_DATA_DIR", "$WHERE/data")
    assert load_settings().data_dir == str(tmp_path / "w" / "data")
    monkeypatch.setenv("IPE_API_KEYS_FILE", "${WHERE}/keys.json")
    assert load_settings().api_keys_file == str(tmp_path / "w" / "keys.json")


def test_empty_values_are_unset_and_booleans_read_as_people_write_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "")
    monkeypatch.setenv("IPE_DEADLINE_S", "")
    monkeypatch.setenv("IPE_POOL_TENANTS", "yes")
    settings = load_settings()
    assert settings.openai_api_key is None and settings.deadline_s == 30.0
    assert settings.pool_tenants is True and not settings.uses_model


def test_api_keys_map_from_pairs_and_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    keys = tmp_path / "keys.json"
    keys.write_text('{"k-file": "acme"}', encoding="utf-8")
    monkeypatch.setenv("IPE_API_KEYS", " k1=t1 , k2=t2 ")
    monkeypatch.setenv("IPE_API_KEYS_FILE", str(keys))
    assert load_settings().tenants_by_key() == {"k-file": "acme", "k1": "t1", "k2": "t2"}
    keys.write_text('["not", "a map"]', encoding="utf-8")
    with pytest.raises(SettingsError, match="IPE_API_KEYS_FILE: .* must map each key"):
        load_settings().tenants_by_key()
    monkeypatch.setenv("IPE_API_KEYS_FILE", str(tmp_path / "missing.json"))
    with pytest.raises(SettingsError, match="IPE_API_KEYS_FILE: cannot read"):
        load_settings().tenants_by_key()


def test_the_server_refuses_to_start_on_malformed_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    from ipe.graph import server

    monkeypatch.setenv("IPE_API_KEYS", "good=acme,broken")
    with pytest.raises(server.ServerSettingsError) as err:
        server.server_settings()
    assert "cannot start: IPE_API_KEYS must be key=tenant pairs" in str(err.value)
    assert "start the server again" in str(err.value)
    monkeypatch.setenv("IPE_API_KEYS", "good=acme")
    assert server.server_settings()[1] == {"good": "acme"}


def test_current_follows_the_environment_and_reads_it_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("IPE_MODEL", "model-a")
    first = current()
    assert first.model == "model-a" and current() is first  # the same environment: read once
    monkeypatch.setenv("IPE_MODEL", "model-b")
    assert current().model == "model-b"


class _NoNetwork:
    """Every attempt to reach another machine is recorded and refused."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.attempts: list[Any] = []
        real_connect = socket.socket.connect

        def connect(sock: socket.socket, address: Any) -> Any:
            if sock.family == socket.AF_UNIX:
                return real_connect(sock, address)
            self.attempts.append(address)
            raise OSError("network blocked by the test")

        def resolve(*args: Any, **kwargs: Any) -> Any:
            self.attempts.append(args[:2])
            raise socket.gaierror("network blocked by the test")

        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(socket.socket, "connect_ex", connect)
        monkeypatch.setattr(socket, "getaddrinfo", resolve)
        monkeypatch.setattr(socket, "create_connection", resolve)


async def test_llm_none_makes_no_network_call_even_with_a_key(
    monkeypatch: pytest.MonkeyPatch,
    data_dir: str,
    template: dict[str, Any],
    prospects: dict[str, Any],
) -> None:
    from ipe import FeedbackLoop, IntelligentPersonalizationEngine
    from ipe.memory.embeddings import HashingEmbeddings
    from ipe.tools.learning.embeddings import run_embedder

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
    monkeypatch.setenv("IPE_LLM", "auto")  # the key alone would switch the model path on
    blocked = _NoNetwork(monkeypatch)
    engine = IntelligentPersonalizationEngine(user_id="t", data_dir=data_dir, llm="none")
    assert not engine.context.uses_llm
    assert isinstance(run_embedder(engine.context), HashingEmbeddings)  # embeddings offline too
    for prospect in prospects.values():
        result = await engine.personalize_message(prospect, template)
        assert result.body or result.status == "blocked"
    loop = FeedbackLoop(user_id="t", data_dir=data_dir, llm="none")
    await loop.update_model(
        result.message_id, {"event": "replied", "reply_text": "Sounds great, tell me more"}
    )
    assert blocked.attempts == []


def test_openai_mode_without_a_key_is_a_service_error(
    monkeypatch: pytest.MonkeyPatch, data_dir: str
) -> None:
    from ipe import IntelligentPersonalizationEngine
    from ipe.domain import ServiceUnavailableError

    monkeypatch.setenv("IPE_LLM", "openai")
    with pytest.raises(ServiceUnavailableError, match="IPE_LLM=openai needs OPENAI_API_KEY"):
        IntelligentPersonalizationEngine(data_dir=data_dir)


def test_the_server_module_stops_with_one_line_on_malformed_keys() -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "IPE_API_KEYS": "broken"}
    done = subprocess.run(
        [sys.executable, "-c", "import ipe.graph.server"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("ipe: error: ipe server cannot start: IPE_API_KEYS must be")
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
