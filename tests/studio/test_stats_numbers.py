"""Statistics numbers on a generated visit set, checked against a count computed here
independently (plain Python over the generated visits, no hashing, no rollups)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from tortoise.transactions import in_transaction

from h5.rollups import build_batch, write_batch
from h5.tracking import LinkRef, RawVisit
from h5.visitor import Visitor
from studio.models.accounts import Workspace
from studio.models.links import ShortLink
from studio.stats import queries
from studio.stats.period import Granularity, Period

TZ = "Asia/Shanghai"
AGENTS = [
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
     "like Gecko) Mobile/15E148 MicroMessenger/8.0.40(0x18002831) NetType/WIFI", False),
    ("Mozilla/5.0 (Linux; Android 13; V2148A) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/119.0.0.0 Mobile Safari/537.36", False),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Safari/537.36", False),
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", True),
    ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", True),
]
START = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)


def _generate(link: LinkRef, n: int, seed: int) -> list[tuple[RawVisit, bool]]:
    rng = random.Random(seed)
    visits = []
    for _ in range(n):
        at = START + timedelta(seconds=rng.randrange(6 * 24 * 3600))
        agent, bot = rng.choice(AGENTS)
        ip = rng.choice([f"203.0.113.{rng.randrange(40)}", f"2408:8207:{rng.randrange(9)}::1"])
        cookie = rng.choice(["", "", f"cookie{rng.randrange(60):012d}x"])
        visitor = Visitor(ip=ip, user_agent=agent, referrer="", visitor_id=cookie)
        visits.append((RawVisit.for_link(link, visitor, at, ch5=False), bot))
    return visits


def _local_day(at: datetime) -> date:
    return at.astimezone(ZoneInfo(TZ)).date()


def _expected(visits: list[tuple[RawVisit, bool]], start: date, end: date) -> dict[str, int]:
    inside = [(v, bot) for v, bot in visits if start <= _local_day(v.at) <= end]
    humans = [v for v, bot in inside if not bot]
    people = set()
    for v in humans:
        person = v.visitor.visitor_id or (v.visitor.ip, v.visitor.user_agent, _local_day(v.at))
        people.add(person)
    return {
        "pv": len(humans),
        "bots": sum(1 for _, bot in inside if bot),
        "uv": len(people),
        "ip": len({v.visitor.ip for v in humans}),
    }


@pytest.fixture
async def generated(db: None) -> tuple[Workspace, ShortLink, list[tuple[RawVisit, bool]]]:
    workspace = await Workspace.create(name="统计", timezone=TZ)
    link = await ShortLink.create(workspace=workspace, code="statsAbc", target_url="https://a.cn/")
    ref = LinkRef(link.id, workspace.id, None, None, TZ)
    visits = _generate(ref, 1500, seed=7)
    raws = [v for v, _ in visits]
    for chunk in (raws[:700], raws[700:]):  # two flushes: upserts must add up
        async with in_transaction() as conn:
            await write_batch(conn, build_batch(chunk, "hash-key"))
    return workspace, link, visits


@pytest.mark.parametrize(("start", "end"), [
    (date(2026, 3, 1), date(2026, 3, 7)),
    (date(2026, 3, 2), date(2026, 3, 3)),
    (date(2026, 3, 4), date(2026, 3, 4)),
    (date(2026, 2, 1), date(2026, 2, 28)),
], ids=["all", "two-days", "one-day", "empty"])
async def test_totals_match_an_independent_count(generated, start: date, end: date) -> None:
    workspace, link, visits = generated
    period = Period(start, end, TZ)
    got = await queries.totals(workspace.id, "l", link.id, period)
    assert {"pv": got.pv, "bots": got.bots, "uv": got.uv, "ip": got.ip} == _expected(
        visits, start, end)
    overall = await queries.totals(workspace.id, "w", workspace.id, period)
    assert (overall.pv, overall.uv) == (got.pv, got.uv)


async def test_daily_series_matches_and_sums_to_the_totals(generated) -> None:
    workspace, link, visits = generated
    period = Period(date(2026, 3, 1), date(2026, 3, 7), TZ, Granularity.DAY)
    points = await queries.series(workspace.id, "l", link.id, period)
    assert [p.label for p in points][:2] == ["2026-03-01", "2026-03-02"]
    for point in points:
        day = date.fromisoformat(point.label)
        expected = _expected(visits, day, day)
        assert (point.pv, point.uv, point.ip, point.bots) == (
            expected["pv"], expected["uv"], expected["ip"], expected["bots"])
    assert sum(p.pv for p in points) == _expected(visits, period.start, period.end)["pv"]


async def test_hourly_series_uses_local_hours(generated) -> None:
    workspace, link, visits = generated
    day = date(2026, 3, 3)
    period = Period(day, day, TZ, Granularity.HOUR)
    points = await queries.series(workspace.id, "l", link.id, period)
    assert len(points) == 24
    counted = Counter(
        v.at.astimezone(ZoneInfo(TZ)).strftime("%Y-%m-%d %H:00")
        for v, bot in visits if not bot and _local_day(v.at) == day
    )
    assert {p.label: p.pv for p in points if p.pv} == dict(counted)


async def test_breakdowns_and_other_workspaces(generated) -> None:
    workspace, link, visits = generated
    period = Period(date(2026, 3, 1), date(2026, 3, 7), TZ)
    browsers = dict(await queries.breakdown(workspace.id, "l", link.id, period, "browser"))
    humans = [v for v, bot in visits if not bot and _local_day(v.at) <= period.end]
    assert browsers["WeChat"] == sum("MicroMessenger" in v.visitor.user_agent for v in humans)
    assert sum(browsers.values()) == len(humans)
    other = await Workspace.create(name="别人")
    empty = await queries.totals(other.id, "l", link.id, period)
    assert (empty.pv, empty.bots, empty.clicks) == (0, 0, 0)
    top = await queries.top_links(workspace.id, period)
    assert [(t.link_id, t.pv) for t in top] == [(link.id, len(humans))]


async def test_purge_keeps_the_rollups(generated) -> None:
    from studio.models.visits import Visit
    from studio.stats.purge import purge_raw_visits

    workspace, link, visits = generated
    period = Period(date(2026, 3, 1), date(2026, 3, 7), TZ)
    before = await queries.totals(workspace.id, "l", link.id, period)
    cutoff_day = START + timedelta(days=3)
    older = sum(1 for v, _ in visits if v.at < cutoff_day)
    now = cutoff_day + timedelta(days=10)
    assert await purge_raw_visits(now, 10) == older
    assert await Visit.filter(link_id=link.id).count() == len(visits) - older
    assert await purge_raw_visits(now, 0) == 0
    assert await queries.totals(workspace.id, "l", link.id, period) == before
