"""Personalizing a list: read rows, run them concurrently, write one result line each, resume.

``personalize_many`` runs the rows through one engine with at most ``concurrency`` in flight (and
at most ``rate_limit`` started per minute), sharing the engine's stores and ONE checkpointer, and
yields a ``BatchItem`` per row as each finishes, so one slow row never holds back the others: each
row has its own deadline (``Context.deadline_s``). A bad row becomes an item with an ``error``; it
never stops the batch. Stopping the iteration early cancels the rows still running and waits for
them, so no task outlives the batch.

``ResultsFile`` is the batch's output: JSON Lines, one object per row, each written with a single
write and flushed, so a batch cut at any point leaves complete lines, plus at most one partial
last line, which the next run with the same file drops before it skips the rows already there.
"""

from __future__ import annotations

import asyncio
import contextvars
import csv
import functools
import hashlib
import io
import json
import os
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Iterable, Iterator
from contextlib import AbstractAsyncContextManager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from aiolimiter import AsyncLimiter
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from ipe.domain import (
    EngineError,
    InvalidInputError,
    PersonalizationError,
    PersonalizationResult,
    StorageError,
)
from ipe.memory.storage import storage_guard
from ipe.tools.provider.pacing import QueueClock, queue_clock, rate_limited_total

if TYPE_CHECKING:
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
    from langgraph.graph.state import CompiledStateGraph


class Durable(NamedTuple):
    """The graph compiled with a checkpointer, and that checkpointer."""

    graph: CompiledStateGraph[Any, Any, Any, Any]
    saver: AsyncSqliteSaver


class BatchEngine(Protocol):
    """What a batch needs of its engine (``graph.engine.IntelligentPersonalizationEngine``)."""

    @property
    def row_timeout_s(self) -> float:
        """A backstop per run: the deadline plus a margin."""
        ...

    @property
    def data_dir(self) -> str:
        """The data directory the runs write to."""
        ...

    def checkpointed(self) -> AbstractAsyncContextManager[Durable | None]:
        """The graph with a checkpointer open for the batch (None when not durable)."""
        ...

    def personalize_message(
        self,
        prospect: Any,
        template: Any,
        *,
        platform: str | None = None,
        message_id: str | None = None,
    ) -> Awaitable[PersonalizationResult]:
        """One row's run."""
        ...


shared_durable: ContextVar[Durable | None] = ContextVar("shared_durable", default=None)
"""The batch's one checkpointer (and graph), seen by the engine's runs in the batch's tasks."""


STRAY_WAIT_S = 5.0
"""How long a stopped batch waits for the checkpoint writes of its cancelled runs."""


@dataclass
class Row:
    """One input row: its position, the prospect's id, and the record (or why it is unreadable).

    ``line`` is the file line the row starts on (1-based, a CSV's header is line 1), when it came
    from a file: every error of the row names it.
    """

    index: int
    prospect_id: str
    record: Any = None
    error: str | None = None
    line: int | None = None

    def where(self) -> str:
        """``line N`` of the file, or ``row N`` (1-based) of an in-memory list."""
        return f"line {self.line}" if self.line is not None else f"row {self.index + 1}"


@dataclass
class BatchItem:
    """The outcome of one row: a result, or the error that kept the row from one."""

    index: int
    prospect_id: str
    result: PersonalizationResult | None = None
    error: str | None = None
    line: int | None = None
    """The file line the row starts on (see ``Row.line``)."""
    retry: bool = False
    """The row is fine (a timeout, a storage or engine fault): a resumed batch runs it again."""
    storage: bool = False
    """The data directory or database failed: the batch stops (every later row would fail too)."""

    def to_json_dict(self) -> dict[str, Any]:
        """The results file's line: ``personalize --json`` plus ``prospect_id``, or the error.

        A deferred row (the model could not be used) carries ``"retry": true`` like an error of
        ours: a resumed batch drafts it again.
        """
        where = {"line": self.line} if self.line is not None else {"row": self.index + 1}
        if self.result is None:
            line = {"prospect_id": self.prospect_id, **where, "error": self.error or "failed"}
            return {**line, "retry": True} if self.retry else line
        line = {"prospect_id": self.prospect_id, **where, **self.result.to_json_dict()}
        return {**line, "retry": True} if self.retry else line


