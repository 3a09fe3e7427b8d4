"""Every opt-out is heard on both drafting paths, whether it comes as `ipe feedback --event replied`
or in the record's own history; a reply that only mentions unsubscribing silences nobody.

Each reply is written in a language or a disguise the first blind sets caught the engine out on
(issue 23): Italian, Polish, Russian, Swedish, Turkish, Korean, a look-alike letter inside the
word, "not interested, don't follow up". The command line runs in-process as a user runs it; the
model path goes through the test server in ``obey`` mode (a model that does whatever the data says
and reads every reply as interested), so the rules alone must hold the opt-out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ipe.graph.cli import main
from tests.fakes.openai_server import FakeOpenAIServer

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "examples/template.json"

OPT_OUTS = {
    "it": "Per favore, cancellatemi dalla vostra lista e non scrivetemi più.",
    "pl": "Proszę usunąć mnie z listy mailingowej.",
    "ru": "Пожалуйста, удалите меня из рассылки.",
    "sv": "Ta bort mig från er lista, tack.",
    "tr": "Lütfen beni listenizden çıkarın.",
    "ko": "수신 거부합니다. 더 이상 연락하지 마세요.",
    "en": "not interested, don't follow up",
    "look-alike": "Please unsubscr\u0456be me",  # a Cyrillic i inside the word
}

MENTIONS = {
    "broken link": "Your unsubscribe link is broken, but I'd love to hear more about the program!",
    "other lists": "I unsubscribed from every other brand's list, but I read yours. Tell me more?",
    "waitlist": "I'm on the waitlist: could you move me from the waitlist into the programme?",
}


@pytest.fixture(params=["offline", "obedient_model"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The drafting path: no model, or the obeying test server."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    if request.param == "offline":
        monkeypatch.setenv("IPE_LLM", "none")
        yield request.param
        return
    server = FakeOpenAIServer(obey=True)
    monkeypatch.setenv("OPENAI_BASE_URL", server.start())
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    monkeypatch.setenv("IPE_LLM", "auto")
    try:
        yield request.param
    finally:
        server.stop()


def ipe(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(list(args))
    return code, capsys.readouterr().out


def personalize(
    capsys: pytest.CaptureFixture[str], prospect: dict[str, Any], tmp: Path, mid: str
) -> dict[str, Any]:
    record = tmp / f"{mid}.json"
    record.write_text(json.dumps(prospect), encoding="utf-8")
    code, out = ipe(
        capsys,
        "personalize",
        "--prospect",
        str(record),
        "--template",
        str(TEMPLATE),
        "--json",
        "--message-id",
        mid,
    )
    assert code == 0, out
    result: dict[str, Any] = json.loads(out)
    return result


def replied(capsys: pytest.CaptureFixture[str], mid: str, text: str) -> None:
    """``ipe feedback --event replied`` with ``text`` for message ``mid``."""
    args = ["feedback", "--message-id", mid, "--event", "replied", "--event-id", f"r-{mid}"]
    code, out = ipe(capsys, *args, "--reply-text", text)
    assert code == 0, out


def ana() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "examples/prospects/ana-email.json").read_text())
    return data


def with_reply(text: str) -> dict[str, Any]:
    prospect = ana()
    prospect["interaction_history"] = [
        {"direction": "outbound", "text": "Hi Ana, would a partnership interest you?"},
        {"direction": "inbound", "text": text},
    ]
    return prospect


@pytest.fixture
def tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("IPE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("IPE_USER_ID", "optouts")
    return tmp_path


@pytest.mark.parametrize("language", sorted(OPT_OUTS))
def test_an_opt_out_given_as_feedback_blocks_every_later_message(
    path: str, tmp: Path, capsys: pytest.CaptureFixture[str], language: str
) -> None:
    first = personalize(capsys, ana(), tmp, "m1")
    assert first["status"] != "blocked", first["reasons"]
    replied(capsys, "m1", OPT_OUTS[language])
    again = personalize(capsys, ana(), tmp, "m2")
    assert again["status"] == "blocked" and again["body"] == "", (path, again["reasons"])
    code, out = ipe(capsys, "suppressions", "--json")
    assert code == 0 and "ana@example.org" in out


@pytest.mark.parametrize("language", sorted(OPT_OUTS))
def test_an_opt_out_in_the_record_history_blocks_the_message(
    path: str, tmp: Path, capsys: pytest.CaptureFixture[str], language: str
) -> None:
    result = personalize(capsys, with_reply(OPT_OUTS[language]), tmp, "h1")
    assert result["status"] == "blocked" and result["body"] == "", (path, result["reasons"])


@pytest.mark.parametrize("kind", sorted(MENTIONS))
def test_a_reply_that_mentions_unsubscribing_suppresses_nobody(
    path: str, tmp: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    personalize(capsys, ana(), tmp, "m1")
    replied(capsys, "m1", MENTIONS[kind])
    code, out = ipe(capsys, "suppressions", "--json")
    assert code == 0 and "ana@example.org" not in out, out
    again = personalize(capsys, ana(), tmp, "m2")
    assert again["status"] != "blocked", (path, again["reasons"])
    from_history = personalize(capsys, with_reply(MENTIONS[kind]), tmp, "h1")
    assert from_history["status"] != "blocked", (path, from_history["reasons"])
