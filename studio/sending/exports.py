"""Delivery exports (CSV and xlsx): masked numbers unless an owner asks for full ones
(audited by the view), and every cell neutralised against spreadsheet formula injection.
Headers and the studio's own labels are in the reader's locale (Chinese by default)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable

from studio.gateways.base import error_text
from studio.i18n import gettext, localize
from studio.models.sending import Channel, Delivery, DeliveryStatus
from studio.sending.phones import mask_phone

HEADER = ["号码", "状态", "通道", "错误码", "说明", "打开次数", "按钮点击", "提交时间", "回执时间",
          "个性化短链"]
_CHANNEL_ZH = {Channel.RCS: "5G消息", Channel.SMS: "短信", Channel.VIDEO_SMS: "视频短信",
               Channel.NONE: "-"}
_SKIP_ZH = {"opted_out": "已退订", "capped": "超过发送频次", "no_fallback": "不支持5G且不降级",
            "cancelled": "批次已取消", "carrier": "该号码所属运营商未通过模板报备"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def header() -> list[str]:
    return [gettext(name) for name in HEADER]


def neutralise(value: str) -> str:
    """A leading apostrophe keeps Excel from reading the cell as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def channel_zh(channel: Channel) -> str:
    return _CHANNEL_ZH.get(channel, "-")


def explain(delivery: Delivery) -> str:
    if delivery.status is DeliveryStatus.SKIPPED:
        return _SKIP_ZH.get(delivery.skip_reason, "")
    return error_text(delivery.error_code)


def _when(value: object) -> str:
    return value.isoformat(timespec="seconds") if hasattr(value, "isoformat") else ""


def row_of(delivery: Delivery, *, full: bool, activity: tuple[int, int] = (0, 0)) -> list[str]:
    """One export row. A personalised link opens its recipient's page, so its code is part
    of the full export only (owners, audited), like the number."""
    phone = delivery.phone if full else mask_phone(delivery.phone)
    cells = [phone, localize(delivery.status.label_zh), localize(channel_zh(delivery.channel)),
             delivery.error_code, localize(explain(delivery)), str(activity[0]),
             str(activity[1]), _when(delivery.sent_at),
             _when(delivery.reported_at), delivery.link_code if full else ""]
    return [neutralise(c) for c in cells]


async def deliveries(
    batch_id: int, *, chunk: int = 2000
) -> AsyncIterator[tuple[Delivery, tuple[int, int]]]:
    """The batch's deliveries with (opens, button taps) of their links, a chunk at a time."""
    from studio.sending.analytics import link_activity

    last = 0
    while True:
        rows = await Delivery.filter(batch_id=batch_id, id__gt=last, is_test=False).order_by(
            "id").limit(chunk)
        if not rows:
            return
        codes = {d.id: [c for c in d.link_code.split(",") if c] for d in rows}
        found = await link_activity([c for mine in codes.values() for c in mine])
        for row in rows:
            mine = [found.get(c, (0, 0)) for c in codes[row.id]]
            yield row, (sum(a for a, _ in mine), sum(b for _, b in mine))
        last = rows[-1].id


async def csv_bytes(batch_id: int, *, full: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header())
    async for delivery, activity in deliveries(batch_id):
        writer.writerow(row_of(delivery, full=full, activity=activity))
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Chinese Excel read UTF-8


async def xlsx_bytes(batch_id: int, *, full: bool) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(gettext("发送明细"))
    sheet.append(header())
    async for delivery, activity in deliveries(batch_id):
        sheet.append(row_of(delivery, full=full, activity=activity))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_of(rows: Iterable[list[str]], names: list[str]) -> bytes:
    """A CSV download; `names` are zh-CN msgids, written in the reader's locale."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([gettext(name) for name in names])
    for row in rows:
        writer.writerow([neutralise(c) for c in row])
    return out.getvalue().encode("utf-8-sig")
