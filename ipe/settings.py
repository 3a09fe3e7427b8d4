"""The process settings: every environment variable the engine reads, in one validated model.

``Settings`` reads ``IPE_*``, ``OPENAI_*`` and ``LANGSMITH_*`` once, at the entry point (the CLI's
``main``, the LangGraph server's start, an engine created without ``settings=``), and is passed down
from there: nothing below reads ``os.environ``. A wrong value is a ``SettingsError`` with one line
naming the variable and what it accepts (the CLI exits 2); paths expand ``~`` and ``$VARS``.

This module imports nothing of the engine, so every layer may import it. To add a setting, add a
field with a default and a ``description`` (its first sentence is the ``.env.example`` comment),
then run ``python -m ipe.settings > .env.example``; ``tests/unit/test_settings.py`` keeps the two
equal. A field named ``foo`` reads ``IPE_FOO``; a provider's own variable is named with
``validation_alias``.
"""

from __future__ import annotations

import json
import os
import re
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LlmMode = Literal["auto", "openai", "none"]
DraftMode = Literal["per_variation", "one_call"]
TRACE_MASKS: tuple[str, ...] = ("email", "phone", "handle", "history")
PREFIXES: tuple[str, ...] = ("IPE_", "OPENAI_", "LANGSMITH_")
"""The environment variables that belong to the engine start with one of these."""


class SettingsError(ValueError):
    """A setting has a value the engine cannot use; the message names the variable (one line)."""


