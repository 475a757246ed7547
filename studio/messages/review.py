"""The review workflow: one component for every reviewable kind.

Message versions use it now; signatures and SMS / video SMS templates reuse it. A reviewable
is any model row with these fields (see `studio.models.messages.MessageVersion`):
`id`, `workspace_id`, `status` (`ReviewStatus`), `reject_reason`, `submitted_by_id`,
`submitted_at`, `reviewed_by_id`, `reviewed_at`, and optionally `revision` (bumped on every
transition, so an editor holding an older revision gets a conflict instead of overwriting).

    draft ──submit──▶ in_review ──approve──▶ approved   (immutable from here)
      ▲                 │   │
      └───withdraw──────┘   └──reject──▶ rejected ──submit──▶ in_review
                                           └──reopen (edit)──▶ draft

Rules (`check_may_review`): only roles with `Perm.APPROVE`; nobody reviews their own
submission unless the workspace allows self review. With `auto_approve` a submission is
approved at once (event `auto_approve`, no reviewer). Every step writes a `ReviewEvent`, so
the history keeps each submission, rejection and reason even when a version is resubmitted.

Checks specific to a kind (a message's document must be valid, its keywords unique) are the
caller's: run them, then call `submit`/`approve` inside the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from studio.errors import Conflict, Forbidden, FormInvalid
from studio.i18n import Text
from studio.models.messages import ReviewEvent, ReviewStatus
from studio.roles import Perm, Role, can

REASON_MAX = 500


class ReviewAction(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    AUTO_APPROVE = "auto_approve"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    REOPEN = "reopen"

    @property
    def label_zh(self) -> str:
        return _ACTION_LABELS[self]


_ACTION_LABELS = {
    ReviewAction.SUBMIT: "提交审核",
    ReviewAction.APPROVE: "审核通过",
    ReviewAction.AUTO_APPROVE: "自动通过",
    ReviewAction.REJECT: "驳回",
    ReviewAction.WITHDRAW: "撤回",
    ReviewAction.REOPEN: "重新编辑",
}

S = ReviewStatus
TRANSITIONS: dict[tuple[ReviewStatus, ReviewAction], ReviewStatus] = {
    (S.DRAFT, ReviewAction.SUBMIT): S.IN_REVIEW,
    (S.REJECTED, ReviewAction.SUBMIT): S.IN_REVIEW,
    (S.IN_REVIEW, ReviewAction.APPROVE): S.APPROVED,
    (S.IN_REVIEW, ReviewAction.AUTO_APPROVE): S.APPROVED,
    (S.IN_REVIEW, ReviewAction.REJECT): S.REJECTED,
    (S.IN_REVIEW, ReviewAction.WITHDRAW): S.DRAFT,
    (S.REJECTED, ReviewAction.REOPEN): S.DRAFT,
}


class InvalidTransition(Conflict):
    code = "invalid_transition"
    message = "当前状态不允许此操作，请刷新页面查看最新状态"


class Reviewable(Protocol):
    id: Any
    workspace_id: Any
    status: ReviewStatus
    submitted_by_id: Any


@dataclass(frozen=True)
class ReviewPolicy:
    """The workspace's review settings."""

    self_review: bool = False
    auto_approve: bool = False

    @classmethod
    def of(cls, workspace: Any) -> ReviewPolicy:
        return cls(bool(workspace.self_review), bool(workspace.auto_approve))


def next_status(status: ReviewStatus, action: ReviewAction) -> ReviewStatus:
    try:
        return TRANSITIONS[(ReviewStatus(status), action)]
    except KeyError:
        raise InvalidTransition() from None


def is_editable(status: ReviewStatus) -> bool:
    """Drafts and rejected items may be edited; in review and approved ones may not."""
    return ReviewStatus(status) in (S.DRAFT, S.REJECTED)


