"""The review workflow: the reusable state machine and rules, and message review through HTTP."""

from __future__ import annotations

import httpx
import pytest

from studio.errors import Forbidden
from studio.messages import review
from studio.messages.keywords import keyword_index, match_keyword, normalise_keyword
from studio.messages.review import ReviewAction, ReviewPolicy
from studio.models.accounts import Workspace
from studio.models.messages import Message, MessageVersion, ReviewEvent, ReviewStatus
from studio.roles import Role
from tests.conftest import csrf_of
from tests.studio.test_messages import (
    MemberFactory,
    apply,
    editor,
    member,  # noqa: F401  (fixture)
    new_message,
    post_editor,
    soup,
)

S = ReviewStatus


@pytest.mark.parametrize(
    ("status", "action", "expected"),
    [
        (S.DRAFT, ReviewAction.SUBMIT, S.IN_REVIEW),
        (S.REJECTED, ReviewAction.SUBMIT, S.IN_REVIEW),
        (S.IN_REVIEW, ReviewAction.APPROVE, S.APPROVED),
        (S.IN_REVIEW, ReviewAction.REJECT, S.REJECTED),
        (S.IN_REVIEW, ReviewAction.WITHDRAW, S.DRAFT),
        (S.REJECTED, ReviewAction.REOPEN, S.DRAFT),
    ],
    ids=lambda v: str(v),
)
def test_transitions(status: ReviewStatus, action: ReviewAction, expected: ReviewStatus) -> None:
    assert review.next_status(status, action) is expected


@pytest.mark.parametrize(
    ("status", "action"),
    [(S.APPROVED, a) for a in ReviewAction] + [(S.DRAFT, ReviewAction.APPROVE),
                                              (S.DRAFT, ReviewAction.REJECT),
                                              (S.IN_REVIEW, ReviewAction.SUBMIT)],
    ids=lambda v: str(v),
)
def test_impossible_transitions(status: ReviewStatus, action: ReviewAction) -> None:
    with pytest.raises(review.InvalidTransition):
        review.next_status(status, action)


def test_reviewer_rules() -> None:
    class Item:
        submitted_by_id = 7

    review.check_may_review(Item(), actor_id=8, role=Role.REVIEWER, policy=ReviewPolicy())
    review.check_may_review(Item(), actor_id=7, role=Role.OWNER,
                            policy=ReviewPolicy(self_review=True))
    for actor, role in ((7, Role.OWNER), (8, Role.EDITOR), (8, Role.ANALYST)):
        with pytest.raises(Forbidden):
            review.check_may_review(Item(), actor_id=actor, role=role, policy=ReviewPolicy())
    assert review.is_editable(S.DRAFT) and review.is_editable(S.REJECTED)
    assert not review.is_editable(S.IN_REVIEW) and not review.is_editable(S.APPROVED)


@pytest.mark.parametrize(
    ("text", "postback", "expected"),
    [
        ("新年", None, "A"),
        ("  新年 ", None, "A"),
        ("ＶＩＰ", None, "B"),  # full-width, upper case
        ("vip", None, "B"),
        ("新年快乐", None, None),  # exact match only
        ("随便看看", "vip", "B"),  # the postback wins over the label
        ("新年", "unknown", "A"),  # then the label
        ("", "", None),
        (None, None, None),
    ],
    ids=["exact", "trimmed", "nfkc-casefold", "lower", "no-substring", "postback-first",
         "label-second", "empty", "none"],
)
def test_match_keyword(text: str | None, postback: str | None, expected: str | None) -> None:
    index = keyword_index([(["新年", "春节"], "A"), (["VIP"], "B"), (["新年"], "C")])
    assert match_keyword(text, index, postback=postback) == expected
    assert normalise_keyword(" Ｖip ") == "vip"


# ---- through HTTP ----------------------------------------------------------------------------


async def _valid_text(client: httpx.AsyncClient, name: str = "问候", keywords: str = "") -> int:
    mid = await new_message(client, "text", name)
    form = await editor(client, mid)
    form["text"] = "新年快乐"
    if keywords:
        form.update({"trigger-type": "keywords", "trigger-keywords": keywords})
    assert (await post_editor(client, mid, form)).status_code == 200
    return mid


