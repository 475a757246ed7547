"""The CH5 page: every message kind, button hrefs, no script, variables, tracked buttons,
reply flow, calendar and location pages."""

from __future__ import annotations

import gzip

import httpx
import pytest
from bs4 import BeautifulSoup
from starlette.applications import Starlette

from studio.models.accounts import Workspace
from studio.models.messages import ReviewStatus
from studio.models.visits import Visit, VisitDim, VisitHourly, VisitType
from tests.h5 import documents
from tests.h5.conftest import IPHONE_WECHAT, LinkFactory, flush, make_version


async def _page(h5: httpx.AsyncClient, code: str, **kw: object) -> BeautifulSoup:
    response = await h5.get(f"/{code}", **kw)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return BeautifulSoup(response.text, "html.parser")


@pytest.mark.parametrize("document", [documents.TEXT, documents.RICH, documents.CARD,
                                      documents.CAROUSEL], ids=["text", "rich", "card",
                                                                "carousel"])
async def test_every_kind_renders_without_script_and_within_budget(
    h5: httpx.AsyncClient, workspace: Workspace, make_link: LinkFactory, document: dict,
) -> None:
    version = await make_version(workspace, document)
    link = await make_link(message_version_id=version.id)
    response = await h5.get(f"/{link.code}")
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.html["lang"] == "zh-CN"
    assert soup.find("script") is None
    assert soup.select_one("header h1").get_text() == "示例银行"
    assert len(gzip.compress(response.content)) <= 14_000
    for tag in soup.select("[src], [href], [poster]"):
        for attr in ("src", "href", "poster"):
            value = tag.get(attr)
            if value and value.startswith("http"):
                assert tag.name == "a", f"third-party resource {value}"
    assert "default-src 'none'" in response.headers["content-security-policy"]


async def test_card_buttons_have_the_right_hrefs(
    h5: httpx.AsyncClient, workspace: Workspace, make_link: LinkFactory
) -> None:
    version = await make_version(workspace, documents.CARD)
    link = await make_link(message_version_id=version.id, variables={"city": "上海"})
    soup = await _page(h5, link.code)
    hrefs = {a.get_text(strip=True): a["href"] for a in soup.select("a.btn")}
    assert hrefs["查看详情"] == f"/s/-/b/{link.code}/c0b0"
    assert hrefs["导航到店"].startswith("https://uri.amap.com/marker?position=116.3975,39.9087")
    assert "coordinate=gaode" in hrefs["导航到店"]
    assert hrefs["拨打电话"] == "tel:+861088886666"
    assert hrefs["加入日历"] == f"/s/-/ics/{link.code}/c0b3"
    assert hrefs["打开App"] == "exampleshop://item/1"
    assert hrefs["打开App（网页版）"] == f"/s/-/b/{link.code}/s1"
    assert hrefs["发送位置"] == f"/s/-/loc/{link.code}/s2"
    form = soup.select_one("form[action$='/s0']")
    assert form["method"] == "post" and form.select_one("input[name=t]")["value"]
    img = soup.select_one(".card img")
    assert img["loading"] == "lazy" and img["width"] and img["height"]
    assert img["src"].startswith("/s/-/media/asset-store/ch5_image")
    # the link's values fill the variables; a missing one is empty, never the sample
    assert soup.select_one(".card h2").get_text() == "上海旗舰店开业"
    assert soup.select_one(".bubble p").get_text() == "您好，冬季新品已上架"


async def test_video_has_poster_and_preload_none(
    h5: httpx.AsyncClient, workspace: Workspace, make_link: LinkFactory
) -> None:
    version = await make_version(workspace, documents.RICH)
    link = await make_link(message_version_id=version.id)
    video = (await _page(h5, link.code)).select_one("video")
    assert video["preload"] == "none" and video["poster"].startswith("/s/-/media/")


async def test_in_app_browsers_get_the_open_in_browser_hint(
    h5: httpx.AsyncClient, workspace: Workspace, make_link: LinkFactory
) -> None:
    version = await make_version(workspace, documents.CARD)
    link = await make_link(message_version_id=version.id)
    plain = await _page(h5, link.code)
    wechat = await _page(h5, link.code, headers={"user-agent": IPHONE_WECHAT})
    assert plain.select(".hint") == []
    assert any("在浏览器打开" in hint.get_text() for hint in wechat.select(".hint"))