def check_may_review(item: Reviewable, *, actor_id: int, role: Role, policy: ReviewPolicy) -> None:
    if not can(role, Perm.APPROVE):
        raise Forbidden("只有审核员或所有者可以审核")
    if item.submitted_by_id == actor_id and not policy.self_review:
        raise Forbidden("不能审核自己提交的内容（可在工作区设置中允许自审）")


def clean_reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise FormInvalid({"reason": "请填写驳回原因"})
    if len(text) > REASON_MAX:
        raise FormInvalid({"reason": Text("驳回原因最多 %(n)s 个字", n=REASON_MAX)})
    return text


async def transition(
    item: Any,
    action: ReviewAction,
    *,
    subject_type: str,
    actor_id: int | None,
    now: datetime,
    reason: str = "",
) -> ReviewEvent:
    """Move `item` along one edge, atomically: a concurrent change makes this a Conflict."""
    old = ReviewStatus(item.status)
    new = next_status(old, action)
    changes: dict[str, Any] = {"status": new}
    if action is ReviewAction.SUBMIT:
        changes.update(submitted_by_id=actor_id, submitted_at=now, reviewed_by_id=None,
                       reviewed_at=None, reject_reason="")
    elif action in (ReviewAction.APPROVE, ReviewAction.AUTO_APPROVE, ReviewAction.REJECT):
        changes.update(reviewed_by_id=actor_id, reviewed_at=now, reject_reason=reason)
    query = type(item).filter(id=item.id, status=old)
    if hasattr(item, "revision"):
        query = query.filter(revision=item.revision)
        changes["revision"] = item.revision + 1
    if await query.update(**changes) != 1:
        raise InvalidTransition()
    for key, value in changes.items():
        setattr(item, key, value)
    return await ReviewEvent.create(
        workspace_id=item.workspace_id, subject_type=subject_type, subject_id=item.id,
        action=action.value, actor_id=actor_id, reason=reason, at=now,
    )


async def submit(
    item: Any, *, subject_type: str, actor_id: int, policy: ReviewPolicy, now: datetime
) -> list[ReviewEvent]:
    events = [await transition(item, ReviewAction.SUBMIT, subject_type=subject_type,
                               actor_id=actor_id, now=now)]
    if policy.auto_approve:
        events.append(await transition(item, ReviewAction.AUTO_APPROVE,
                                       subject_type=subject_type, actor_id=None, now=now))
    return events


async def approve(
    item: Any, *, subject_type: str, actor_id: int, role: Role, policy: ReviewPolicy,
    now: datetime,
) -> ReviewEvent:
    check_may_review(item, actor_id=actor_id, role=role, policy=policy)
    return await transition(item, ReviewAction.APPROVE, subject_type=subject_type,
                            actor_id=actor_id, now=now)


async def reject(
    item: Any, *, subject_type: str, actor_id: int, role: Role, policy: ReviewPolicy,
    now: datetime, reason: str,
) -> ReviewEvent:
    check_may_review(item, actor_id=actor_id, role=role, policy=policy)
    return await transition(item, ReviewAction.REJECT, subject_type=subject_type,
                            actor_id=actor_id, now=now, reason=clean_reason(reason))


async def withdraw(item: Any, *, subject_type: str, actor_id: int, now: datetime) -> ReviewEvent:
    return await transition(item, ReviewAction.WITHDRAW, subject_type=subject_type,
                            actor_id=actor_id, now=now)


async def history(
    workspace_id: int, subject_type: str, subject_ids: list[int]
) -> dict[int, list[ReviewEvent]]:
    """Every event of these subjects, oldest first, by subject id."""
    events = (
        await ReviewEvent.filter(workspace_id=workspace_id, subject_type=subject_type,
                                 subject_id__in=subject_ids)
        .prefetch_related("actor")
        .order_by("at", "id")
    )
    found: dict[int, list[ReviewEvent]] = {i: [] for i in subject_ids}
    for event in events:
        found.setdefault(event.subject_id, []).append(event)
    return found
