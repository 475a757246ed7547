"""Short-link lookup with a small TTL cache: one indexed query per code at most every few
seconds, never per request under load.

A code seen for the first time is fetched once (concurrent misses share the query). After
that, a background refresher re-reads every cached code in batched `IN (...)` queries each
`ttl` seconds, so entries stay fresh (an edit, an expiry, a disable shows within `ttl`)
without a request ever waiting for the database again; codes nobody asked for during a few
periods are dropped. If the refresher cannot reach the database, entries older than
`3 × ttl` are fetched again on the request path. Unknown codes are cached the same way, so a
scan of random codes does not become a database scan.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.connection import get_connection

from h5.tracking import LinkRef, link_row

log = logging.getLogger("h5.lookup")

#: what a short code may look like; anything else is a 404 without a lookup
CODE_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_BATCH = 400


@dataclass(frozen=True, slots=True)
class LinkInfo:
    id: int
    workspace_id: int
    code: str
    target_url: str
    message_version_id: int | None
    message_id: int | None
    batch_id: int | None
    expires_at: datetime | None
    disabled: bool
    timezone: str
    variables: dict[str, str] = field(default_factory=dict)
    #: the workspace-free part the visit writer needs, built once
    ref: LinkRef = field(init=False, compare=False)
    #: the same as a visit row holds it
    ref_row: tuple[Any, ...] = field(init=False, compare=False)
    location: tuple[bytes, bytes] = field(init=False, compare=False)
    #: the hot path answers with a plain 302 while now (µs) is below this: the expiry of an
    #: enabled URL link (or for ever), -1 for a CH5 page or a disabled link
    redirects_until_us: int = field(init=False, compare=False)

    def __post_init__(self) -> None:
        ref = LinkRef(self.id, self.workspace_id, self.message_id, self.batch_id, self.timezone)
        object.__setattr__(self, "ref", ref)
        object.__setattr__(self, "ref_row", link_row(ref))
        expires = None if self.expires_at is None else int(self.expires_at.timestamp() * 1e6)
        # targets are stored normalised (ASCII): the header is ready to send
        object.__setattr__(self, "location", (b"location", self.target_url.encode("latin-1")))
        forever = 2**63 if expires is None else expires
        until = -1 if self.disabled or self.is_ch5 else forever
        object.__setattr__(self, "redirects_until_us", until)

    @property
    def is_ch5(self) -> bool:
        return self.message_version_id is not None

    def is_enabled(self, now: datetime) -> bool:
        return not self.disabled and (self.expires_at is None or self.expires_at > now)


_SELECT = (
    "SELECT s.id, s.workspace_id, s.code, s.target_url, s.message_version_id, s.message_id, "
    "s.batch_id, s.expires_at, s.disabled, s.variables, w.timezone FROM short_link s "
    "JOIN workspace w ON w.id = s.workspace_id WHERE s.code IN ({marks})"
)


def _datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _info(row: dict[str, Any]) -> LinkInfo:
    variables = row["variables"]
    if isinstance(variables, str | bytes):
        variables = json.loads(variables or "{}")
    if not isinstance(variables, dict):
        variables = {}
    return LinkInfo(
        id=int(row["id"]), workspace_id=int(row["workspace_id"]), code=row["code"],
        target_url=row["target_url"], message_version_id=row["message_version_id"],
        message_id=row["message_id"], batch_id=row["batch_id"],
        expires_at=_datetime(row["expires_at"]), disabled=bool(row["disabled"]),
        timezone=row["timezone"] or "Asia/Shanghai",
        variables={str(k): str(v) for k, v in variables.items()},
    )


async def fetch_links(codes: Sequence[str]) -> dict[str, LinkInfo]:
    """The links for these codes, by code (unknown codes are absent): one indexed query."""
    conn = get_connection("default")
    if conn.capabilities.dialect == "postgres":
        marks = ", ".join(f"${i}" for i in range(1, len(codes) + 1))
    else:
        marks = ", ".join("?" * len(codes))
    rows = await conn.execute_query_dict(_SELECT.format(marks=marks), list(codes))
    return {row["code"]: _known_info(row) for row in rows}


#: the link of each row seen lately: the refresher re-reads every cached code every few
#: seconds, and a row that did not change gives back the same value instead of a new one
_KNOWN: dict[tuple[Any, ...], LinkInfo] = {}
_MAX_KNOWN = 100_000


def _known_info(row: dict[str, Any]) -> LinkInfo:
    key = tuple(row.values())
    try:
        info = _KNOWN.get(key)
    except TypeError:  # a driver gave an unhashable value (a JSON column as a dict)
        return _info(row)
    if info is None:
        if len(_KNOWN) >= _MAX_KNOWN:
            _KNOWN.clear()
        info = _KNOWN[key] = _info(row)
    return info


Fetch = Callable[[Sequence[str]], Awaitable[dict[str, LinkInfo]]]


class LinkCache:
    def __init__(self, ttl: float, fetch: Fetch = fetch_links, max_entries: int = 200_000) -> None:
        self.ttl = ttl
        self._fetch = fetch
        self._max = max_entries
        #: code → (fetched at, link or None)
        self._entries: dict[str, tuple[float, LinkInfo | None]] = {}
        self._used: set[str] = set()
        self._idle: dict[str, int] = {}
        self._pending: dict[str, asyncio.Future[LinkInfo | None]] = {}
        self._task: asyncio.Task[None] | None = None
        self.queries = 0

    def cached(self, code: str) -> LinkInfo | None:
        """The link when it is cached and fresh, without awaiting; None otherwise (a miss, a
        stale entry or an unknown code: call `get`)."""
        entry = self._entries.get(code)
        if entry is None or time.monotonic() - entry[0] >= 3 * self.ttl:
            return None
        self._used.add(code)
        return entry[1]

    async def get(self, code: str) -> LinkInfo | None:
        entry = self._entries.get(code)
        if entry is not None and time.monotonic() - entry[0] < 3 * self.ttl:
            self._used.add(code)
            return entry[1]
        pending = self._pending.get(code)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[LinkInfo | None] = asyncio.get_running_loop().create_future()
        self._pending[code] = future
        try:
            self.queries += 1
            info = (await self._fetch([code])).get(code)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it, nobody logs it twice
            raise
        finally:
            self._pending.pop(code, None)
        if len(self._entries) >= self._max:
            self._entries.clear()
        self._entries[code] = (time.monotonic(), info)
        self._used.add(code)
        future.set_result(info)
        return info

    def forget(self, code: str) -> None:
        """Drop a code at once (for an edit made in this process)."""
        self._entries.pop(code, None)

    async def refresh(self) -> None:
        """Re-read every cached code that was asked for lately; drop the idle ones."""
        used, self._used = self._used, set()
        for code in list(self._entries):
            if code in used:
                self._idle.pop(code, None)
            elif self._idle.setdefault(code, 0) >= 2:
                self._entries.pop(code, None)
                self._idle.pop(code, None)
                continue
            else:
                self._idle[code] += 1
        codes = list(self._entries)
        for start in range(0, len(codes), _BATCH):
            chunk = codes[start:start + _BATCH]
            self.queries += 1
            found = await self._fetch(chunk)
            now = time.monotonic()
            for code in chunk:
                if code in self._entries:
                    self._entries[code] = (now, found.get(code))

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.ttl)
            try:
                await self.refresh()
            except Exception:
                log.exception("refreshing cached links failed; retrying next period")

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="h5-link-refresh")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
