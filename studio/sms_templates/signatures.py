"""Signatures (签名): registering, checking, review and withdrawal (注销).

A signature is the company, brand or product name a carrier shows as 【签名】 at the start of
every SMS. It is 2 to 20 characters (a workspace may tighten the maximum), has no brackets
(they are added when sent), is unique among the workspace's live signatures, and only an
approved, not withdrawn signature can be chosen by a template.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from tortoise.transactions import in_transaction

from media.storage import LocalStorage
from studio.errors import Conflict, FormInvalid, NotFound
from studio.i18n import Text
from studio.models.messages import ReviewStatus
from studio.models.sending import BatchStatus, SendBatch
from studio.models.templates import QualificationFile, Signature
from studio.sms_templates import qualifications, reviewing
from studio.sms_templates.content import parse_id
from studio.sms_templates.qualifications import PendingFile
from studio.sms_templates.reviewing import SIGNATURE, Actor
from studio.sms_templates.rules import SIGNATURE_MIN, Rules

BRACKETS = set("【】[]()（）〔〕〖〗<>《》{}「」『』")
PURPOSE_MAX = 200

STATUS_LABELS = {
    ReviewStatus.DRAFT: "草稿",
    ReviewStatus.IN_REVIEW: "待审核",
    ReviewStatus.APPROVED: "审核通过",
    ReviewStatus.REJECTED: "已驳回",
}
WITHDRAWN = "withdrawn"
FILTERS = {"in_review": "待审核", "approved": "审核通过", "rejected": "已驳回",
           WITHDRAWN: "已注销"}


def status_key(sig: Signature) -> str:
    return WITHDRAWN if sig.withdrawn_at else ReviewStatus(sig.status).value


def status_label(sig: Signature) -> str:
    return "已注销" if sig.withdrawn_at else STATUS_LABELS[ReviewStatus(sig.status)]


def _is_emoji(ch: str) -> bool:
    category = unicodedata.category(ch)
    return ord(ch) > 0xFFFF or category in ("So", "Sk", "Cs") or ch in "\ufe0f\u200d"


def clean_text(raw: str, rules: Rules) -> str:
    """The signature text, or FormInvalid with the precise reason."""
    text = raw.strip()
    if not text:
        raise FormInvalid({"text": "请填写签名"})
    if any(ch in BRACKETS for ch in text):
        raise FormInvalid({"text": "签名中不能包含括号，发送时会自动加上【】"})
    if all(_is_emoji(ch) or ch.isspace() for ch in text):
        raise FormInvalid({"text": "签名不能只有表情符号，请填写公司、品牌或产品名称"})
    if any(_is_emoji(ch) for ch in text):
        raise FormInvalid({"text": "签名中不能包含表情符号"})
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        raise FormInvalid({"text": "签名中不能包含控制字符"})
    maximum = rules.signature_max_chars
    if not SIGNATURE_MIN <= len(text) <= maximum:
        raise FormInvalid({"text": Text("签名长度须为 %(low)s-%(high)s 个字符，当前 %(n)s 个",
                                        low=SIGNATURE_MIN, high=maximum, n=len(text))})
    return text


def clean_purpose(raw: str) -> str:
    purpose = raw.strip()
    if len(purpose) > PURPOSE_MAX:
        raise FormInvalid({"purpose": Text("用途说明最多 %(n)s 个字", n=PURPOSE_MAX)})
    return purpose


async def _check_unique(workspace_id: int, text: str, exclude: int | None = None) -> None:
    query = Signature.filter(workspace_id=workspace_id, text=text, withdrawn_at__isnull=True)
    if exclude is not None:
        query = query.exclude(id=exclude)
    if await query.exists():
        raise FormInvalid({"text": Text("签名“%(signature)s”已存在，不能重复申请", signature=text)})


async def get_signature(workspace_id: int, ident: object) -> Signature:
    pk = parse_id(ident)
    if pk is None:
        raise NotFound.for_object("signature", ident)
    sig = await Signature.filter(id=pk, workspace_id=workspace_id).first()
    if sig is None:
        raise NotFound.for_object("signature", ident)
    return sig


async def list_signatures(workspace_id: int, status: str = "") -> list[Signature]:
    query = Signature.filter(workspace_id=workspace_id)
    if status == WITHDRAWN:
        query = query.filter(withdrawn_at__isnull=False)
    elif status in FILTERS:
        query = query.filter(status=status, withdrawn_at__isnull=True)
    return await query.prefetch_related("files").order_by("-created_at", "-id")


async def usable_signatures(workspace_id: int) -> list[Signature]:
    """The signatures a template may choose: approved and not withdrawn."""
    return await Signature.filter(workspace_id=workspace_id, status=ReviewStatus.APPROVED,
                                  withdrawn_at__isnull=True).order_by("text")


async def usable_signature(workspace_id: int, raw: str | int | None, field: str) -> int | None:
    if raw in (None, ""):
        return None
    ids = {s.id: s for s in await usable_signatures(workspace_id)}
    try:
        wanted = int(str(raw))
    except ValueError:
        wanted = -1
    if wanted not in ids:
        raise FormInvalid({field: "请选择审核通过的签名"})
    return wanted


async def _save_files(actor: Actor, sig: Signature, files: list[PendingFile],
                      storage: LocalStorage, stored: list[str]) -> None:
    for pending in files:
        key, digest = qualifications.store(storage, pending)
        stored.append(key)
        await QualificationFile.create(
            workspace_id=actor.workspace_id, signature=sig, kind=pending.kind,
            filename=pending.filename, mime=pending.mime, size=len(pending.data), sha256=digest,
            storage_key=key, uploaded_by_id=actor.user_id,
        )


async def register(actor: Actor, rules: Rules, *, text: str, purpose: str,
                   files: list[PendingFile], storage: LocalStorage, now: datetime) -> Signature:
    """Create a signature with its files and submit it, all or nothing."""
    errors: dict[str, str] = {}
    clean = note = ""
    try:
        clean = clean_text(text, rules)
        await _check_unique(actor.workspace_id, clean)
    except FormInvalid as exc:
        errors.update(exc.errors)
    try:
        note = clean_purpose(purpose)
    except FormInvalid as exc:
        errors.update(exc.errors)
    if errors:
        raise FormInvalid(errors)
    stored: list[str] = []
    try:
        async with in_transaction():
            sig = await Signature.create(workspace_id=actor.workspace_id, text=clean,
                                         purpose=note, created_by_id=actor.user_id)
            await _save_files(actor, sig, files, storage, stored)
            await reviewing.submit(sig, SIGNATURE, actor, now)
    except BaseException:
        for key in stored:
            storage.delete(key)
        raise
    return sig


async def resubmit(actor: Actor, rules: Rules, sig: Signature, *, text: str, purpose: str,
                   files: list[PendingFile], storage: LocalStorage, now: datetime) -> Signature:
    """Correct a rejected signature (text, purpose, more files) and submit it again."""
    if sig.withdrawn_at or ReviewStatus(sig.status) is not ReviewStatus.REJECTED:
        raise Conflict("只有已驳回的签名可以修改后重新提交")
    clean = clean_text(text, rules)
    note = clean_purpose(purpose)
    await _check_unique(actor.workspace_id, clean, exclude=sig.id)
    stored: list[str] = []
    try:
        async with in_transaction():
            await reviewing.reopen(sig, SIGNATURE, actor, now)
            sig.text, sig.purpose = clean, note
            await sig.save(update_fields=["text", "purpose", "updated_at"])
            await _save_files(actor, sig, files, storage, stored)
            await reviewing.submit(sig, SIGNATURE, actor, now)
    except BaseException:
        for key in stored:
            storage.delete(key)
        raise
    return sig


async def scheduled_batches_using(sig: Signature) -> list[str]:
    """Names of send batches waiting to send (scheduled, or paused) under this signature."""
    rows = await SendBatch.filter(
        workspace_id=sig.workspace_id,  # type: ignore[attr-defined]
        signature=sig.text, status__in=[BatchStatus.SCHEDULED, BatchStatus.PAUSED],
    ).order_by("scheduled_at", "id")
    return [row.name or row.number for row in rows]


async def withdraw(actor: Actor, sig: Signature, *, now: datetime) -> Signature:
    """注销: the signature can no longer be chosen; refused while a scheduled batch uses it."""
    if sig.withdrawn_at:
        raise Conflict("该签名已注销")
    batches = await scheduled_batches_using(sig)
    if batches:
        raise Conflict(Text("定时发送批次“%(batch)s”正在使用该签名，不能注销；请先取消该批次",
                             batch=batches[0]))
    async with in_transaction():
        if ReviewStatus(sig.status) is ReviewStatus.IN_REVIEW:
            await reviewing.withdraw(sig, SIGNATURE, actor, now)
        updated = await Signature.filter(id=sig.id, withdrawn_at__isnull=True).update(
            withdrawn_at=now)
        if updated != 1:
            raise Conflict("该签名已注销")
    sig.withdrawn_at = now
    return sig


async def decide(actor: Actor, sig: Signature, decision: str, *, reason: str,
                 now: datetime) -> Signature:
    if sig.withdrawn_at:
        raise Conflict("该签名已注销，不能审核")
    if decision == "approve":
        await reviewing.approve(sig, SIGNATURE, actor, now)
    elif decision == "reject":
        await reviewing.reject(sig, SIGNATURE, actor, now, reason)
    else:
        raise FormInvalid({"decision": "未知操作"})
    return sig