def expand_path(value: str | os.PathLike[str], name: str = "path") -> str:
    """``~`` and ``$VARS`` expanded; a variable that is not set is an error, never a literal."""
    expanded = os.path.expandvars(os.path.expanduser(str(value).strip()))
    unset = re.search(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", expanded)
    if unset:
        raise ValueError(f"{name} names ${unset.group(1)}, which is not set".lstrip())
    return expanded


class Settings(BaseSettings):
    """Every variable the engine reads; none is needed offline."""

    model_config = SettingsConfigDict(
        env_prefix="IPE_",
        env_ignore_empty=True,  # ``OPENAI_API_KEY=`` is unset, as a shell user means it
        extra="ignore",
        frozen=True,
        case_sensitive=False,
        populate_by_name=True,
    )

    # -- the model provider
    openai_api_key: SecretStr | None = Field(
        default=None,
        validation_alias="OPENAI_API_KEY",
        description="Switches drafting, research, reply classification and lesson embeddings "
        "to a chat model (IPE_LLM=auto).",
        examples=["sk-..."],
    )
    openai_base_url: str | None = Field(
        default=None,
        validation_alias="OPENAI_BASE_URL",
        description="Any OpenAI-compatible server (http:// or https:// URL).",
        examples=["http://127.0.0.1:8080/v1"],
    )
    llm: LlmMode = Field(
        default="auto",
        description="auto (a chat model when OPENAI_API_KEY is set), openai (needs the key) or "
        "none (offline: no network call of any kind).",
    )
    model: str = Field(
        default="gpt-4o-mini",
        description="The chat model as provider:model (tools/policies/models.toml: openai, "
        "anthropic, google_genai, mistralai, ollama); a bare name is OpenAI's.",
    )
    embedding_model: str = Field(
        default="text-embedding-3-small",
        description="The embedding model of the lessons, provider:model as IPE_MODEL.",
    )
    draft_mode: DraftMode = Field(
        default="one_call",
        description="one_call (all variations in one model call) or per_variation (one each).",
    )
    model_rpm: float | None = Field(
        default=None,
        gt=0,
        description="The provider's requests per minute: model calls wait for capacity under "
        "it (x-ratelimit headers also count).",
        examples=["500"],
    )
    model_tpm: float | None = Field(
        default=None,
        gt=0,
        description="The provider's tokens per minute (prompt + answer), paced like IPE_MODEL_RPM.",
        examples=["200000"],
    )
    deadline_s: float = Field(
        default=30.0,
        gt=0,
        lt=86400,
        description="Seconds one message may take (more than 0, less than a day).",
    )
    # -- the tenant and its data
    user_id: str = Field(
        default="default", min_length=1, description="The tenant of every command and engine."
    )
    data_dir: str = Field(
        default="~/.ipe",
        min_length=1,
        description="Memory: Chroma lessons, the outcome store, run checkpoints (~ and $VARS "
        "expand).",
    )
    retention_days: float = Field(
        default=30.0, gt=0, description="Run checkpoints older than this many days are pruned."
    )
    pool_tenants: bool = Field(
        default=False,
        description="Opt in: other tenants' outcomes shape this tenant's prior (bounded).",
    )
    database_url: SecretStr | None = Field(
        default=None,
        description="PostgreSQL for messages, events and checkpoints (postgresql:// URL; "
        "several workers).",
        examples=["postgresql://user:pass@host:5432/ipe"],
    )
    database_schema: str | None = Field(
        default=None,
        pattern=r"^[a-z_][a-z0-9_]{0,62}$",
        description="One PostgreSQL schema per deployment (lower-case letters, digits, _).",
        examples=["ipe"],
    )
    chroma_url: str | None = Field(
        default=None,
        description="A Chroma server for the lessons (http:// or https:// URL; several workers).",
        examples=["http://127.0.0.1:8000"],
    )
    # -- the LangGraph server
    api_keys: SecretStr | None = Field(
        default=None,
        description="The server's API keys: key=tenant pairs separated by commas.",
        examples=["key1=tenant1,key2=tenant2"],
    )
    api_keys_file: str | None = Field(
        default=None,
        description='A JSON file of the server\'s API keys: {"key": "tenant"}.',
        examples=["/etc/ipe/keys.json"],
    )
    # -- tracing and debugging
    trace_mask: str = Field(
        default="email,phone,handle,history",
        description="What traces mask: a subset of email,phone,handle,history, or none.",
    )
    debug: bool = Field(
        default=False, description="The CLI prints the traceback of an internal error."
    )
    langsmith_tracing: bool = Field(
        default=False,
        validation_alias="LANGSMITH_TRACING",
        description="Send traces to LangSmith (needs LANGSMITH_API_KEY).",
    )
    langsmith_api_key: SecretStr | None = Field(
        default=None,
        validation_alias="LANGSMITH_API_KEY",
        description="The LangSmith key.",
        examples=["lsv2_..."],
    )
    langsmith_project: str | None = Field(
        default=None,
        validation_alias="LANGSMITH_PROJECT",
        description="The LangSmith project of the traces.",
        examples=["ipe"],
    )
    langsmith_endpoint: str | None = Field(
        default=None,
        validation_alias="LANGSMITH_ENDPOINT",
        description="A self-hosted LangSmith (http:// or https:// URL).",
        examples=["https://api.smith.langchain.com"],
    )
    langsmith_test_tracking: bool = Field(
        default=False,
        validation_alias="LANGSMITH_TEST_TRACKING",
        description="Track the @pytest.mark.langsmith tests as an experiment (make eval).",
    )

    @field_validator("data_dir", mode="after")
    @classmethod
    def _expand_data_dir(cls, value: str) -> str:
        return expand_path(value, "")

    @field_validator("api_keys_file", mode="after")
    @classmethod
    def _expand_keys_file(cls, value: str | None) -> str | None:
        return expand_path(value, "") if value else None

    @field_validator("openai_base_url", "chroma_url", "langsmith_endpoint", mode="after")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"https?://[^\s/]+", value.strip()):
            raise ValueError("must be an http:// or https:// URL")
        return value.strip() if value else None

    @field_validator("database_url", mode="after")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(
            ("postgresql://", "postgres://")
        ):
            raise ValueError("must be a postgresql:// URL")
        return value

    @field_validator("trace_mask", mode="after")
    @classmethod
    def _masks(cls, value: str) -> str:
        asked = [p.strip().lower() for p in value.split(",") if p.strip()]
        if asked == ["none"]:
            return "none"
        wrong = [p for p in asked if p not in TRACE_MASKS]
        if wrong or not asked:
            raise ValueError(f"must be a subset of {','.join(TRACE_MASKS)}, or none")
        return ",".join(asked)

    @field_validator("api_keys", mode="after")
    @classmethod
    def _key_pairs(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            _pairs(value.get_secret_value())  # raises on a malformed pair
        return value

    # -- derived values

    @property
    def uses_model(self) -> bool:
        """True when drafting goes through a chat model (``llm`` openai, or auto with a key)."""
        return self.llm == "openai" or (self.llm == "auto" and self.openai_api_key is not None)

    @property
    def trace_masks(self) -> tuple[str, ...]:
        """What traces mask (``IPE_TRACE_MASK``), in ``TRACE_MASKS`` order."""
        asked = self.trace_mask.split(",")
        return tuple(m for m in TRACE_MASKS if m in asked)

    @property
    def database(self) -> str | None:
        """The PostgreSQL URL (``IPE_DATABASE_URL``), or None for the data directory's SQLite."""
        return self.database_url.get_secret_value() if self.database_url else None

    def tenants_by_key(self) -> dict[str, str]:
        """The server's ``key -> tenant`` map (``IPE_API_KEYS_FILE``, then ``IPE_API_KEYS``).

        Raises ``SettingsError`` for a file that cannot be read or is not a JSON object of
        strings.
        """
        keys: dict[str, str] = {}
        if self.api_keys_file:
            path = self.api_keys_file
            try:
                data = json.loads(Path(path).read_text(encoding="utf-8"))
            except OSError as err:
                raise SettingsError(
                    f"IPE_API_KEYS_FILE: cannot read '{path}': {err.strerror}"
                ) from None
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise SettingsError(
                    f"IPE_API_KEYS_FILE: '{path}' is not a JSON object such as "
                    '{"key1": "tenant1"}'
                ) from None
            if not isinstance(data, dict) or not all(
                isinstance(k, str) and k.strip() and isinstance(v, str) and v.strip()
                for k, v in data.items()
            ):
                raise SettingsError(
                    f"IPE_API_KEYS_FILE: '{path}' must map each key to a tenant, both "
                    'non-empty strings: {"key1": "tenant1"}'
                )
            keys.update({k.strip(): v.strip() for k, v in data.items()})
        if self.api_keys is not None:
            keys.update(_pairs(self.api_keys.get_secret_value()))
        return keys

    def env(self) -> dict[str, str]:
        """The settings as environment variables (to start a child process with the same)."""
        out: dict[str, str] = {}
        for name, info in type(self).model_fields.items():
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            out[env_name(name, info)] = (
                str(value).lower() if isinstance(value, bool) else str(value)
            )
        return out


def _pairs(raw: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for number, part in enumerate(raw.split(","), start=1):
        if not part.strip():
            continue
        key, sep, tenant = part.strip().partition("=")
        if not sep or not key.strip() or not tenant.strip():
            raise ValueError(
                "must be key=tenant pairs separated by commas, such as key1=tenant1,key2=tenant2 "
                f"(pair {number} has no '=', or an empty key or tenant)"
            )
        pairs[key.strip()] = tenant.strip()
    return pairs


def env_name(name: str, info: Any) -> str:
    """The environment variable of field ``name`` (its alias, else ``IPE_`` + the name)."""
    alias = info.validation_alias
    return alias if isinstance(alias, str) else f"IPE_{name.upper()}"


_LEADS = {"Value error, ": "", "Input should be ": "must be ", "String should ": "must "}
_ACCEPTS = {
    "deadline_s": "must be a number of seconds above 0 and below 86400",
    "retention_days": "must be a number of days above 0",
    "database_schema": "must be a schema name: lower-case letters, digits and _",
}


def _error_line(err: ValidationError) -> str:
    """``VAR must be ..., got 'value'``: the variable, what it accepts and what it was."""
    first = err.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else ""
    info = Settings.model_fields.get(field)
    var = env_name(field, info) if info else (field.upper() or "a setting")
    message = str(first["msg"])
    for lead, replacement in _LEADS.items():
        if message.startswith(lead):
            message = replacement + message[len(lead) :]
    if first["type"] == "bool_parsing":
        message = "must be true or false (or 1/0, yes/no)"
    elif field in _ACCEPTS and first["type"] != "value_error":
        message = _ACCEPTS[field]
    raw = next((v for k, v in os.environ.items() if k.upper() == var), None)
    secret = info is not None and "SecretStr" in str(info.annotation)
    got = "" if raw is None or secret else f", got {raw!r}"
    return f"{var} {message}{got}"


def load_settings(**overrides: Any) -> Settings:
    """Read and check the settings from the environment; a ``SettingsError`` (one line) if wrong.

    ``overrides`` are field values that win over the environment (a command-line flag).
    """
    try:
        return Settings(**overrides)
    except ValidationError as err:
        raise SettingsError(_error_line(err)) from None
    except ValueError as err:  # pydantic-settings' own parse errors
        raise SettingsError(str(err).splitlines()[0]) from None


_current: dict[tuple[tuple[str, str], ...], Settings] = {}
_current_lock = threading.Lock()


def current() -> Settings:
    """The settings of this process's environment, read once per distinct environment.

    For code that runs without an entry point above it (a bare graph under the LangGraph server,
    which loads ``graph/server.py`` at start and checks the settings there). Raises
    ``SettingsError`` on a wrong value.
    """
    snapshot = tuple(
        sorted((k, v) for k, v in os.environ.items() if k.upper().startswith(PREFIXES))
    )
    with _current_lock:
        found = _current.get(snapshot)
        if found is None:
            found = load_settings()
            _current.clear()  # one environment at a time: the newest
            _current[snapshot] = found
        return found


def env_example() -> str:
    """The text of ``.env.example``: every variable, commented out, with what it does."""
    lines = [
        "# Every variable the engine reads, with its default or an example. None is needed",
        "# offline. Export them (or set them in the service's environment); a wrong value stops",
        "# the command at start, naming the variable. Generated from ipe/settings.py:",
        "#   python -m ipe.settings > .env.example",
    ]
    for name, info in Settings.model_fields.items():
        example = info.examples[0] if info.examples else info.default
        if isinstance(example, bool):
            example = str(example).lower()
        shown = "" if example is None else str(example)
        lines.append("")
        lines += textwrap.wrap(
            info.description or "", 98, initial_indent="# ", subsequent_indent="# "
        )
        lines.append(f"# {env_name(name, info)}={shown}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(env_example())
