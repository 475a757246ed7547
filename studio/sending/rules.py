"""A workspace's sending rules (发送设置): marketing send window, frequency caps, retention.

The environment gives the defaults (`SendingOptions`); a workspace that saved its own
settings (`SendSettings`, one row) uses those. Read once per send run into a frozen value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from studio.errors import FormInvalid
from studio.i18n import Text
from studio.models.sending import SendSettings
from studio.settings import SendingOptions

_WINDOW = re.compile(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d")
#: visits are kept at least this long (the statistics pages show up to a year back)
MIN_VISIT_DAYS = 30


@dataclass(frozen=True)
class SendRules:
    marketing_window: str = "09:00-20:00"
    marketing_cap_per_day: int = 1
    verification_cap_per_hour: int = 10
    phone_retention_days: int = 180
    #: 0 = as the installation keeps them (VISIT_RETENTION_DAYS, `studio.stats.purge`)
    visit_retention_days: int = 0

    @classmethod
    def defaults(cls, options: SendingOptions) -> SendRules:
        return cls(options.marketing_window, options.marketing_cap_per_day,
                   options.verification_cap_per_hour, options.phone_retention_days)


async def load_rules(workspace_id: int, options: SendingOptions) -> SendRules:
    row = await SendSettings.filter(workspace_id=workspace_id).first()
    if row is None:
        return SendRules.defaults(options)
    return SendRules(row.marketing_window, row.marketing_cap_per_day,
                     row.verification_cap_per_hour, row.phone_retention_days,
                     row.visit_retention_days)


def _number(values: dict[str, str], key: str, low: int, high: int, label: str,
            errors: dict[str, str]) -> int:
    raw = values.get(key, "").strip()
    if not raw.isdigit() or not low <= int(raw) <= high:
        errors[key] = Text("%(label)s须为 %(low)s–%(high)s 之间的整数", label=Text(label), low=low,
                           high=high)
        return low
    return int(raw)


def parse_rules(values: dict[str, str], *, visit_days_cap: int = 0) -> SendRules:
    """The settings form; FormInvalid with a zh-CN message per field. A workspace may keep
    raw visits shorter than the installation (`visit_days_cap`, 0 = for ever), not longer."""
    errors: dict[str, str] = {}
    start = values.get("window_start", "").strip()
    end = values.get("window_end", "").strip()
    window = f"{start}-{end}"
    if not _WINDOW.fullmatch(window) or not start < end:
        errors["window_start"] = "请填写有效的发送时段，开始时间早于结束时间（如 09:00 至 20:00）"
    rules = SendRules(
        marketing_window=window,
        marketing_cap_per_day=_number(values, "marketing_cap_per_day", 0, 100,
                                      "营销消息频次", errors),
        verification_cap_per_hour=_number(values, "verification_cap_per_hour", 0, 100,
                                          "验证码频次", errors),
        phone_retention_days=_number(values, "phone_retention_days", 0, 3650,
                                     "号码保留天数", errors),
        visit_retention_days=_number(values, "visit_retention_days", 0, 3650,
                                     "访问记录保留天数", errors),
    )
    visits = rules.visit_retention_days
    if 0 < visits < MIN_VISIT_DAYS:
        errors["visit_retention_days"] = Text("访问记录至少保留 %(days)s 天（0 为按系统设置）",
                                               days=MIN_VISIT_DAYS)
    elif visit_days_cap and visits > visit_days_cap:
        errors["visit_retention_days"] = (
            Text("系统只保留 %(days)s 天的访问记录，请填写不超过该天数的值", days=visit_days_cap))
    if errors:
        raise FormInvalid(errors)
    return rules


async def save_rules(workspace_id: int, rules: SendRules) -> None:
    fields: dict[str, Any] = {"marketing_window": rules.marketing_window,
              "marketing_cap_per_day": rules.marketing_cap_per_day,
              "verification_cap_per_hour": rules.verification_cap_per_hour,
              "phone_retention_days": rules.phone_retention_days,
              "visit_retention_days": rules.visit_retention_days}
    updated = await SendSettings.filter(workspace_id=workspace_id).update(**fields)
    if not updated:
        await SendSettings.create(workspace_id=workspace_id, **fields)
