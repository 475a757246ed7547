"""Messages: finding, creating, saving drafts (with the revision counter), copying, deleting,
importing. The review steps are in `studio.messages.workflow`.

Every function takes plain values (an `Actor`, ids, the document JSON) and is usable without
HTTP. Queries are scoped by the actor's workspace.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from renderers import codec
from renderers.errors import DocumentError, Problem, errors_only
from renderers.resolver import MediaResolver
from renderers.validate import validate
from studio.errors import Conflict, FormInvalid, NotFound, StudioError
from studio.i18n import Text
from studio.messages import review
from studio.messages.editor import blank_document, check, keyword_problem
from studio.messages.form import KINDS
from studio.messages.keywords import keyword_clashes
from studio.messages.media import build_media_resolver, forget_uses, record_uses, use_label
from studio.models.messages import ChatbotProfile, Message, MessageVersion, ReviewStatus
from studio.models.templates import VideoSmsTemplate
from studio.roles import Role
from studio.sms_templates import counting

SUBJECT = "message_version"
NAME_MAX = 100
IMPORT_MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class Actor:
    """Who acts, in which workspace, under which review rules."""

    workspace_id: int
    user_id: int
    role: Role
    policy: review.ReviewPolicy = review.ReviewPolicy()


class DraftInvalid(StudioError):
    """The document has problems that block this step (submitting, importing)."""

    status = 422
    code = "draft_invalid"
    message = "消息内容有问题，请按提示修改"

    def __init__(self, problems: list[Problem], message: str | None = None) -> None:
        super().__init__(message)
        self.problems = problems


class SaveConflict(Conflict):
    code = "save_conflict"
    message = "此消息已被他人修改，您的修改没有保存。请复制您的内容，刷新页面后再改。"


@dataclass(frozen=True)
class MessageRow:
    message: Message
    version: MessageVersion
    updated_by: str


def clean_name(value: str) -> str:
    name = value.strip()
    if not name:
        raise FormInvalid({"name": "请填写消息名称"})
    if len(name) > NAME_MAX:
        raise FormInvalid({"name": Text("消息名称最多 %(n)s 个字", n=NAME_MAX)})
    return name


async def chatbot_id_of(actor: Actor, raw: str | int | None) -> int | None:
    """A chatbot of this workspace, or None; another workspace's id is a form error."""
    if raw in (None, ""):
        return None
    try:
        wanted = int(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise FormInvalid({"chatbot": "请选择有效的 Chatbot"}) from None
    if not await ChatbotProfile.filter(id=wanted, workspace_id=actor.workspace_id).exists():
        raise FormInvalid({"chatbot": "请选择有效的 Chatbot"})
    return wanted


async def get_message(actor: Actor, ident: Any) -> Message:
    try:
        pk = int(ident)
    except (TypeError, ValueError):
        raise NotFound.for_object("message", ident) from None
    message = await Message.filter(
        id=pk, workspace_id=actor.workspace_id, deleted_at__isnull=True
    ).first()
    if message is None:
        raise NotFound.for_object("message", ident)
    return message


async def get_version(message: Message, number: int | None = None) -> MessageVersion:
    wanted = message.current_version if number is None else number
    version = await MessageVersion.filter(message_id=message.id, number=wanted).first()
    if version is None:
        raise NotFound.for_object("message_version", wanted)
    return version


async def list_messages(
    actor: Actor, *, kind: str = "", status: str = "", query: str = "", limit: int = 200
) -> list[MessageRow]:
    messages = Message.filter(workspace_id=actor.workspace_id, deleted_at__isnull=True)
    if kind in KINDS:
        messages = messages.filter(kind=kind)
    if query.strip():
        messages = messages.filter(name__icontains=query.strip()[:100])
    found = await messages.prefetch_related("updated_by").order_by("-updated_at", "-id")
    versions = await MessageVersion.filter(
        workspace_id=actor.workspace_id, message_id__in=[m.id for m in found]
    )
    current = {(v.message_id, v.number): v for v in versions}
    rows = []
    for m in found:
        version = current.get((m.id, m.current_version))
        if version is None or (status and version.status.value != status):
            continue
        who = m.updated_by.name or m.updated_by.email if m.updated_by else ""
        rows.append(MessageRow(m, version, who))
    return rows[:limit]


async def count_in_review(actor: Actor) -> int:
    """Messages whose current version waits for a reviewer (the review desk's count)."""
    live = Message.filter(workspace_id=actor.workspace_id, deleted_at__isnull=True)
    current = {(m.id, m.current_version) for m in await live.only("id", "current_version")}
    waiting = await MessageVersion.filter(
        workspace_id=actor.workspace_id, status=ReviewStatus.IN_REVIEW
    ).only("message_id", "number")
    return sum(1 for v in waiting if (v.message_id, v.number) in current)


async def create_message(
    actor: Actor, *, name: str, kind: str, chatbot: str | int | None = None,
    document: dict[str, Any] | None = None,
) -> Message:
    errors: dict[str, str] = {}
    try:
        name = clean_name(name)
    except FormInvalid as exc:
        errors.update(exc.errors)
    if document is None and kind not in KINDS:
        errors["kind"] = "请选择消息类型"
    try:
        chatbot_id = await chatbot_id_of(actor, chatbot)
    except FormInvalid as exc:
        errors.update(exc.errors)
    if errors:
        raise FormInvalid(errors)
    doc = document if document is not None else blank_document(kind)
    async with in_transaction():
        message = await Message.create(
            workspace_id=actor.workspace_id, name=name, kind=doc.get("kind", kind),
            chatbot_id=chatbot_id, current_version=1, created_by_id=actor.user_id,
            updated_by_id=actor.user_id,
        )
        version = await MessageVersion.create(
            workspace_id=actor.workspace_id, message=message, number=1, document=doc,
        )
        await record_uses(actor.workspace_id, version.id, doc, use_label(name, 1))
    return message


async def draft_problems(actor: Actor, message: Message, doc: dict[str, Any],
                         resolver: MediaResolver | None = None, *, link_base: str = "",
                         signature: str | None = None) -> list[Problem]:
    """Everything wrong with a draft: the document's problems (its media's too; its fallback
    SMS counted with the chatbot's `signature` and as a batch sends it from `link_base`, by
    `studio.sms_templates.counting`, as the editor's counter counts it), keyword clashes."""
    if resolver is None:
        resolver = await build_media_resolver(actor.workspace_id, doc)
    extra = []
    trigger = doc.get("trigger") if isinstance(doc.get("trigger"), dict) else {}
    if trigger.get("type") == "keywords":
        words = [w for w in trigger.get("keywords") or [] if isinstance(w, str)]
        for word, owner in await keyword_clashes(actor.workspace_id, words, message_id=message.id):
            extra.append(keyword_problem("trigger.keywords", word, owner.message_name))
    extra += await _video_template_problems(actor, doc)
    return check(doc, extra, resolver, counting.sms_options(link_base), signature).problems


async def chatbot_signature(actor: Actor, chatbot_id: int | None) -> str:
    """The fallback SMS signature of a chatbot of this workspace ("" for none)."""
    if chatbot_id is None:
        return ""
    profile = await ChatbotProfile.filter(id=chatbot_id, workspace_id=actor.workspace_id).first()
    return profile.fallback_signature if profile is not None else ""


async def approved_video_templates(workspace_id: int) -> list[VideoSmsTemplate]:
    """The video SMS templates a message may fall back to (approved, not deleted)."""
    return await VideoSmsTemplate.filter(
        workspace_id=workspace_id, deleted_at__isnull=True, approved_version__isnull=False
    ).order_by("name", "id")


async def _video_template_problems(actor: Actor, doc: dict[str, Any]) -> list[Problem]:
    fallback = doc.get("fallback") if isinstance(doc.get("fallback"), dict) else {}
    wanted = str(fallback.get("video_template_id") or "").strip()
    if fallback.get("type") != "video_sms" or not wanted:
        return []  # a missing id is the renderer's problem
    known = {str(t.id) for t in await approved_video_templates(actor.workspace_id)}
    if wanted in known:
        return []
    text = "请选择已通过审核的视频短信模板"
    return [Problem("fallback.video_template_id", "video_template_unknown", text,
                    "Choose an approved video SMS template")]


async def save_draft(
    actor: Actor, message: Message, *, doc: dict[str, Any], name: str, chatbot: str | None,
    revision: int, now: datetime,
) -> MessageVersion:
    """Save the editor's document over the current draft, unless someone saved meanwhile."""
    clean = clean_name(name)
    chatbot_id = await chatbot_id_of(actor, chatbot)
    async with in_transaction():
        version = await get_version(message)
        if not review.is_editable(version.status):
            raise Conflict("这个版本正在审核或已通过，不能修改；已通过的消息请先“新建草稿”")
        if version.revision != revision:
            raise SaveConflict()
        if version.status is ReviewStatus.REJECTED:
            await review.transition(version, review.ReviewAction.REOPEN, subject_type=SUBJECT,
                                    actor_id=actor.user_id, now=now)
        updated = await MessageVersion.filter(
            id=version.id, revision=version.revision
        ).update(document=doc, revision=version.revision + 1)
        if updated != 1:
            raise SaveConflict()
        version.document, version.revision = doc, version.revision + 1
        message.name, message.chatbot_id = clean, chatbot_id  # type: ignore[assignment]
        message.kind, message.updated_by_id = doc.get("kind", message.kind), actor.user_id
        await message.save()
        await record_uses(actor.workspace_id, version.id, doc, use_label(clean, version.number))
    return version


async def duplicate(actor: Actor, message: Message) -> Message:
    version = await get_version(message)
    name = (message.name + " 副本")[:NAME_MAX]
    return await create_message(actor, name=name, kind=message.kind,
                                chatbot=message.chatbot_id, document=version.document)


async def used_by_batch(message: Message) -> bool:
    """Whether a send batch (other than a cancelled one) was made from this message."""
    from studio.models.sending import BatchStatus, SendBatch

    return await SendBatch.filter(
        workspace_id=message.workspace_id, message_id=message.id
    ).exclude(status=BatchStatus.CANCELLED).exists()


async def delete_message(actor: Actor, message: Message, *, now: datetime) -> None:
    version = await get_version(message)
    if version.status is ReviewStatus.IN_REVIEW:
        raise Conflict("审核中的消息不能删除，请先撤回")
    if await used_by_batch(message):
        raise Conflict("已被发送批次使用的消息不能删除")
    message.deleted_at = now
    await message.save()
    drafts = await MessageVersion.filter(message_id=message.id).exclude(
        status=ReviewStatus.APPROVED).values_list("id", flat=True)
    await forget_uses(actor.workspace_id, list(drafts))  # approved ones may still be live


def parse_import(text: str | bytes) -> dict[str, Any]:
    """A JSON document to import, as the current version's JSON; raises DraftInvalid."""
    if len(text) > IMPORT_MAX_BYTES:
        raise DraftInvalid([], "文件过大：消息 JSON 最多 1 MB")
    try:
        message = codec.from_json(text)
    except DocumentError as exc:
        raise DraftInvalid(list(exc.problems), "JSON 文档有问题，未导入") from None
    if errors := errors_only(validate(message)):
        raise DraftInvalid(errors, "消息内容有问题，未导入")
    return codec.to_json(message)


async def import_message(actor: Actor, *, name: str, text: str | bytes) -> Message:
    doc = parse_import(text)
    return await create_message(actor, name=name, kind=doc["kind"], document=doc)


def export_json(version: MessageVersion) -> str:
    """The stored document as pretty JSON (drafts are exported as they are)."""
    try:
        return codec.dumps(codec.from_json(version.document))
    except DocumentError:
        return json.dumps(version.document, ensure_ascii=False, indent=2)
