"""The visit writer: the request path appends, a background task flushes in batches.

A flush takes what is buffered (up to `MAX_BATCH`) and hands it to a sink: by default the
database (`write_visits`: parse, roll up, one transaction), or the spool (`h5.spool`) when a
separate writer process does the database work. A failed write (database briefly away) puts
the batch back at the front and retries with a growing pause; requests keep being answered
meanwhile. `stop()` drains the buffer before the app shuts down, so a graceful stop loses no
visit.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable

from tortoise.transactions import in_transaction

from h5.rollups import build_batch, write_batch
from h5.tracking import RawVisit, VisitRow, from_row, to_row
from h5.useragent import parse_agent
from studio.settings import TrackingOptions

log = logging.getLogger("h5.writer")

MAX_BATCH = 5000


Sink = Callable[[list[VisitRow]], Awaitable[None]]


async def write_visits(rows: list[VisitRow], hash_key: str) -> None:
    """Parse and roll up a batch of visits and write it in one transaction."""
    batch = build_batch(map(from_row, rows), hash_key)
    async with in_transaction() as conn:
        await write_batch(conn, batch)


class VisitWriter:
    def __init__(
        self,
        hash_key: str,
        options: TrackingOptions,
        sink: Sink | None = None,
    ) -> None:
        self._options = options
        self._flush_size = options.flush_size
        #: the user agents are parsed here only when this process writes to the database
        self._parses = sink is None
        self._sink: Sink = sink or functools.partial(write_visits, hash_key=hash_key)
        self._buffer: list[VisitRow] = []
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self.written = 0
        self.dropped = 0
        self.failures = 0

    def add(self, visit: RawVisit) -> None:
        self.add_row(to_row(visit))

    def add_row(self, row: VisitRow) -> None:
        """Called on the request path: O(1), never awaits, never touches the database."""
        buffer = self._buffer
        buffer.append(row)
        if len(buffer) >= self._flush_size:
            self._wake.set()
            self._trim()

    def _trim(self) -> None:
        buffer = self._buffer
        if len(buffer) > self._options.max_buffer:
            excess = len(buffer) - self._options.max_buffer
            del buffer[:excess]
            self.dropped += excess
            log.error("visit buffer full: dropped %d oldest visits", excess)

    @property
    def pending(self) -> int:
        return len(self._buffer)

    async def start(self) -> None:
        if self._parses:
            # ua-parser compiles its rules on first use (~0.3 s): do it now, off the loop
            await asyncio.to_thread(parse_agent, "Mozilla/5.0 (warm-up)")
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="h5-visit-writer")

    async def _run(self) -> None:
        pause = self._options.flush_seconds
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=pause)
            self._wake.clear()
            if self._stopping:
                break
            ok = await self.flush()
            # back off while the database is away, up to 30 s between tries
            pause = self._options.flush_seconds if ok else min(max(pause * 2, 0.5), 30.0)

    async def flush(self) -> bool:
        """Write everything buffered; False when a write failed (the visits are kept)."""
        while self._buffer:
            taken = self._buffer[:MAX_BATCH]
            del self._buffer[:MAX_BATCH]
            try:
                await self._sink(taken)
            except Exception:
                self._buffer[:0] = taken
                self.failures += 1
                log.exception("writing %d visits failed; will retry", len(taken))
                return False
            self.written += len(taken)
        return True

    async def stop(self, attempts: int = 5) -> None:
        """Stop the loop, then drain the buffer (retrying a few times)."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None
        for attempt in range(attempts):
            if await self.flush():
                return
            await asyncio.sleep(0.2 * (attempt + 1))
        if self._buffer:
            log.error("stopping with %d visits not written", len(self._buffer))
