"""短链 in the studio: create (URL, CH5, custom code), bad targets, list/search/sort, edit
with history, QR codes, bulk CSV, analysts read only, the personalised-link API."""

from __future__ import annotations

import httpx
import pytest
from bs4 import BeautifulSoup

from studio.links.codes import ALPHABET, PERSONAL_LENGTH, generate_code
from studio.links.service import create_personalised_link
from studio.links.targets import TargetInvalid, normalise_url
from studio.models.accounts import Membership, User, Workspace
from studio.models.links import LinkTargetChange, ShortLink
from studio.models.messages import Message, MessageVersion, ReviewStatus
from studio.passwords import hash_password
from studio.roles import Role
from tests.conftest import csrf_of, login, post_form


def _soup(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


@pytest.mark.parametrize(("raw", "expected"), [
    ("https://Example.CN/a b?q=中文", "https://example.cn/a%20b?q=%E4%B8%AD%E6%96%87"),
    ("  http://example.cn:80  ", "http://example.cn/"),
    ("https://例子.中国/x", "https://xn--fsqu00a.xn--fiqs8s/x"),
    ("https://[2001:db8::1]:8443/p", "https://[2001:db8::1]:8443/p"),
], ids=["spaces-cjk", "default-port", "idna", "ipv6"])
def test_targets_are_normalised(raw: str, expected: str) -> None:
    assert normalise_url(raw) == expected


@pytest.mark.parametrize("raw", [
    "javascript:alert(1)", "data:text/html,hi", "file:///etc/passwd", "/relative/path",
    "//example.cn/x", "https://user:pw@example.cn/", "https://example.cn/\nx", "ftp://a.cn/",
    "https://" + "a" * 2100 + ".cn/", "https://example.cn:99999/", "",
], ids=["javascript", "data", "file", "relative", "scheme-relative", "credentials",
        "newline", "ftp", "too-long", "bad-port", "empty"])
def test_bad_targets_are_refused_with_a_message(raw: str) -> None:
    with pytest.raises(TargetInvalid) as info:
        normalise_url(raw)
    assert str(info.value)


async def test_code_length_grows_when_crowded() -> None:
    taken_lengths = {6, 7}

    async def exists(code: str) -> bool:
        return len(code) in taken_lengths

    code = await generate_code(exists)
    assert len(code) == 8 and set(code) <= set(ALPHABET)


async def test_create_list_search_edit_and_qr(owner_client: httpx.AsyncClient) -> None:
    client = owner_client
    response = await post_form(client, "/links/new", {
        "name": "双十一活动", "target_type": "url", "target_url": "https://shop.example.cn/1111",
        "code": "",
    }, token_from="/links/new")
    assert response.status_code == 303
    link = await ShortLink.get(name="双十一活动")
    assert len(link.code) >= 6
    detail = _soup(await client.get(response.headers["location"]))
    assert detail.select_one("#short-url")["value"] == f"http://testserver/s/{link.code}"
    listing = _soup(await client.get("/links", params={"q": "双十一"}))
    assert [a.get_text() for a in listing.select("#link-rows tbody a")][0] == "双十一活动"
    empty = _soup(await client.get("/links", params={"q": "nothing-like-this"}))
    assert empty.select("#link-rows tbody a") == []
    # edit the target: kept in the history
    edited = await post_form(client, f"/links/{link.id}", {
        "name": "双十一活动", "target_type": "url", "target_url": "https://shop.example.cn/new",
    }, token_from=f"/links/{link.id}")
    assert edited.status_code == 303
    history = await LinkTargetChange.filter(link_id=link.id)
    assert [(h.old_target_url, h.new_target_url) for h in history] == [
        ("https://shop.example.cn/1111", "https://shop.example.cn/new")]
    png = await client.get(f"/links/{link.id}/qr.png")
    svg = await client.get(f"/links/{link.id}/qr.svg")
    assert png.content.startswith(b"\x89PNG") and b"<svg" in svg.content


async def test_bad_input_is_shown_next_to_the_field(owner_client: httpx.AsyncClient) -> None:
    await ShortLink.create(workspace_id=(await Workspace.first()).id, code="taken1",
                           target_url="https://a.cn/")
    cases = [
        ({"target_url": "javascript:alert(1)"}, "target_url"),
        ({"target_url": "https://a.cn/", "code": "taken1"}, "code"),
        ({"target_url": "https://a.cn/", "code": "a b"}, "code"),
        ({"target_url": "https://a.cn/", "code": "api"}, "code"),
        ({"target_type": "ch5", "message_version": "999"}, "message_version"),
    ]
    for data, field in cases:
        response = await post_form(owner_client, "/links/new", {"target_type": "url", **data},
                                   token_from="/links/new")
        assert response.status_code == 422
        assert _soup(response).select_one(f".has-error #f-{field}") is not None, data


async def test_ch5_link_to_an_approved_version(owner_client: httpx.AsyncClient) -> None:
    workspace = await Workspace.first()
    message = await Message.create(workspace=workspace, name="新品", kind="text",
                                   approved_version=1)
    version = await MessageVersion.create(
        workspace=workspace, message=message, number=1, status=ReviewStatus.APPROVED,
        document={"version": 2, "kind": "text", "text": "hi", "fallback": {"type": "none"}})
    form = _soup(await owner_client.get("/links/new"))
    assert form.select_one(f"#f-message_version option[value='{version.id}']") is not None
    response = await post_form(owner_client, "/links/new", {
        "name": "CH5", "target_type": "ch5", "message_version": str(version.id), "code": "new-ch5",
    }, token_from="/links/new")
    assert response.status_code == 303
    link = await ShortLink.get(code="new-ch5")
    assert (link.message_version_id, link.message_id) == (version.id, message.id)
    assert link.target_url == ""


async def test_bulk_csv(owner_client: httpx.AsyncClient) -> None:
    token = await csrf_of(owner_client, "/links")
    body = "名称,链接\n活动A,https://a.cn/1\n活动B,javascript:x\n=cmd,https://b.cn/\n,\n".encode()
    response = await owner_client.post(f"/links/bulk?csrf_token={token}",
                                       files={"file": ("links.csv", body, "text/csv")})
    assert response.status_code == 200
    soup = _soup(response)
    assert soup.select_one("#created-count").get_text() == "2"
    assert [td.get_text() for td in soup.select("#bulk-errors td")][0] == "3"


async def test_analyst_reads_but_cannot_change(owner_client: httpx.AsyncClient) -> None:
    workspace = await Workspace.first()
    link = await ShortLink.create(workspace=workspace, code="abc123", target_url="https://a.cn/")
    user = await User.create(email="analyst@example.cn",
                             password_hash=hash_password("analyst pw 1"))
    await Membership.create(workspace=workspace, user=user, role=Role.ANALYST)
    token = await csrf_of(owner_client, "/")
    await owner_client.post("/logout", data={"csrf_token": token})
    assert (await login(owner_client, "analyst@example.cn", "analyst pw 1")).status_code == 303
    assert (await owner_client.get("/links")).status_code == 200
    assert (await owner_client.get(f"/stats/link/{link.id}")).status_code == 200
    assert (await owner_client.get("/links/new")).status_code == 403
    response = await post_form(owner_client, f"/links/{link.id}", {
        "target_type": "url", "target_url": "https://evil.cn/"}, token_from="/links")
    assert response.status_code == 403
    assert (await ShortLink.get(id=link.id)).target_url == "https://a.cn/"


async def test_personalised_link_api(db: None) -> None:
    workspace = await Workspace.create(name="发送")
    link = await create_personalised_link(
        workspace.id, batch_id=42, recipient="138****1234", variables={"name": "张三"},
        target_url="https://a.cn/offer")
    assert len(link.code) >= PERSONAL_LENGTH
    assert (link.batch_id, link.variables, link.recipient) == (42, {"name": "张三"}, "138****1234")


async def test_other_workspace_link_is_a_404(owner_client: httpx.AsyncClient) -> None:
    other = await Workspace.create(name="别人")
    link = await ShortLink.create(workspace=other, code="theirs1", target_url="https://a.cn/")
    assert (await owner_client.get(f"/links/{link.id}")).status_code == 404
    assert (await owner_client.get(f"/links/{link.id}/qr.png")).status_code == 404
    assert (await owner_client.get(f"/stats/link/{link.id}")).status_code == 404
    await ShortLink.create(workspace=other, code="theirs2", target_url="https://a.cn/",
                           batch_id=77)
    assert (await owner_client.get("/stats/batch/77")).status_code == 404
    assert (await owner_client.get("/links/notanumber")).status_code == 404
