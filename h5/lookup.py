"""Short-link lookup with a small TTL cache: one indexed query per code every few seconds.

Concurrent misses for the same code share one query (a burst on a fresh code is one lookup).
Unknown codes are cached too, so a scan of random codes does not become a database scan.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from h5.tracking import LinkRef

#: what a short code may look like; anything else is a 404 without a lookup
CODE_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


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

    @property
    def is_ch5(self) -> bool:
        return self.message_version_id is not None

    def is_enabled(self, now: datetime) -> bool:
        return not self.disabled and (self.expires_at is None or self.expires_at > now)

    @property
    def ref(self) -> LinkRef:
        return LinkRef(self.id, self.workspace_id, self.message_id, self.batch_id, self.timezone)


async def fetch_link(code: str) -> LinkInfo | None:
    """The one query: the link by its unique code, with its workspace's time zone."""
    from studio.models.links import ShortLink

    rows = await ShortLink.filter(code=code).values(
        "id", "workspace_id", "code", "target_url", "message_version_id", "message_id",
        "batch_id", "expires_at", "disabled", "variables", "workspace__timezone",
    )
    if not rows:
        return None
    row: dict[str, Any] = rows[0]
    variables = row["variables"] if isinstance(row["variables"], dict) else {}
    return LinkInfo(
        id=row["id"], workspace_id=row["workspace_id"], code=row["code"],
        target_url=row["target_url"], message_version_id=row["message_version_id"],
        message_id=row["message_id"], batch_id=row["batch_id"],
        expires_at=row["expires_at"], disabled=row["disabled"],
        timezone=row["workspace__timezone"] or "Asia/Shanghai",
        variables={str(k): str(v) for k, v in variables.items()},
    )


class LinkCache:
    def __init__(
        self,
        ttl: float,
        fetch: Callable[[str], Awaitable[LinkInfo | None]] = fetch_link,
        max_entries: int = 100_000,
    ) -> None:
        self.ttl = ttl
        self._fetch = fetch
        self._max = max_entries
        self._entries: dict[str, tuple[float, LinkInfo | None]] = {}
        self._pending: dict[str, asyncio.Future[LinkInfo | None]] = {}
        self.queries = 0

    async def get(self, code: str) -> LinkInfo | None:
        now = time.monotonic()
        entry = self._entries.get(code)
        if entry is not None and entry[0] > now:
            return entry[1]
        pending = self._pending.get(code)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[LinkInfo | None] = asyncio.get_running_loop().create_future()
        self._pending[code] = future
        try:
            self.queries += 1
            info = await self._fetch(code)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it, nobody logs it twice
            raise
        finally:
            self._pending.pop(code, None)
        if len(self._entries) >= self._max:
            self._entries.clear()
        self._entries[code] = (now + self.ttl, info)
        future.set_result(info)
        return info

    def forget(self, code: str) -> None:
        """Drop a code at once (the studio calls this when it edits a link in-process)."""
        self._entries.pop(code, None)
