"""The LangGraph server's graphs and authentication: each API key is one tenant, and only theirs.

``langgraph.json`` points its graphs at ``personalization`` and ``feedback`` below (built by the
graph factories when the server loads this module, after the warm-up) and its ``auth`` at
``auth``. A request carries ``Authorization:
Bearer <key>`` (or ``x-api-key: <key>``); ``IPE_API_KEYS`` maps keys to tenants (``key=tenant``
pairs separated by commas), or ``IPE_API_KEYS_FILE`` names a JSON file ``{"key": "tenant"}``.
The identity is the tenant: every thread is stamped with its owner and every read, search,
update and run is filtered to the caller's own threads, so two tenants never see each other's
runs. The graphs take the tenant from the authenticated identity (``graph.context.settings``),
never from the run's context, and use the server's data directory (``IPE_DATA_DIR``), whatever
a caller puts in ``context``. Assistants are the server's: callers may read them, not make them.
With tracing on, the server's traces go through the masking client of ``ipe/tracing.py``.

The settings are read once, when the server loads this module at start: a wrong ``IPE_*`` value
or a malformed ``IPE_API_KEYS`` (or ``IPE_API_KEYS_FILE``) stops the start with one line saying
what to fix (``ServerSettingsError``), instead of a server that answers every request with 401.
"""

from __future__ import annotations

import hmac
import logging
import sys
from typing import Any

from langgraph_sdk import Auth

from ipe.graph.builder import build_graph
from ipe.graph.feedback_graph import build_feedback_graph
from ipe.settings import Settings, SettingsError, current
from ipe.tools.warmup import preload
from ipe.tracing import install_privacy

log = logging.getLogger(__name__)


class ServerSettingsError(RuntimeError):
    """The server cannot start with these settings; the message says what to fix."""


def server_settings() -> tuple[Settings, dict[str, str]]:
    """The server's settings and ``key -> tenant`` map, checked (``ServerSettingsError``)."""
    try:
        settings = current()
        keys = settings.tenants_by_key()
    except SettingsError as err:
        raise ServerSettingsError(
            f"ipe server cannot start: {err}. Fix it and start the server again."
        ) from None
    if not keys:
        log.warning(
            "ipe server: no API keys configured (IPE_API_KEYS=key1=tenant1,key2=tenant2 or "
            "IPE_API_KEYS_FILE): every request will be refused with 401"
        )
    return settings, keys


try:  # at start: a wrong setting stops the server here, with one line and no traceback
    SETTINGS, _KEYS = server_settings()
except ServerSettingsError as _refused:
    sys.stderr.write(f"ipe: error: {_refused}\n")
    sys.stderr.flush()
    raise SystemExit(2) from None
auth = Auth()
install_privacy(SETTINGS.trace_masks)  # the server loads this module at start: traces masked
preload()  # the data files, read before the first run and outside the server's event loop
personalization = build_graph()
"""The six-step graph the server serves (its checkpointer and store are the server's)."""
feedback = build_feedback_graph()
"""The feedback graph the server serves."""


def api_keys() -> dict[str, str]:
    """The configured ``key -> tenant`` map (``IPE_API_KEYS`` and ``IPE_API_KEYS_FILE``)."""
    return dict(_KEYS)


def tenant_for(presented: str | None) -> str | None:
    """The tenant of an API key (compared in constant time), or None."""
    if not presented:
        return None
    found = None
    for key, tenant in api_keys().items():
        if hmac.compare_digest(key.encode(), presented.encode()):
            found = tenant
    return found


@auth.authenticate
async def authenticate(authorization: str | None, headers: dict[bytes, bytes]) -> str:
    """Map the request's API key to its tenant; anything else is a 401."""
    presented = None
    if authorization and authorization.lower().startswith("bearer "):
        presented = authorization[7:].strip()
    presented = presented or headers.get(b"x-api-key", b"").decode() or None
    tenant = tenant_for(presented)
    if tenant is None:
        raise Auth.exceptions.HTTPException(status_code=401, detail="unknown or missing API key")
    return tenant


@auth.on
async def owner_only(ctx: Auth.types.AuthContext, value: Any) -> dict[str, str]:
    """Threads, runs and crons: stamp the owner on what is created, filter everything else.

    A run's metadata also gets ``tenant``, so its trace says whose it is.
    """
    if ctx.action in ("create", "create_run") and isinstance(value, dict):
        if value.get("metadata") is None:
            value["metadata"] = {}
        value["metadata"].update(owner=ctx.user.identity, tenant=ctx.user.identity)
    return {"owner": ctx.user.identity}


@auth.on.assistants
async def assistants(ctx: Auth.types.AuthContext, value: Any) -> bool:
    """The server's assistants may be read and searched; callers may not create or change one."""
    return ctx.action in ("read", "search")


@auth.on.store
async def store_namespace(ctx: Auth.types.AuthContext, value: Any) -> None:
    """Every store namespace starts with the caller's tenant."""
    namespace = tuple(value.get("namespace") or ())
    if not namespace or namespace[0] != ctx.user.identity:
        value["namespace"] = (ctx.user.identity, *namespace)
