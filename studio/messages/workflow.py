"""A message's review steps and versions, built on the shared `studio.messages.review`.

Submitting needs a valid document whose keywords clash with no approved message; approving
checks the keywords again (another message may have been approved meanwhile). An approved
version is never changed: `new_draft` copies it into the next version number, while
`Message.approved_version` keeps pointing at the approved one until a newer one passes.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from renderers.errors import errors_only
from studio.errors import Conflict
from studio.i18n import Text
from studio.messages import review
from studio.messages.keywords import keyword_clashes
from studio.messages.media import record_uses, use_label
from studio.messages.service import (
    SUBJECT,
    Actor,
    DraftInvalid,
    chatbot_signature,
    draft_problems,
    get_version,
)
from studio.models.messages import Message, MessageVersion, ReviewEvent, ReviewStatus


async def _approved(message: Message, version: MessageVersion) -> None:
    message.approved_version = version.number
    await message.save(update_fields=["approved_version", "updated_at"])


async def submit(actor: Actor, message: Message, *, now: datetime, link_base: str = ""
                 ) -> MessageVersion:
    """Submit the current version for review; `link_base` is where a batch's links live
    (`studio.sms_templates.counting`), for the fallback SMS's length check (as the chatbot
    signs it)."""
    async with in_transaction():
        version = await get_version(message)
        signature = await chatbot_signature(actor, message.chatbot_id)
        problems = await draft_problems(actor, message, version.document, link_base=link_base,
                                        signature=signature or None)
        if errors := errors_only(problems):
            raise DraftInvalid(errors, "消息内容有问题，不能提交审核，请按提示修改")
        await review.submit(version, subject_type=SUBJECT, actor_id=actor.user_id,
                            policy=actor.policy, now=now)
        if version.status is ReviewStatus.APPROVED:
            await _approved(message, version)
    return version


async def approve(actor: Actor, message: Message, *, now: datetime) -> MessageVersion:
    async with in_transaction():
        version = await get_version(message)
        review.check_may_review(version, actor_id=actor.user_id, role=actor.role,
                                policy=actor.policy)
        trigger = version.document.get("trigger") or {}
        if trigger.get("type") == "keywords":
            clashes = await keyword_clashes(actor.workspace_id, trigger.get("keywords") or [],
                                            message_id=message.id)
            if clashes:
                word, owner = clashes[0]
                raise Conflict(Text("关键词“%(keyword)s”已被已通过的消息“%(message)s”使用，"
                                    "不能通过；请驳回并说明原因",
                                    keyword=word, message=owner.message_name))
        await review.approve(version, subject_type=SUBJECT, actor_id=actor.user_id,
                             role=actor.role, policy=actor.policy, now=now)
        await _approved(message, version)
    return version


async def reject(actor: Actor, message: Message, *, reason: str, now: datetime) -> MessageVersion:
    version = await get_version(message)
    await review.reject(version, subject_type=SUBJECT, actor_id=actor.user_id, role=actor.role,
                        policy=actor.policy, now=now, reason=reason)
    return version


async def withdraw(actor: Actor, message: Message, *, now: datetime) -> MessageVersion:
    version = await get_version(message)
    await review.withdraw(version, subject_type=SUBJECT, actor_id=actor.user_id, now=now)
    return version


async def new_draft(actor: Actor, message: Message) -> MessageVersion:
    """Start editing an approved message: a new draft copied from the current version."""
    async with in_transaction():
        current = await get_version(message)
        if current.status is not ReviewStatus.APPROVED:
            raise Conflict("只有已通过的版本可以新建草稿")
        draft = await MessageVersion.create(
            workspace_id=actor.workspace_id, message_id=message.id, number=current.number + 1,
            document=current.document,
        )
        await record_uses(actor.workspace_id, draft.id, draft.document,
                          use_label(message.name, draft.number))
        moved = await Message.filter(id=message.id, current_version=current.number).update(
            current_version=draft.number, updated_by_id=actor.user_id
        )
        if moved != 1:
            raise Conflict()
        message.current_version = draft.number
    return draft


@dataclass(frozen=True)
class VersionHistory:
    version: MessageVersion
    events: list[ReviewEvent]
    diff: str  #: unified diff of the document JSON against the previous version


def _lines(version: MessageVersion | None) -> list[str]:
    if version is None:
        return []
    return json.dumps(version.document, ensure_ascii=False, indent=2, sort_keys=True).splitlines()


async def history(actor: Actor, message: Message) -> list[VersionHistory]:
    """Every version, newest first, with its review events and what changed."""
    versions = await MessageVersion.filter(message_id=message.id).order_by("number")
    events = await review.history(actor.workspace_id, SUBJECT, [v.id for v in versions])
    found = []
    previous: MessageVersion | None = None
    for version in versions:
        diff = "\n".join(difflib.unified_diff(
            _lines(previous), _lines(version),
            f"v{previous.number}" if previous else "", f"v{version.number}", lineterm="", n=2,
        ))
        found.append(VersionHistory(version, events.get(version.id, []), diff))
        previous = version
    return list(reversed(found))
