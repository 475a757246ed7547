"""Text SMS templates (短信模板): checking, the live count, saving and the review steps.

All counting is `renderers.sms.count_sms` through `counting.count`: the text as a phone
receives it (the declared sample values filled in, 【签名】 added once), 1 per character and 2
per emoji (a character outside the BMP takes two UCS-2 units, as carriers bill it), one
segment up to 70, else 67 per segment, at most 350; each short link counts as the
personalised link a batch sends in its place (`counting`, the rule sending uses too). The
numbers come from `renderers.limits.SMS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from renderers.sms import SmsCount, count_sms
from studio.errors import Conflict, FormInvalid, NotFound
from studio.i18n import Text
from studio.models.messages import ReviewStatus
from studio.models.templates import Signature, SmsKind, SmsTemplate
from studio.sms_templates import content, counting, lifecycle, reviewing
from studio.sms_templates.reviewing import SMS_TEMPLATE, Actor
from studio.sms_templates.rules import Rules
from studio.sms_templates.signatures import usable_signature

NAME_MAX = 50
_ENDS_WITH_LINK = re.compile(r"https?://\S+$", re.IGNORECASE)
#: the content textarea's name (the caret field of the insert buttons)
TEXT_FIELD = "text"


@dataclass(frozen=True)
class SmsDraft:
    """The editor's form as a value."""

    name: str = ""
    kind: str = SmsKind.NOTIFICATION.value
    signature_id: str = ""
    text: str = ""
    variables: str = ""  #: lines `name=sample`

    @classmethod
    def from_form(cls, form: dict[str, str]) -> SmsDraft:
        return cls(form.get("name", "")[:200], form.get("kind", ""),
                   form.get("signature", ""),
                   content.normalise_newlines(form.get("text", ""))[:2000],
                   form.get("variables", "")[:4000])

    @classmethod
    def of(cls, row: SmsTemplate) -> SmsDraft:
        return cls(row.name, row.kind.value, str(row.signature_id or ""),  # type: ignore[attr-defined]
                   row.text, content.variables_text(content.variables_from_json(row.variables)))


@dataclass(frozen=True)
class Check:
    """Everything the editor shows about a draft: the count, hits, errors by field."""

    count: SmsCount
    preview: str  #: the sample-filled text without the signature
    pieces: list[tuple[str, bool]]
    opt_out_missing: bool
    opt_out_phrase: str
    errors: dict[str, str] = field(default_factory=dict)
    #: the short links counted as a personalised link, and that length
    short_links: tuple[str, ...] = ()
    link_length: int = 0


def _kind(raw: str) -> SmsKind | None:
    try:
        return SmsKind(raw)
    except ValueError:
        return None


def check(draft: SmsDraft, rules: Rules, signature: str | None) -> Check:
    errors: dict[str, str] = {}
    name = draft.name.strip()
    if not name:
        errors["name"] = "请填写模板名称"
    elif len(name) > NAME_MAX:
        errors["name"] = Text("模板名称最多 %(n)s 个字", n=NAME_MAX)
    kind = _kind(draft.kind)
    if kind is None:
        errors["kind"] = "请选择模板类型：验证码、通知或营销"
    variables, var_error = content.parse_variables(draft.variables)
    if var_error:
        errors["variables"] = var_error
    text = draft.text.strip()
    preview = content.fill_samples(text, variables)
    options = rules.sms_options()
    count = counting.count(preview, signature, options)
    hits = count_sms(text, None, options).forbidden
    phrase = rules.opt_out_phrase
    opt_out_missing = kind is SmsKind.MARKETING and not text.rstrip("。. ").endswith(
        phrase.rstrip("。. "))
    text_errors = [
        "请填写短信内容" if not text else None,
        ("短信内容中不要写【】，签名会在发送时自动加在开头"
         if "【" in text or "】" in text else None),
        content.bad_link(text),
        None if var_error else content.variable_errors([text], variables),
        content.forbidden_message(hits),
        (Text("短信内容连同签名共 %(chars)s 字，超过上限 %(limit)s 字", chars=count.chars,
              limit=count.max_chars) if count.over_limit else None),
        (Text("营销短信须以退订语“%(phrase)s”结尾", phrase=phrase)
         if text and opt_out_missing else None),
    ]
    if first := next((e for e in text_errors if e), None):
        errors["text"] = first
    if not signature:
        errors["signature"] = "请选择审核通过的签名"
    return Check(count, preview, content.highlight(text, hits), opt_out_missing, phrase, errors,
                 counting.short_links_in(preview, options), options.short_link_length)


