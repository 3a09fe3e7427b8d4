"""Traces carry no personal data and every run says whose it is (offline: local servers only)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import langsmith
import pytest
from langsmith import utils as ls_utils

from ipe import IntelligentPersonalizationEngine, tracing
from ipe.tracing import mask_text, privacy_anonymizer
from tests.fakes.tracing import root_runs

HISTORY = "You can call me on +1 415 555 0101 after our chat about the trail"


def _prospect(prospects: dict[str, Any]) -> dict[str, Any]:
    return {
        **prospects["ana-email"],
        "handle": "ana.hikes",
        "bio": "Thru-hiker. Bookings: +44 20 7946 0958 or @ana_trails on X.",
        "interaction_history": [{"direction": "inbound", "text": HISTORY, "at": "2026-10-01"}],
    }


class _Capture(BaseHTTPRequestHandler):
    bodies: list[bytes] = []

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        self.bodies.append(self.rfile.read(length) if length else b"")
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_POST = do_PATCH = _answer

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def langsmith_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bytes]]:
    """A LangSmith stand-in on 127.0.0.1 recording what a traced run would send."""
    _Capture.bodies = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Capture)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("LANGSMITH_TRACING", "true")
    monkeypatch.setenv("LANGSMITH_ENDPOINT", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("LANGSMITH_API_KEY", "test-key")
    monkeypatch.setattr(tracing, "_installed", False)
    ls_utils.get_env_var.cache_clear()  # langsmith caches what it read from the environment
    try:
        yield _Capture.bodies
    finally:
        langsmith.configure(client=None)
        monkeypatch.undo()
        ls_utils.get_env_var.cache_clear()
        server.shutdown()
        thread.join()


async def test_traced_runs_reach_langsmith_masked(
    langsmith_server: list[bytes], data_dir: str, prospects: dict[str, Any], template: Any
) -> None:
    engine = IntelligentPersonalizationEngine(user_id="t1", data_dir=data_dir, durable=False)
    result = await engine.personalize_message(_prospect(prospects), template)
    assert result.status in ("ready", "needs_review")
    from langsmith.run_trees import get_cached_client

    get_cached_client().flush()
    sent = b"".join(langsmith_server)
    assert b"/runs" in sent or len(sent) > 1000, "the runs were posted to the capture server"

    for private in (b"ana@example.org", b"415 555 0101", b"20 7946 0958", b"ana.hikes"):
        assert private not in sent
    assert b"@ana_trails" not in sent and b"after our chat" not in sent
    for mark in (b"<email>", b"<phone>", b"<handle>", b"<history>"):
        assert mark in sent
    assert b"Denver, Colorado" in sent  # what is not personal contact data is kept


def test_the_anonymizer_masks_a_runs_inputs_and_is_configurable(
    prospects: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = {"prospect": _prospect(prospects), "reply_text": "Sure, ring me: 303-555-0147"}
    masked = privacy_anonymizer()(inputs)
    prospect = masked["prospect"]
    assert prospect["email"] == "<email>" and prospect["handle"] == "<handle>"
    assert prospect["bio"] == "Thru-hiker. Bookings: <phone> or <handle> on X."
    assert prospect["interaction_history"][0]["text"] == "<history>"
    assert prospect["interaction_history"][0]["at"] == "2026-10-01"  # dates are not phones
    assert masked["reply_text"] == "<history>"
    assert prospect["audience_size"] == 48200 and prospect["name"] == "Ana Souza"
    only_email = privacy_anonymizer(["email"])({"bio": "a@b.io +1 415 555 0101 @x_y"})
    assert only_email == {"bio": "<email> +1 415 555 0101 @x_y"}
    monkeypatch.setenv("IPE_TRACE_MASK", "phone,handle")
    assert tracing.configured_masks() == ("phone", "handle")
    monkeypatch.setenv("IPE_TRACE_MASK", "none")
    assert tracing.configured_masks() == ()
    assert mask_text("call 2026-11-12 or 12 400 followers", ["bio"]) == (
        "call 2026-11-12 or 12 400 followers"
    )


async def test_every_run_carries_its_tenant_prospect_channel_segment_arm_and_prompt(
    data_dir: str, prospects: dict[str, Any], template: Any
) -> None:
    engine = IntelligentPersonalizationEngine(user_id="t9", data_dir=data_dir, durable=False)
    with root_runs() as collector:
        result = await engine.personalize_message(prospects["sam-x"], template)
    assert len(collector.roots) == 1
    meta = collector.roots[0].extra["metadata"]
    assert meta["tenant"] == "t9"
    assert meta["prospect_id"] == prospects["sam-x"]["id"]
    assert meta["channel"] == result.platform == "x"
    assert meta["segment"] == result.segment
    assert meta["arm"] == result.arm and result.arm
    assert meta["prompt_version"] and len(meta["prompt_version"]) == 12
