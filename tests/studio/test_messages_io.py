"""Import and export of message documents, and the GSMA JSON view."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from renderers import codec
from studio.models.messages import Message, MessageVersion
from tests.conftest import csrf_of
from tests.studio.test_messages import (
    MemberFactory,
    editor,
    member,  # noqa: F401  (fixture)
    new_message,
    post_editor,
    soup,
)

CASES = Path(__file__).parents[1] / "renderers" / "cases"


async def _import(client: httpx.AsyncClient, text: str, name: str = "导入的消息") -> httpx.Response:
    token = await csrf_of(client, "/messages/import")
    return await client.post("/messages/import",
                             data={"name": name, "json": text, "csrf_token": token})


@pytest.mark.parametrize("case", ["text", "rich", "card", "carousel"])
async def test_import_then_export_round_trip(owner_client: httpx.AsyncClient, case: str) -> None:
    text = (CASES / f"{case}.json").read_text(encoding="utf-8")
    response = await _import(owner_client, text)
    assert response.status_code == 303, response.text
    mid = int(response.headers["location"].rsplit("/", 1)[-1])
    message = await Message.get(id=mid)
    assert message.kind == case
    exported = await owner_client.get(f"/messages/{mid}/export")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/json")
    assert "attachment" in exported.headers["content-disposition"]
    assert codec.from_json(exported.content) == codec.from_json(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json", "$"),
        ("[]", "$"),
        ('{"version": 99, "kind": "text"}', "version"),
        ('{"version": 2, "kind": "poster"}', "kind"),
        ('{"version": 2, "kind": "text", "text": "x", "suggestions": [{"label": "a", '
         '"action": {"type": "teleport"}}]}', "suggestions[0].action.type"),
        ('{"version": 2, "kind": "text", "text": "x", "suggestions": [{"label": "a", '
         '"action": {"type": "open_url", "url": "javascript:alert(1)"}}]}',
         "suggestions[0].action.url"),
        ('{"version": 2, "kind": "carousel", "cards": [{"title": "only one"}]}', "cards"),
    ],
    ids=["malformed", "not-object", "version", "kind", "unknown-action", "bad-url",
         "one-card-carousel"],
)
async def test_import_lists_problems(owner_client: httpx.AsyncClient, text: str,
                                     expected: str) -> None:
    response = await _import(owner_client, text)
    assert response.status_code == 422
    page = soup(response)
    assert expected in [code.get_text() for code in page.select(".alert li code")]
    assert page.select_one("#f-json").get_text() == text  # kept for fixing
    assert await Message.all().count() == 0


async def test_import_needs_a_name_and_caps_size(owner_client: httpx.AsyncClient) -> None:
    text = (CASES / "text.json").read_text(encoding="utf-8")
    response = await _import(owner_client, text, name="")
    assert response.status_code == 422
    assert soup(response).select_one("#e-name") is not None
    big = json.dumps({"version": 2, "kind": "text", "text": "x" * 1_500_000})
    response = await _import(owner_client, big)
    assert response.status_code == 422
    assert "1 MB" in soup(response).select_one(".alert").get_text()
    huge = "x" * 10_000_000
    assert (await _import(owner_client, huge)).status_code == 413


async def test_import_file_upload(owner_client: httpx.AsyncClient) -> None:
    token = await csrf_of(owner_client, "/messages/import")
    data = (CASES / "card.json").read_bytes()
    response = await owner_client.post(
        f"/messages/import?csrf_token={token}", data={"name": "文件导入"},
        files={"file": ("card.json", data, "application/json")},
    )
    assert response.status_code == 303, response.text
    assert (await Message.get(name="文件导入")).kind == "card"


async def test_import_is_for_editors(owner_client: httpx.AsyncClient,
                                     member: MemberFactory) -> None:  # noqa: F811
    analyst = await member("analyst")
    token = await csrf_of(analyst, "/messages")
    response = await analyst.post("/messages/import",
                                  data={"name": "x", "json": "{}", "csrf_token": token})
    assert response.status_code == 403


async def test_export_a_chosen_version_and_invalid_draft(owner_client: httpx.AsyncClient) -> None:
    mid = await new_message(owner_client, "carousel")
    form = await editor(owner_client, mid)
    form["cards-0-title"] = "x" * 300
    await post_editor(owner_client, mid, form)
    exported = await owner_client.get(f"/messages/{mid}/export?version=1")
    assert json.loads(exported.text)["cards"][0]["title"] == "x" * 300
    assert (await owner_client.get(f"/messages/{mid}/export?version=7")).status_code == 404
    page = soup(await owner_client.get(f"/messages/{mid}/gsma"))
    assert page.select_one("#gsma-json") is None
    assert "cards[0].title" in page.select_one(".alert").get_text()
    version = await MessageVersion.get(message_id=mid)
    assert version.number == 1
