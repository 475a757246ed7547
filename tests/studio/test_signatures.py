"""Signatures through HTTP: registration with qualification files, every bad input with its
zh-CN message, review by another member, withdrawal, private downloads. Helpers here are reused
by the SMS and video SMS template tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from bs4 import BeautifulSoup
from starlette.applications import Starlette

from studio import accounts
from studio.models.accounts import Membership, Workspace
from studio.models.sending import BatchStatus, SendBatch
from studio.models.templates import QualificationFile, Signature
from tests.conftest import csrf_of, login

PASSWORD = "member pass 12"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

MemberFactory = Callable[[str], Awaitable[httpx.AsyncClient]]


def soup(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def error_of(response: httpx.Response, name: str) -> str:
    found = soup(response).select_one(f"#e-{name}")
    assert found is not None, f"no error for {name}: {response.status_code}"
    return found.get_text(strip=True)


@pytest.fixture
async def member(app: Starlette, owner_client: httpx.AsyncClient) -> AsyncIterator[MemberFactory]:
    """`await member("reviewer")`: a logged-in client for a new member of the owner's workspace."""
    opened: list[httpx.AsyncClient] = []

    async def make(role: str) -> httpx.AsyncClient:
        workspace = await Workspace.all().order_by("id").first()
        login_name = f"sig-{role}{len(opened)}@example.cn"
        user = await accounts.create_user(login=login_name, password=PASSWORD, name=role)
        await Membership.create(workspace=workspace, user=user, role=role)
        transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 41000 + len(opened)))
        c = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        opened.append(c)
        assert (await login(c, login_name, PASSWORD)).status_code == 303
        return c

    yield make
    for c in opened:
        await c.aclose()


async def allow_self_review() -> None:
    await Workspace.all().update(self_review=True)


async def register(client: httpx.AsyncClient, text: str, files: list[tuple[str, bytes]] = (),
                   purpose: str = "会员通知") -> httpx.Response:
    token = await csrf_of(client, "/signatures/new")
    parts = [("files", (name, data, "application/octet-stream")) for name, data in files]
    kinds = ["licence" for _ in files]
    return await client.post(f"/signatures/new?csrf_token={token}",
                             data={"text": text, "purpose": purpose, "file_kind": kinds},
                             files=parts or {"none": ("", b"", "text/plain")})


async def approved_signature(client: httpx.AsyncClient, text: str = "示例科技") -> int:
    """Register and approve a signature (self review on); its id."""
    await allow_self_review()
    response = await register(client, text)
    assert response.status_code == 303, response.text
    sig_id = int(response.headers["location"].rsplit("/", 1)[-1])
    token = await csrf_of(client, f"/signatures/{sig_id}")
    decided = await client.post(f"/signatures/{sig_id}/review",
                                data={"decision": "approve", "csrf_token": token})
    assert decided.status_code == 200, decided.text
    return sig_id


async def test_register_with_files_then_list(owner_client: httpx.AsyncClient) -> None:
    response = await register(owner_client, "示例科技", [("营业执照.pdf", PDF), ("授权.png", PNG)])
    assert response.status_code == 303, response.text
    sig = await Signature.get(text="示例科技")
    assert sig.status.value == "in_review"
    files = await QualificationFile.filter(signature_id=sig.id).order_by("id")
    assert [(f.filename, f.mime) for f in files] == [("营业执照.pdf", "application/pdf"),
                                                    ("授权.png", "image/png")]
    page = soup(await owner_client.get("/signatures"))
    row = page.select_one(f"#sig-{sig.id}")
    assert row.select_one("a").get_text() == "【示例科技】"
    assert row.select_one(".badge").get_text() == "待审核"
    assert soup(await owner_client.get("/signatures?status=approved")).select_one(".empty")
    # as a browser sends it: three rows, only the second with a file
    token = await csrf_of(owner_client, "/signatures/new")
    second = await owner_client.post(
        f"/signatures/new?csrf_token={token}",
        data={"text": "示例品牌", "file_kind": ["licence", "authorisation", "other"]},
        files=[("files", ("", b"", "application/octet-stream")),
               ("files", ("授权书.pdf", PDF, "application/pdf")),
               ("files", ("", b"", "application/octet-stream"))])
    assert second.status_code == 303, second.text
    kinds = await QualificationFile.filter(signature__text="示例品牌").values_list("kind",
                                                                                  flat=True)
    assert [str(k) for k in kinds] == ["authorisation"]


BAD_TEXTS = [
    ("【示例】", "签名中不能包含括号，发送时会自动加上【】"),
    ("😀😀😀", "签名不能只有表情符号，请填写公司、品牌或产品名称"),
    ("示例😀", "签名中不能包含表情符号"),
    ("示", "签名长度须为 2-20 个字符，当前 1 个"),
    ("一二三四五六七八九十一二三四五六七八九十一", "签名长度须为 2-20 个字符，当前 21 个"),
    ("", "请填写签名"),
]


async def test_bad_signature_text(owner_client: httpx.AsyncClient) -> None:
    """Brackets, emoji only, 1 or 21 characters: each refused with its reason, nothing saved."""
    for text, message in BAD_TEXTS:
        response = await register(owner_client, text, [("a.pdf", PDF)])
        assert response.status_code == 422, text
        assert error_of(response, "text") == message, text
    assert await Signature.all().count() == 0
    assert await QualificationFile.all().count() == 0


