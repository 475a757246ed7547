"""Review transitions of templates through HTTP: submit, withdraw, reject (with its reason),
edit after a rejection, approve by another member, no self-review unless allowed, auto-approval,
and the per-carrier review of each approved version (UMCC V1.6 §8)."""

from __future__ import annotations

import httpx

from studio.models.accounts import Workspace
from studio.models.messages import ReviewEvent, ReviewStatus
from studio.models.templates import Carrier, SmsTemplate, VideoSmsTemplate
from studio.sms_templates import api
from studio.sms_templates.reviewing import SMS_TEMPLATE, VIDEO_SMS_TEMPLATE
from tests.conftest import csrf_of
from tests.studio.test_signatures import (  # noqa: F401 (member is a fixture)
    MemberFactory,
    approved_signature,
    error_of,
    member,
    soup,
)
from tests.studio.test_sms_templates import _form, new_template


async def _decide(client: httpx.AsyncClient, tid: int, decision: str, **extra: str
                  ) -> httpx.Response:
    token = await csrf_of(client, "/")
    return await client.post(f"/sms-templates/{tid}/review",
                             data={"decision": decision, "csrf_token": token, **extra},
                             follow_redirects=True)


async def _status(tid: int) -> ReviewStatus:
    return (await SmsTemplate.get(id=tid)).status


async def test_sms_template_review_transitions(owner_client: httpx.AsyncClient,
                                               member: MemberFactory) -> None:  # noqa: F811
    sig_id = await approved_signature(owner_client)
    await Workspace.all().update(self_review=False)
    tid = await new_template(owner_client, sig_id)
    refused = await _decide(owner_client, tid, "approve")  # a draft cannot be approved
    assert refused.status_code == 409
    assert soup(refused).select_one("#sms-conflict").get_text() == (
        "当前状态不允许此操作，请刷新页面查看最新状态")
    await _decide(owner_client, tid, "submit")
    assert await _status(tid) is ReviewStatus.IN_REVIEW
    own = await _decide(owner_client, tid, "approve")
    assert own.status_code == 403 and "不能审核自己提交的内容" in own.text
    token = await csrf_of(owner_client, "/")
    in_review = await owner_client.post(f"/sms-templates/{tid}/delete",
                                        data={"csrf_token": token})
    assert in_review.status_code == 409
    assert soup(in_review).select_one("#sms-conflict").get_text() == (
        "审核中的模板不能删除，请先撤回")
    withdrawn = await _decide(owner_client, tid, "withdraw")
    assert soup(withdrawn).select_one(".notice").get_text() == "已撤回为草稿"
    assert await _status(tid) is ReviewStatus.DRAFT
    await _decide(owner_client, tid, "submit")

    reviewer = await member("reviewer")
    no_reason = await _decide(reviewer, tid, "reject")
    assert no_reason.status_code == 422 and error_of(no_reason, "reason") == "请填写驳回原因"
    rejected = await _decide(reviewer, tid, "reject", reason="营销内容须写明活动时间")
    assert soup(rejected).select_one("#sms-status").get_text() == "已驳回"
    assert "营销内容须写明活动时间" in soup(rejected).select_one("p.error").get_text()
    # editing a rejected template saves it as a draft again
    row = await SmsTemplate.get(id=tid)
    edited = await owner_client.post(f"/sms-templates/{tid}", data={
        **await _form(owner_client, sig_id, text="{{name}}您好，11月11日全天5折，拒收请回复R",
                      variables="name=王先生"), "op": "save", "revision": str(row.revision)})
    assert edited.status_code == 200, edited.text
    assert await _status(tid) is ReviewStatus.DRAFT
    await _decide(owner_client, tid, "submit")
    approved = await _decide(reviewer, tid, "approve")
    assert soup(approved).select_one("#sms-status").get_text() == "已通过"
    actions = await ReviewEvent.filter(subject_type=SMS_TEMPLATE, subject_id=tid).order_by(
        "id").values_list("action", flat=True)
    assert actions == ["submit", "withdraw", "submit", "reject", "reopen", "submit", "approve"]
    history = soup(approved).select("#review ~ section.card tbody tr")
    assert len(history) >= 7

    # each carrier reviews the approved version and gives its own template id
    page = soup(approved)
    assert [r.select_one(".carrier-status").get_text() for r in
            page.select(".carrier-table tbody tr")] == ["未报备", "未报备", "未报备"]
    rtoken = await csrf_of(reviewer, "/")
    unicom = await reviewer.post(f"/sms-templates/{tid}/carrier", data={
        "carrier": "unicom", "status": "rejected", "csrf_token": rtoken})
    assert error_of(unicom, "carrier_reason") == "请填写运营商驳回原因"
    bad_id = await reviewer.post(f"/sms-templates/{tid}/carrier", data={
        "carrier": "mobile", "status": "approved", "carrier_template_id": "<script>",
        "csrf_token": rtoken})
    assert error_of(bad_id, "carrier_template_id") == "模板ID只能包含字母、数字、- 和 _，最多 64 位"
    for carrier, status, template_id in [("mobile", "approved", "M-1001"),
                                         ("unicom", "rejected", ""),
                                         ("telecom", "pending", "")]:
        done = await reviewer.post(f"/sms-templates/{tid}/carrier", data={
            "carrier": carrier, "status": status, "carrier_template_id": template_id,
            "reason": "签名与资质不符" if status == "rejected" else "", "csrf_token": rtoken})
        assert done.status_code == 200, done.text
    assert soup(done).select_one(".notice").get_text() == "已记录中国电信审核结果"
    assert [await api.may_send(1, SMS_TEMPLATE, tid, c) for c in Carrier] == [True, False, False]
    assert (await api.approved_sms(1, tid)).carriers == {Carrier.MOBILE: "M-1001"}
    listed = soup(await owner_client.get("/sms-templates"))
    assert [c.get_text() for c in listed.select(f"#sms-{tid} .carriers .carrier")] == [
        "移动✓", "联通✗", "电信…"]
    editor = await member("editor")
    forbidden = await editor.post(f"/sms-templates/{tid}/carrier", data={
        "carrier": "unicom", "status": "approved", "carrier_template_id": "U1",
        "csrf_token": await csrf_of(editor, "/")})
    assert forbidden.status_code == 403

    # a new approved version is reviewed by the carriers again
    await owner_client.post(f"/sms-templates/{tid}/version", data={"csrf_token": token})
    assert await api.may_send(1, SMS_TEMPLATE, tid, Carrier.MOBILE)  # v1 is still sent
    await _decide(owner_client, tid, "submit")
    await _decide(reviewer, tid, "approve")
    assert (await api.approved_sms(1, tid)).version == 2
    assert not await api.may_send(1, SMS_TEMPLATE, tid, Carrier.MOBILE)


