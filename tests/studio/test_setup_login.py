from __future__ import annotations

import httpx
from bs4 import BeautifulSoup

from tests.conftest import OWNER, csrf_of, do_setup, login, post_form


def _soup(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


async def test_first_visit_leads_to_setup(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 303
    assert response.headers["location"].startswith("http://testserver/login")
    response = await client.get("/login")
    assert response.status_code == 303
    assert response.headers["location"].endswith("/setup")
    page = _soup(await client.get("/setup"))
    assert page.select_one("html")["lang"] == "zh-CN"
    assert page.select_one("input[name=workspace_name]") is not None


async def test_setup_creates_owner_then_locks(client: httpx.AsyncClient) -> None:
    response = await do_setup(client)
    assert response.status_code == 303
    home = _soup(await client.get("/"))
    assert home.select_one("h1").get_text() == OWNER["workspace_name"]
    nav = [a.get_text() for a in home.select("nav.nav a")]
    assert nav == ["消息", "素材", "短链", "统计", "发送", "签名与模板", "设置"]
    # setup is closed now: GET redirects, a forged POST cannot create a second owner
    assert (await client.get("/setup")).status_code == 303
    token = await csrf_of(client, "/")
    again = await client.post("/setup", data={**OWNER, "login": "evil@example.cn",
                                              "csrf_token": token})
    assert again.status_code == 303
    from studio.models.accounts import User

    assert await User.all().count() == 1


async def test_setup_errors_are_shown_next_to_fields(client: httpx.AsyncClient) -> None:
    response = await do_setup(client, password="short", workspace_name="")
    assert response.status_code == 422
    page = _soup(response)
    assert "至少需要 8 个字符" in page.select_one("#e-password").get_text()
    assert page.select_one("#e-workspace_name") is not None
    # nothing half-written
    from studio.models.accounts import User, Workspace

    assert await User.all().count() == 0
    assert await Workspace.all().count() == 0


async def test_login_logout(owner_client: httpx.AsyncClient) -> None:
    client = owner_client
    token = await csrf_of(client, "/")
    assert (await client.post("/logout", data={"csrf_token": token})).status_code == 303
    assert (await client.get("/")).status_code == 303
    bad = await login(client, OWNER["login"], "wrong password")
    assert bad.status_code == 422
    assert "账号或密码错误" in _soup(bad).select_one("#e-password").get_text()
    unknown = await login(client, "nobody@example.cn", "whatever123")
    assert unknown.status_code == 422
    good = await login(client, OWNER["login"].upper(), OWNER["password"])
    assert good.status_code == 303
    assert (await client.get("/")).status_code == 200


async def test_login_next_only_allows_local_paths(owner_client: httpx.AsyncClient) -> None:
    client = owner_client
    client.cookies.clear()
    token = await csrf_of(client)
    response = await client.post(
        "/login?next=//evil.example/x",
        data={"login": OWNER["login"], "password": OWNER["password"], "csrf_token": token},
    )
    assert response.headers["location"] == "http://testserver/"


async def test_login_is_throttled(owner_client: httpx.AsyncClient) -> None:
    client = owner_client
    client.cookies.clear()
    for _ in range(5):
        assert (await login(client, OWNER["login"], "nope-nope-1")).status_code == 422
    blocked = await login(client, OWNER["login"], OWNER["password"])
    assert blocked.status_code == 429
    assert "登录失败次数过多" in _soup(blocked).select_one("#e-password").get_text()


async def test_csrf_missing_or_wrong_is_refused(owner_client: httpx.AsyncClient) -> None:
    client = owner_client
    response = await client.post("/settings", data={"name": "x", "timezone": "Asia/Shanghai"})
    assert response.status_code == 403
    assert "页面已过期" in response.text
    response = await client.post(
        "/settings",
        data={"name": "x", "timezone": "Asia/Shanghai"},
        headers={"X-CSRF-Token": "forged"},
    )
    assert response.status_code == 403
    # the real token (as htmx sends it) works
    token = await csrf_of(client, "/")
    ok = await client.post("/settings", data={"name": "新名称", "timezone": "Asia/Shanghai"},
                           headers={"X-CSRF-Token": token})
    assert ok.status_code == 200


async def test_expired_session_goes_to_login(owner_client: httpx.AsyncClient) -> None:
    owner_client.cookies.set("studio_session", "garbage")
    response = await owner_client.get("/settings")
    assert response.status_code == 303
    assert "/login" in response.headers["location"]


async def test_password_change(owner_client: httpx.AsyncClient) -> None:
    client = owner_client
    bad = await post_form(client, "/account/password",
                          {"current": "wrong", "new": "short", "confirm": "short"},
                          token_from="/")
    assert bad.status_code == 422
    page = _soup(bad)
    assert page.select_one("#e-current") and page.select_one("#e-new")
    ok = await post_form(client, "/account/password",
                         {"current": OWNER["password"], "new": "new password 2",
                          "confirm": "new password 2"}, token_from="/")
    assert ok.status_code == 303
    client.cookies.clear()
    assert (await login(client, OWNER["login"], "new password 2")).status_code == 303


async def test_form_bodies_are_capped_whatever_carries_the_token(
    owner_client: httpx.AsyncClient,
) -> None:
    token = await csrf_of(owner_client, "/")
    big = {"name": "x" * 2_100_000, "timezone": "Asia/Shanghai"}
    in_body = await owner_client.post("/settings", data={**big, "csrf_token": token})
    in_header = await owner_client.post("/settings", data=big, headers={"X-CSRF-Token": token})
    assert in_body.status_code == in_header.status_code == 413
    assert "提交的内容过大" in in_header.text
