"""Creating and editing short links: the functions the studio views and the send-batch
feature call. Values in, rows out; errors are `FormInvalid` with field messages."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from studio.errors import Conflict, FormInvalid
from studio.i18n import Text
from studio.links.codes import (
    DEFAULT_LENGTH,
    PERSONAL_LENGTH,
    CodeInvalid,
    check_custom_code,
    generate_code,
)
from studio.links.targets import TargetInvalid, normalise_url
from studio.models.links import LinkTargetChange, ShortLink
from studio.models.messages import MessageVersion, ReviewStatus

MAX_BULK_ROWS = 5000


@dataclass(frozen=True)
class LinkSpec:
    """What a new link is: a URL target or an approved message version (CH5 page)."""

    name: str = ""
    target_url: str = ""
    message_version_id: int | None = None
    #: a custom code, or empty for a generated one
    code: str = ""
    expires_at: datetime | None = None
    disabled: bool = False
    #: recipient values for the message's variables (personalised CH5 links)
    variables: Mapping[str, str] = field(default_factory=dict)
    batch_id: int | None = None
    recipient: str = ""
    #: generated codes are at least this long (10 for personalised links)
    code_length: int = DEFAULT_LENGTH


async def _code_taken(code: str) -> bool:
    return await ShortLink.filter(code=code).exists()


async def _approved_version(workspace_id: int, version_id: int) -> MessageVersion:
    version = await MessageVersion.filter(
        id=version_id, workspace_id=workspace_id, status=ReviewStatus.APPROVED
    ).first()
    if version is None:
        raise FormInvalid({"message_version": "请选择一条已审核通过的消息"})
    return version


async def _target(workspace_id: int, spec: LinkSpec) -> tuple[str, MessageVersion | None]:
    if spec.message_version_id is not None:
        return "", await _approved_version(workspace_id, spec.message_version_id)
    try:
        return normalise_url(spec.target_url), None
    except TargetInvalid as exc:
        raise FormInvalid({"target_url": exc.args[0]}) from None  # a Text stays one


async def create_link(workspace_id: int, user_id: int | None, spec: LinkSpec) -> ShortLink:
    target_url, version = await _target(workspace_id, spec)
    if spec.code:
        try:
            code = check_custom_code(spec.code)
        except CodeInvalid as exc:
            raise FormInvalid({"code": str(exc)}) from None
        if await _code_taken(code):
            raise FormInvalid({"code": "该短码已被使用，请换一个"})
    else:
        code = await generate_code(_code_taken, spec.code_length)
    return await ShortLink.create(
        workspace_id=workspace_id, code=code, name=spec.name.strip()[:100],
        target_url=target_url, message_version_id=version.id if version else None,
        message_id=version.message_id if version else None,  # type: ignore[attr-defined]
        batch_id=spec.batch_id, recipient=spec.recipient[:64],
        variables={str(k): str(v) for k, v in spec.variables.items()},
        expires_at=spec.expires_at, disabled=spec.disabled, created_by_id=user_id,
    )


async def create_personalised_link(
    workspace_id: int,
    *,
    batch_id: int,
    recipient: str,
    variables: Mapping[str, str],
    message_version_id: int | None = None,
    target_url: str = "",
    name: str = "",
    expires_at: datetime | None = None,
) -> ShortLink:
    """One recipient's link for a send batch: code of 10+ characters, variables kept on the
    link so the CH5 page shows the recipient's values. Give a message version or a URL."""
    spec = LinkSpec(
        name=name, target_url=target_url, message_version_id=message_version_id,
        expires_at=expires_at, variables=variables, batch_id=batch_id, recipient=recipient,
        code_length=PERSONAL_LENGTH,
    )
    return await create_link(workspace_id, None, spec)


@dataclass(frozen=True)
class LinkChanges:
    name: str
    target_url: str
    message_version_id: int | None
    expires_at: datetime | None
    disabled: bool


async def update_link(
    link: ShortLink, workspace_id: int, user_id: int | None, changes: LinkChanges
) -> bool:
    """Apply an edit; a new target is kept in the history. True when the target changed."""
    spec = LinkSpec(target_url=changes.target_url, message_version_id=changes.message_version_id)
    target_url, version = await _target(workspace_id, spec)
    version_id = version.id if version else None
    changed = (target_url, version_id) != (link.target_url, link.message_version_id)  # type: ignore[attr-defined]
    if changed:
        await LinkTargetChange.create(
            link=link, old_target_url=link.target_url,
            old_message_version_id=link.message_version_id,  # type: ignore[attr-defined]
            new_target_url=target_url, new_message_version_id=version_id, changed_by_id=user_id,
        )
    link.name = changes.name.strip()[:100]
    link.target_url = target_url
    link.message_version_id = version_id  # type: ignore[attr-defined]
    link.message_id = version.message_id if version else None  # type: ignore[attr-defined]
    link.expires_at = changes.expires_at
    link.disabled = changes.disabled
    await link.save()
    return changed


async def delete_link(link: ShortLink) -> None:
    """Delete a link the studio made, with its raw visits; its statistics rollups stay.
    A send batch's personalised link is in recipients' messages: disable it instead."""
    if link.batch_id is not None:
        raise Conflict("发送批次生成的个性化短链不能删除，可以停用")
    await link.delete()


@dataclass(frozen=True)
class BulkResult:
    created: list[ShortLink]
    #: (line number, zh-CN reason)
    errors: list[tuple[int, str]]


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


async def bulk_create(workspace_id: int, user_id: int | None, text: str) -> BulkResult:
    """Links from CSV lines `name,url` (a header line `name,url` or `名称,链接` is skipped)."""
    created: list[ShortLink] = []
    errors: list[tuple[int, str]] = []
    rows = _rows(text)
    if len(rows) > MAX_BULK_ROWS:
        raise FormInvalid({"file": Text("一次最多导入 %(n)s 行", n=MAX_BULK_ROWS)})
    for number, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if number == 1 and cells[0].lower() in ("name", "名称", "短链名称"):
            continue
        if len(cells) < 2:
            errors.append((number, "每行需要“名称,链接”两列"))
            continue
        try:
            link = await create_link(workspace_id, user_id, LinkSpec(cells[0], cells[1]))
        except FormInvalid as exc:
            errors.append((number, next(iter(exc.errors.values()))))
            continue
        created.append(link)
    return BulkResult(created, errors)