async def test_auto_approval_snapshots_and_opens_carrier_reviews(
        owner_client: httpx.AsyncClient) -> None:
    sig_id = await approved_signature(owner_client)
    await Workspace.all().update(auto_approve=True)
    tid = await new_template(owner_client, sig_id)
    submitted = await _decide(owner_client, tid, "submit")
    assert soup(submitted).select_one("#sms-status").get_text() == "已通过"
    sent = await api.approved_sms(1, tid)
    assert sent.version == 1 and sent.carriers == {}
    assert len(soup(submitted).select(".carrier-table tbody tr")) == 3
    token = await csrf_of(owner_client, "/video-sms/new")
    created = await owner_client.post("/video-sms/new", data={
        "csrf_token": token, "name": "自动通过", "title": "标题", "signature": str(sig_id),
        "profile": "video_sms", "frame_count": "1", "frame_kind_0": "text",
        "frame_text_0": "您好", "op": "save"})
    vid = int(created.headers["location"].rsplit("/", 1)[-1])
    await owner_client.post(f"/video-sms/{vid}/review", data={"decision": "submit",
                                                               "csrf_token": token})
    assert (await VideoSmsTemplate.get(id=vid)).status is ReviewStatus.APPROVED
    video = await api.approved_video_sms(1, vid)
    assert video.frames == [{"kind": "text", "text": "您好"}] and video.signature == "示例科技"
    assert not await api.may_send(1, VIDEO_SMS_TEMPLATE, vid, Carrier.TELECOM)
