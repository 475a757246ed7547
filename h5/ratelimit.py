"""A per-IP counter over fixed one-minute windows, for unknown-code answers.

Per process and in memory on purpose: it slows a scan of random codes without a database
write per request; a scan spread over many processes is still visible in OrphanHourly.
"""

from __future__ import annotations


class WindowLimiter:
    def __init__(self, per_minute: int, max_keys: int = 50_000) -> None:
        self.per_minute = per_minute
        self._max = max_keys
        self._window = -1
        self._counts: dict[str, int] = {}

    def allow(self, key: str, now: float) -> bool:
        window = int(now // 60)
        if window != self._window or len(self._counts) >= self._max:
            self._window = window
            self._counts = {}
        count = self._counts.get(key, 0) + 1
        self._counts[key] = count
        return count <= self.per_minute
