from __future__ import annotations

import re

import httpx
from bs4 import BeautifulSoup

from studio.models.accounts import Membership, User
from studio.models.audit import AuditLog
from tests.conftest import OWNER, csrf_of, login, post_form


def _soup(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


async def _add(client: httpx.AsyncClient, login_name: str, role: str) -> str:
    response = await post_form(client, "/settings/members/add",
                               {"login": login_name, "role": role, "name": ""}, token_from="/")
    assert response.status_code == 200, response.text
    return _soup(response).select_one("code.secret").get_text()


async def _logout(client: httpx.AsyncClient) -> None:
    token = await csrf_of(client, "/")
    await client.post("/logout", data={"csrf_token": token})


async def test_owner_adds_editor_who_must_change_password(
    owner_client: httpx.AsyncClient,
) -> None:
    client = owner_client
    temp = await _add(client, "editor@example.cn", "editor")
    assert len(temp) == 12
    await _logout(client)
    assert (await login(client, "editor@example.cn", temp)).status_code == 303
    # a temporary password leads to the password page first
    response = await client.get("/")
    assert response.status_code == 303
    assert response.headers["location"].endswith("/account/password")
    changed = await post_form(client, "/account/password",
                              {"current": temp, "new": "editor pass 9", "confirm": "editor pass 9"},
                              token_from="/account/password")
    assert changed.status_code == 303
    home = _soup(await client.get("/"))
    assert "编辑" in home.select_one(".who").get_text()
    # an editor cannot manage members or settings
    assert (await client.get("/settings/members")).status_code == 403
    assert (await client.get("/settings")).status_code == 403


async def test_invite_link_joins_as_analyst(owner_client: httpx.AsyncClient) -> None:
    client = owner_client
    response = await post_form(client, "/settings/members/invite", {"role": "analyst"},
                               token_from="/")
    link = _soup(response).select_one("code.secret").get_text()
    path = re.sub(r"^http://testserver", "", link)
    await _logout(client)
    page = await client.get(path)
    assert page.status_code == 200
    token = await csrf_of(client, path)
    joined = await client.post(path, data={"login": "analyst@example.cn", "name": "分析师",
                                           "password": "analyst pass 1", "csrf_token": token})
    assert joined.status_code == 303
    home = _soup(await client.get("/"))
    assert "分析员" in home.select_one(".who").get_text()
    # analysts read, never manage; the link is used up
    assert (await client.get("/settings/members")).status_code == 403
    await _logout(client)
    used = await client.get(path)
    assert used.status_code == 404
    assert "邀请链接无效或已过期" in used.text


async def test_weak_or_duplicate_member_is_refused(owner_client: httpx.AsyncClient) -> None:
    client = owner_client
    response = await post_form(client, "/settings/members/add",
                               {"login": OWNER["login"], "role": "editor"}, token_from="/")
    assert response.status_code == 422
    assert "已是本工作区成员" in _soup(response).select_one("#e-login").get_text()
    response = await post_form(client, "/settings/members/add",
                               {"login": "x@example.cn", "role": "boss"}, token_from="/")
    assert response.status_code == 422
    assert await User.filter(email="x@example.cn").count() == 0


async def test_last_owner_cannot_be_demoted_or_removed(owner_client: httpx.AsyncClient) -> None:
    client = owner_client
    mine = await Membership.get(user__email=OWNER["login"])
    for data in ({"action": "role", "role": "editor"}, {"action": "remove"}):
        response = await post_form(client, f"/settings/members/{mine.id}", data, token_from="/")
        assert response.status_code == 409
        assert "至少需要保留一位所有者" in response.text
    await mine.refresh_from_db()
    assert mine.role == "owner"


async def test_role_change_and_removal_are_audited(owner_client: httpx.AsyncClient) -> None:
    client = owner_client
    await _add(client, "rev@example.cn", "editor")
    member = await Membership.get(user__email="rev@example.cn")
    await post_form(client, f"/settings/members/{member.id}", {"action": "role",
                                                               "role": "reviewer"},
                    token_from="/")
    await member.refresh_from_db()
    assert member.role == "reviewer"
    await post_form(client, f"/settings/members/{member.id}", {"action": "remove"},
                    token_from="/")
    assert not await Membership.filter(id=member.id).exists()
    actions = [row.action for row in await AuditLog.all().order_by("id")]
    assert actions[-3:] == ["member.add", "member.role", "member.remove"]
    page = _soup(await client.get("/settings/audit"))
    shown = [c.get_text() for c in page.select("table td code")]
    assert "member.remove" in shown


async def test_user_in_two_workspaces_can_switch(owner_client: httpx.AsyncClient) -> None:
    from studio.models.accounts import Workspace
    from studio.roles import Role

    other = await Workspace.create(name="第二工作区")
    me = await User.get(email=OWNER["login"])
    await Membership.create(workspace=other, user=me, role=Role.ANALYST)
    response = await post_form(owner_client, "/workspace/switch",
                               {"workspace_id": str(other.id)}, token_from="/")
    assert response.status_code == 303
    home = _soup(await owner_client.get("/"))
    assert home.select_one("h1").get_text() == "第二工作区"
    assert (await owner_client.get("/settings/members")).status_code == 403
