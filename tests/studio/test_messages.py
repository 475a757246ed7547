"""The message list and editor through HTTP: every form post valid, invalid, conflicting, from a
wrong role and from another workspace. Helpers here are reused by the review and chatbot tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from bs4 import BeautifulSoup
from starlette.applications import Starlette

from studio import accounts
from studio.models.accounts import Membership, Workspace
from studio.models.messages import Message, MessageVersion, ReviewStatus
from tests.conftest import csrf_of, login

PASSWORD = "member pass 12"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def soup(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


async def new_message(client: httpx.AsyncClient, kind: str = "text", name: str = "春节促销") -> int:
    token = await csrf_of(client, "/messages/new")
    response = await client.post("/messages/new",
                                 data={"name": name, "kind": kind, "csrf_token": token})
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rstrip("/").rsplit("/", 1)[-1])


def form_of(page: BeautifulSoup, selector: str = "#msg-form") -> dict[str, str]:
    """The values a browser would submit from the form (without a submit button)."""
    form = page.select_one(selector)
    assert form is not None, "no editor form"
    values: dict[str, str] = {}
    for el in form.select("input[name], textarea[name], select[name]"):
        name = el["name"]
        if el.name == "textarea":
            values[name] = el.get_text()
        elif el.name == "select":
            chosen = el.select_one("option[selected]") or el.select_one("option")
            values[name] = chosen.get("value", "") if chosen else ""
        elif el.get("type") in ("checkbox", "radio"):
            if el.has_attr("checked"):
                values[name] = el.get("value", "on")
        else:
            values[name] = el.get("value", "")
    return values


async def editor(client: httpx.AsyncClient, mid: int) -> dict[str, str]:
    response = await client.get(f"/messages/{mid}")
    assert response.status_code == 200, response.text
    return form_of(soup(response))


async def post_editor(client: httpx.AsyncClient, mid: int, form: dict[str, str], op: str = "save",
                      htmx: bool = False) -> httpx.Response:
    headers = {"HX-Request": "true"} if htmx else {}
    return await client.post(f"/messages/{mid}", data={**form, "op": op}, headers=headers)


async def apply(
    client: httpx.AsyncClient, mid: int, form: dict[str, str], op: str
) -> dict[str, str]:
    """A structural edit (add a card, a button...): the form as the editor shows it after."""
    response = await post_editor(client, mid, form, op)
    assert response.status_code == 200, response.text
    return form_of(soup(response))


MemberFactory = Callable[[str], Awaitable[httpx.AsyncClient]]

_MEDIA = {  # kind: (mime, format, [(profile, mime, size, width, height, duration)])
    "image": ("image/jpeg", "jpeg", [("rcs_image", "image/jpeg", 240_000, 1080, 720, None),
                                     ("thumbnail", "image/jpeg", 18_000, 400, 266, None)]),
    "video": ("video/mp4", "mp4", [("rcs_video", "video/mp4", 1_500_000, 1280, 720, 15.0),
                                   ("thumbnail", "image/jpeg", 18_000, 400, 225, None)]),
    "audio": ("audio/mpeg", "mp3", [("rcs_audio", "audio/mpeg", 480_000, None, None, 30.0)]),
}


async def library_asset(kind: str = "image", workspace_id: int | None = None) -> int:
    """A ready media library asset with its renditions (rows only: no files are served)."""
    from studio.models.media import AssetStatus, MediaAsset, Rendition

    if workspace_id is None:
        workspace_id = (await Workspace.all().order_by("id").first()).id  # type: ignore[union-attr]
    mime, fmt, profiles = _MEDIA[kind]
    n = await MediaAsset.all().count()
    asset = await MediaAsset.create(
        workspace_id=workspace_id, name=f"{kind}-{n}", kind=kind, mime=mime, format=fmt,
        size=1000, sha256=f"{n:064d}", original_key=f"{n:032d}", status=AssetStatus.READY)
    for profile, r_mime, size, width, height, duration in profiles:
        await Rendition.create(
            workspace_id=workspace_id, asset=asset, profile=profile, settings_hash="0" * 32,
            storage_key=f"{asset.id:032d}", mime=r_mime, format=r_mime.split("/")[1], size=size,
            budget_bytes=size * 2, width=width, height=height, duration=duration,
            content_hash=f"{asset.id}{profile}".ljust(64, "0")[:64])
    return int(asset.id)


@pytest.fixture
async def member(app: Starlette, owner_client: httpx.AsyncClient) -> AsyncIterator[MemberFactory]:
    """`await member("reviewer")`: a logged-in client for a new member of the owner's workspace."""
    opened: list[httpx.AsyncClient] = []

    async def make(role: str, workspace: Workspace | None = None) -> httpx.AsyncClient:
        workspace = workspace or await Workspace.all().order_by("id").first()
        login_name = f"{role}{len(opened)}@example.cn"
        user = await accounts.create_user(login=login_name, password=PASSWORD, name=role)
        await Membership.create(workspace=workspace, user=user, role=role)
        transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 40000 + len(opened)))
        c = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        opened.append(c)
        assert (await login(c, login_name, PASSWORD)).status_code == 303
        return c

    yield make
    for c in opened:
        await c.aclose()


