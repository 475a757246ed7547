"""The marketing send window (营销短信发送时段): local HH:MM-HH:MM in the workspace's zone."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def parse_window(text: str) -> tuple[time, time]:
    start, _, end = text.partition("-")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


def next_open(now: datetime, window: str, zone: str = "Asia/Shanghai") -> datetime | None:
    """None when `now` is inside the window, else the (UTC-aware) moment it next opens."""
    start, end = parse_window(window)
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    if start <= local.time() < end:
        return None
    day = local.date() if local.time() < start else local.date() + timedelta(days=1)
    return datetime.combine(day, start, tzinfo=tz).astimezone(now.tzinfo)