def row_id(record: Any, index: int) -> str:
    """The row's prospect id: its ``id`` field, else ``row-<n>`` (1-based, stable per file)."""
    if isinstance(record, dict) and str(record.get("id") or "").strip():
        return str(record["id"]).strip()
    return f"row-{index + 1}"


def as_rows(records: Iterable[Any]) -> Iterator[Row]:
    """Rows from in-memory records (dicts or prospect models)."""
    for index, record in enumerate(records):
        if isinstance(record, Row):
            yield record
            continue
        data = record.model_dump() if hasattr(record, "model_dump") else record
        yield Row(index=index, prospect_id=row_id(data, index), record=data)


def read_rows(path: str | Path) -> Iterator[Row]:
    """Rows of a ``.jsonl`` (one JSON object a line) or ``.csv`` file (a header line first).

    CSV is read by the ``csv`` module in strict mode: an unclosed quote, a stray quote or a row
    with more cells than the header is a row with an error naming its line, and reading goes on at
    the next line, so no row is ever merged into another or dropped. Cells: empty cells are left
    out, ``a.b`` columns nest (``preferences.tone``), a cell holding a JSON list or object is
    parsed, and ``tags`` may be ``;``-separated. An unreadable JSON line becomes a row with an
    error. Raises ``InvalidInputError`` when the file cannot be read at all.
    """
    path = Path(path)
    if path.suffix.lower() not in (".jsonl", ".csv", ".ndjson"):
        raise InvalidInputError(f"--prospects needs a .jsonl or .csv file, got '{path}'")
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as err:
        raise InvalidInputError(f"cannot read prospects file '{path}': {err.strerror}") from None
    with handle:
        try:
            if path.suffix.lower() == ".csv":
                yield from csv_rows(handle.read())
            else:
                yield from _jsonl_rows(handle)
        except UnicodeDecodeError:
            raise InvalidInputError(f"prospects file '{path}' is not UTF-8 text") from None


def _jsonl_rows(lines: Iterable[str]) -> Iterator[Row]:
    index = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as err:
            error = f"line {number} is not valid JSON ({err})"
            yield Row(index, f"line-{number}", error=error, line=number)
        else:
            if isinstance(record, dict):
                yield Row(index, row_id(record, index), record=record, line=number)
            else:
                error = f"line {number} is not a JSON object"
                yield Row(index, f"line-{number}", error=error, line=number)
        index += 1


def csv_rows(text: str) -> Iterator[Row]:
    """The rows of a CSV text (a header line first), read strictly; see ``read_rows``.

    A record the strict reader refuses (an unclosed or stray quote) becomes an error row for the
    line it starts on, and reading starts again on the next line: a quote left open never
    swallows the rows after it.
    """
    lines = io.StringIO(text, newline="").readlines()  # \n, \r\n or \r end a line, as csv reads
    try:
        header = next(csv.reader(lines[:1], strict=True), None)
    except csv.Error as err:
        raise InvalidInputError(
            f"the prospects CSV file's header line is not valid CSV ({err})"
        ) from None
    if not header or not any(h.strip() for h in header):
        raise InvalidInputError("the prospects CSV file has no header line")
    columns = [h.strip() for h in header]
    twice = sorted({c for c in columns if c and columns.count(c) > 1})
    if twice:
        raise InvalidInputError(
            f"the prospects CSV file's header names {', '.join(repr(c) for c in twice)} twice: "
            "each column once"
        )
    start, index = 1, 0  # the next line to read (0-based) and the next row's index
    while start < len(lines):
        reader = csv.reader(lines[start:], strict=True)
        first = start
        try:
            for cells in reader:
                number = first + 1  # the 1-based file line this record started on
                first = start + reader.line_num
                if not any(c.strip() for c in cells):
                    continue  # a blank line
                yield _csv_row(index, number, columns, cells)
                index += 1
            start = len(lines)
        except csv.Error as err:
            number = first + 1
            error = f"line {number} is not valid CSV ({err}): check its quotes"
            yield Row(index, f"line-{number}", error=error, line=number)
            index += 1
            start = first + 1