# ---- list and create -------------------------------------------------------------------------


async def test_create_each_kind_and_list_filters(owner_client: httpx.AsyncClient) -> None:
    ids = {kind: await new_message(owner_client, kind, f"消息 {kind}")
           for kind in ("text", "rich", "card", "carousel")}
    page = soup(await owner_client.get("/messages"))
    assert len(page.select("table.msg-table tbody tr")) == 4
    assert page.select_one(f"#msg-{ids['card']} .badge").get_text() == "草稿"
    only = soup(await owner_client.get("/messages?kind=carousel"))
    assert [a.get_text() for a in only.select("tbody td:first-child a")] == ["消息 carousel"]
    found = soup(await owner_client.get("/messages?q=rich"))
    assert [a.get_text() for a in found.select("tbody td:first-child a")] == ["消息 rich"]
    none = soup(await owner_client.get("/messages?status=approved"))
    assert none.select_one(".empty") is not None
    # the carousel editor starts with two cards, the card editor with one
    assert "cards-1-title" in await editor(owner_client, ids["carousel"])
    card_form = await editor(owner_client, ids["card"])
    assert "cards-0-title" in card_form and "cards-1-title" not in card_form


async def test_create_invalid_and_nav(owner_client: httpx.AsyncClient) -> None:
    token = await csrf_of(owner_client, "/messages/new")
    response = await owner_client.post("/messages/new",
                                       data={"name": " ", "kind": "poster", "csrf_token": token})
    assert response.status_code == 422
    page = soup(response)
    assert page.select_one("#e-name") is not None
    assert "请选择消息类型" in page.get_text()
    assert (await owner_client.get("/area/messages")).headers["location"].endswith("/messages")


async def test_analyst_reads_but_cannot_edit(owner_client: httpx.AsyncClient,
                                             member: MemberFactory) -> None:
    mid = await new_message(owner_client)
    form = await editor(owner_client, mid)
    analyst = await member("analyst")
    assert (await analyst.get("/messages")).status_code == 200
    page = soup(await analyst.get(f"/messages/{mid}"))
    assert page.select_one("#msg-form fieldset[disabled]") is not None
    token = await csrf_of(analyst, "/messages")
    response = await analyst.post(f"/messages/{mid}", data={**form, "csrf_token": token})
    assert response.status_code == 403
    for path in ("/messages/new", f"/messages/{mid}/duplicate", f"/messages/{mid}/delete",
                 f"/messages/{mid}/draft"):
        assert (await analyst.post(path, data={"csrf_token": token})).status_code == 403, path


async def test_other_workspace_gets_404(owner_client: httpx.AsyncClient, app: Starlette) -> None:
    mid = await new_message(owner_client)
    form = await editor(owner_client, mid)
    other_ws = await Workspace.create(name="别家公司")
    user = await accounts.create_user(login="stranger@example.cn", password=PASSWORD)
    await Membership.create(workspace=other_ws, user=user, role="owner")
    transport = httpx.ASGITransport(app=app, client=("198.51.100.1", 1234))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as stranger:
        assert (await login(stranger, "stranger@example.cn", PASSWORD)).status_code == 303
        token = await csrf_of(stranger, "/messages")
        for path in ("", "/preview", "/history", "/export", "/gsma"):
            assert (await stranger.get(f"/messages/{mid}{path}")).status_code == 404, path
        for path in ("", "/preview", "/review", "/duplicate", "/delete", "/draft"):
            response = await stranger.post(f"/messages/{mid}{path}",
                                           data={**form, "decision": "submit",
                                                 "csrf_token": token})
            assert response.status_code == 404, path
        assert (await stranger.get("/messages")).text.count("春节促销") == 0
    assert (await MessageVersion.get(message_id=mid)).revision == 1


# ---- editing ---------------------------------------------------------------------------------