def append_opt_out(text: str, rules: Rules) -> str:
    """The text ending with the opt-out phrase: after a comma, or after a space when the text
    ends with a link (so a phone does not read the phrase as part of the URL)."""
    body = text.rstrip()
    if body.endswith(rules.opt_out_phrase):
        return body
    if not body or body.endswith(("，", "。", ",", ".", "！", "!")):
        sep = ""
    elif _ENDS_WITH_LINK.search(body):
        sep = " "
    else:
        sep = "，"
    return f"{body}{sep}{rules.opt_out_phrase}"


def insert_variable(draft: SmsDraft, name: str, caret: content.Caret = content.NO_CARET
                    ) -> tuple[SmsDraft, content.Caret, str | None]:
    """Declare `name` and put {{name}} at the caret (at the end without one)."""
    if not name:
        return draft, caret, "请填写变量名称"
    variables, error = content.parse_variables(draft.variables + "\n" + name)
    if error:
        return draft, caret, error
    text, after = content.insert_at(draft.text, "{{" + name + "}}",
                                    caret.offset_in(TEXT_FIELD, draft.text))
    return (replace(draft, text=text, variables=content.variables_text(variables)),
            content.Caret(TEXT_FIELD, after), None)


def insert_text(draft: SmsDraft, piece: str, caret: content.Caret = content.NO_CARET
                ) -> tuple[SmsDraft, content.Caret]:
    """Put a link at the caret (at the end without one), a space on either side."""
    text, after = content.insert_at(draft.text, piece, caret.offset_in(TEXT_FIELD, draft.text),
                                    spaced=True)
    return replace(draft, text=text), content.Caret(TEXT_FIELD, after)


async def signature_text(workspace_id: int, raw: str) -> str | None:
    """The chosen signature's text when it is usable, else None (the check reports it)."""
    pk = content.parse_id(raw)
    if pk is None:
        return None
    sig = await Signature.filter(id=pk, workspace_id=workspace_id, status="approved",
                                 withdrawn_at__isnull=True).first()
    return sig.text if sig else None


async def get_template(workspace_id: int, ident: object) -> SmsTemplate:
    pk = content.parse_id(ident)
    if pk is None:
        raise NotFound.for_object("sms_template", ident)
    row = await SmsTemplate.filter(id=pk, workspace_id=workspace_id,
                                   deleted_at__isnull=True).first()
    if row is None:
        raise NotFound.for_object("sms_template", ident)
    return row


async def list_templates(workspace_id: int, status: str = "", kind: str = ""
                         ) -> list[SmsTemplate]:
    query = SmsTemplate.filter(workspace_id=workspace_id, deleted_at__isnull=True)
    if status in {s.value for s in ReviewStatus}:
        query = query.filter(status=status)
    if _kind(kind):
        query = query.filter(kind=kind)
    return await query.prefetch_related("signature").order_by("-updated_at", "-id")


async def _checked(actor: Actor, rules: Rules, draft: SmsDraft) -> tuple[Check, int]:
    sig = await signature_text(actor.workspace_id, draft.signature_id)
    result = check(draft, rules, sig)
    if result.errors:
        raise FormInvalid(result.errors)
    sig_id = await usable_signature(actor.workspace_id, draft.signature_id, "signature")
    assert sig_id is not None
    return result, sig_id