async def test_duplicate_and_bad_file_save_nothing(owner_client: httpx.AsyncClient) -> None:
    assert (await register(owner_client, "示例科技")).status_code == 303
    duplicate = await register(owner_client, "示例科技", [("a.pdf", PDF)])
    assert error_of(duplicate, "text") == "签名“示例科技”已存在，不能重复申请"
    fake = await register(owner_client, "另一个", [("licence.pdf", b"<html>not a pdf</html>")])
    assert fake.status_code == 422
    assert "不是 PDF、JPG 或 PNG" in error_of(fake, "files")
    assert await Signature.all().count() == 1
    assert await QualificationFile.all().count() == 0


async def test_tighter_workspace_maximum(owner_client: httpx.AsyncClient) -> None:
    token = await csrf_of(owner_client, "/signatures/settings")
    saved = await owner_client.post("/signatures/settings", data={
        "signature_max_chars": "8", "opt_out_phrase": "退订回T", "forbidden_words": "",
        "csrf_token": token})
    assert saved.status_code == 200
    response = await register(owner_client, "一二三四五六七八九")
    assert error_of(response, "text") == "签名长度须为 2-8 个字符，当前 9 个"
    bad = await owner_client.post("/signatures/settings", data={
        "signature_max_chars": "30", "opt_out_phrase": "", "csrf_token": token})
    assert bad.status_code == 422
    assert error_of(bad, "signature_max_chars") == "签名长度上限须在 2 到 20 之间"


async def test_review_by_reviewer_reject_resubmit_approve(
        owner_client: httpx.AsyncClient, member: MemberFactory) -> None:
    response = await register(owner_client, "示例科技", [("a.pdf", PDF)])
    sig_id = int(response.headers["location"].rsplit("/", 1)[-1])
    token = await csrf_of(owner_client, "/")
    own = await owner_client.post(f"/signatures/{sig_id}/review",
                                  data={"decision": "approve", "csrf_token": token})
    assert own.status_code == 403
    assert "不能审核自己提交的内容" in own.text
    reviewer = await member("reviewer")
    rtoken = await csrf_of(reviewer, "/")
    no_reason = await reviewer.post(f"/signatures/{sig_id}/review",
                                    data={"decision": "reject", "csrf_token": rtoken})
    assert error_of(no_reason, "reason") == "请填写驳回原因"
    rejected = await reviewer.post(f"/signatures/{sig_id}/review", data={
        "decision": "reject", "reason": "签名必须和营业执照一致", "csrf_token": rtoken})
    assert soup(rejected).select_one("#sig-status").get_text() == "已驳回"
    resubmitted = await owner_client.post(f"/signatures/{sig_id}/resubmit?csrf_token={token}",
                                          data={"text": "示例科技公司", "purpose": "品牌"},
                                          files={"files": ("b.png", PNG, "image/png")})
    assert soup(resubmitted).select_one("#sig-status").get_text() == "待审核"
    approved = await reviewer.post(f"/signatures/{sig_id}/review",
                                   data={"decision": "approve", "csrf_token": rtoken})
    assert soup(approved).select_one("#sig-status").get_text() == "审核通过"
    sig = await Signature.get(id=sig_id)
    assert sig.text == "示例科技公司"
    assert await QualificationFile.filter(signature_id=sig_id).count() == 2
    editor = await member("editor")
    forbidden = await editor.post(f"/signatures/{sig_id}/review", data={
        "decision": "approve", "csrf_token": await csrf_of(editor, "/")})
    assert forbidden.status_code == 403


async def test_withdraw(owner_client: httpx.AsyncClient) -> None:
    sig_id = await approved_signature(owner_client)
    token = await csrf_of(owner_client, "/")
    batch = await SendBatch.create(workspace_id=1, number="B202611250001", name="双11定时",
                                   signature="示例科技", status=BatchStatus.SCHEDULED)
    refused = await owner_client.post(f"/signatures/{sig_id}/withdraw",
                                      data={"csrf_token": token})
    assert refused.status_code == 409
    assert soup(refused).select_one("#sig-conflict").get_text() == (
        "定时发送批次“双11定时”正在使用该签名，不能注销；请先取消该批次")
    await SendBatch.filter(id=batch.id).update(status=BatchStatus.CANCELLED)
    done = await owner_client.post(f"/signatures/{sig_id}/withdraw", data={"csrf_token": token})
    assert soup(done).select_one("#sig-status").get_text() == "已注销"
    again = await owner_client.post(f"/signatures/{sig_id}/withdraw", data={"csrf_token": token})
    assert again.status_code == 409
    # a withdrawn signature may be registered again
    assert (await register(owner_client, "示例科技")).status_code == 303
    listed = soup(await owner_client.get("/signatures?status=withdrawn"))
    assert len(listed.select("tbody tr")) == 1


async def test_qualification_download_is_private(owner_client: httpx.AsyncClient,
                                                 member: MemberFactory) -> None:
    response = await register(owner_client, "示例科技", [("营业执照.pdf", PDF)])
    sig_id = int(response.headers["location"].rsplit("/", 1)[-1])
    file_id = (await QualificationFile.get(signature_id=sig_id)).id
    url = f"/signatures/{sig_id}/files/{file_id}"
    got = await owner_client.get(url)
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["x-content-type-options"] == "nosniff"
    reviewer = await member("reviewer")
    assert (await reviewer.get(url)).status_code == 200
    editor = await member("editor")
    assert (await editor.get(url)).status_code == 404
    page = soup(await editor.get(f"/signatures/{sig_id}"))
    assert page.select_one("a.download") is None
