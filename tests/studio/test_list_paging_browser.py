"""'Load more' in a real browser against a real server: htmx appends the next page of the
media library and of the message list in place of the link, which then disappears."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from studio.db import close_db, init_db
from studio.media_library.library import PAGE_SIZE
from studio.messages import service
from studio.models.accounts import Membership, Workspace
from studio.models.media import AssetKind, AssetStatus, MediaAsset
from studio.views.messages import LIST_PAGE_SIZE
from tests.browser.support import (  # noqa: F401
    chromium,
    database_url,
    seed,
    server,
    set_up_owner,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def _seed(db_url: str) -> None:
    """More assets and messages than one page holds, written beside the running server."""
    await init_db(db_url, migrate=False)
    try:
        ws = await Workspace.get()
        await MediaAsset.bulk_create([
            MediaAsset(workspace=ws, name=f"图{i:03d}.png", kind=AssetKind.IMAGE,
                       mime="image/png", format="png", size=100, sha256=f"{i:064d}",
                       original_key=f"k{i}", status=AssetStatus.READY)
            for i in range(PAGE_SIZE + 3)])
        owner = await Membership.get(workspace_id=ws.id)
        actor = service.Actor(ws.id, owner.user_id, owner.role)  # type: ignore[attr-defined]
        for i in range(LIST_PAGE_SIZE + 2):
            await service.create_message(actor, name=f"消息{i:03d}", kind="text")
    finally:
        await close_db()


def test_load_more_appends_in_place(
    server: str, database_url: str, chromium: Browser  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    page = chromium.new_page(viewport={"width": 375, "height": 800})
    set_up_owner(page, server)
    seed(_seed(database_url))  # beside the running server, once the owner exists

    page.goto(f"{server}/media")
    expect(page.locator("li.media-card")).to_have_count(PAGE_SIZE)
    page.click("li.media-more a")
    expect(page.locator("li.media-card")).to_have_count(PAGE_SIZE + 3)
    expect(page.locator("li.media-more")).to_have_count(0)
    assert page.url == f"{server}/media"  # appended, not navigated
    expect(page.locator("li.media-card").last).to_contain_text("图000")

    page.goto(f"{server}/messages")
    rows = page.locator("table.msg-table tbody > tr[id]")
    expect(rows).to_have_count(LIST_PAGE_SIZE)
    page.click("tr.more-row a")
    expect(rows).to_have_count(LIST_PAGE_SIZE + 2)
    expect(page.locator("tr.more-row")).to_have_count(0)
    expect(rows.last).to_contain_text("消息000")