def _csv_row(index: int, number: int, columns: list[str], cells: list[str]) -> Row:
    if len(cells) > len(columns):
        error = (
            f"line {number} has {len(cells)} cells but the header has {len(columns)} columns "
            "(an unquoted comma?)"
        )
        return Row(index, f"line-{number}", error=error, line=number)
    record: dict[str, Any] = {}
    for number_of_column, (key, raw) in enumerate(zip(columns, cells, strict=False), start=1):
        if not raw.strip():
            continue  # an empty cell
        if not key:
            error = (
                f"line {number}: column {number_of_column} has a value but the header gives it "
                "no name"
            )
            return Row(index, f"line-{number}", error=error, line=number)
        value: Any = raw.strip()
        if value[0] in "[{":
            try:
                value = json.loads(value)
            except (json.JSONDecodeError, RecursionError):
                pass
        if key == "tags" and isinstance(value, str):
            value = [t.strip() for t in value.split(";") if t.strip()]
        *parents, leaf = key.split(".")
        target = record
        for part in parents:
            target = target.setdefault(part, {})
            if not isinstance(target, dict):
                error = f"line {number}: column '{key}' nests under '{part}', which holds a value"
                return Row(index, f"line-{number}", error=error, line=number)
        target[leaf] = value
    return Row(index, row_id(record, index), record=record, line=number)


class ResultsFile:
    """The batch's JSON Lines output, appended to line by line; knows which rows are done."""

    def __init__(self, path: str | Path) -> None:
        """Check ``path`` can be written and read the rows already done; nothing is written yet.

        The file is created (or appended to) by the first ``write``: a batch that cannot start
        leaves no empty file behind and never touches an existing one. A partial last line from
        a cut run is dropped at that first write.
        """
        self.path = Path(path)
        if self.path.is_dir():
            raise InvalidInputError(f"--out '{self.path}' is a folder: name a .jsonl file")
        if not self.path.parent.is_dir():
            raise InvalidInputError(f"--out: folder '{self.path.parent}' does not exist")
        if not os.access(self.path if self.path.exists() else self.path.parent, os.W_OK):
            raise StorageError(f"--out '{self.path}' cannot be written (permission denied)")
        self.done: set[str] = set()
        self._keep: int | None = None
        if self.path.exists():
            self._recover()
        self._handle: Any = None

    def _recover(self) -> None:
        data = self.path.read_bytes()
        keep = data[: data.rfind(b"\n") + 1]  # everything up to the last complete line
        if len(keep) != len(data):
            self._keep = len(keep)  # dropped at the first write, not before
        # JSON Lines are split on "\n" only: a body may hold U+2028 or U+0085, which
        # str.splitlines() would cut inside a row and the row would be run again.
        for line in keep.decode("utf-8", errors="replace").split("\n"):
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(item, dict) and item.get("prospect_id") is not None:
                if item.get("retry"):  # a fault of ours, not of the row: run it again
                    self.done.discard(str(item["prospect_id"]))
                else:
                    self.done.add(str(item["prospect_id"]))

    def write(self, item: BatchItem) -> None:
        """Append one complete line (one write, flushed) and mark its row done (unless retried)."""
        if self._handle is None:
            if self._keep is not None:
                with self.path.open("r+b") as handle:
                    handle.truncate(self._keep)
            self._handle = self.path.open("a", encoding="utf-8")
        self._handle.write(json.dumps(item.to_json_dict(), ensure_ascii=False) + "\n")
        self._handle.flush()
        if not item.retry:
            self.done.add(item.prospect_id)

    def close(self) -> None:
        """Flush to disk and close."""
        if self._handle is not None and not self._handle.closed:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()


