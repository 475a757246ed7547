"""Chatbot profiles: create and edit with the service menu, bad input, roles, workspaces."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from studio import accounts
from studio.messages.chatbots import menu_from_form, menu_values
from studio.models.accounts import Membership, Workspace
from studio.models.messages import ChatbotProfile, Message
from tests.conftest import csrf_of, login
from tests.studio.test_messages import (
    PASSWORD,
    XSS,
    MemberFactory,
    editor,
    member,  # noqa: F401  (fixture)
    new_message,
    post_editor,
    soup,
)

MENU = {
    "menu-0-label": "会员", "menu-0-type": "submenu",
    "menu-0-children-0-label": "积分", "menu-0-children-0-type": "reply",
    "menu-0-children-0-value": "jifen",
    "menu-0-children-1-label": "客服", "menu-0-children-1-type": "dial",
    "menu-0-children-1-value": "+86 10086",
    "menu-1-label": "官网", "menu-1-type": "open_url", "menu-1-value": "https://example.cn",
}


def test_menu_round_trip() -> None:
    errors: dict[str, str] = {}
    menu = menu_from_form(MENU, errors)
    assert errors == {}
    assert menu == [
        {"label": "会员", "children": [
            {"label": "积分", "action": {"type": "reply", "data": "jifen"}},
            {"label": "客服", "action": {"type": "dial", "phone": "+86 10086"}},
        ]},
        {"label": "官网", "action": {"type": "open_url", "url": "https://example.cn"}},
    ]
    assert menu_from_form(menu_values(menu), errors) == menu


async def _save(client: httpx.AsyncClient, path: str, data: dict[str, str]) -> httpx.Response:
    token = await csrf_of(client, "/")
    return await client.post(path, data={**data, "csrf_token": token})


async def test_create_edit_and_preview(owner_client: httpx.AsyncClient) -> None:
    response = await _save(owner_client, "/settings/chatbots/new",
                           {"name": "示例客服", "description": "官方服务号",
                            "fallback_signature": "【示例】", **MENU})
    assert response.status_code == 303, response.text
    bot = await ChatbotProfile.get(name="示例客服")
    assert bot.fallback_signature == "示例" and len(bot.menu) == 2
    page = soup(await owner_client.get(f"/settings/chatbots/{bot.id}"))
    assert page.select_one("#f-menu-0-children-1-value")["value"] == "+86 10086"
    response = await _save(owner_client, f"/settings/chatbots/{bot.id}",
                           {"name": "改名客服", "fallback_signature": "示例", **MENU})
    assert response.status_code == 303
    assert (await ChatbotProfile.get(id=bot.id)).name == "改名客服"
    # a message sent as this chatbot shows it in the preview, with the signature on the SMS
    mid = await new_message(owner_client)
    form = await editor(owner_client, mid)
    form.update({"chatbot": str(bot.id), "text": "你好", "fallback-type": "sms"})
    page = soup(await post_editor(owner_client, mid, form))
    assert page.select_one(".pv-rcs .pv-bar").get_text(strip=True) == "改名客服"
    assert [s.get_text() for s in page.select(".pv-menu span")] == ["会员", "官网"]
    assert page.select_one(".pv-sms-text").get_text().startswith("【示例】")
    assert (await Message.get(id=mid)).chatbot_id == bot.id


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 51}, "name"),
        ({"menu-1-value": "javascript:alert(1)"}, "menu-1-value"),
        ({"menu-1-value": "ftp://example.cn"}, "menu-1-value"),
        ({"menu-0-children-1-value": "call me"}, "menu-0-children-1-value"),
        ({"menu-0-children-0-value": ""}, "menu-0-children-0-value"),
        ({"menu-2-label": "", "menu-2-value": "orphan"}, "menu-2-label"),
        ({"fallback_signature": "x"}, "fallback_signature"),
        ({"logo_asset_id": "logo.png"}, "logo_asset_id"),
        ({"menu-1-label": "长" * 17}, "menu-1-label"),
    ],
    ids=["no-name", "long-name", "js-url", "ftp-url", "bad-phone", "empty-reply", "no-label",
         "short-signature", "bad-logo", "long-label"],
)
async def test_bad_input(owner_client: httpx.AsyncClient, changes: dict[str, str],
                         field: str) -> None:
    data = {"name": "客服", **MENU, **changes}
    response = await _save(owner_client, "/settings/chatbots/new", data)
    assert response.status_code == 422
    page = soup(response)
    assert page.select_one(f"#f-{field}").find_parent(class_="has-error") is not None
    assert await ChatbotProfile.all().count() == 0


async def test_xss_is_inert(owner_client: httpx.AsyncClient) -> None:
    response = await _save(owner_client, "/settings/chatbots/new",
                           {"name": XSS[:50], "description": XSS, "menu-0-label": "<b>x</b>",
                            "menu-0-type": "reply", "menu-0-value": XSS})
    assert response.status_code == 303
    page = soup(await owner_client.get("/settings/chatbots"))
    assert page.select("script:not([src])") == [] and page.select("[onerror]") == []


async def test_roles_and_workspaces(owner_client: httpx.AsyncClient, app: Starlette,
                                    member: MemberFactory) -> None:  # noqa: F811
    await _save(owner_client, "/settings/chatbots/new", {"name": "客服"})
    bot = await ChatbotProfile.get(name="客服")
    editor_client = await member("editor")
    assert (await editor_client.get("/settings/chatbots")).status_code == 403
    response = await _save(editor_client, f"/settings/chatbots/{bot.id}", {"name": "抢"})
    assert response.status_code == 403
    other = await Workspace.create(name="别家")
    user = await accounts.create_user(login="other@example.cn", password=PASSWORD)
    await Membership.create(workspace=other, user=user, role="owner")
    transport = httpx.ASGITransport(app=app, client=("198.51.100.2", 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as stranger:
        await login(stranger, "other@example.cn", PASSWORD)
        assert (await stranger.get(f"/settings/chatbots/{bot.id}")).status_code == 404
        response = await _save(stranger, f"/settings/chatbots/{bot.id}", {"name": "抢"})
        assert response.status_code == 404
        # nor can a message of theirs name our chatbot
        mid = await new_message(stranger)
        form = await editor(stranger, mid)
        form["chatbot"] = str(bot.id)
        response = await post_editor(stranger, mid, form)
        assert response.status_code == 422
        assert soup(response).select_one("#e-chatbot .error") is not None
    assert (await ChatbotProfile.get(id=bot.id)).name == "客服"
