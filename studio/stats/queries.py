"""Statistics queries over the rollups (never the raw visit table).

Every function takes the workspace id; counters are filtered by it. The UV/IP tables are
read by scope through their unique index only, so the caller checks the scope belongs to the
workspace first (`studio.stats.pages.load_subject`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from tortoise.connection import get_connection

from studio.stats.period import Granularity, Period

DIMENSIONS = ("device", "os", "browser", "referrer")


async def _rows(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    conn = get_connection("default")
    if conn.capabilities.dialect == "postgres":
        parts = sql.split("?")
        sql = parts[0] + "".join(f"${i}{part}" for i, part in enumerate(parts[1:], start=1))
    return list(await conn.execute_query_dict(sql, params))


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
    return "workspace_id = ? AND scope = ? AND scope_id = ?", [workspace_id, scope, scope_id]


def _unique_where(scope: str, scope_id: int) -> tuple[str, list[Any]]:
    """The visitor and IP tables are read through their unique index alone (index-only: a
    workspace filter would fetch every row). Callers pass a scope already checked to belong
    to the workspace (`pages.load_subject`, or the workspace itself)."""
    return "scope = ? AND scope_id = ?", [scope, scope_id]


async def totals(workspace_id: int, scope: str, scope_id: int, period: Period) -> Totals:
    where, params = _scope_where(workspace_id, scope, scope_id)
    first, last = period.hours
    sums = await _rows(
        "SELECT COALESCE(SUM(pv),0) AS pv, COALESCE(SUM(bots),0) AS bots, "
        "COALESCE(SUM(clicks),0) AS clicks, COALESCE(SUM(replies),0) AS replies, "
        "COALESCE(SUM(expired),0) AS expired FROM visit_hourly "
        f"WHERE {where} AND hour >= ? AND hour < ?", [*params, first, last])
    unique, unique_params = _unique_where(scope, scope_id)
    days = [*unique_params, period.start_day, period.end_day]
    uv = await _rows(
        "SELECT COUNT(DISTINCT key) AS n FROM unique_visitor "
        f"WHERE {unique} AND day >= ? AND day <= ?", days)
    ip = await _rows(
        "SELECT COUNT(DISTINCT ip_hash) AS n FROM unique_ip "
        f"WHERE {unique} AND day >= ? AND day <= ?", days)
    s = sums[0]
    return Totals(pv=int(s["pv"]), uv=int(uv[0]["n"]), ip=int(ip[0]["n"]), bots=int(s["bots"]),
                  clicks=int(s["clicks"]), replies=int(s["replies"]), expired=int(s["expired"]))


async def _distinct_by_bucket(
    table: str, column: str, where: str, params: list[Any], period: Period
) -> dict[str, int]:
    days = [*params, period.start_day, period.end_day]
    if period.granularity is Granularity.MONTH:
        rows = await _rows(
            f"SELECT day / 100 AS month, COUNT(DISTINCT {column}) AS n FROM {table} "
            f"WHERE {where} AND day >= ? AND day <= ? GROUP BY day / 100", days)
        return {f"{r['month'] // 100:04d}-{r['month'] % 100:02d}": int(r["n"]) for r in rows}
    rows = await _rows(
        f"SELECT day, COUNT(DISTINCT {column}) AS n FROM {table} "
        f"WHERE {where} AND day >= ? AND day <= ? GROUP BY day", days)
    return {period.day_bucket(int(r["day"])): int(r["n"]) for r in rows}


async def series(workspace_id: int, scope: str, scope_id: int, period: Period) -> list[Point]:
    where, params = _scope_where(workspace_id, scope, scope_id)
    first, last = period.hours
    rows = await _rows(
        "SELECT hour, pv, bots, clicks FROM visit_hourly "
        f"WHERE {where} AND hour >= ? AND hour < ?", [*params, first, last])
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        bucket = sums[period.bucket(int(row["hour"]))]
        bucket[0] += int(row["pv"])
        bucket[1] += int(row["bots"])
        bucket[2] += int(row["clicks"])
    by_hour = period.granularity is Granularity.HOUR
    unique, unique_params = _unique_where(scope, scope_id)
    uv = {} if by_hour else await _distinct_by_bucket(
        "unique_visitor", "key", unique, unique_params, period)
    ip = {} if by_hour else await _distinct_by_bucket(
        "unique_ip", "ip_hash", unique, unique_params, period)
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
    rows = await _rows(
        "SELECT value, SUM(count) AS n FROM visit_dim "
        f"WHERE {where} AND dim = ? AND day >= ? AND day <= ? GROUP BY value "
        "ORDER BY n DESC, value LIMIT 50",
        [*params, dim, period.start_day, period.end_day])
    return [(str(r["value"]), int(r["n"])) for r in rows]


@dataclass(frozen=True)
class TopLink:
    link_id: int
    pv: int
    bots: int
    clicks: int


async def top_links(workspace_id: int, period: Period, limit: int = 10) -> list[TopLink]:
    first, last = period.hours
    rows = await _rows(
        "SELECT scope_id, SUM(pv) AS pv, SUM(bots) AS bots, SUM(clicks) AS clicks "
        "FROM visit_hourly WHERE workspace_id = ? AND scope = 'l' AND hour >= ? AND hour < ? "
        "GROUP BY scope_id ORDER BY pv DESC, scope_id LIMIT ?",
        [workspace_id, first, last, limit])
    return [TopLink(int(r["scope_id"]), int(r["pv"]), int(r["bots"]), int(r["clicks"]))
            for r in rows]
