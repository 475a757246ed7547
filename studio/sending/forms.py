"""Parsing the sending forms into values (the views call these, then one domain function)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from studio.errors import FormInvalid
from studio.models.sending import Category, FallbackPolicy
from studio.sending.batches import BatchSpec

#: uploads bigger than this are refused (the seeds allow 40 MB)
MAX_UPLOAD = 40_000_000


def batch_spec(values: dict[str, str]) -> BatchSpec:
    errors: dict[str, str] = {}
    name = values.get("name", "").strip()
    if not name:
        errors["name"] = "请填写任务名称"
    try:
        version_id = int(values.get("message_version", ""))
    except ValueError:
        version_id = 0
        errors["message_version"] = "请选择一条已审核通过的消息"
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
    return BatchSpec(name=name, message_version_id=version_id, category=category,
                     fallback=fallback, signature=values.get("signature", ""),
                     link_days=link_days)


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
