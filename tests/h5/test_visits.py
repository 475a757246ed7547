"""Visits through the app: rows and counters after a burst, bots, UV by cookie and without,
proxies, huge user agents, shutdown flush, a database that is briefly away."""

from __future__ import annotations

import asyncio

import httpx
from starlette.applications import Starlette

from h5.app import create_h5_app
from h5.tracking import RawVisit, fallback_visitor_id, local_day, utc_now
from h5.visitor import Visitor
from h5.writer import VisitWriter
from studio.models.links import ShortLink
from studio.models.visits import UniqueIp, UniqueVisitor, Visit, VisitDim, VisitHourly
from studio.settings import Settings, TrackingOptions
from tests.h5.conftest import ANDROID_CHROME, GOOGLEBOT, IPHONE_WECHAT, LinkFactory, flush


async def test_burst_rows_and_counters(
    app: Starlette, h5: httpx.AsyncClient, make_link: LinkFactory
) -> None:
    link = await make_link()
    await asyncio.gather(*(h5.get(f"/{link.code}") for _ in range(40)))
    await flush(app)
    assert await Visit.filter(link_id=link.id).count() == 40
    hourly = await VisitHourly.get(scope="l", scope_id=link.id)
    assert (hourly.pv, hourly.bots) == (40, 0)
    workspace_hourly = await VisitHourly.get(scope="w", scope_id=link.workspace_id)  # type: ignore[attr-defined]
    assert workspace_hourly.pv == 40
    await link.refresh_from_db()
    assert link.visits == 40
    devices = await VisitDim.filter(scope="l", scope_id=link.id, dim="device")
    assert [(d.value, d.count) for d in devices] == [("mobile", 40)]


async def test_bots_are_flagged_and_counted_apart(
    app: Starlette, h5: httpx.AsyncClient, make_link: LinkFactory
) -> None:
    link = await make_link()
    await h5.get(f"/{link.code}", headers={"user-agent": GOOGLEBOT})
    await h5.get(f"/{link.code}", headers={"user-agent": ""})
    await h5.get(f"/{link.code}")
    await flush(app)
    visits = await Visit.filter(link_id=link.id).order_by("id")
    assert [v.potential_bot for v in visits] == [True, True, False]
    hourly = await VisitHourly.get(scope="l", scope_id=link.id)
    assert (hourly.pv, hourly.bots) == (1, 2)
    assert await UniqueVisitor.filter(scope="l", scope_id=link.id).count() == 1


async def test_uv_by_cookie_and_without(
    app: Starlette, h5: httpx.AsyncClient, make_link: LinkFactory
) -> None:
    link = await make_link()
    first = await h5.get(f"/{link.code}")  # no cookie yet: counted by IP + UA, cookie set
    await h5.get(f"/{link.code}")  # sends the cookie it got: the same visitor
    assert "h5v=" in first.headers["set-cookie"]
    # the hot path's cookie is the fallback key every other path computes for this phone
    day = local_day(utc_now(), "Asia/Shanghai")
    expected = fallback_visitor_id(app.state.settings.ip_hash_key, "198.51.100.23",
                                   ANDROID_CHROME, day)
    assert first.headers["set-cookie"].startswith(f"h5v={expected};")
    transport = h5._transport  # another phone behind the same IP, with no cookie jar
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver/s") as bare:
        for _ in range(3):
            await bare.get(f"/{link.code}", headers={"user-agent": IPHONE_WECHAT})
    await flush(app)
    assert await UniqueVisitor.filter(scope="l", scope_id=link.id).count() == 2
    assert await UniqueIp.filter(scope="l", scope_id=link.id).count() == 1
    browsers = {d.value for d in await VisitDim.filter(scope="l", scope_id=link.id,
                                                        dim="browser")}
    assert browsers == {"Chrome Mobile", "WeChat"}


async def test_huge_and_binary_user_agents_are_capped(
    app: Starlette, h5: httpx.AsyncClient, make_link: LinkFactory
) -> None:
    link = await make_link()
    response = await h5.get(f"/{link.code}", headers={"user-agent": b"\x01\xff\xfe" * 3000})
    assert response.status_code == 302
    await flush(app)
    visit = await Visit.get(link_id=link.id)
    assert len(visit.user_agent) == 512


async def test_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(
    app: Starlette, h5: httpx.AsyncClient, make_link: LinkFactory
) -> None:
    link = await make_link()
    await h5.get(f"/{link.code}", headers={"x-forwarded-for": "1.2.3.4"})
    await flush(app)
    assert (await Visit.get(link_id=link.id)).ip_anon == "198.51.100.0"


async def test_trusted_proxy_ipv6_client(settings: Settings, make_link: LinkFactory) -> None:
    link = await make_link()
    trusting = settings.with_(tracking=TrackingOptions(trusted_proxies=("10.0.0.0/8",)))
    h5_app = create_h5_app(trusting)
    lifecycle = h5_app.state.lifecycle
    await lifecycle.start()
    transport = httpx.ASGITransport(app=h5_app, client=("10.0.0.5", 1234))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        await c.get(f"/{link.code}", headers={"x-forwarded-for": "2408:8207:1:2:3::9"})
    await lifecycle.stop()
    assert (await Visit.get(link_id=link.id)).ip_anon == "2408:8207:1::"


async def test_shutdown_flush_loses_no_visit(settings: Settings, make_link: LinkFactory) -> None:
    link = await make_link()
    slow = settings.with_(tracking=TrackingOptions(flush_seconds=60, flush_size=10_000))
    h5_app = create_h5_app(slow)
    lifecycle = h5_app.state.lifecycle
    await lifecycle.start()
    transport = httpx.ASGITransport(app=h5_app, client=("192.0.2.1", 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        answered = [(await c.get(f"/{link.code}")).status_code for _ in range(120)]
    assert await Visit.filter(link_id=link.id).count() == 0  # still buffered
    await lifecycle.stop()
    assert answered.count(302) == 120
    assert await Visit.filter(link_id=link.id).count() == 120


async def test_writer_retries_while_the_database_is_away(link_ready: None = None) -> None:
    failures = 2
    written: list[int] = []

    async def flaky(visits: list[RawVisit]) -> None:
        nonlocal failures
        if failures:
            failures -= 1
            raise ConnectionError("database away")
        written.append(len(visits))

    writer = VisitWriter("key", TrackingOptions(flush_seconds=0.01), sink=flaky)
    visitor = Visitor("192.0.2.1", ANDROID_CHROME, "", "")
    for _ in range(5):
        writer.add(RawVisit.for_unknown_code("x", visitor, utc_now()))
    assert not await writer.flush()
    assert writer.pending == 5
    assert not await writer.flush()
    assert await writer.flush()
    assert writer.pending == 0 and writer.failures == 2


async def test_link_lookup_is_cached(app: Starlette, h5: httpx.AsyncClient,
                                     make_link: LinkFactory) -> None:
    from tests.h5.conftest import h5_app_of

    link = await make_link()
    cache = h5_app_of(app).state.h5.links
    before = cache.queries
    await asyncio.gather(*(h5.get(f"/{link.code}") for _ in range(30)))
    assert cache.queries - before == 1
    await ShortLink.filter(id=link.id).update(disabled=True)
    assert (await h5.get(f"/{link.code}")).status_code == 302  # cached for a few seconds