async def _decide(client: httpx.AsyncClient, mid: int, decision: str,
                  reason: str = "") -> httpx.Response:
    token = await csrf_of(client, f"/messages/{mid}")
    return await client.post(f"/messages/{mid}/review",
                             data={"decision": decision, "reason": reason, "csrf_token": token})


async def test_submit_approve_with_history(owner_client: httpx.AsyncClient,
                                           member: MemberFactory) -> None:  # noqa: F811
    mid = await _valid_text(owner_client)
    form = await editor(owner_client, mid)
    response = await post_editor(owner_client, mid, form, "submit")
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one(".badge").get_text() == "审核中"
    assert page.select_one("#msg-form fieldset[disabled]") is not None
    # no edits while in review
    assert (await post_editor(owner_client, mid, form)).status_code == 409
    # the submitter may not approve their own submission (no self review)
    assert (await _decide(owner_client, mid, "approve")).status_code == 403
    editor_client = await member("editor")
    assert (await _decide(editor_client, mid, "approve")).status_code == 403
    reviewer = await member("reviewer")
    desk = soup(await reviewer.get("/messages"))
    assert desk.select_one(".list-head .badge").get_text() == "1"  # 待审核 1
    page = soup(await reviewer.get(f"/messages/{mid}"))
    assert page.select_one('.review-panel button[value="approve"]') is not None
    response = await _decide(reviewer, mid, "approve")
    assert response.status_code == 200
    assert "审核通过" in soup(response).select_one(".notice").get_text()
    message = await Message.get(id=mid)
    assert message.approved_version == 1
    version = await MessageVersion.get(message_id=mid)
    assert version.status is S.APPROVED and version.reviewed_by_id is not None
    actions = [e.action for e in await ReviewEvent.filter(subject_id=version.id).order_by("id")]
    assert actions == ["submit", "approve"]
    history = soup(await owner_client.get(f"/messages/{mid}/history"))
    assert [td.get_text() for td in history.select("#v1 tbody td:nth-child(2)")] == [
        "提交审核", "审核通过"]
    # approving twice is a conflict, not a second approval
    assert (await _decide(reviewer, mid, "approve")).status_code == 409


async def test_reject_needs_reason_then_edit_and_resubmit(owner_client: httpx.AsyncClient,
                                                          member: MemberFactory) -> None:  # noqa: F811
    mid = await _valid_text(owner_client)
    assert (await _decide(owner_client, mid, "submit")).status_code == 200
    reviewer = await member("reviewer")
    response = await _decide(reviewer, mid, "reject", "  ")
    assert response.status_code == 422
    assert "驳回原因" in soup(response).select_one(".alert").get_text()
    response = await _decide(reviewer, mid, "reject", "<b>文案</b>不合规")
    assert response.status_code == 200
    page = soup(await owner_client.get(f"/messages/{mid}"))
    assert "<b>文案</b>不合规" in page.select_one(".banner.bad").get_text()
    listing = soup(await owner_client.get("/messages?status=rejected"))
    assert "不合规" in listing.select_one("tbody").get_text()
    form = await editor(owner_client, mid)
    form["text"] = "改好的文案"
    assert (await post_editor(owner_client, mid, form)).status_code == 200
    version = await MessageVersion.get(message_id=mid)
    assert version.status is S.DRAFT
    assert (await post_editor(owner_client, mid, await editor(owner_client, mid),
                              "submit")).status_code == 200
    events = [e.action for e in await ReviewEvent.filter(subject_id=version.id).order_by("id")]
    assert events == ["submit", "reject", "reopen", "submit"]
    reasons = [e.reason for e in await ReviewEvent.filter(subject_id=version.id, action="reject")]
    assert reasons == ["<b>文案</b>不合规"]


async def test_withdraw(owner_client: httpx.AsyncClient) -> None:
    mid = await _valid_text(owner_client)
    assert (await _decide(owner_client, mid, "submit")).status_code == 200
    assert (await _decide(owner_client, mid, "withdraw")).status_code == 200
    assert (await MessageVersion.get(message_id=mid)).status is S.DRAFT
    assert (await _decide(owner_client, mid, "withdraw")).status_code == 409
    assert (await _decide(owner_client, mid, "dance")).status_code == 422


