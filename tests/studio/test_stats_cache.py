"""Kept counts of closed days (`unique_count`): every number read through them equals the
independent count, on the first view (counted and kept) and the next (read back), for ranges
that are closed, open, or both (closed part kept + open days probed)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from tortoise.transactions import in_transaction

from h5.rollups import build_batch, write_batch
from h5.tracking import LinkRef, RawVisit
from h5.visitor import Visitor
from studio.models.visits import UniqueCount
from studio.stats import queries, uniques
from studio.stats.period import Granularity, Period, closed_through
from tests.studio.test_stats_numbers import AGENTS, TZ, _expected, generated  # noqa: F401

#: the generated visits are local days 2026-03-01 … 2026-03-07; days up to 03-03 are closed
#: and 03-04 … 03-07 open
CLOSED = date(2026, 3, 3)


@pytest.mark.parametrize(("start", "end"), [
    (date(2026, 3, 1), date(2026, 3, 7)),
    (date(2026, 3, 1), date(2026, 3, 3)),
    (date(2026, 3, 2), date(2026, 3, 2)),
    (date(2026, 3, 4), date(2026, 3, 6)),
    (date(2026, 2, 20), date(2026, 3, 4)),
], ids=["closed-and-open", "closed", "one-closed-day", "open", "before-the-data"])
async def test_totals_through_kept_counts(generated, start: date, end: date) -> None:  # noqa: F811
    workspace, link, visits = generated
    expected = _expected(visits, start, end)
    period = Period(start, end, TZ, Granularity.DAY, CLOSED)
    for _ in range(2):  # counted and kept, then read back
        got = await queries.totals(workspace.id, "l", link.id, period)
        assert (got.uv, got.ip, got.pv) == (expected["uv"], expected["ip"], expected["pv"])
    if start <= date(2026, 3, 3):
        assert await UniqueCount.filter(scope="l", scope_id=link.id).exists()


async def test_daily_and_monthly_series_through_kept_counts(generated) -> None:  # noqa: F811
    workspace, link, visits = generated
    days = Period(date(2026, 3, 1), date(2026, 3, 7), TZ, Granularity.DAY, CLOSED)
    for _ in range(2):
        points = await queries.series(workspace.id, "l", link.id, days)
        for point in points:
            day = date.fromisoformat(point.label)
            expected = _expected(visits, day, day)
            assert (point.uv, point.ip) == (expected["uv"], expected["ip"]), point.label
    kept = await UniqueCount.filter(scope="l", scope_id=link.id).values_list(
        "first_day", "last_day")
    assert {(20260301, 20260301), (20260302, 20260302), (20260303, 20260303)} <= set(kept)
    assert all(last <= 20260303 for _, last in kept)  # open days are never kept

    # by month, when March is not closed yet and when it is
    for closed in (CLOSED, date(2026, 4, 9)):
        months = Period.parse({"from": "2026-02-10", "to": "2026-03-31", "by": "month"}, TZ,
                              closed + timedelta(days=1), closed_through=closed)
        assert months.start == date(2026, 2, 1)
        for _ in range(2):
            points = {p.label: p for p in await queries.series(workspace.id, "l", link.id,
                                                               months)}
            march = _expected(visits, date(2026, 3, 1), date(2026, 3, 31))
            assert (points["2026-03"].uv, points["2026-03"].ip) == (march["uv"], march["ip"])
            assert points["2026-02"].uv == 0


async def test_warming_keeps_the_overview_ranges(generated) -> None:  # noqa: F811
    workspace, link, visits = generated
    now = datetime(2026, 3, 7, 12, 0, tzinfo=ZoneInfo(TZ))
    today = now.date()
    await uniques.warm_workspace(workspace.id, now, TZ)
    kept = set(await UniqueCount.filter(scope="w", scope_id=workspace.id).values_list(
        "first_day", "last_day"))
    assert closed_through(now) == date(2026, 3, 6)
    assert closed_through(datetime(2026, 3, 7, 0, 30, tzinfo=ZoneInfo(TZ))) == date(2026, 3, 5)
    assert (20260301, 20260306) in kept  # the closed part of "7 days" (from 03-01)
    assert (20260301, 20260301) in kept
    period = Period(today - timedelta(days=6), today, TZ, Granularity.DAY, closed_through(now))
    got = await queries.totals(workspace.id, "w", workspace.id, period)
    expected = _expected(visits, period.start, period.end)
    assert (got.uv, got.ip) == (expected["uv"], expected["ip"])


async def test_a_late_visit_to_a_kept_day_is_counted(generated) -> None:  # noqa: F811
    """A writer backlog over midnight: visits of a day whose UV/IP count is already kept
    reach the database later. The kept count covering that day is dropped, so the next
    view counts them; PV (hourly sums) adds up either way."""
    workspace, link, visits = generated
    day = date(2026, 3, 2)
    for period in (Period(day, day, TZ, Granularity.DAY, CLOSED),
                   Period(date(2026, 3, 1), CLOSED, TZ, Granularity.DAY, CLOSED)):
        await queries.totals(workspace.id, "l", link.id, period)  # counted and kept
    assert await UniqueCount.filter(scope="l", scope_id=link.id, first_day=20260302).exists()

    ref = LinkRef(link.id, workspace.id, None, None, TZ)
    at = datetime(2026, 3, 2, 23, 59, tzinfo=ZoneInfo(TZ))
    late = RawVisit.for_link(ref, Visitor("198.51.100.7", AGENTS[0][0], "", "late0000visitor1"),
                             at, ch5=False)
    async with in_transaction() as conn:
        await write_batch(conn, build_batch([late], "hash-key",
                                            now=datetime(2026, 3, 4, 9, tzinfo=ZoneInfo(TZ))))
    everything = [*visits, (late, False)]
    for start in (day, date(2026, 3, 1)):
        period = Period(start, CLOSED, TZ, Granularity.DAY, CLOSED)
        got = await queries.totals(workspace.id, "l", link.id, period)
        expected = _expected(everything, start, CLOSED)
        assert (got.uv, got.ip, got.pv) == (expected["uv"], expected["ip"], expected["pv"])
    # a visit of today leaves the kept counts alone
    kept = await UniqueCount.filter(scope="l", scope_id=link.id).count()
    today = RawVisit.for_link(ref, Visitor("198.51.100.8", AGENTS[0][0], "", ""),
                              datetime(2026, 3, 4, 9, tzinfo=ZoneInfo(TZ)), ch5=False)
    async with in_transaction() as conn:
        await write_batch(conn, build_batch([today], "hash-key",
                                            now=datetime(2026, 3, 4, 9, 1, tzinfo=ZoneInfo(TZ))))
    assert await UniqueCount.filter(scope="l", scope_id=link.id).count() == kept
