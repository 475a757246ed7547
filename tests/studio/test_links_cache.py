"""A studio edit shows at once on the short code served by the same process: the embedded h5
app's lookup cache drops the code (the cache lives far longer than this test, so only the
invalidation can make the new target appear)."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

from studio.models.accounts import Workspace
from studio.models.audit import AuditLog
from studio.models.links import ShortLink
from studio.settings import Settings
from tests.conftest import post_form


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # no refresh and no expiry during the test: a stale entry would stay stale
    return settings.with_(tracking=replace(settings.tracking, link_cache_seconds=600))


async def _open(client: httpx.AsyncClient, code: str) -> httpx.Response:
    return await client.get(f"/s/{code}", headers={"user-agent": "Mozilla/5.0 (iPhone)"})


async def _edit(client: httpx.AsyncClient, link: ShortLink, **changes: str) -> None:
    form = {"name": "活动", "target_type": "url", "target_url": link.target_url, **changes}
    response = await post_form(client, f"/links/{link.id}", form, token_from=f"/links/{link.id}")
    assert response.status_code == 303, response.text


async def test_edits_show_at_once_on_the_short_code(owner_client: httpx.AsyncClient) -> None:
    client = owner_client
    created = await post_form(client, "/links/new", {
        "name": "活动", "target_type": "url", "target_url": "https://a.example.cn/old",
        "code": "live01"}, token_from="/links/new")
    assert created.status_code == 303
    link = await ShortLink.get(code="live01")
    first = await _open(client, "live01")
    assert (first.status_code, first.headers["location"]) == (302, "https://a.example.cn/old")

    await _edit(client, link, target_url="https://b.example.cn/new")
    moved = await _open(client, "live01")
    assert (moved.status_code, moved.headers["location"]) == (302, "https://b.example.cn/new")

    link = await ShortLink.get(id=link.id)
    await _edit(client, link, disabled="1")
    assert (await _open(client, "live01")).status_code == 410

    link = await ShortLink.get(id=link.id)
    await _edit(client, link)  # enabled again
    assert (await _open(client, "live01")).headers["location"] == "https://b.example.cn/new"

    token_page = f"/links/{link.id}"
    deleted = await post_form(client, f"/links/{link.id}/delete", {}, token_from=token_page)
    assert deleted.status_code == 303
    assert not await ShortLink.filter(id=link.id).exists()
    assert (await _open(client, "live01")).status_code == 404
    assert await AuditLog.filter(action="link.delete", object_id=str(link.id)).exists()


async def test_a_code_tried_before_it_existed_works_once_created(
    owner_client: httpx.AsyncClient,
) -> None:
    assert (await _open(owner_client, "later1")).status_code == 404  # cached as unknown
    created = await post_form(owner_client, "/links/new", {
        "name": "稍后", "target_type": "url", "target_url": "https://a.example.cn/later",
        "code": "later1"}, token_from="/links/new")
    assert created.status_code == 303
    response = await _open(owner_client, "later1")
    assert (response.status_code, response.headers["location"]) == (
        302, "https://a.example.cn/later")


async def test_batch_links_are_not_deleted_and_others_are_404(
    owner_client: httpx.AsyncClient,
) -> None:
    workspace = await Workspace.first()
    personal = await ShortLink.create(workspace=workspace, code="pers000001", batch_id=9,
                                      target_url="https://a.example.cn/p")
    refused = await post_form(owner_client, f"/links/{personal.id}/delete", {},
                              token_from="/links")
    assert refused.status_code == 409
    assert await ShortLink.filter(id=personal.id).exists()
    other = await Workspace.create(name="别人")
    theirs = await ShortLink.create(workspace=other, code="their9", target_url="https://a.cn/")
    response = await post_form(owner_client, f"/links/{theirs.id}/delete", {},
                               token_from="/links")
    assert response.status_code == 404
    assert await ShortLink.filter(id=theirs.id).exists()
