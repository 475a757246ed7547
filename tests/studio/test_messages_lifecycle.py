"""Message lifecycle: duplicate, delete (refused while a batch uses it), media from the
library, video SMS fallback. Helpers come from test_messages."""

from __future__ import annotations

import httpx

from studio.models.accounts import Workspace
from studio.models.messages import Message, MessageVersion, ReviewStatus
from tests.conftest import csrf_of
from tests.studio.test_messages import (
    apply,
    editor,
    form_of,
    library_asset,
    new_message,
    post_editor,
    soup,
)


async def test_duplicate_and_delete(owner_client: httpx.AsyncClient) -> None:
    mid = await new_message(owner_client, "text", "原消息")
    token = await csrf_of(owner_client, "/messages")
    response = await owner_client.post(f"/messages/{mid}/duplicate", data={"csrf_token": token})
    assert response.status_code == 303
    names = sorted(m.name for m in await Message.all())
    assert names == ["原消息", "原消息 副本"]
    response = await owner_client.post(f"/messages/{mid}/delete", data={"csrf_token": token})
    assert response.status_code == 303
    assert (await owner_client.get(f"/messages/{mid}")).status_code == 404
    assert [a.get_text() for a in soup(await owner_client.get("/messages")).select(
        "tbody td:first-child a")] == ["原消息 副本"]


async def test_message_used_by_a_batch_cannot_be_deleted(
    owner_client: httpx.AsyncClient,
) -> None:
    from studio.models.sending import BatchStatus, SendBatch

    mid = await new_message(owner_client, "text", "已发送的消息")
    message = await Message.get(id=mid)
    batch = await SendBatch.create(workspace_id=message.workspace_id, number="B-TEST-1",
                                   message_id=mid, status=BatchStatus.COMPLETED)
    token = await csrf_of(owner_client, "/messages")
    response = await owner_client.post(f"/messages/{mid}/delete", data={"csrf_token": token})
    assert response.status_code == 409
    assert "已被发送批次使用" in response.text
    await SendBatch.filter(id=batch.id).update(status=BatchStatus.CANCELLED)
    response = await owner_client.post(f"/messages/{mid}/delete", data={"csrf_token": token})
    assert response.status_code == 303


async def test_media_from_the_library(owner_client: httpx.AsyncClient) -> None:
    from studio.models.media import AssetUse

    mid = await new_message(owner_client, "card")
    page = soup(await owner_client.get(f"/messages/{mid}"))
    assert page.select_one(".media-field .media-picker-field button") is not None
    video = await library_asset("video")
    form = form_of(page)
    form.update({"cards-0-media-asset_id": str(video), "cards-0-title": "新品视频"})
    page = soup(await post_editor(owner_client, mid, form))
    picked = page.select_one('.media-field input[name="cards-0-media-asset_id"]')
    assert picked["value"] == str(video)
    assert page.select_one(".pv-rcs video")["src"].startswith("/m/")
    version = await MessageVersion.get(message_id=mid)
    assert version.document["cards"][0]["media"] == {"asset_id": str(video),
                                                      "rendition": "rcs_video"}
    use = await AssetUse.get(asset_id=video)
    assert use.user_id == version.id and "第 1 版" in use.label
    # an asset of another workspace is not resolved: a problem, and no use recorded
    other = await Workspace.create(name="别家")
    foreign = await library_asset("image", other.id)
    form = form_of(page)
    form["cards-0-media-asset_id"] = str(foreign)
    page = soup(await post_editor(owner_client, mid, form))
    assert page.select_one("#e-cards-0-media .error") is not None
    assert not await AssetUse.filter(asset_id=foreign).exists()
    assert not await AssetUse.filter(asset_id=video).exists()


async def test_video_sms_fallback_names_an_approved_template(
    owner_client: httpx.AsyncClient,
) -> None:
    from studio.models.templates import VideoSmsTemplate

    workspace = await Workspace.all().order_by("id").first()
    approved = await VideoSmsTemplate.create(workspace=workspace, name="春节视频",
                                             status=ReviewStatus.APPROVED, approved_version=1)
    draft = await VideoSmsTemplate.create(workspace=workspace, name="草稿视频")
    mid = await new_message(owner_client)
    form = await editor(owner_client, mid)
    form.update({"text": "你好", "fallback-type": "video_sms"})
    form = await apply(owner_client, mid, form, "refresh")
    page = soup(await post_editor(owner_client, mid, form))
    options = [o.get_text() for o in page.select("#f-fallback-video_template_id option")]
    assert options[1:] == ["春节视频"]  # drafts are not offered
    for wanted, ok in ((str(draft.id), False), ("999", False), (str(approved.id), True)):
        form = form_of(page)
        form["fallback-video_template_id"] = wanted
        page = soup(await post_editor(owner_client, mid, form))
        assert (page.select_one("#e-fallback-video_template_id .error") is None) is ok, wanted