def _values(draft: SmsDraft, sig_id: int) -> dict[str, Any]:
    variables, _ = content.parse_variables(draft.variables)
    return {"name": draft.name.strip(), "kind": SmsKind(draft.kind), "signature_id": sig_id,
            "text": draft.text.strip(), "variables": content.variables_to_json(variables)}


async def create(actor: Actor, rules: Rules, draft: SmsDraft) -> SmsTemplate:
    _, sig_id = await _checked(actor, rules, draft)
    return await SmsTemplate.create(workspace_id=actor.workspace_id, **_values(draft, sig_id))


async def save(actor: Actor, rules: Rules, row: SmsTemplate, draft: SmsDraft, *,
               revision: int, now: datetime) -> SmsTemplate:
    """Save over a draft or a rejected template, unless someone saved meanwhile."""
    if not reviewing.is_editable(row.status):
        raise Conflict("审核中或已通过的模板不能修改；已通过的模板请先“修改为新版本”")
    if row.revision != revision:
        raise Conflict("此模板已被他人修改，您的修改没有保存，请刷新后再改")
    _, sig_id = await _checked(actor, rules, draft)
    async with in_transaction():
        if ReviewStatus(row.status) is ReviewStatus.REJECTED:
            await reviewing.reopen(row, SMS_TEMPLATE, actor, now)
        values = _values(draft, sig_id)
        updated = await SmsTemplate.filter(id=row.id, revision=row.revision).update(
            **values, revision=row.revision + 1)
        if updated != 1:
            raise Conflict("此模板已被他人修改，您的修改没有保存，请刷新后再改")
    return await get_template(actor.workspace_id, row.id)


def snapshot(row: SmsTemplate, signature: str) -> dict[str, object]:
    return {"version": row.version, "name": row.name, "kind": row.kind.value,
            "signature_id": row.signature_id, "signature": signature,  # type: ignore[attr-defined]
            "text": row.text, "variables": row.variables}


async def decide(actor: Actor, rules: Rules, row: SmsTemplate, decision: str, *,
                 reason: str = "", now: datetime) -> SmsTemplate:
    """submit / withdraw / approve / reject; submit and approve check the content again."""
    async with in_transaction():
        if decision in ("submit", "approve"):
            draft = SmsDraft.of(row)
            sig = await signature_text(actor.workspace_id, draft.signature_id)
            if errors := check(draft, rules, sig).errors:
                raise FormInvalid(errors, "模板内容有问题，请按提示修改后再提交")
        if decision == "submit":
            await reviewing.submit(row, SMS_TEMPLATE, actor, now)
        elif decision == "withdraw":
            await reviewing.withdraw(row, SMS_TEMPLATE, actor, now)
        elif decision == "approve":
            await reviewing.approve(row, SMS_TEMPLATE, actor, now)
        elif decision == "reject":
            await reviewing.reject(row, SMS_TEMPLATE, actor, now, reason)
        else:
            raise FormInvalid({"decision": "未知操作"})
        if ReviewStatus(row.status) is ReviewStatus.APPROVED and decision != "withdraw":
            sig = await signature_text(actor.workspace_id, str(row.signature_id))  # type: ignore[attr-defined]
            await lifecycle.mark_approved(row, snapshot(row, sig or ""))
    return row


async def preview(workspace_id: int, row: SmsTemplate, wanted: dict[str, str], rules: Rules,
                  approved: bool) -> tuple[SmsCount, dict[str, str]]:
    """The SMS a phone receives for `wanted` values (samples for the rest): the draft, or the
    approved snapshot with its signature when `approved`."""
    snap = row.approved if approved and row.approved else None
    text = str(snap["text"]) if snap else row.text
    variables = content.variables_from_json(snap["variables"] if snap else row.variables)
    values = {v.name: wanted.get(v.name, v.sample)[:200] for v in variables}
    if snap:
        sig: str | None = str(snap["signature"])
    else:
        sig = await signature_text(workspace_id, str(row.signature_id or ""))  # type: ignore[attr-defined]
    filled = content.fill_samples(text, variables, values)
    return counting.count(filled, sig, rules.sms_options()), values
