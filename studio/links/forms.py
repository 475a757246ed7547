"""Parsing the short-link forms into values (the views stay thin)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from studio.errors import FormInvalid
from studio.links.service import LinkChanges, LinkSpec
from studio.models.links import ShortLink
from studio.models.messages import Message, MessageVersion, ReviewStatus
from studio.scoping import HasWorkspace, scoped


def parse_local_datetime(value: str, tz: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        naive = datetime.fromisoformat(value)
    except ValueError:
        raise FormInvalid({"expires_at": "请填写有效的日期和时间"}) from None
    return naive.replace(tzinfo=ZoneInfo(tz)) if naive.tzinfo is None else naive


def _version_id(values: dict[str, str]) -> int | None:
    if values.get("target_type") != "ch5":
        return None
    try:
        return int(values.get("message_version", ""))
    except ValueError:
        raise FormInvalid({"message_version": "请选择一条已审核通过的消息"}) from None


def link_spec(values: dict[str, str], tz: str) -> LinkSpec:
    version_id = _version_id(values)
    return LinkSpec(
        name=values.get("name", ""),
        target_url="" if version_id else values.get("target_url", ""),
        message_version_id=version_id,
        code=values.get("code", ""),
        expires_at=parse_local_datetime(values.get("expires_at", ""), tz),
        disabled=values.get("disabled") == "1",
    )


def link_changes(values: dict[str, str], tz: str) -> LinkChanges:
    spec = link_spec(values, tz)
    return LinkChanges(spec.name, spec.target_url, spec.message_version_id, spec.expires_at,
                       spec.disabled)


def link_values(link: ShortLink, tz: str) -> dict[str, str]:
    """A link as form values (for the edit form)."""
    expires = link.expires_at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%dT%H:%M") \
        if link.expires_at else ""
    version_id = link.message_version_id  # type: ignore[attr-defined]
    return {
        "name": link.name, "target_url": link.target_url, "expires_at": expires,
        "target_type": "ch5" if version_id else "url",
        "message_version": str(version_id or ""), "disabled": "1" if link.disabled else "",
    }


@dataclass(frozen=True)
class VersionChoice:
    id: int
    #: the message's name and its approved version number (the template labels them)
    name: str
    number: int


async def approved_choices(ctx: HasWorkspace) -> list[VersionChoice]:
    """The workspace's messages with an approved version, for the CH5 target select."""
    messages = await scoped(Message, ctx).filter(
        approved_version__isnull=False, deleted_at__isnull=True).order_by("-updated_at")
    by_id = {m.id: m for m in messages}
    versions = await scoped(MessageVersion, ctx).filter(
        message_id__in=list(by_id), status=ReviewStatus.APPROVED)
    choices = []
    for v in versions:
        message = by_id[v.message_id]  # type: ignore[attr-defined]
        if v.number == message.approved_version:
            choices.append(VersionChoice(v.id, message.name, v.number))
    return choices