async def test_save_valid_text_message(owner_client: httpx.AsyncClient) -> None:
    mid = await new_message(owner_client)
    form = await editor(owner_client, mid)
    form = await apply(owner_client, mid, form, "add:variables")
    form.update({"text": "{{name}}您好，新年快乐", "variables-0-name": "name",
                 "variables-0-sample": "张三", "trigger-type": "keywords",
                 "trigger-keywords": "新年，促销", "name": "新年问候"})
    response = await post_editor(owner_client, mid, form)
    assert response.status_code == 200
    page = soup(response)
    assert "草稿已保存" in page.select_one(".notice").get_text()
    assert "张三您好" in page.select_one(".pv-rcs .pv-bubble").get_text()
    version = await MessageVersion.get(message_id=mid)
    assert version.revision == 2
    assert version.document["trigger"] == {"type": "keywords", "keywords": ["新年", "促销"]}
    assert (await Message.get(id=mid)).name == "新年问候"


async def test_invalid_draft_saves_and_shows_problems_by_field(
    owner_client: httpx.AsyncClient,
) -> None:
    mid = await new_message(owner_client, "card")
    form = await editor(owner_client, mid)
    form = await apply(owner_client, mid, form, "add:cards-0-buttons")
    form = await apply(owner_client, mid, form, "add:suggestions")
    form["suggestions-0-action-type"] = "dial"
    form = await apply(owner_client, mid, form, "refresh")
    assert "suggestions-0-action-phone" in form
    form.update({
        "cards-0-title": "标" * 201,
        "cards-0-buttons-0-label": "长" * 26,
        "cards-0-buttons-0-action-data": "yes",
        "suggestions-0-label": "客服",
        "suggestions-0-action-phone": "call-me-maybe",
    })
    response = await post_editor(owner_client, mid, form)
    assert response.status_code == 200  # drafts may be invalid
    page = soup(response)
    assert "200" in page.select_one("#e-cards-0-title").get_text()
    assert page.select_one("#e-cards-0-buttons-0-label .error") is not None
    assert page.select_one("#e-suggestions-0-action-phone .error") is not None
    assert page.select_one("#n-cards-0-title.over") is not None
    saved = await MessageVersion.get(message_id=mid)
    assert saved.document["cards"][0]["title"] == "标" * 201
    # submitting is refused with the same problems
    response = await post_editor(owner_client, mid, form_of(page), "submit")
    assert response.status_code == 422
    assert (await MessageVersion.get(message_id=mid)).status is ReviewStatus.DRAFT


@pytest.mark.parametrize(
    ("field", "value", "slot"),
    [
        ("suggestions-0-action-url", "javascript:alert(1)", "suggestions-0-action-url"),
        ("suggestions-0-action-url", "ftp://example.com/a", "suggestions-0-action-url"),
        ("suggestions-0-action-url", "not a url", "suggestions-0-action-url"),
    ],
    ids=["javascript", "ftp", "garbage"],
)
async def test_bad_urls_are_problems(owner_client: httpx.AsyncClient, field: str, value: str,
                                     slot: str) -> None:
    mid = await new_message(owner_client)
    form = await apply(owner_client, mid, await editor(owner_client, mid), "add:suggestions")
    form["suggestions-0-action-type"] = "open_url"
    form = await apply(owner_client, mid, form, "refresh")
    form.update({"text": "你好", "suggestions-0-label": "打开", field: value})
    page = soup(await post_editor(owner_client, mid, form))
    assert page.select_one(f"#e-{slot} .error") is not None
    assert page.select_one('a[href^="javascript"]') is None


async def test_xss_in_every_field_is_inert(owner_client: httpx.AsyncClient) -> None:
    mid = await new_message(owner_client, "carousel", name=XSS)
    form = await editor(owner_client, mid)
    form = await apply(owner_client, mid, form, "add:cards-0-buttons")
    form = await apply(owner_client, mid, form, "add:suggestions")
    form = await apply(owner_client, mid, form, "add:variables")
    for key in list(form):
        if key.endswith(("title", "description", "label", "data", "sample")) or key == "text":
            form[key] = XSS
    form["variables-0-name"] = "v"
    form["trigger-type"], form["trigger-keywords"] = "keywords", XSS
    for path in ("", "/preview"):
        response = await owner_client.post(f"/messages/{mid}{path}", data={**form, "op": "save"})
        page = soup(response)
        assert page.select("script:not([src])") == [], path
        assert page.select("[onerror]") == [] and page.select("img[src=x]") == [], path
    for path in ("", "/preview", "/history", "/gsma"):
        page = soup(await owner_client.get(f"/messages/{mid}{path}"))
        assert page.select("script:not([src])") == [] and page.select("[onerror]") == [], path
    listing = await owner_client.get("/messages")
    assert "&lt;script&gt;" in listing.text and XSS not in listing.text


