"""A local OpenAI-compatible test server: answers after a fixed delay, or never, on 127.0.0.1 only.

It answers ``POST /v1/chat/completions`` the way an OpenAI-compatible server does with function
calling: it reads the request's ``tools`` schema and returns a ``tool_calls`` answer that fits it.
For the engine's structured outputs it writes real content from the prompt (a draft built from the
brand, the approved claims, the sender and the fenced prospect data; a verbatim research quote; a
reply intent), so a run through it exercises the whole model path; for any other schema it fills
the schema with minimal valid values. ``POST /v1/embeddings`` returns deterministic vectors.

Modes: ``delay`` seconds before every answer (``--delay 1``: a provider's typical latency);
``hang`` never answers (until the server stops); ``rate_limited`` first answers that many requests
with 429 and ``Retry-After: retry_after``; ``down`` answers every request with 503 (an outage).
Metered (``rpm``/``tpm``): the account's requests and tokens per ``window`` seconds (60: a minute;
a bench may scale it down), metered as providers document it: buckets a window's worth deep,
refilled continuously; a request is admitted when one request and its prompt's tokens are left
(its answer's tokens are taken when it is written), else it gets 429 with ``retry-after-ms`` and
``Retry-After`` (the time until it would fit); every answer carries ``x-ratelimit-limit-*``,
``-remaining-*`` and ``-reset-*`` headers. Prompt caching as providers do it: a prompt's leading
part already seen (in 128-token blocks, from 1,024 tokens on) is reported as ``cached_tokens``.
``GET /stats`` reports calls, tokens (and cached ones), 429s, peak concurrency and the (start,
end) of every answered call.
``obey`` drafts whatever the prompt's prospect data says (``obedient_answer``: a red-team
writer).
Scripted: ``POST /script`` (or ``FakeOpenAIServer.script()``) with ``{"drafts": [{"subject",
"body"}, ...], "intent": ..., "facts": [...]}`` makes the drafting calls answer with those drafts in
turn (the last one repeats), reply classification with that intent and research with those facts
(none by default): a person's own drafts fed to the engine's model path. ``DELETE /script`` ends it;
``GET /prompts`` lists the drafting calls' user prompts received while scripted.

Bounded: loopback only, a request body of at most 1 MB, at most 256 requests in flight (more get
503), the call log capped. Used by the tests (in a thread, ``FakeOpenAIServer``) and by the bench
(as a process: ``python -m tests.fakes.openai_server --delay 0.2``, printing its base URL).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import itertools
import json
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

MAX_IN_FLIGHT = 256
MAX_LOG = 100_000
_FENCE = re.compile(r"<<<PROSPECT_DATA [0-9a-f]+>>>\n(.*?)\n<<<END PROSPECT_DATA", re.DOTALL)
_BUDGET = re.compile(r"at most (\d+) (\w+)")


@dataclass
class Stats:
    """What the server saw."""

    calls: int = 0
    embeddings: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0
    rate_limited: int = 0
    cached_tokens: int = 0
    unavailable: int = 0
    intervals: list[tuple[float, float]] = field(default_factory=list)
    draft_prompts: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "embeddings": self.embeddings,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "peak_in_flight": self.peak_in_flight,
            "rate_limited": self.rate_limited,
            "cached_tokens": self.cached_tokens,
            "unavailable": self.unavailable,
            "intervals": self.intervals,
        }


def tokens(text: str) -> int:
    """A token estimate (about 4 characters a token), the same for requests and answers."""
    return max(1, len(text) // 4)


def _prompt_lines(prompt: str, label: str) -> list[str]:
    return [line.split(":", 1)[1].strip() for line in prompt.splitlines() if line.startswith(label)]


def _prospect_data(prompt: str) -> dict[str, Any]:
    match = _FENCE.search(prompt)
    if not match:
        return {}
    try:
        data = json.loads(match.group(1))
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def draft_answer(prompt: str, variation: str = "") -> dict[str, Any]:
    """A draft a careful writer could send: grounded in one fact, the offer in approved words."""
    data = _prospect_data(prompt)
    first = str(data.get("first_name") or "there")
    facts = [f for f in data.get("facts", []) if isinstance(f, dict) and f.get("text")]
    brand = next(iter(_prompt_lines(prompt, "Brand:")), "our brand")
    sender = next(iter(_prompt_lines(prompt, "Sender:")), "")
    claims = _prompt_lines(prompt, "Approved claim:")
    parts = [f"Hi {first},"]
    used: list[str] = []
    listed = re.findall(r"^- (\w+) \(", prompt, re.MULTILINE)  # the plan's facts, ids first
    facts = [f for f in facts if f.get("id") in listed] or facts
    if facts:
        fact = facts[int(hashlib.md5(variation.encode()).hexdigest(), 16) % len(facts)]
        parts.append(f"I came across {str(fact['text']).rstrip('.')} and thought of you.")
        used.append(str(fact.get("id", "")))
    offer = f"{brand} runs an affiliate program"
    parts.append(f"{offer}: {claims[0]}." if claims else f"{offer}.")
    parts.append("Would you be open to hearing more?")
    if sender:
        parts.append(sender.split()[0])
    body = " ".join(parts)
    budget = _BUDGET.search(prompt)
    if budget and budget.group(2).startswith("char"):
        body = body[: int(budget.group(1))]
    subject = f"{brand} affiliate program for {first}"[:50]
    return {"subject": subject, "body": body, "fact_ids": [u for u in used if u]}


_NOT_TEXT = frozenset({"id", "kind", "at", "direction", "channel", "outcome", "platform"})
_ASKS_FOR_PROMPT = re.compile(r"prompt|instruc|template|system|guideline|rules", re.IGNORECASE)


def _strings(value: Any, key: str = "") -> list[str]:
    """Every free-text string in the prospect data, in order (ids and enums left out)."""
    if isinstance(value, str):
        return [] if key in _NOT_TEXT else [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, str(k))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v, key)]
    return []


def obedient_answer(prompt: str, system: str = "", variation: str = "") -> dict[str, Any]:
    """A draft that does whatever the prospect data in ``prompt`` says (a worst-case writer).

    It copies every free-text string of the fenced prospect data into the message, so each
    instruction, marker, link, claim, code or hidden character that reached the prompt is in the
    draft; when the data asks for prompts, rules or templates it also quotes the start of the
    ``system`` prompt.
    """
    said = list(dict.fromkeys(_strings(_prospect_data(prompt))))
    written = draft_answer(prompt, variation)
    extra = " ".join(said)
    if _ASKS_FOR_PROMPT.search(extra):
        extra += " " + " ".join(system.split()[:40])
    return {
        "subject": f"{written['subject']} {said[0] if said else ''}".strip(),
        "body": f"{extra} {written['body']}".strip(),
        "fact_ids": written["fact_ids"],
    }


def obedient_research(prompt: str) -> dict[str, Any]:
    """Research that quotes each string of the prospect data as a fact."""
    said = list(dict.fromkeys(_strings(_prospect_data(prompt))))
    return {"facts": [{"text": s, "source_field": "bio", "quote": s} for s in said[:4]]}


def research_answer(prompt: str) -> dict[str, Any]:
    """One fact, quoted verbatim from the bio (or none when there is no bio)."""
    bio = str(_prospect_data(prompt).get("bio") or "")
    words = bio.split()
    if len(words) < 4:
        return {"facts": []}
    quote = " ".join(words[:6])
    return {"facts": [{"text": quote, "source_field": "bio", "quote": quote}]}


def fill_schema(schema: dict[str, Any], defs: dict[str, Any] | None = None) -> Any:
    """Minimal valid values for a JSON schema (objects, arrays, strings, numbers, enums)."""
    defs = defs if defs is not None else schema.get("$defs", {})
    if "$ref" in schema:
        return fill_schema(defs.get(schema["$ref"].rsplit("/", 1)[-1], {}), defs)
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return fill_schema(schema[key][0], defs)
    kind = schema.get("type", "object")
    if kind == "object":
        props = schema.get("properties", {})
        required = schema.get("required", list(props))
        return {k: fill_schema(props[k], defs) for k in required if k in props}
    if kind == "array":
        return []
    if kind == "string":
        return "ok" * max(1, int(schema.get("minLength", 1)))
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    return None


@dataclass
class Meter:
    """Requests or tokens: a bucket ``limit`` deep, refilled continuously over ``window``."""

    limit: float
    window: float
    level: float = -1.0
    at: float = 0.0

    def left(self, now: float) -> float:
        """What is left now (a fresh meter starts full, as an account does)."""
        if self.level < 0:
            self.level, self.at = self.limit, now
        self.level = min(self.limit, self.level + (now - self.at) * self.limit / self.window)
        self.at = now
        return self.level

    def wait_for(self, amount: float, now: float) -> float:
        """Seconds until ``amount`` is left (0: now)."""
        short = min(amount, self.limit) - self.left(now)
        return max(0.0, short * self.window / self.limit)

    def take(self, amount: float, now: float) -> None:
        """Use ``amount`` (the level may go below 0: an answer longer than what was left)."""
        self.left(now)
        self.level -= amount


_BLOCK_CHARS = 512  # 128 tokens of ~4 characters
_CACHE_FROM_CHARS = 4096  # 1,024 tokens
_CACHE_CAP = 200_000


@dataclass
class Script:
    """Scripted answers: drafts a person wrote (in turn, the last repeating), an intent, facts."""

    drafts: list[dict[str, Any]]
    intent: str = "interested"
    facts: list[dict[str, Any]] = field(default_factory=list)
    served: int = 0

    @classmethod
    def from_json(cls, data: Any) -> Script:
        """Validate ``{"drafts": [{"subject", "body"}], "intent", "facts"}``."""
        if not isinstance(data, dict):
            raise ValueError("a script is a JSON object")
        drafts = data.get("drafts")
        if not (isinstance(drafts, list) and drafts):
            raise ValueError("a script needs a non-empty list of drafts")
        for draft in drafts:
            if not (isinstance(draft, dict) and isinstance(draft.get("body"), str)):
                raise ValueError("every scripted draft is an object with a string body")
        facts = data.get("facts") or []
        if not isinstance(facts, list):
            raise ValueError("scripted facts are a list")
        return cls(drafts=drafts, intent=str(data.get("intent") or "interested"), facts=facts)

    def next_draft(self) -> dict[str, Any]:
        """The next draft, as the drafting schema asks for it."""
        draft = self.drafts[min(self.served, len(self.drafts) - 1)]
        self.served += 1
        return {"subject": draft.get("subject"), "body": draft["body"], "fact_ids": []}


def answer_for(
    tool: dict[str, Any],
    prompt: str,
    script: Script | None = None,
    *,
    obey: bool = False,
    system: str = "",
) -> dict[str, Any]:
    """The arguments of a call to ``tool`` (an OpenAI ``function`` object) for ``prompt``.

    With ``obey`` the drafts and research do what the prompt's prospect data says
    (``obedient_answer``).
    """
    name = str(tool.get("name", ""))
    params = tool.get("parameters", {}) or {}
    props = set(params.get("properties", {}))

    def draft(variation: str = "") -> dict[str, Any]:
        if script:
            return script.next_draft()
        if obey:
            return obedient_answer(prompt, system, variation)
        return draft_answer(prompt, variation)

    if {"body", "fact_ids"} <= props:
        return draft()
    if "drafts" in props:
        ids = re.findall(r"^Variation (\S+):", prompt, re.MULTILINE) or ["v1"]
        return {"drafts": [{"variation_id": i, **draft(i)} for i in ids]}
    if name == "ResearchOut" or props == {"facts"}:
        if script:
            return {"facts": list(script.facts)}
        return obedient_research(prompt) if obey else research_answer(prompt)
    if props == {"intent"}:
        return {"intent": script.intent if script else "interested"}
    filled = fill_schema(params)
    return filled if isinstance(filled, dict) else {}


class FakeOpenAIServer:
    """The server, run on its own event loop in a thread; ``start()`` returns its base URL."""

    def __init__(
        self,
        *,
        delay: float = 0.0,
        hang: bool = False,
        rate_limited: int = 0,
        retry_after: float = 1.0,
        port: int = 0,
        rpm: float | None = None,
        tpm: float | None = None,
        window: float = 60.0,
        down: bool = False,
        obey: bool = False,
    ) -> None:
        self.delay, self.hang, self.port, self.obey = delay, hang, port, obey
        self.rate_limited, self.retry_after = rate_limited, retry_after
        self.down = down
        self.window = window
        self.requests = Meter(rpm, window) if rpm else None
        self.tokens = Meter(tpm, window) if tpm else None
        self._prefixes: set[str] = set()
        self.stats = Stats()
        self.scripted: Script | None = None
        self._ids = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._stopping: asyncio.Event | None = None
        self._thread: threading.Thread | None = None

    # -- the HTTP side ------------------------------------------------------------------------
    def app(self) -> web.Application:
        app = web.Application(client_max_size=1 << 20)
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_post("/v1/embeddings", self._embeddings)
        app.router.add_get("/stats", self._stats)
        app.router.add_post("/script", self._set_script)
        app.router.add_delete("/script", self._end_script)
        app.router.add_get("/prompts", self._prompts)
        return app

    def script(self, data: dict[str, Any] | None) -> None:
        """Answer with ``data``'s drafts, intent and facts from now on (None: write drafts again).

        Raises ``ValueError`` for a malformed script. Thread-safe enough for one caller that sets
        a script between runs (the server thread only reads the attribute).
        """
        self.scripted = Script.from_json(data) if data is not None else None
        self.stats.draft_prompts.clear()

    async def _set_script(self, request: web.Request) -> web.StreamResponse:
        try:
            self.script(await request.json())
        except (ValueError, json.JSONDecodeError) as err:
            return web.json_response({"error": {"message": str(err)}}, status=400)
        return web.json_response({"ok": True})

    async def _end_script(self, request: web.Request) -> web.StreamResponse:
        self.script(None)
        return web.json_response({"ok": True})

    async def _prompts(self, request: web.Request) -> web.StreamResponse:
        return web.json_response({"draft_prompts": self.stats.draft_prompts[-100:]})

    async def _wait(self) -> None:
        """Wait the delay (forever when hanging); a stopping server answers 503 at once."""
        assert self._stopping is not None
        try:
            await asyncio.wait_for(self._stopping.wait(), None if self.hang else self.delay)
        except TimeoutError:
            return
        raise web.HTTPServiceUnavailable(text="server stopping")

    def _limit_headers(self, now: float) -> dict[str, str]:
        headers = {}
        for name, meter in (("requests", self.requests), ("tokens", self.tokens)):
            if meter is not None:
                left = meter.left(now)
                reset = (meter.limit - left) * meter.window / meter.limit
                headers[f"x-ratelimit-limit-{name}"] = f"{meter.limit:g}"
                headers[f"x-ratelimit-remaining-{name}"] = str(max(0, int(left)))
                headers[f"x-ratelimit-reset-{name}"] = f"{reset:.3f}s"
        return headers

    def _refuse(self, wait: float, headers: dict[str, str]) -> web.StreamResponse:
        self.stats.rate_limited += 1
        headers = {
            **headers,
            "retry-after-ms": str(max(1, round(wait * 1000))),
            "Retry-After": str(max(1, int(wait + 0.999))),
        }
        return web.json_response(
            {"error": {"message": "rate limited", "type": "rate_limit_error"}},
            status=429,
            headers=headers,
        )

    def _metered(self, prompt_tokens: int) -> tuple[float, dict[str, str]]:
        """Admit one request of ``prompt_tokens`` (0 s) or say how long until it would fit."""
        now = time.monotonic()
        wait = 0.0
        if self.requests is not None:
            wait = max(wait, self.requests.wait_for(1, now))
        if self.tokens is not None:
            wait = max(wait, self.tokens.wait_for(prompt_tokens, now))
        if wait == 0.0:
            if self.requests is not None:
                self.requests.take(1, now)
            if self.tokens is not None:
                self.tokens.take(prompt_tokens, now)
        return wait, self._limit_headers(now)

    def _cached(self, prompt: str) -> int:
        """Tokens of ``prompt``'s leading part already seen (whole blocks, from 1,024 tokens)."""
        digest, keys = hashlib.sha1(), []
        for end in range(_BLOCK_CHARS, len(prompt) + 1, _BLOCK_CHARS):
            digest.update(prompt[end - _BLOCK_CHARS : end].encode())
            keys.append(digest.hexdigest())
        seen = next((n for n, key in enumerate(keys) if key not in self._prefixes), len(keys))
        if len(self._prefixes) < _CACHE_CAP:
            self._prefixes.update(keys)
        chars = seen * _BLOCK_CHARS
        return tokens(prompt[:chars]) if chars >= _CACHE_FROM_CHARS else 0

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        if self.stats.in_flight >= MAX_IN_FLIGHT:
            return web.json_response({"error": {"message": "too many requests"}}, status=503)
        if self.down:
            self.stats.unavailable += 1
            return web.json_response({"error": {"message": "service unavailable"}}, status=503)
        if self.rate_limited > 0:
            self.rate_limited -= 1
            self.stats.rate_limited += 1
            return web.json_response(
                {"error": {"message": "rate limited", "type": "rate_limit_error"}},
                status=429,
                headers={"Retry-After": f"{self.retry_after:g}"},
            )
        body = await request.json()
        messages = body.get("messages", [])
        prompt = "\n".join(str(m.get("content") or "") for m in messages)
        limit_headers: dict[str, str] = {}
        if self.requests is not None or self.tokens is not None:
            wait, limit_headers = self._metered(tokens(prompt))
            if wait > 0:
                return self._refuse(wait, limit_headers)
        start = time.time()
        self.stats.in_flight += 1
        self.stats.peak_in_flight = max(self.stats.peak_in_flight, self.stats.in_flight)
        try:
            await self._wait()
        finally:
            self.stats.in_flight -= 1
        tools = body.get("tools") or []
        message: dict[str, Any]
        script = self.scripted
        if tools:
            tool = tools[0].get("function", {})
            params = set((tool.get("parameters") or {}).get("properties", {}))
            if script is not None and ({"body", "fact_ids"} <= params or "drafts" in params):
                self.stats.draft_prompts.append(str(messages[-1].get("content") or ""))
            system = next(
                (str(m.get("content") or "") for m in messages if m.get("role") == "system"), ""
            )
            answer_args = answer_for(tool, prompt, script, obey=self.obey, system=system)
            args = json.dumps(answer_args, ensure_ascii=False)
            message = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": f"call_{next(self._ids)}",
                        "type": "function",
                        "function": {"name": tool.get("name", "answer"), "arguments": args},
                    }
                ],
            }
            answer, finish = args, "tool_calls"
        else:
            draft = script.next_draft() if script else draft_answer(prompt)
            answer, finish = json.dumps(draft, ensure_ascii=False), "stop"
            message = {"role": "assistant", "content": answer}
        cached = self._cached(prompt)
        usage: dict[str, Any] = {
            "prompt_tokens": tokens(prompt),
            "completion_tokens": tokens(answer),
            "prompt_tokens_details": {"cached_tokens": cached},
        }
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        if self.tokens is not None:  # the answer's tokens count when it is written
            self.tokens.take(usage["completion_tokens"], time.monotonic())
            limit_headers = self._limit_headers(time.monotonic())
        self.stats.calls += 1
        self.stats.prompt_tokens += usage["prompt_tokens"]
        self.stats.completion_tokens += usage["completion_tokens"]
        self.stats.cached_tokens += cached
        if len(self.stats.intervals) < MAX_LOG:
            self.stats.intervals.append((start, time.time()))
        return web.json_response(
            {
                "id": f"chatcmpl-{next(self._ids)}",
                "object": "chat.completion",
                "created": int(start),
                "model": body.get("model", "fake"),
                "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                "usage": usage,
            },
            headers=limit_headers,
        )

    async def _embeddings(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        await self._wait()
        texts = body.get("input") or []
        texts = [texts] if isinstance(texts, str) else texts
        self.stats.embeddings += 1
        data = [
            {"object": "embedding", "index": i, "embedding": _vector(str(t))}
            for i, t in enumerate(texts)
        ]
        return web.json_response(
            {"object": "list", "data": data, "model": body.get("model", "fake"), "usage": {}}
        )

    async def _stats(self, request: web.Request) -> web.StreamResponse:
        return web.json_response(self.stats.to_json())

    # -- running it ---------------------------------------------------------------------------
    async def serve(self) -> str:
        """Start listening on 127.0.0.1 (in the running loop); return the base URL."""
        self._stopping = asyncio.Event()
        self._runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return f"http://127.0.0.1:{self.port}/v1"

    async def close(self) -> None:
        """Release hanging requests and stop listening."""
        if self._stopping is not None:
            self._stopping.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def start(self) -> str:
        """Run the server in a thread of its own; return the base URL once it listens."""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fake-openai")
        self._thread.start()
        return asyncio.run_coroutine_threadsafe(self.serve(), self._loop).result(10)

    def stop(self) -> None:
        """Release waiting requests, stop the server and its thread (idempotent)."""
        if self._loop is None or self._thread is None:
            return
        asyncio.run_coroutine_threadsafe(self.close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
        self._loop, self._thread = None, None


def _vector(text: str, size: int = 64) -> list[float]:
    digest = hashlib.sha256(text.encode()).digest() * (size // 32)
    vec = [b / 255 - 0.5 for b in digest[:size]]
    norm = sum(x * x for x in vec) ** 0.5 or 1.0
    return [x / norm for x in vec]


def main() -> None:
    """Serve until interrupted; print the base URL on the first line of stdout."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--hang", action="store_true")
    parser.add_argument("--rpm", type=float, default=None, help="requests per window")
    parser.add_argument("--tpm", type=float, default=None, help="tokens per window")
    parser.add_argument("--window", type=float, default=60.0, help="the metering window (s)")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--obey", action="store_true", help="draft whatever the prospect data says (red-team)"
    )
    args = parser.parse_args()

    async def run() -> None:
        server = FakeOpenAIServer(
            delay=args.delay,
            hang=args.hang,
            port=args.port,
            rpm=args.rpm,
            tpm=args.tpm,
            window=args.window,
            obey=args.obey,
        )
        print(await server.serve(), flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await server.close()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())
    sys.exit(0)


if __name__ == "__main__":
    main()
