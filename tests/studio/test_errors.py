from __future__ import annotations

import httpx
from bs4 import BeautifulSoup
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


async def test_unknown_page_is_a_chinese_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/no/such/page")
    assert response.status_code == 404
    page = BeautifulSoup(response.text, "html.parser")
    assert "页面不存在" in page.select_one(".error-box").get_text()


async def test_api_errors_are_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/nothing")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "页面不存在或已被删除"}}


async def test_wrong_method_is_405(client: httpx.AsyncClient) -> None:
    response = await client.get("/logout")
    assert response.status_code == 405
    assert "不支持该请求方法" in response.text


async def test_server_error_leaks_nothing(app: Starlette, client: httpx.AsyncClient) -> None:
    async def boom(request: Request) -> Response:
        raise RuntimeError("SELECT secret FROM users -- traceback bait")

    app.router.routes.insert(0, Route("/boom", boom))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        response = await c.get("/boom")
    assert response.status_code == 500
    assert "服务器内部错误" in response.text
    assert "secret" not in response.text and "Traceback" not in response.text


async def test_english_when_the_browser_asks(client: httpx.AsyncClient) -> None:
    response = await client.get("/setup", headers={"Accept-Language": "en-US,en;q=0.9"})
    page = BeautifulSoup(response.text, "html.parser")
    assert page.select_one("html")["lang"] == "en"
    assert page.select_one("button[type=submit]").get_text() == "Create and enter"
    chinese = await client.get("/setup", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    button = BeautifulSoup(chinese.text, "html.parser").select_one("button[type=submit]")
    assert button.get_text() == "创建并进入"