async def personalize_many(
    engine: BatchEngine,
    rows: Iterable[Any],
    template: Any,
    *,
    platform: str | None = None,
    concurrency: int = 8,
    rate_limit: float | None = None,
    skip: set[str] | None = None,
    batch_id: str | None = None,
    budget_s: float | None = None,
) -> AsyncIterator[BatchItem]:
    """Yield one ``BatchItem`` per row as rows finish (at most ``concurrency`` at a time).

    ``rate_limit`` caps the rows started per minute; ``skip`` names prospect ids already done
    (resume). A row whose id was already seen in this batch is reported as a duplicate. With a
    ``batch_id``, each row's message id is derived from it and the prospect id, so a row redone
    after a cut updates its message record instead of adding a second one.

    Each row has a ``QueueClock``: time its model calls wait for the provider's capacity (the
    pacer's buckets, a 429's ``Retry-After``) is queue time, moving the row's deadline and its
    backstop, until the batch's ``budget_s`` ends. A row whose model could not be used comes
    back ``deferred`` (with ``fallback="defer"``) and is marked for a retry.
    """
    if budget_s is not None and not budget_s > 0:
        raise InvalidInputError("the batch budget must be a positive number of seconds")
    budget_at = time.time() + budget_s if budget_s is not None else None
    if concurrency < 1:
        raise InvalidInputError("concurrency must be at least 1")
    if rate_limit is not None and rate_limit <= 0:
        raise InvalidInputError("the rate limit must be a positive number of rows per minute")
    pending = (r for r in as_rows(rows) if r.prospect_id not in (skip or set()))
    limiter = AsyncLimiter(rate_limit, 60) if rate_limit else None
    out: asyncio.Queue[BatchItem | None] = asyncio.Queue()
    seen: dict[str, str] = {}  # prospect id -> where it was first

    def message_id(row: Row) -> str | None:
        if batch_id is None:
            return None
        return "msg_" + hashlib.sha1(f"{batch_id}|{row.prospect_id}".encode()).hexdigest()[:16]

    async def one(row: Row) -> BatchItem:
        item = functools.partial(BatchItem, row.index, row.prospect_id, line=row.line)
        if row.error is not None:
            return item(error=row.error)
        if row.prospect_id in seen:
            first = seen[row.prospect_id]
            return item(error=f"{row.where()}: duplicate prospect id (first on {first})")
        seen[row.prospect_id] = row.where()
        if limiter is not None:
            await limiter.acquire()
        clock = QueueClock(budget_at=budget_at)
        token = queue_clock.set(clock)  # the row's graph tasks copy this context: same clock
        try:
            async with asyncio.timeout(engine.row_timeout_s) as backstop:
                clock.backstop = backstop  # held while the row only waits in the queue
                result = await engine.personalize_message(
                    row.record, template, platform=platform, message_id=message_id(row)
                )
        except StorageError as err:
            return item(error=str(err), retry=True, storage=True)
        except EngineError as err:
            return item(error=f"{row.where()}: {err}", retry=True)
        except PersonalizationError as err:
            return item(error=f"{row.where()}: {err}")
        except TimeoutError:
            error = f"{row.where()}: did not finish within {engine.row_timeout_s:g} s"
            return item(error=error, retry=True)
        except Exception as err:  # noqa: BLE001 - one broken row never stops the batch
            return item(error=f"{row.where()}: {type(err).__name__}: {err}", retry=True)
        finally:
            queue_clock.reset(token)
        deferred = result.status == "deferred"
        return item(result=result, retry=deferred)

    live = concurrency

    async def worker() -> None:
        nonlocal live
        try:
            for row in pending:  # a shared generator: each row is taken by exactly one worker
                out.put_nowait(await one(row))
        finally:
            live -= 1
            if live == 0:
                out.put_nowait(None)  # the last worker out closes the stream

    with storage_guard(engine.data_dir):  # an unusable data dir: one line
        async with engine.checkpointed() as durable:
            context = contextvars.copy_context()  # the workers' runs share the batch's checkpointer
            context.run(shared_durable.set, durable)
            before = asyncio.all_tasks()
            workers = [  # a copy each: a worker sets its row's queue clock in its own context
                asyncio.create_task(worker(), context=context.copy()) for _ in range(concurrency)
            ]
            try:
                while (item := await out.get()) is not None:
                    yield item
                for task in workers:
                    task.result()  # re-raise what a worker could not handle (none expected)
            finally:
                for task in workers:
                    task.cancel()
                await asyncio.gather(*workers, return_exceptions=True)
                # A cancelled LangGraph run can leave its checkpoint writes running in tasks of
                # their own: let them finish while the checkpointer is still open, so none
                # outlives us.
                stray = [t for t in asyncio.all_tasks() - before if not t.done()]
                if stray:
                    await asyncio.wait(stray, timeout=STRAY_WAIT_S)


_SOURCE_LABELS = {
    "model": "the model",
    "offline": "the offline drafter (no model configured, or by the engine's rules)",
    "offline_repair": "the offline drafter, after the model's repair was rejected",
    "offline_fallback": "the offline drafter, the model could not be used (--fallback offline)",
    "deferred": "nobody yet: deferred, a rerun drafts these on the model",
}


