"""CSV and xlsx exports of a statistics page. Cells a spreadsheet would run as a formula
(starting with =, +, -, @, or a tab/CR) are neutralised with a leading apostrophe. Sheet
titles and headers are in the reader's locale (Chinese by default)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook

from studio.i18n import gettext
from studio.stats.queries import Point, Totals

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | None


def safe_cell(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


@dataclass(frozen=True)
class Sheet:
    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[Cell]]


def build_sheets(
    name: str, period_label: str, totals: Totals, points: Iterable[Point],
    breakdowns: dict[str, list[tuple[str, int]]], buttons: list[tuple[str, str, int]],
) -> list[Sheet]:
    summary = Sheet(gettext("汇总"), _names("名称", "时间范围", "PV", "UV", "IP数", "机器人访问",
                                          "按钮点击", "回复", "失效访问"),
                    [[name, period_label, totals.pv, totals.uv, totals.ip, totals.bots,
                      totals.clicks, totals.replies, totals.expired]])
    series = Sheet(gettext("趋势"), _names("时间", "PV", "UV", "IP数", "机器人访问", "按钮点击"),
                   [[p.label, p.pv, p.uv, p.ip, p.bots, p.clicks] for p in points])
    sheets = [summary, series]
    for dim, rows in breakdowns.items():
        sheets.append(Sheet(dim, [dim, "PV"],
                            [[value or gettext("(无)"), n] for value, n in rows]))
    if buttons:
        sheets.append(Sheet(gettext("按钮"), _names("按钮", "名称", "点击"),
                            [list(b) for b in buttons]))
    return sheets


def _names(*msgids: str) -> list[str]:
    return [gettext(msgid) for msgid in msgids]


def to_csv(sheets: list[Sheet]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for sheet in sheets:
        writer.writerow([f"# {sheet.title}"])
        writer.writerow([safe_cell(h) for h in sheet.header])
        for row in sheet.rows:
            writer.writerow([safe_cell(c) for c in row])
        writer.writerow([])
    # a BOM so Excel opens the Chinese text as UTF-8
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(sheets: list[Sheet]) -> bytes:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for sheet in sheets:
        ws = book.create_sheet(sheet.title[:31])
        ws.append([safe_cell(h) for h in sheet.header])
        for row in sheet.rows:
            ws.append([safe_cell(c) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
