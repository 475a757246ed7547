"""The 签名与模板 pages take their styles from one static stylesheet (static/templates-1.css),
linked like studio-1.css, with no inline <style> block."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest
from bs4 import BeautifulSoup

PAGES = ["/signatures", "/signatures/new", "/signatures/settings", "/sms-templates",
         "/sms-templates/new", "/video-sms", "/video-sms/new"]


@pytest.mark.parametrize("path", PAGES, ids=[p.strip("/").replace("/", "-") for p in PAGES])
async def test_template_pages_link_the_static_stylesheet(owner_client: httpx.AsyncClient,
                                                         path: str) -> None:
    response = await owner_client.get(path)
    assert response.status_code == 200
    page = BeautifulSoup(response.text, "html.parser")
    assert page.select("style") == []
    sheets = [urlsplit(link["href"]).path for link in page.select('link[rel="stylesheet"]')]
    assert "/static/templates-1.css" in sheets
    assert sheets.index("/static/studio-1.css") < sheets.index("/static/templates-1.css")


async def test_stylesheet_is_served_and_carries_the_moved_rules(
        client: httpx.AsyncClient) -> None:
    response = await client.get("/static/templates-1.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    for selector in (".sms-editor fieldset", ".st-approved", ".sms-count", ".carrier-approved"):
        assert selector in response.text
