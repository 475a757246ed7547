"""Another workspace's object is a 404, exactly like a missing one.

Each feature adds its routes to CASES: (method, path with {id}, factory making the foreign
object and returning its id).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import httpx
import pytest

from studio.models.accounts import Membership, User, Workspace
from studio.roles import Role
from tests.conftest import csrf_of

Factory = Callable[[Workspace], Awaitable[int]]


async def _membership(ws: Workspace) -> int:
    user = await User.create(email=f"u{ws.id}@other.cn", password_hash="x")
    return (await Membership.create(workspace=ws, user=user, role=Role.OWNER)).id


async def _job(ws: Workspace) -> int:
    from studio.jobs.queue import enqueue

    return (await enqueue("noop", now=datetime.now(UTC), workspace_id=ws.id)).id


async def _media_asset(ws: Workspace) -> int:
    from studio.models.media import AssetStatus, MediaAsset

    asset = await MediaAsset.create(
        workspace=ws, name="别人的素材", kind="image", mime="image/png", format="png", size=1,
        sha256="0" * 64, original_key="0" * 32, status=AssetStatus.READY,
    )
    return asset.id


CASES: list[tuple[str, str, Factory]] = [
    ("POST", "/settings/members/{id}", _membership),
    ("GET", "/jobs/{id}", _job),
    ("GET", "/media/{id}", _media_asset),
    ("GET", "/media/{id}/card", _media_asset),
    ("POST", "/media/{id}/rename", _media_asset),
    ("POST", "/media/{id}/delete", _media_asset),
    ("POST", "/media/{id}/renditions", _media_asset),
    ("POST", "/media/{id}/retry", _media_asset),
    ("GET", "/media/picker/{id}?target=card_media", _media_asset),
]


async def _signature(ws: Workspace) -> int:
    from studio.models.templates import Signature

    return (await Signature.create(workspace=ws, text="别人的签名")).id


async def _sms_template(ws: Workspace) -> int:
    from studio.models.templates import SmsKind, SmsTemplate

    return (await SmsTemplate.create(workspace=ws, name="别人的模板", kind=SmsKind.NOTIFICATION,
                                     text="您好")).id


async def _video_sms(ws: Workspace) -> int:
    from studio.models.templates import VideoSmsTemplate

    return (await VideoSmsTemplate.create(workspace=ws, name="别人的视频短信", title="标题")).id


CASES += [
    ("GET", "/signatures/{id}", _signature),
    ("POST", "/signatures/{id}/withdraw", _signature),
    ("GET", "/sms-templates/{id}", _sms_template),
    ("POST", "/sms-templates/{id}/review", _sms_template),
    ("GET", "/video-sms/{id}/export", _video_sms),
]


async def _send_batch(ws: Workspace) -> int:
    from studio.models.messages import Message, MessageVersion
    from studio.models.sending import SendBatch

    message = await Message.create(workspace=ws, name="别人的消息", kind="text")
    version = await MessageVersion.create(workspace=ws, message=message, number=1,
                                          document={"kind": "text", "text": "x"})
    return (await SendBatch.create(workspace=ws, number=f"other-{ws.id}",
                                   message_version=version, message_id=message.id)).id


CASES += [
    ("GET", "/sending/{id}", _send_batch),
    ("POST", "/sending/{id}/pause", _send_batch),
    ("POST", "/sending/{id}/test", _send_batch),
    ("GET", "/sending/{id}/export.csv", _send_batch),
    ("GET", "/sending/{id}/invalid.csv", _send_batch),
]


@pytest.mark.parametrize(("method", "path", "factory"), CASES, ids=[c[1] for c in CASES])
async def test_foreign_object_is_not_found(
    owner_client: httpx.AsyncClient, method: str, path: str, factory: Factory
) -> None:
    foreign_ws = await Workspace.create(name="别人的工作区")
    foreign_id = await factory(foreign_ws)
    token = await csrf_of(owner_client, "/")
    url = path.format(id=foreign_id)
    response = await owner_client.request(
        method, url, data={"csrf_token": token, "action": "remove"} if method == "POST" else None
    )
    assert response.status_code == 404
    missing = await owner_client.request(
        method, path.format(id=999999),
        data={"csrf_token": token, "action": "remove"} if method == "POST" else None,
    )
    assert missing.status_code == 404
