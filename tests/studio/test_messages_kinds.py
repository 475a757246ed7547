"""Done when: each of the four kinds built through the editor with every button type, approved,
renders GSMA JSON that validates against the GSMA chatbot message schema."""

from __future__ import annotations

import json

import httpx
import jsonschema
import pytest

from renderers.rcs import gsma_bodies
from studio.models.accounts import Workspace
from studio.models.media import AssetUse
from studio.models.messages import Message
from tests.renderers.conftest import load_gsma_schema, schema_errors
from tests.studio.test_messages import (
    apply,
    editor,
    library_asset,
    new_message,
    post_editor,
    soup,
)

#: (action type, fields) for every button type, as a marketer fills them in
ACTIONS: list[tuple[str, dict[str, str]]] = [
    ("reply", {"data": "yes"}),
    ("open_url", {"url": "https://shop.example.cn/活动?id={{city}}"}),
    ("open_app", {"deep_link": "exampleshop://home", "fallback_url": "https://example.cn/app",
                  "package": "cn.example.shop"}),
    ("dial", {"phone": "+86 138-0000-1111"}),
    ("show_location", {"latitude": "39.9", "longitude": "116.4", "label": "天安门"}),
    ("request_location", {}),
    ("calendar", {"title": "发布会", "start": "2026-05-01T09:00", "end": "2026-05-01T10:30",
                  "description": "新品"}),
]


async def _button(client: httpx.AsyncClient, mid: int, form: dict[str, str], list_path: str,
                  index: int, kind: str, fields: dict[str, str]) -> dict[str, str]:
    form = await apply(client, mid, form, f"add:{list_path}")
    prefix = f"{list_path}-{index}"
    form[f"{prefix}-action-type"] = kind
    form = await apply(client, mid, form, "refresh")
    form[f"{prefix}-label"] = f"按钮{index}{{{{city}}}}"[:25]
    for key, value in fields.items():
        assert f"{prefix}-action-{key}" in form, (kind, key)
        form[f"{prefix}-action-{key}"] = value
    return form


@pytest.mark.parametrize("kind", ["text", "rich", "card", "carousel"])
async def test_every_kind_with_every_button_type_validates(owner_client: httpx.AsyncClient,
                                                           kind: str) -> None:
    validator = jsonschema.Draft4Validator(
        load_gsma_schema(), format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    await Workspace.all().update(auto_approve=True)
    mid = await new_message(owner_client, kind)
    form = await editor(owner_client, mid)
    form = await apply(owner_client, mid, form, "add:variables")
    form.update({"variables-0-name": "city", "variables-0-sample": "北京",
                 "text": "{{city}}新店开业"})
    if kind == "rich":
        form["media-asset_id"] = str(await library_asset("video"))
    for i in range(2 if kind == "carousel" else 1 if kind == "card" else 0):
        form.update({f"cards-{i}-title": f"卡片{i}", f"cards-{i}-description": "说明",
                     f"cards-{i}-media-asset_id": str(await library_asset("image"))})
        for j, (action, fields) in enumerate(ACTIONS[i * 4:i * 4 + 4] or ACTIONS[:4]):
            form = await _button(owner_client, mid, form, f"cards-{i}-buttons", j, action, fields)
    for j, (action, fields) in enumerate(ACTIONS):
        form = await _button(owner_client, mid, form, "suggestions", j, action, fields)
    form.update({"fallback-type": "sms_ch5", "ch5": "on"})
    response = await post_editor(owner_client, mid, form, "submit")
    page = soup(response)
    problems = [e.get_text() for e in page.select(".errs .error")]
    assert response.status_code == 200, problems
    assert (await Message.get(id=mid)).approved_version == 1
    gsma = soup(await owner_client.get(f"/messages/{mid}/gsma"))
    output = json.loads(gsma.select_one("#gsma-json").get_text())
    bodies = gsma_bodies(output)
    assert bodies
    for body in bodies:
        assert schema_errors(validator, body) == []
    text = json.dumps(output, ensure_ascii=False)
    assert "北京新店开业" in text and "{{city}}" not in text
    if kind != "text":  # the library's rendition URLs, absolute; the library knows the use
        assert "http://testserver/m/" in text
        assert await AssetUse.filter(user_type="message_version").count() >= 1
    # and the CH5 page view shows every floating button
    preview = soup(await owner_client.get(f"/messages/{mid}/preview"))
    assert len(preview.select(".pv-ch5-sugg .pv-ch5-btn")) == len(ACTIONS)