@dataclass
class BatchSummary:
    """What a batch did: counts by status, errors, skipped rows, time and per-step medians."""

    statuses: dict[str, int]
    errors: int
    skipped: int
    timed_out: int
    elapsed_s: float
    step_medians: dict[str, float]
    sources: dict[str, int] = field(default_factory=dict)
    """Rows per writer of the message: model, offline, offline_fallback, deferred, ..."""
    rate_limited: int = 0
    """429 answers the provider gave during the batch (each waited out or reported)."""

    @property
    def done(self) -> int:
        """Rows that produced a line in this run."""
        return sum(self.statuses.values()) + self.errors

    def table(self) -> Table:
        """The summary as a ``rich`` table."""
        table = Table(title="batch summary", show_header=False)
        for status, count in sorted(self.statuses.items()):
            table.add_row(status, str(count))
        for source, count in sorted(self.sources.items()):
            table.add_row(f"written by: {_SOURCE_LABELS.get(source, source)}", str(count))
        table.add_row("429 answers from the provider", str(self.rate_limited))
        table.add_row("errors (bad rows)", str(self.errors))
        table.add_row("skipped (already in --out)", str(self.skipped))
        table.add_row("rows with a model timeout", str(self.timed_out))
        rate = self.done / self.elapsed_s if self.elapsed_s > 0 else 0.0
        table.add_row("time", f"{self.elapsed_s:.1f} s ({rate:.1f} rows/s)")
        for step, secs in self.step_medians.items():
            table.add_row(f"median {step}", f"{secs * 1000:.0f} ms")
        return table


async def run_file(
    engine: BatchEngine,
    *,
    prospects: str | Path,
    template: Any,
    out: str | Path,
    platform: str | None = None,
    concurrency: int = 8,
    rate_limit: float | None = None,
    budget_s: float | None = None,
    console: Console | None = None,
) -> BatchSummary:
    """``ipe batch``: personalize a prospects file into ``out`` with a progress bar; resumable."""
    rows = list(read_rows(prospects))  # an unreadable prospects file creates no results file
    results = ResultsFile(out)
    with storage_guard(engine.data_dir):  # a data dir that cannot be used stops
        async with engine.checkpointed():  # the batch here, before any progress or output
            pass
    skipped = sum(1 for r in rows if r.prospect_id in results.done)
    statuses: dict[str, int] = {}
    sources: dict[str, int] = {}
    errors = timed_out = written = 0
    limited_before = rate_limited_total()
    timings: dict[str, list[float]] = {}
    started = time.monotonic()
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )
    try:
        with progress:
            bar = progress.add_task("personalizing", total=len(rows) - skipped)
            async for item in personalize_many(
                engine,
                rows,
                template,
                platform=platform,
                concurrency=concurrency,
                rate_limit=rate_limit,
                skip=set(results.done),
                batch_id=str(results.path.resolve()),
                budget_s=budget_s,
            ):
                results.write(item)
                written += 1
                progress.advance(bar)
                if item.storage:  # the data directory or database is broken: stop, resumable
                    raise StorageError(
                        f"{item.error} (batch stopped after {written} row(s); "
                        "fix it and rerun the same command to resume)"
                    )
                if item.result is None:
                    errors += 1
                    continue
                result = item.result
                statuses[result.status] = statuses.get(result.status, 0) + 1
                source = "deferred" if result.status == "deferred" else result.source
                if source is not None:
                    sources[source] = sources.get(source, 0) + 1
                timed_out += any("timed out" in r for r in result.reasons)
                for step, secs in result.timings.items():
                    timings.setdefault(step, []).append(secs)
    finally:
        results.close()
    return BatchSummary(
        statuses=statuses,
        errors=errors,
        skipped=skipped,
        timed_out=timed_out,
        elapsed_s=time.monotonic() - started,
        step_medians={step: statistics.median(v) for step, v in timings.items()},
        sources=sources,
        rate_limited=rate_limited_total() - limited_before,
    )


def parse_rate(value: str) -> float:
    """``R/min``, ``R/s`` or a bare ``R`` (per minute) as rows per minute."""
    text = value.strip().lower().replace(" ", "")
    scale = 1.0
    for suffix, factor in (("/min", 1.0), ("/m", 1.0), ("/sec", 60.0), ("/s", 60.0)):
        if text.endswith(suffix):
            text, scale = text[: -len(suffix)], factor
            break
    try:
        rate = float(text) * scale
    except ValueError:
        raise InvalidInputError(
            f"--rate-limit: expected R/min (e.g. 120/min), got '{value}'"
        ) from None
    if not rate > 0:
        raise InvalidInputError(f"--rate-limit must be positive, got '{value}'")
    return rate
