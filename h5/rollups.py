"""Turn a batch of raw visits into visit rows and rollup deltas, and write them in one
transaction (the visit writer calls this; nothing here runs on the request path).

Counters are summed in memory first, so a burst of 500 visits to one link is one upsert per
counter row, not 500.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from tortoise.backends.base.client import BaseDBAsyncClient

from h5.tracking import (
    LinkRef,
    RawVisit,
    anonymise_ip,
    fallback_visitor_id,
    ip_hash,
    local_day,
)
from h5.useragent import ParsedAgent, parse_agent
from studio.models.visits import Scope, VisitType
from studio.stats.sql import placeholders

_HOURLY_COLUMNS = ("pv", "bots", "clicks", "replies", "expired")
_PV, _BOTS, _CLICKS, _REPLIES, _EXPIRED = range(5)


@dataclass
class RollupBatch:
    visits: list[tuple[object, ...]] = field(default_factory=list)
    #: (workspace, scope, scope id, hour) → [pv, bots, clicks, replies, expired]
    hourly: dict[tuple[int, str, int, int], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0, 0])
    )
    #: (workspace, scope, scope id, day, dim, value) → count
    dims: dict[tuple[int, str, int, int, str, str], int] = field(
        default_factory=lambda: defaultdict(int)
    )
    visitors: set[tuple[int, str, int, int, str]] = field(default_factory=set)
    ips: set[tuple[int, str, int, int, str]] = field(default_factory=set)
    #: (hour, ip hash) → [count, last code]
    orphans: dict[tuple[int, str], list[object]] = field(default_factory=dict)
    #: link id → non-bot opens
    link_pv: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    #: (scope, scope id, day) of visitors and IPs on a local day that had already ended
    #: when the batch was built: a kept UV/IP count covering that day is out of date
    late: set[tuple[str, int, int]] = field(default_factory=set)


def referrer_host(referrer: str) -> str:
    if not referrer:
        return ""
    try:
        host = urlsplit(referrer).hostname or ""
    except ValueError:
        return ""
    return host[:64]


def _clean(text: str) -> str:
    """PostgreSQL refuses NUL in text; everything else is kept as sent."""
    return text.replace("\x00", "")


def _scopes(link: LinkRef) -> list[tuple[str, int]]:
    scopes = [(Scope.LINK.value, link.link_id), (Scope.WORKSPACE.value, link.workspace_id)]
    if link.message_id is not None:
        scopes.append((Scope.MESSAGE.value, link.message_id))
    if link.batch_id is not None:
        scopes.append((Scope.BATCH.value, link.batch_id))
    return scopes


_OPEN = frozenset({VisitType.LINK, VisitType.CH5_VIEW})


def build_batch(raws: Iterable[RawVisit], hash_key: str,
                now: datetime | None = None) -> RollupBatch:
    """Count per link first (a few dictionary operations per visit), then spread the counts
    over the link's scopes (link, message, batch, workspace) once per distinct key."""
    now = now or datetime.now(UTC)
    batch = RollupBatch()
    links: dict[int, LinkRef] = {}
    hourly: Counter[tuple[int, int, int]] = Counter()  # (link, hour, column)
    opens: Counter[tuple[int, int, ParsedAgent, str]] = Counter()  # (link, day, agent, ref)
    taps: Counter[tuple[int, int, str, str]] = Counter()  # (link, day, dim, button)
    visitors: set[tuple[int, int, str]] = set()
    ips: set[tuple[int, int, str]] = set()
    #: (zone, UTC quarter hour) → local day: every zone's offset is a multiple of 15
    #: minutes, so a local midnight never falls inside a UTC quarter hour
    days: dict[tuple[str, int], int] = {}
    for raw in raws:
        v = raw.visitor
        seconds = int(raw.at.timestamp())
        hour = seconds // 3600
        ip_h = ip_hash(hash_key, v.ip)
        link = raw.link
        if link is None:
            entry = batch.orphans.setdefault((hour, ip_h), [0, ""])
            entry[0] = int(entry[0]) + 1  # type: ignore[call-overload]
            entry[1] = raw.code
            continue
        lid = link.link_id
        links[lid] = link
        agent = parse_agent(v.user_agent)
        quarter = (link.timezone, seconds // 900)
        day = days.get(quarter)
        if day is None:
            day = days[quarter] = local_day(raw.at, link.timezone)
        key = v.visitor_id or raw.key or fallback_visitor_id(hash_key, v.ip, v.user_agent, day)
        ref = referrer_host(v.referrer) if v.referrer else ""
        kind = raw.type
        batch.visits.append((
            link.workspace_id, lid, kind.value, raw.button_id, raw.at, anonymise_ip(v.ip),
            ip_h, key, _clean(v.user_agent), agent.device, agent.os, agent.browser,
            _clean(ref), agent.potential_bot,
        ))
        if kind is VisitType.EXPIRED:
            hourly[(lid, hour, _EXPIRED)] += 1
        elif kind in _OPEN:
            if agent.potential_bot:
                hourly[(lid, hour, _BOTS)] += 1
            else:
                hourly[(lid, hour, _PV)] += 1
                opens[(lid, day, agent, ref)] += 1
                visitors.add((lid, day, key))
                if ip_h:
                    ips.add((lid, day, ip_h))
                batch.link_pv[lid] += 1
        elif agent.potential_bot:
            continue  # a bot tapping buttons is in its visit row, not in the counts
        elif kind is VisitType.BUTTON:
            hourly[(lid, hour, _CLICKS)] += 1
            taps[(lid, day, "button", raw.button_id)] += 1
        elif kind is VisitType.REPLY:
            hourly[(lid, hour, _REPLIES)] += 1
            taps[(lid, day, "reply", raw.button_id)] += 1
    scopes = {lid: _scopes(link) for lid, link in links.items()}
    for (lid, hour, column), n in hourly.items():
        ws = links[lid].workspace_id
        for scope, sid in scopes[lid]:
            batch.hourly[(ws, scope, sid, hour)][column] += n
    for (lid, day, agent, ref), n in opens.items():
        ws = links[lid].workspace_id
        for scope, sid in scopes[lid]:
            for dim, value in (("device", agent.device), ("os", agent.os),
                               ("browser", agent.browser), ("referrer", ref)):
                batch.dims[(ws, scope, sid, day, dim, value)] += n
    for (lid, day, dim, button), n in taps.items():
        ws = links[lid].workspace_id
        for scope, sid in scopes[lid]:
            batch.dims[(ws, scope, sid, day, dim, button)] += n
    batch.visitors = {(links[lid].workspace_id, scope, sid, day, key)
                      for lid, day, key in visitors for scope, sid in scopes[lid]}
    batch.ips = {(links[lid].workspace_id, scope, sid, day, h)
                 for lid, day, h in ips for scope, sid in scopes[lid]}
    today = {tz: local_day(now, tz) for tz in {link.timezone for link in links.values()}}
    ended = {(lid, day) for lid, day, _ in visitors | ips
             if day < today[links[lid].timezone]}
    batch.late = {(scope, sid, day) for lid, day in ended for scope, sid in scopes[lid]}
    return batch


def _sql(conn: BaseDBAsyncClient, template: str, columns: int) -> str:
    """`template` with `columns` placeholders for its {marks}, as the database wants them."""
    return placeholders(conn, template.replace("{marks}", ", ".join("?" * columns)))


_VISIT_SQL = (
    "INSERT INTO visit (workspace_id, link_id, type, button_id, at, ip_anon, ip_hash, "
    "visitor_id, user_agent, device, os, browser, referrer, potential_bot) VALUES ({marks})"
)
_HOURLY_SQL = (
    "INSERT INTO visit_hourly (workspace_id, scope, scope_id, hour, pv, bots, clicks, replies, "
    "expired) VALUES ({marks}) ON CONFLICT (scope, scope_id, hour) DO UPDATE SET "
    + ", ".join(f"{c} = visit_hourly.{c} + excluded.{c}" for c in _HOURLY_COLUMNS)
)
_DIM_SQL = (
    "INSERT INTO visit_dim (workspace_id, scope, scope_id, day, dim, value, count) "
    "VALUES ({marks}) ON CONFLICT (scope, scope_id, day, dim, value) "
    "DO UPDATE SET count = visit_dim.count + excluded.count"
)
_VISITOR_SQL = (
    "INSERT INTO unique_visitor (workspace_id, scope, scope_id, day, key) VALUES ({marks}) "
    "ON CONFLICT (scope, scope_id, day, key) DO NOTHING"
)
_IP_SQL = (
    "INSERT INTO unique_ip (workspace_id, scope, scope_id, day, ip_hash) VALUES ({marks}) "
    "ON CONFLICT (scope, scope_id, day, ip_hash) DO NOTHING"
)
_FORGET_SQL = ("DELETE FROM unique_count WHERE scope = ? AND scope_id = ? AND first_day <= ? "
               "AND last_day >= ?")
_ORPHAN_SQL = (
    "INSERT INTO orphan_hourly (hour, ip_hash, count, last_code) VALUES ({marks}) "
    "ON CONFLICT (hour, ip_hash) DO UPDATE SET count = orphan_hourly.count + excluded.count, "
    "last_code = excluded.last_code"
)


async def write_batch(conn: BaseDBAsyncClient, batch: RollupBatch) -> None:
    """Write everything of one batch; the caller runs this inside one transaction."""
    if batch.visits:
        await conn.execute_many(_sql(conn, _VISIT_SQL, 14), batch.visits)
    if batch.hourly:
        rows = [[*key, *counts] for key, counts in batch.hourly.items()]
        await conn.execute_many(_sql(conn, _HOURLY_SQL, 9), rows)
    if batch.dims:
        await conn.execute_many(
            _sql(conn, _DIM_SQL, 7), [[*key, n] for key, n in batch.dims.items()]
        )
    if batch.visitors:
        await conn.execute_many(_sql(conn, _VISITOR_SQL, 5), [list(k) for k in batch.visitors])
    if batch.ips:
        await conn.execute_many(_sql(conn, _IP_SQL, 5), [list(k) for k in batch.ips])
    if batch.late:
        # visits of a day already ended (a writer backlog over midnight): drop the kept
        # counts covering that day, so the next view counts it again, with them
        await conn.execute_many(placeholders(conn, _FORGET_SQL),
                                [[scope, sid, day, day] for scope, sid, day in batch.late])
    if batch.orphans:
        rows = [[hour, h, n, code] for (hour, h), (n, code) in batch.orphans.items()]
        await conn.execute_many(_sql(conn, _ORPHAN_SQL, 4), rows)
    if batch.link_pv:
        update = placeholders(conn, "UPDATE short_link SET visits = visits + ? WHERE id = ?")
        await conn.execute_many(update, [[n, link_id] for link_id, n in batch.link_pv.items()])
