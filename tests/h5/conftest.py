"""Fixtures for the h5 app: a workspace with links and approved messages, and clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from h5.writer import VisitWriter
from studio.links.service import LinkSpec, create_link
from studio.models.accounts import Workspace
from studio.models.links import ShortLink
from studio.models.messages import ChatbotProfile, Message, MessageVersion, ReviewStatus

IPHONE_WECHAT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.40(0x18002831) NetType/WIFI"
)
ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 13; V2148A) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0.0.0 Mobile Safari/537.36"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.fixture
async def workspace(db: None) -> Workspace:
    return await Workspace.create(name="测试工作区")


def h5_app_of(app: Starlette) -> Starlette:
    """The h5 app mounted in the studio app (under /s)."""
    for route in app.routes:
        if isinstance(route, Mount) and route.name == "h5":
            return route.app  # type: ignore[return-value]
    raise AssertionError("h5 app not mounted")


@pytest.fixture
def writer(app: Starlette) -> VisitWriter:
    return h5_app_of(app).state.lifecycle.writer  # type: ignore[no-any-return]


@pytest.fixture
async def h5(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A phone: talks to the h5 app mounted under /s, from one IP, keeping cookies."""
    transport = httpx.ASGITransport(app=app, client=("198.51.100.23", 40000))
    headers = {"user-agent": ANDROID_CHROME}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver/s", headers=headers
    ) as c:
        yield c


async def flush(app: Starlette) -> None:
    """Write the buffered visits now (instead of waiting for the writer's second)."""
    assert await h5_app_of(app).state.lifecycle.writer.flush()


async def make_version(
    workspace: Workspace, document: dict[str, Any], *, keywords: list[str] | None = None,
    name: str = "测试消息", status: ReviewStatus = ReviewStatus.APPROVED,
) -> MessageVersion:
    bot = await ChatbotProfile.create(workspace=workspace, name="示例银行")
    if keywords is not None:
        document = {**document, "trigger": {"type": "keywords", "keywords": keywords}}
    message = await Message.create(
        workspace=workspace, name=name, kind=document["kind"], chatbot=bot,
        approved_version=1 if status is ReviewStatus.APPROVED else None,
    )
    return await MessageVersion.create(
        workspace=workspace, message=message, number=1, document=document, status=status
    )


LinkFactory = Callable[..., Any]


@pytest.fixture
def make_link(workspace: Workspace) -> LinkFactory:
    async def _make(**fields: Any) -> ShortLink:
        spec = LinkSpec(**{"target_url": "https://example.cn/landing?a=1", **fields})
        return await create_link(workspace.id, None, spec)

    return _make
