"""A manager's own drafts, answered by the scripted OpenAI-compatible server, go out as written.

The same path ``bench/manager_drafts.py`` measures on every golden manager draft: ``ipe
personalize --json`` with ``OPENAI_BASE_URL`` at the local test server (127.0.0.1), scripted to
answer the drafting calls with the manager's draft. Two records here: the day count from the
prospect's own title ("the 3-day desert trip") in a sentence that says "earn its place", and a
German follow-up.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.manager_drafts import judge, run_case
from tests.eval.golden import load_cases
from tests.fakes.openai_server import FakeOpenAIServer

CASES = {c.id: c for c in load_cases() if c.manager_draft}


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[FakeOpenAIServer, str]]:
    srv = FakeOpenAIServer()
    url = srv.start()
    yield srv, url
    srv.stop()


@pytest.mark.parametrize(
    "case_id", ["g24-tiktok-en-cold-desert", "g04-email-de-followup-keyboards"]
)
def test_the_managers_draft_is_sent_as_written(
    case_id: str, server: tuple[FakeOpenAIServer, str], tmp_path: Path
) -> None:
    srv, url = server
    out = run_case(CASES[case_id], srv, url, tmp_path)
    ok, why = judge(CASES[case_id], out)
    assert ok, why
    assert out["_prompts"] >= 1  # the drafting calls did reach the scripted server


def test_a_malformed_script_is_refused(server: tuple[FakeOpenAIServer, str]) -> None:
    srv, url = server
    request = urllib.request.Request(
        url.removesuffix("/v1") + "/script",
        data=json.dumps({"drafts": [{"subject": "no body"}]}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=10)
    assert err.value.code == 400
    with pytest.raises(ValueError):
        srv.script({"drafts": []})
