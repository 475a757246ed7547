"""Parsing the sending forms into values (the views call these, then one domain function)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from studio.errors import FormInvalid
from studio.models.sending import BatchKind, Category, FallbackPolicy
from studio.sending.batches import BatchSpec
from studio.sending.content import Source

#: uploads bigger than this are refused (the seeds allow 40 MB)
MAX_UPLOAD = 40_000_000


def batch_spec(values: dict[str, str]) -> BatchSpec:
    errors: dict[str, str] = {}
    name = values.get("name", "").strip()
    if not name:
        errors["name"] = "请填写任务名称"
    raw_source = values.get("source", "") or (
        f"m:{values['message_version']}" if values.get("message_version") else "")
    try:
        source = Source.parse(raw_source)
    except FormInvalid as exc:
        source = Source(BatchKind.RCS, 0)
        errors.update(exc.errors)
    try:
        category = Category(values.get("category", "marketing"))
    except ValueError:
        category = Category.MARKETING
    raw_fallback = values.get("fallback", "")
    values_ok = {p.value for p in FallbackPolicy}
    fallback = FallbackPolicy(raw_fallback) if raw_fallback in values_ok else None
    try:
        link_days = int(values.get("link_days", "0") or 0)
    except ValueError:
        link_days = -1
    if not 0 <= link_days <= 7:
        errors["link_days"] = "短链有效期为 1–7 天"
    if errors:
        raise FormInvalid(errors)
    return BatchSpec(
        name=name, message_version_id=source.id if source.kind is BatchKind.RCS else 0,
        category=category, fallback=fallback, signature_id=values.get("signature", "")[:12],
        link_days=link_days, kind=source.kind,
        template_id=source.id if source.kind is not BatchKind.RCS else 0)


def schedule_at(values: dict[str, str], tz: str) -> datetime | None:
    """None for 立即发送, else the local datetime-local value as an aware time."""
    if values.get("when", "now") == "now":
        return None
    raw = values.get("scheduled_at", "").strip()
    try:
        local = datetime.fromisoformat(raw)
    except ValueError:
        raise FormInvalid({"scheduled_at": "请选择定时发送时间"}) from None
    if local.tzinfo is None:
        local = local.replace(tzinfo=ZoneInfo(tz))
    return local
