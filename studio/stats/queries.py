"""Statistics queries over the rollups (never the raw visit table).

Every function takes the workspace id; counters are filtered by it. UV and IP数 come from
`studio.stats.uniques`, which reads by scope only: the caller checks the scope belongs to the
workspace first (`studio.stats.pages.load_subject`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from studio.stats import uniques
from studio.stats.period import Granularity, Period
from studio.stats.sql import rows

DIMENSIONS = ("device", "os", "browser", "referrer")


@dataclass(frozen=True)
class Totals:
    pv: int = 0
    uv: int = 0
    ip: int = 0
    bots: int = 0
    clicks: int = 0
    replies: int = 0
    expired: int = 0


@dataclass(frozen=True)
class Point:
    label: str
    pv: int
    uv: int | None  #: None by the hour (visitors are kept per day)
    ip: int | None
    bots: int
    clicks: int


def _scope_where(workspace_id: int, scope: str, scope_id: int) -> tuple[str, list[Any]]:
    # the unary plus keeps SQLite off the (workspace_id, scope, hour) index, which would
    # read every link's hours of the workspace: the scope's own index is the one to use
    return "+workspace_id = ? AND scope = ? AND scope_id = ?", [workspace_id, scope, scope_id]


async def totals(workspace_id: int, scope: str, scope_id: int, period: Period) -> Totals:
    where, params = _scope_where(workspace_id, scope, scope_id)
    first, last = period.hours
    sums = await rows(
        "SELECT COALESCE(SUM(pv),0) AS pv, COALESCE(SUM(bots),0) AS bots, "
        "COALESCE(SUM(clicks),0) AS clicks, COALESCE(SUM(replies),0) AS replies, "
        "COALESCE(SUM(expired),0) AS expired FROM visit_hourly "
        f"WHERE {where} AND hour >= ? AND hour < ?", [*params, first, last])
    unique = await uniques.over_range(workspace_id, scope, scope_id, period.start_day,
                                      period.end_day, period.closed_through)
    s = sums[0]
    return Totals(pv=int(s["pv"]), uv=unique.uv, ip=unique.ip, bots=int(s["bots"]),
                  clicks=int(s["clicks"]), replies=int(s["replies"]), expired=int(s["expired"]))


async def series(workspace_id: int, scope: str, scope_id: int, period: Period) -> list[Point]:
    where, params = _scope_where(workspace_id, scope, scope_id)
    first, last = period.hours
    hourly = await rows(
        "SELECT hour, pv, bots, clicks FROM visit_hourly "
        f"WHERE {where} AND hour >= ? AND hour < ?", [*params, first, last])
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in hourly:
        bucket = sums[period.bucket(int(row["hour"]))]
        bucket[0] += int(row["pv"])
        bucket[1] += int(row["bots"])
        bucket[2] += int(row["clicks"])
    by_hour = period.granularity is Granularity.HOUR
    uv: dict[str, int] = {}
    ip: dict[str, int] = {}
    if period.granularity is Granularity.MONTH:
        for month, counts in (await uniques.monthly(workspace_id, scope, scope_id, period)).items():
            label = f"{month // 100:04d}-{month % 100:02d}"
            uv[label], ip[label] = counts
    elif period.granularity is Granularity.DAY:
        for day, counts in (await uniques.daily(workspace_id, scope, scope_id, period)).items():
            label = period.day_bucket(day)
            uv[label], ip[label] = counts
    points = []
    for label in period.buckets():
        pv, bots, clicks = sums.get(label, (0, 0, 0))
        points.append(Point(label, pv, None if by_hour else uv.get(label, 0),
                            None if by_hour else ip.get(label, 0), bots, clicks))
    return points


async def breakdown(
    workspace_id: int, scope: str, scope_id: int, period: Period, dim: str
) -> list[tuple[str, int]]:
    """(value, count) of one dimension over the period, biggest first."""
    where, params = _scope_where(workspace_id, scope, scope_id)
    found = await rows(
        "SELECT value, SUM(count) AS n FROM visit_dim "
        f"WHERE {where} AND dim = ? AND day >= ? AND day <= ? GROUP BY value "
        "ORDER BY n DESC, value LIMIT 50",
        [*params, dim, period.start_day, period.end_day])
    return [(str(r["value"]), int(r["n"])) for r in found]


async def top_scopes(
    workspace_id: int, scope: str, period: Period, limit: int = 10
) -> list[tuple[int, int]]:
    """(scope id, opens) of the messages (``m``) or batches (``b``) with the most opens in the
    period, from their ``device`` breakdown rows (see `top_links`)."""
    found = await rows(
        "SELECT scope_id, SUM(count) AS pv FROM visit_dim WHERE workspace_id = ? "
        "AND scope = ? AND dim = 'device' AND day >= ? AND day <= ? "
        "GROUP BY scope_id ORDER BY pv DESC, scope_id LIMIT ?",
        [workspace_id, scope, period.start_day, period.end_day, limit])
    return [(int(r["scope_id"]), int(r["pv"])) for r in found]


@dataclass(frozen=True)
class TopLink:
    link_id: int
    pv: int
    bots: int
    clicks: int


async def top_links(workspace_id: int, period: Period, limit: int = 10) -> list[TopLink]:
    """The links with the most opens in the period. Opens per link and day are the sum of its
    ``device`` breakdown rows (the writer counts each non-bot open once per dimension), a
    much smaller table than the hourly one; bots and clicks are then read for those few."""
    top = await rows(
        "SELECT scope_id, SUM(count) AS pv FROM visit_dim WHERE workspace_id = ? "
        "AND scope = 'l' AND dim = 'device' AND day >= ? AND day <= ? "
        "GROUP BY scope_id ORDER BY pv DESC, scope_id LIMIT ?",
        [workspace_id, period.start_day, period.end_day, limit])
    if not top:
        return []
    ids = [int(r["scope_id"]) for r in top]
    first, last = period.hours
    marks = ", ".join("?" * len(ids))
    others = await rows(
        "SELECT scope_id, SUM(bots) AS bots, SUM(clicks) AS clicks FROM visit_hourly "
        f"WHERE +workspace_id = ? AND scope = 'l' AND scope_id IN ({marks}) "
        "AND hour >= ? AND hour < ? GROUP BY scope_id", [workspace_id, *ids, first, last])
    extra = {int(r["scope_id"]): (int(r["bots"]), int(r["clicks"])) for r in others}
    return [TopLink(i, int(r["pv"]), *extra.get(i, (0, 0))) for i, r in zip(ids, top, strict=True)]
