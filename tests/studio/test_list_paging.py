"""The media library and the message list page past their first page: ``?page=N`` (a plain
link without JavaScript), and "load more" through htmx, whose ``hx-select`` appends the next
page's items and its own "load more"; the filters carry over, odd page numbers are page 1."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from bs4 import BeautifulSoup, Tag

from studio.media_library.library import PAGE_SIZE
from studio.messages import service
from studio.models.accounts import Membership, Workspace
from studio.models.media import AssetKind, AssetStatus, MediaAsset
from studio.views.messages import LIST_PAGE_SIZE
from studio.views.paging import Page

HX = {"HX-Request": "true"}


def _soup(response: httpx.Response) -> BeautifulSoup:
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _load_more(page: BeautifulSoup, container: str) -> Tag | None:
    link = page.select_one(f"{container} a[hx-get]")
    if link is not None:
        assert link["href"] == link["hx-get"]  # the same page with or without JavaScript
    return link


@pytest.mark.parametrize(("raw", "number"), [
    ("", 1), ("2", 2), ("0", 1), ("-1", 1), ("abc", 1), ("２", 1), ("99999999999", 1),
    ("1000", 1000), ("1001", 1),
], ids=["none", "two", "zero", "negative", "letters", "fullwidth", "huge", "last", "past"])
def test_page_numbers(raw: str, number: int) -> None:
    assert Page.from_params({"page": raw}, 10).number == number


async def _assets(ws: Workspace, count: int) -> list[int]:
    await MediaAsset.bulk_create([
        MediaAsset(workspace=ws, name=f"图{i:03d}.png", kind=AssetKind.IMAGE, mime="image/png",
                   format="png", size=100, sha256=f"{i:064d}", original_key=f"k{i}",
                   status=AssetStatus.READY)
        for i in range(count)])
    return list(await MediaAsset.filter(workspace_id=ws.id).order_by("-id")
                .values_list("id", flat=True))


async def test_media_library_loads_more(owner_client: httpx.AsyncClient) -> None:
    ids = await _assets(await Workspace.get(), PAGE_SIZE + 1)
    first = _soup(await owner_client.get("/media", params={"q": "图"}))
    cards = first.select("ul.media-grid > li.media-card")
    assert [c["id"] for c in cards] == [f"asset-{i}" for i in ids[:PAGE_SIZE]]
    more = _load_more(first, "li.media-more")
    assert more is not None and more["hx-select"] == "ul.media-grid > li"
    assert _query(more["href"]) == {"q": ["图"], "page": ["2"]}

    # htmx: the next page's items replace the "load more" item; nothing more after them
    swapped = _soup(await owner_client.get(more["hx-get"], headers=HX))
    appended = swapped.select(more["hx-select"])
    assert [li["id"] for li in appended] == [f"asset-{ids[-1]}"]
    # without JavaScript: page 2 with a way back to the first
    page2 = _soup(await owner_client.get(more["href"]))
    assert [c["id"] for c in page2.select("li.media-card")] == [f"asset-{ids[-1]}"]
    assert _load_more(page2, "li.media-more") is None
    back = page2.select_one(".media-page a")
    assert _query(back["href"]) == {"q": ["图"], "page": ["1"]}
    past = _soup(await owner_client.get("/media", params={"page": "3"}))
    assert past.select_one("#media-grid .empty").get_text(strip=True).startswith(
        "这一页没有素材")

    # a filter that fits one page has no "load more"
    one = _soup(await owner_client.get("/media", params={"q": "图000"}))
    assert len(one.select("li.media-card")) == 1 and _load_more(one, "li.media-more") is None


async def test_message_list_loads_more(owner_client: httpx.AsyncClient) -> None:
    ws = await Workspace.get()
    owner = await Membership.get(workspace_id=ws.id)
    actor = service.Actor(ws.id, owner.user_id, owner.role)  # type: ignore[attr-defined]
    for i in range(LIST_PAGE_SIZE + 1):
        await service.create_message(actor, name=f"消息{i:03d}", kind="text")
    first = _soup(await owner_client.get("/messages", params={"kind": "text"}))
    rows = first.select("table.msg-table tbody > tr[id]")
    assert len(rows) == LIST_PAGE_SIZE
    assert rows[0].select_one("td a").get_text() == f"消息{LIST_PAGE_SIZE:03d}"  # newest first
    more = _load_more(first, "tr.more-row")
    assert more is not None and more["hx-select"] == "table.msg-table tbody > tr"
    assert _query(more["href"]) == {"kind": ["text"], "page": ["2"]}

    swapped = _soup(await owner_client.get(more["hx-get"], headers=HX))
    appended = swapped.select(more["hx-select"])
    assert [tr.select_one("td a").get_text() for tr in appended] == ["消息000"]
    page2 = _soup(await owner_client.get(more["href"]))
    assert len(page2.select("table.msg-table tbody > tr[id]")) == 1
    assert _load_more(page2, "tr.more-row") is None
    assert page2.select_one(".msg-page a")["href"].endswith("page=1")
    odd = _soup(await owner_client.get("/messages", params={"page": "x"}))
    assert len(odd.select("table.msg-table tbody > tr[id]")) == LIST_PAGE_SIZE
