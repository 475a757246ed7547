"""'Insert short link' and 'insert CH5 link' for the template editors.

Both go through the short-link feature's domain (`studio.links.service`): a new link's target
must be an absolute http(s) URL (javascript:, data: … are refused there), and a CH5 link needs
an approved message version. The full URL is inserted, so the counter counts its real length.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from studio.errors import FormInvalid
from studio.links.service import LinkSpec, create_link
from studio.models.links import ShortLink
from studio.models.messages import Message, MessageVersion, ReviewStatus
from studio.sms_templates.content import parse_id

UrlOf = Callable[[str], str]


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


async def link_choices(workspace_id: int, limit: int = 100) -> list[Choice]:
    rows = await ShortLink.filter(workspace_id=workspace_id, batch_id__isnull=True,
                                  disabled=False).exclude(target_url="").order_by(
        "-created_at").limit(limit)
    return [Choice(r.id, f"{r.name or r.code} → {r.target_url[:60]}") for r in rows]


async def ch5_choices(workspace_id: int, limit: int = 100) -> list[Choice]:
    """Approved message versions (the version each message currently sends)."""
    messages = await Message.filter(workspace_id=workspace_id, deleted_at__isnull=True,
                                    approved_version__isnull=False).order_by("-updated_at"
                                                                             ).limit(limit)
    found = []
    for m in messages:
        version = await MessageVersion.filter(message_id=m.id, number=m.approved_version,
                                              status=ReviewStatus.APPROVED).first()
        if version is not None:
            found.append(Choice(version.id, f"{m.name}（v{version.number}）"))
    return found


async def short_link_url(workspace_id: int, user_id: int, form: dict[str, str], url_of: UrlOf
                         ) -> str:
    """An existing link (`link_id`) or a new one for `link_url`; its full URL."""
    link_id = parse_id(form.get("link_id", ""))
    if link_id is not None:
        link = await ShortLink.filter(id=link_id, workspace_id=workspace_id).first()
        if link is None:
            raise FormInvalid({"link": "请选择本工作区的短链"})
        return url_of(link.code)
    target = form.get("link_url", "").strip()
    if not target:
        raise FormInvalid({"link": "请选择一个短链，或填写要转换的链接地址"})
    try:
        link = await create_link(workspace_id, user_id,
                                 LinkSpec(name=form.get("link_name", "")[:100], target_url=target))
    except FormInvalid as exc:
        raise FormInvalid({"link": next(iter(exc.errors.values()))}) from None
    return url_of(link.code)


async def ch5_url(workspace_id: int, user_id: int, raw_version: str, url_of: UrlOf) -> str:
    version_id = parse_id(raw_version)
    if version_id is None:
        raise FormInvalid({"ch5": "请选择一条已审核通过的消息"})
    try:
        link = await create_link(workspace_id, user_id,
                                 LinkSpec(name="CH5", message_version_id=version_id))
    except FormInvalid as exc:
        raise FormInvalid({"ch5": next(iter(exc.errors.values()))}) from None
    return url_of(link.code)