async def test_button_click_is_tracked_and_redirects_only_to_the_stored_target(
    app: Starlette, h5: httpx.AsyncClient, workspace: Workspace, make_link: LinkFactory
) -> None:
    version = await make_version(workspace, documents.CARD)
    link = await make_link(message_version_id=version.id, variables={"city": "上海"})
    response = await h5.get(f"/-/b/{link.code}/c0b0")
    assert response.status_code == 302
    assert response.headers["location"] == "https://shop.example.com/open/%E4%B8%8A%E6%B5%B7"
    assert (await h5.get(f"/-/b/{link.code}/c0b1")).status_code == 404  # a map, not tracked
    assert (await h5.get(f"/-/b/{link.code}/zz?url=https://evil.example")).status_code == 404
    await flush(app)
    clicks = await Visit.filter(link_id=link.id, type=VisitType.BUTTON)
    assert [c.button_id for c in clicks] == ["c0b0"]
    dims = await VisitDim.filter(scope="l", scope_id=link.id, dim="button")
    assert [(d.value, d.count) for d in dims] == [("c0b0", 1)]


async def test_reply_shows_the_keyword_message_and_is_recorded(
    app: Starlette, h5: httpx.AsyncClient, workspace: Workspace, make_link: LinkFactory
) -> None:
    version = await make_version(workspace, documents.CARD)
    await make_version(workspace, documents.REPLY, keywords=["WANT"], name="预留回复")
    link = await make_link(message_version_id=version.id)
    soup = await _page(h5, link.code)
    token = soup.select_one("form[action$='/s0'] input[name=t]")["value"]
    response = await h5.post(f"/-/reply/{link.code}/s0", data={"t": token})
    assert response.status_code == 200
    reply = BeautifulSoup(response.text, "html.parser")
    assert "已为您预留" in reply.select(".bubble")[-1].get_text()
    await flush(app)
    hourly = await VisitHourly.get(scope="l", scope_id=link.id)
    assert hourly.replies == 1 and hourly.pv == 1


async def test_reply_without_a_match_says_received(
    h5: httpx.AsyncClient, workspace: Workspace, make_link: LinkFactory
) -> None:
    version = await make_version(workspace, documents.CARD)
    link = await make_link(message_version_id=version.id)
    soup = await _page(h5, link.code)
    token = soup.select_one("form[action$='/s0'] input[name=t]")["value"]
    response = await h5.post(f"/-/reply/{link.code}/s0", data={"t": token})
    assert BeautifulSoup(response.text, "html.parser").select_one(".note h1").get_text() == "已收到"


@pytest.mark.parametrize("token", ["", "0" * 32, "forged"], ids=["missing", "zeros", "forged"])
async def test_reply_without_a_valid_token_is_refused(
    app: Starlette, h5: httpx.AsyncClient, workspace: Workspace, make_link: LinkFactory,
    token: str,
) -> None:
    version = await make_version(workspace, documents.CARD)
    link = await make_link(message_version_id=version.id)
    response = await h5.post(f"/-/reply/{link.code}/s0", data={"t": token})
    assert response.status_code == 403
    await flush(app)
    assert await Visit.filter(type=VisitType.REPLY).count() == 0


async def test_calendar_button_downloads_an_ics(
    h5: httpx.AsyncClient, workspace: Workspace, make_link: LinkFactory
) -> None:
    version = await make_version(workspace, documents.CARD)
    link = await make_link(message_version_id=version.id)
    response = await h5.get(f"/-/ics/{link.code}/c0b3")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert "DTSTART:20261212T020000Z" in response.text
    assert "SUMMARY:旗舰店开业" in response.text


async def test_request_location_explains_and_posts_a_reply(
    h5: httpx.AsyncClient, workspace: Workspace, make_link: LinkFactory
) -> None:
    version = await make_version(workspace, documents.CARD)
    link = await make_link(message_version_id=version.id)
    response = await h5.get(f"/-/loc/{link.code}/s2")
    soup = BeautifulSoup(response.text, "html.parser")
    form = soup.select_one("form")
    assert form["action"] == f"/s/-/reply/{link.code}/s2"
    posted = await h5.post(form["action"].removeprefix("/s"), data={
        "t": form.select_one("input[name=t]")["value"], "text": "上海市徐汇区"})
    assert posted.status_code == 200


async def test_unapproved_version_is_not_shown(
    h5: httpx.AsyncClient, workspace: Workspace, make_link: LinkFactory
) -> None:
    version = await make_version(workspace, documents.TEXT, status=ReviewStatus.APPROVED)
    link = await make_link(message_version_id=version.id)
    version.status = ReviewStatus.DRAFT
    await version.save()
    response = await h5.get(f"/{link.code}")
    assert response.status_code == 404
