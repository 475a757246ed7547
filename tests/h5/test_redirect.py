"""GET /{code}: redirect, 404, 410, HEAD, headers, odd codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette

from studio.models.visits import OrphanHourly, Visit, VisitHourly, VisitType
from tests.h5.conftest import LinkFactory, flush


async def test_redirects_with_no_store_and_referrer_policy(
    app: Starlette, h5: httpx.AsyncClient, make_link: LinkFactory
) -> None:
    link = await make_link(target_url="https://Example.cn/landing?a=1")
    response = await h5.get(f"/{link.code}")
    assert response.status_code == 302
    assert response.headers["location"] == "https://example.cn/landing?a=1"
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "h5v=" in response.headers["set-cookie"]
    assert "HttpOnly" in response.headers["set-cookie"]
    assert "SameSite=Lax" in response.headers["set-cookie"]
    await flush(app)
    visits = await Visit.filter(link_id=link.id)
    assert [v.type for v in visits] == [VisitType.LINK]
    assert visits[0].ip_anon == "198.51.100.0"


async def test_head_answers_but_is_not_tracked(
    app: Starlette, h5: httpx.AsyncClient, make_link: LinkFactory
) -> None:
    link = await make_link()
    response = await h5.head(f"/{link.code}")
    assert response.status_code == 302
    await flush(app)
    assert await Visit.filter(link_id=link.id).count() == 0


async def test_unknown_code_is_a_friendly_404_counted_as_orphan(
    app: Starlette, h5: httpx.AsyncClient
) -> None:
    response = await h5.get("/NoSuchCode")
    assert response.status_code == 404
    assert "链接不存在" in response.text
    await flush(app)
    rows = await OrphanHourly.all()
    assert [(r.count, r.last_code) for r in rows] == [(1, "NoSuchCode")]
    assert await Visit.all().count() == 0


@pytest.mark.parametrize("path", [
    "/%E4%BD%A0%E5%A5%BD", "/a%00b", "/" + "x" * 300, "/a.b", "/%27%3Cscript%3E",
], ids=["cjk", "nul", "long", "dot", "quote-tag"])
async def test_odd_codes_are_a_404_page_never_an_error(h5: httpx.AsyncClient, path: str) -> None:
    response = await h5.get(path)
    assert response.status_code == 404
    assert "<script>" not in response.text


async def test_expired_and_disabled_links_answer_410(
    app: Starlette, h5: httpx.AsyncClient, make_link: LinkFactory
) -> None:
    expired = await make_link(expires_at=datetime.now(UTC) - timedelta(minutes=1))
    disabled = await make_link(disabled=True)
    first = await h5.get(f"/{expired.code}")
    second = await h5.get(f"/{disabled.code}")
    assert (first.status_code, second.status_code) == (410, 410)
    assert "已过期" in first.text and "已停用" in second.text
    await flush(app)
    hourly = await VisitHourly.filter(scope="l", scope_id=expired.id).first()
    assert hourly is not None and (hourly.expired, hourly.pv) == (1, 0)


async def test_robots_and_favicon_never_hit_the_lookup(h5: httpx.AsyncClient) -> None:
    robots = await h5.get("/robots.txt")
    assert robots.status_code == 200 and "Disallow: /" in robots.text
    assert (await h5.get("/favicon.ico")).status_code == 204


async def test_not_found_is_rate_limited_per_ip(app: Starlette, h5: httpx.AsyncClient) -> None:
    statuses = [(await h5.get(f"/scan{i}")).status_code for i in range(35)]
    assert statuses[:30] == [404] * 30
    assert statuses[-1] == 429
