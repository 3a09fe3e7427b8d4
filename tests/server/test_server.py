"""End to end through ``langgraph dev`` and ``langgraph-sdk``: threads, streaming, review,
feedback, and two tenants who cannot see each other's data.

One server for the module, on 127.0.0.1 and a free port, started here and stopped after; it
serves the repository's own ``langgraph.json`` (its paths made absolute), offline.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langgraph_sdk import get_client
from langgraph_sdk.client import LangGraphClient

from ipe.memory.handles import outcome_store

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"key-acme": "acme", "key-globex": "globex"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _config(where: Path) -> Path:
    """The repository's ``langgraph.json`` with its relative paths made absolute."""
    config = json.loads((ROOT / "langgraph.json").read_text(encoding="utf-8"))

    def absolute(spec: str) -> str:
        return str(ROOT / spec.removeprefix("./")) if spec.startswith("./") else spec

    config["dependencies"] = [str(ROOT) if d == "." else d for d in config["dependencies"]]
    config["graphs"] = {name: absolute(spec) for name, spec in config["graphs"].items()}
    config["auth"]["path"] = absolute(config["auth"]["path"])
    path = where / "langgraph.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    where = tmp_path_factory.mktemp("server")
    port = _free_port()
    env = {
        **os.environ,
        "IPE_LLM": "none",
        "OPENAI_API_KEY": "",
        "IPE_DATA_DIR": str(where / "data"),
        "IPE_API_KEYS": ",".join(f"{k}={v}" for k, v in KEYS.items()),
        "LANGSMITH_TRACING": "false",
        "LANGGRAPH_CLI_NO_ANALYTICS": "1",
    }
    langgraph = Path(sys.executable).parent / "langgraph"
    command = [str(langgraph), "dev", "--no-browser", "--no-reload", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--config", str(_config(where))]
    log = (where / "server.log").open("w")
    process = subprocess.Popen(command, cwd=where, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/ok", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("langgraph dev did not start:\n" + (where / "server.log").read_text())
            time.sleep(0.3)
        yield {"url": url, "data_dir": str(where / "data"), "where": where}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _client(server: dict[str, Any], key: str) -> LangGraphClient:
    return get_client(url=server["url"], headers={"Authorization": f"Bearer {key}"})


def _inputs() -> dict[str, Any]:
    load = lambda name: json.loads((ROOT / "examples" / name).read_text("utf-8"))  # noqa: E731
    return {"prospect": load("prospects/ana-email.json"), "template": load("template.json")}


async def test_a_reviewed_message_streams_pauses_and_resumes_for_its_tenant_only(
    server: dict[str, Any], tmp_path: Path
) -> None:
    acme, globex = _client(server, "key-acme"), _client(server, "key-globex")
    thread = await acme.threads.create()
    evil = tmp_path / "chosen-by-caller"
    events = [
        chunk
        async for chunk in acme.runs.stream(
            thread["thread_id"],
            "personalization",
            input=_inputs(),
            context={"user_id": "globex", "data_dir": str(evil), "review": True},
            stream_mode="updates",
        )
    ]
    steps = [next(iter(c.data)) for c in events if c.event == "updates" and c.data]
    assert steps[:3] == ["profile_research", "context_retrieval", "strategy"]
    assert "critic" in steps and "__interrupt__" in steps and "feedback" not in steps

    state = await acme.threads.get_state(thread["thread_id"])
    [paused] = state["interrupts"]
    request = paused["value"]["action_requests"][0]
    message_id = request["args"]["message_id"]
    assert paused["value"]["review_configs"][0]["allowed_decisions"] == [
        "approve",
        "edit",
        "reject",
    ]

    # The other tenant sees neither the thread nor its runs, and cannot resume it.
    with pytest.raises(Exception, match="not found"):
        await globex.threads.get(thread["thread_id"])
    assert all(t["thread_id"] != thread["thread_id"] for t in await globex.threads.search())
    with pytest.raises(Exception):  # noqa: B017 - a 404 from the server, by the SDK's class
        await globex.runs.wait(
            thread["thread_id"], "personalization", command={"resume": {"decisions": []}}
        )

    final = await acme.runs.wait(
        thread["thread_id"],
        "personalization",
        command={"resume": {"decisions": [{"type": "approve"}]}},
    )
    assert isinstance(final, dict)
    assert final["status"] == "ready" and final["review"] == {"decision": "approve"}
    # The tenant is the identity and the data directory the server's, whatever the context said.
    assert not evil.exists()
    store = outcome_store(server["data_dir"])
    record = store.get_message("acme", message_id)
    assert record is not None and record.stage == "approved"
    assert store.get_message("globex", message_id) is None

    # Engagement comes back through the feedback graph, for the caller's tenant only.
    feedback = await acme.threads.create()
    result = await acme.runs.wait(
        feedback["thread_id"],
        "feedback",
        input={
            "message_id": message_id,
            "engagement": {
                "opened": True,
                "replied": True,
                "reply_text": "Interested, tell me more",
            },
        },
    )
    assert isinstance(result, dict)
    assert result["result"]["counted"] == 2 and result["result"]["outcome"] == "interested"
    other = await globex.threads.create()
    with pytest.raises(Exception, match=f"unknown message id '{message_id}' for tenant 'globex'"):
        await globex.runs.wait(
            other["thread_id"],
            "feedback",
            input={"message_id": message_id, "engagement": {"event": "opened"}},
        )


async def test_bad_input_reaches_the_client_with_its_message(server: dict[str, Any]) -> None:
    acme = _client(server, "key-acme")
    thread = await acme.threads.create()
    broken = {**_inputs(), "prospect": {"name": "No Id"}}
    with pytest.raises(Exception, match="prospect is missing the required field 'id'"):
        await acme.runs.wait(thread["thread_id"], "personalization", input=broken)


async def test_unknown_keys_are_refused_and_the_schema_is_a_form(server: dict[str, Any]) -> None:
    with pytest.raises(Exception, match="401|unknown or missing API key"):
        await _client(server, "key-nobody").threads.create()
    acme = _client(server, "key-acme")
    [assistant] = await acme.assistants.search(graph_id="personalization")
    schemas = await acme.assistants.get_schemas(assistant["assistant_id"])
    properties = schemas["input_schema"]["properties"]
    assert {"id", "name", "email", "recent_content"} <= set(properties["prospect"]["properties"])
    assert {"brand", "sender", "offer"} <= set(properties["template"]["properties"])
    assert properties["prospect"]["required"] == ["id", "name"]
    with pytest.raises(Exception, match="403|Forbidden|not allowed"):
        await acme.assistants.create("personalization", context={"user_id": "globex"})