async def test_approved_is_immutable_new_draft_keeps_it_usable(
    owner_client: httpx.AsyncClient, member: MemberFactory,  # noqa: F811
) -> None:
    mid = await _valid_text(owner_client)
    await _decide(owner_client, mid, "submit")
    reviewer = await member("reviewer")
    await _decide(reviewer, mid, "approve")
    form = await editor(owner_client, mid)
    form["text"] = "偷偷改"
    assert (await post_editor(owner_client, mid, form)).status_code == 409
    token = await csrf_of(owner_client, f"/messages/{mid}")
    response = await owner_client.post(f"/messages/{mid}/draft", data={"csrf_token": token})
    assert response.status_code == 303
    form = await editor(owner_client, mid)
    form["text"] = "第二版"
    assert (await post_editor(owner_client, mid, form)).status_code == 200
    v1 = await MessageVersion.get(message_id=mid, number=1)
    assert v1.status is S.APPROVED and v1.document["text"] == "新年快乐"
    message = await Message.get(id=mid)
    assert (message.current_version, message.approved_version) == (2, 1)
    await post_editor(owner_client, mid, await editor(owner_client, mid), "submit")
    await _decide(reviewer, mid, "approve")
    assert (await Message.get(id=mid)).approved_version == 2
    history = soup(await owner_client.get(f"/messages/{mid}/history"))
    assert "第二版" in history.select_one("#v2 pre.diff").get_text()
    # new draft only from an approved version
    response = await owner_client.post(f"/messages/{mid}/draft", data={"csrf_token": token})
    assert response.status_code == 303
    assert (await owner_client.post(f"/messages/{mid}/draft",
                                    data={"csrf_token": token})).status_code == 409


async def test_auto_approve_workspace(owner_client: httpx.AsyncClient) -> None:
    await Workspace.all().update(auto_approve=True)
    mid = await _valid_text(owner_client)
    response = await _decide(owner_client, mid, "submit")
    assert "自动通过" in soup(response).select_one(".notice").get_text()
    assert (await Message.get(id=mid)).approved_version == 1
    events = [e.action for e in await ReviewEvent.all().order_by("id")]
    assert events == ["submit", "auto_approve"]


async def test_keyword_clash_on_save_submit_and_approve(
    owner_client: httpx.AsyncClient, member: MemberFactory,  # noqa: F811
) -> None:
    reviewer = await member("reviewer")
    first = await _valid_text(owner_client, "活动A", "新年，福利")
    second = await _valid_text(owner_client, "活动B", "ＶＩＰ\n新年")
    await _decide(owner_client, first, "submit")
    await _decide(owner_client, second, "submit")  # both in review, no clash yet
    assert (await _decide(reviewer, first, "approve")).status_code == 200
    response = await _decide(reviewer, second, "approve")
    assert response.status_code == 409
    assert "活动A" in soup(response).select_one(".alert").get_text()
    await _decide(reviewer, second, "reject", "关键词冲突")
    form = await editor(owner_client, second)
    page = soup(await post_editor(owner_client, second, form))
    assert "活动A" in page.select_one("#e-trigger-keywords").get_text()
    response = await post_editor(owner_client, second, form_of_page(page), "submit")
    assert response.status_code == 422
    form = form_of_page(soup(response))
    form["trigger-keywords"] = "vip"
    assert (await post_editor(owner_client, second, form, "submit")).status_code == 200
    assert (await _decide(reviewer, second, "approve")).status_code == 200


def form_of_page(page: object) -> dict[str, str]:
    from tests.studio.test_messages import form_of

    return form_of(page)  # type: ignore[arg-type]


async def test_approved_card_renders_gsma_json(owner_client: httpx.AsyncClient,
                                               member: MemberFactory) -> None:  # noqa: F811
    mid = await new_message(owner_client, "card")
    form = await editor(owner_client, mid)
    form = await apply(owner_client, mid, form, "add:cards-0-buttons")
    form.update({"cards-0-title": "开业", "cards-0-buttons-0-label": "好",
                 "cards-0-buttons-0-action-data": "ok"})
    assert (await post_editor(owner_client, mid, form, "submit")).status_code == 200
    reviewer = await member("reviewer")
    await _decide(reviewer, mid, "approve")
    page = soup(await owner_client.get(f"/messages/{mid}/gsma"))
    assert "botmessage" in page.select_one("#gsma-json").get_text()
