"""Batch analytics (营销分析) from the visit rollups and the delivery rows, never from raw
visits. Batch UV is the number of distinct recipients whose personalised link was opened;
for a batch without personalised links it is the cookie UV of the batch scope."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.connection import get_connection

from studio.models.sending import SendBatch


async def _rows(sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    conn = get_connection("default")
    if conn.capabilities.dialect == "postgres":
        parts = sql.split("?")
        sql = parts[0] + "".join(f"${i}{part}" for i, part in enumerate(parts[1:], start=1))
    return list(await conn.execute_query_dict(sql, list(params)))


def _marks(n: int) -> str:
    return ", ".join("?" * n)


@dataclass(frozen=True)
class BatchNumbers:
    submitted: int = 0
    delivered: int = 0
    pv: int = 0
    uv: int = 0
    ip: int = 0
    clicks: int = 0
    #: recipients who tapped at least one button on their CH5 page
    clickers: int = 0


async def batch_numbers(
    workspace_id: int, batches: Sequence[SendBatch]
) -> dict[int, BatchNumbers]:
    """Numbers of several batches in a fixed number of queries (the list page)."""
    ids = [b.id for b in batches]
    if not ids:
        return {}
    marks = _marks(len(ids))
    hourly = await _rows(
        "SELECT scope_id, COALESCE(SUM(pv),0) AS pv, COALESCE(SUM(clicks),0) AS clicks "
        f"FROM visit_hourly WHERE workspace_id = ? AND scope = 'b' AND scope_id IN ({marks}) "
        "GROUP BY scope_id", [workspace_id, *ids])
    ips = await _rows(
        "SELECT scope_id, COUNT(DISTINCT ip_hash) AS n FROM unique_ip "
        f"WHERE workspace_id = ? AND scope = 'b' AND scope_id IN ({marks}) GROUP BY scope_id",
        [workspace_id, *ids])
    cookie_uv = await _rows(
        "SELECT scope_id, COUNT(DISTINCT key) AS n FROM unique_visitor "
        f"WHERE workspace_id = ? AND scope = 'b' AND scope_id IN ({marks}) GROUP BY scope_id",
        [workspace_id, *ids])
    opened = await _rows(
        "SELECT batch_id, COUNT(*) AS n FROM short_link WHERE workspace_id = ? "
        f"AND batch_id IN ({marks}) AND visits > 0 GROUP BY batch_id", [workspace_id, *ids])
    clickers = await _rows(
        "SELECT sl.batch_id AS batch_id, COUNT(DISTINCT vh.scope_id) AS n FROM visit_hourly vh "
        "JOIN short_link sl ON sl.id = vh.scope_id WHERE vh.workspace_id = ? AND vh.scope = 'l' "
        f"AND vh.clicks > 0 AND sl.batch_id IN ({marks}) GROUP BY sl.batch_id",
        [workspace_id, *ids])
    by = {
        "hourly": {int(r["scope_id"]): r for r in hourly},
        "ip": {int(r["scope_id"]): int(r["n"]) for r in ips},
        "cookie": {int(r["scope_id"]): int(r["n"]) for r in cookie_uv},
        "opened": {int(r["batch_id"]): int(r["n"]) for r in opened},
        "clickers": {int(r["batch_id"]): int(r["n"]) for r in clickers},
    }
    result = {}
    for batch in batches:
        counts = batch.counts or {}
        hour = by["hourly"].get(batch.id, {})
        uv = by["opened"].get(batch.id, 0) if batch.link_days else by["cookie"].get(batch.id, 0)
        result[batch.id] = BatchNumbers(
            submitted=int(counts.get("submitted", 0)), delivered=int(counts.get("delivered", 0)),
            pv=int(hour.get("pv", 0)), uv=uv, ip=by["ip"].get(batch.id, 0),
            clicks=int(hour.get("clicks", 0)), clickers=by["clickers"].get(batch.id, 0))
    return result


async def hourly_series(workspace_id: int, batch_id: int) -> list[tuple[int, int, int]]:
    """(hour since the epoch, opens, sends) for the hours with anything in them."""
    visits = await _rows(
        "SELECT hour, SUM(pv) AS pv FROM visit_hourly WHERE workspace_id = ? AND scope = 'b' "
        "AND scope_id = ? GROUP BY hour", [workspace_id, batch_id])
    conn = get_connection("default")
    if conn.capabilities.dialect == "postgres":
        hour_sql = "CAST(FLOOR(EXTRACT(EPOCH FROM sent_at) / 3600) AS BIGINT)"
    else:
        hour_sql = "CAST(strftime('%s', substr(sent_at, 1, 19)) AS INTEGER) / 3600"
    sent = await _rows(
        f"SELECT {hour_sql} AS hour, COUNT(*) AS n FROM delivery WHERE batch_id = ? "
        f"AND sent_at IS NOT NULL AND is_test = ? GROUP BY {hour_sql}", [batch_id, False])
    hours: dict[int, list[int]] = {}
    for row in visits:
        hours.setdefault(int(row["hour"]), [0, 0])[0] += int(row["pv"])
    for row in sent:
        hours.setdefault(int(row["hour"]), [0, 0])[1] += int(row["n"])
    return [(hour, pv, n) for hour, (pv, n) in sorted(hours.items())]


async def link_activity(codes: Sequence[str]) -> dict[str, tuple[int, int]]:
    """code → (opens, button taps) for the per-recipient rows of one page."""
    if not codes:
        return {}
    marks = _marks(len(codes))
    rows = await _rows(
        "SELECT sl.code AS code, sl.visits AS opens, COALESCE(SUM(vh.clicks),0) AS clicks "
        "FROM short_link sl LEFT JOIN visit_hourly vh ON vh.scope = 'l' AND vh.scope_id = sl.id "
        f"WHERE sl.code IN ({marks}) GROUP BY sl.code, sl.visits", list(codes))
    return {str(r["code"]): (int(r["opens"]), int(r["clicks"])) for r in rows}