async def test_structural_ops_add_move_remove(owner_client: httpx.AsyncClient) -> None:
    mid = await new_message(owner_client, "carousel")
    form = await editor(owner_client, mid)
    form.update({"cards-0-title": "A", "cards-1-title": "B"})
    form = await apply(owner_client, mid, form, "add:cards")
    form["cards-2-title"] = "C"
    form = await apply(owner_client, mid, form, "up:cards-2")
    assert [form[f"cards-{i}-title"] for i in range(3)] == ["A", "C", "B"]
    form = await apply(owner_client, mid, form, "remove:cards-0")
    assert [form[f"cards-{i}-title"] for i in range(2)] == ["C", "B"]
    for _ in range(5):
        form = await apply(owner_client, mid, form, "add:cards-0-buttons")
    assert "cards-0-buttons-3-label" in form and "cards-0-buttons-4-label" not in form
    for _ in range(8):
        form = await apply(owner_client, mid, form, "add:cards")
    assert "cards-7-title" in form and "cards-8-title" not in form
    # nonsense ops change nothing
    assert await apply(owner_client, mid, form, "remove:cards-99") == form
    assert await apply(owner_client, mid, form, "drop table") == form
    # nothing was saved by these edits
    assert (await MessageVersion.get(message_id=mid)).revision == 1


async def test_two_people_saving_the_same_draft(owner_client: httpx.AsyncClient,
                                                member: MemberFactory) -> None:
    mid = await new_message(owner_client)
    editor2 = await member("editor")
    mine, theirs = await editor(owner_client, mid), await editor(editor2, mid)
    theirs["text"] = "他们的版本"
    assert (await post_editor(editor2, mid, theirs)).status_code == 200
    mine["text"] = "我的版本"
    response = await post_editor(owner_client, mid, mine, htmx=True)
    assert response.status_code == 409
    page = soup(response)
    assert "已被他人修改" in page.select_one(".alert").get_text()
    assert page.select_one("#f-text").get_text() == "我的版本"  # the typing is not lost
    version = await MessageVersion.get(message_id=mid)
    assert version.document["text"] == "他们的版本"
    # a forged revision is a conflict too, never a 500
    response = await post_editor(owner_client, mid, {**mine, "revision": "abc"})
    assert response.status_code == 409


async def test_preview_fragment_tracks_the_form(owner_client: httpx.AsyncClient) -> None:
    mid = await new_message(owner_client, "card")
    form = await editor(owner_client, mid)
    form.update({"cards-0-title": "开业大吉", "cards-0-description": "全场八折",
                 "fallback-type": "sms_ch5", "ch5": "on"})
    response = await owner_client.post(f"/messages/{mid}/preview", data=form,
                                       headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one(".pv-rcs .pv-title").get_text() == "开业大吉"
    assert page.select_one(".pv-ch5 h3").get_text() == "开业大吉"
    # the CH5 link stands in as long as the personalised link a batch sends from this host
    sms_text = page.select_one(".pv-sms-text").get_text()
    assert sms_text.endswith(" http://testserver/s/" + "x" * 10)
    oob = page.select("[hx-swap-oob]")
    assert {"e-cards-0-title", "n-cards-0-title", "fallback-count"} <= {el["id"] for el in oob}
    form["cards-0-title"] = "x" * 300
    page = soup(await owner_client.post(f"/messages/{mid}/preview", data=form))
    assert page.select_one("#e-cards-0-title .error") is not None
    assert page.select_one(".pv-note") is not None  # previews anyway, marked as approximate
    # nothing is saved by previewing
    assert (await MessageVersion.get(message_id=mid)).revision == 1


async def test_huge_paste_is_refused(owner_client: httpx.AsyncClient) -> None:
    mid = await new_message(owner_client)
    form = await editor(owner_client, mid)
    form["text"] = "x" * 10_000_000  # a 10 MB paste
    response = await post_editor(owner_client, mid, form)
    assert response.status_code == 413
    # htmx sends the CSRF token in a header, so the middleware does not read the body: still 413
    token = await csrf_of(owner_client, f"/messages/{mid}")
    for path in ("", "/preview"):
        response = await owner_client.post(f"/messages/{mid}{path}", data=form,
                                           headers={"X-CSRF-Token": token, "HX-Request": "true"})
        assert response.status_code == 413, path
    assert (await MessageVersion.get(message_id=mid)).revision == 1
