"""The standalone edge (`h5.app:app`): a cached plain link is answered before Starlette's
router (`redirect.Edge`), with the same answer and the same visit as the router gives; all
other requests go through the router."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from h5.app import create_edge_app
from h5.redirect import Edge
from h5.spool import SUFFIX, decode
from h5.tracking import RawVisit
from studio.models.visits import VisitType
from studio.settings import Settings, TrackingOptions
from tests.h5.conftest import ANDROID_CHROME, IPHONE_WECHAT, LinkFactory, make_version
from tests.h5.documents import CARD


@pytest.fixture
async def edge(settings: Settings, tmp_path: Path) -> AsyncIterator[Edge]:
    options = TrackingOptions(spool_dir=str(tmp_path / "spool"), flush_seconds=60,
                              flush_size=10_000, trusted_proxies=("192.0.2.1",))
    app = create_edge_app(settings.with_(tracking=options))
    await app.app.state.lifecycle.start()
    yield app
    await app.app.state.lifecycle.stop()


def _client(edge: Edge) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=edge, client=("192.0.2.1", 1))
    return httpx.AsyncClient(transport=transport, base_url="http://t")


async def _spooled(edge: Edge, tmp_path: Path) -> list[RawVisit]:
    await edge.app.state.lifecycle.stop()
    return [v for f in sorted((tmp_path / "spool").glob(f"*{SUFFIX}"))
            for v in decode(f.read_bytes())]


async def test_the_first_open_and_the_cached_ones_answer_and_count_alike(
    edge: Edge, make_link: LinkFactory, tmp_path: Path
) -> None:
    link = await make_link(target_url="https://example.cn/landing?a=1")
    headers = {"user-agent": IPHONE_WECHAT, "x-forwarded-for": "203.0.113.7",
               "referer": "https://weixin.qq.com/"}
    async with _client(edge) as c:
        answers = []
        for _ in range(3):
            c.cookies.clear()  # a phone that keeps no cookies: each open gets one
            answers.append(await c.get(f"/{link.code}", headers=headers))
        assert edge.h5.links.cached(link.code) is not None  # the 2nd and 3rd took the edge path
        with_cookie = await c.get(f"/{link.code}", headers={
            "user-agent": ANDROID_CHROME, "cookie": f"h5v={'a' * 32}"})
    first = answers[0].headers
    for answer in answers:
        assert answer.status_code == 302
        for name in ("location", "cache-control", "referrer-policy", "set-cookie"):
            assert answer.headers[name] == first[name], name
    assert first["location"] == "https://example.cn/landing?a=1"
    assert first["cache-control"] == "private, no-store"
    assert "h5v=" in first["set-cookie"] and "HttpOnly" in first["set-cookie"]
    assert with_cookie.status_code == 302 and "set-cookie" not in with_cookie.headers

    visits = await _spooled(edge, tmp_path)
    assert [v.type for v in visits] == [VisitType.LINK] * 4
    cookie = first["set-cookie"].split(";")[0].removeprefix("h5v=")
    for visit in visits[:3]:  # the router's visit and the edge's are the same row
        assert (visit.link, visit.visitor, visit.key) == (visits[0].link, visits[0].visitor,
                                                          cookie)
    assert visits[0].visitor.ip == "203.0.113.7"
    assert visits[0].visitor.referrer == "https://weixin.qq.com/"
    assert visits[0].link is not None and visits[0].link.link_id == link.id
    assert (visits[3].visitor.visitor_id, visits[3].key) == ("a" * 32, "")


async def test_head_and_preview_answer_without_a_visit_and_post_is_refused(
    edge: Edge, make_link: LinkFactory, tmp_path: Path
) -> None:
    link = await make_link()
    async with _client(edge) as c:
        assert (await c.get(f"/{link.code}")).status_code == 302  # now cached
        assert (await c.head(f"/{link.code}")).status_code == 302
        assert (await c.get(f"/{link.code}?nostat")).status_code == 302
        assert (await c.post(f"/{link.code}")).status_code == 405
    assert len(await _spooled(edge, tmp_path)) == 1


async def test_other_paths_and_other_links_go_through_the_router(
    edge: Edge, make_link: LinkFactory, workspace: object, tmp_path: Path
) -> None:
    soon = datetime.now(UTC) + timedelta(seconds=1)
    expiring = await make_link(expires_at=soon)
    version = await make_version(workspace, CARD)  # type: ignore[arg-type]
    ch5 = await make_link(target_url="", message_version_id=version.id)
    async with _client(edge) as c:
        for _ in range(2):
            assert (await c.get(f"/{expiring.code}")).status_code == 302
            page = await c.get(f"/{ch5.code}")
            assert page.status_code == 200 and "<html" in page.text
        assert (await c.get("/-/health")).text.startswith("ok pending=")
        assert (await c.get("/robots.txt")).text.startswith("User-agent")
        assert (await c.get(f"/{expiring.code}/x")).status_code == 404
        assert (await c.get("/nope-404")).status_code == 404
        await asyncio.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 0.05)
        assert edge.h5.links.cached(expiring.code) is not None
        assert (await c.get(f"/{expiring.code}")).status_code == 410  # cached, but expired
    kinds = [v.type for v in await _spooled(edge, tmp_path)]
    assert kinds.count(VisitType.LINK) == 2 and kinds.count(VisitType.CH5_VIEW) == 2
    assert kinds.count(VisitType.EXPIRED) == 1
