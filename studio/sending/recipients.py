"""From rows of cells to recipients: header, numbers, de-duplication, variables, caps.

The result is what the number parsing table (号码解析) shows before anything is stored:
total rows, recipients after de-duplication (first row wins), invalid rows with a reason
each, and rows whose variables are missing (flagged and not sent).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from studio.i18n import Text
from studio.sending.phones import PhoneProblem, normalise_phone
from studio.sending.sources import MAX_ROWS, ImportRefused

_PHONE_HEADERS = {"phone", "mobile", "tel", "手机号", "手机号码", "号码", "电话", "电话号码"}
_SCIENTIFIC = re.compile(r"\d(\.\d+)?[eE]\+?\d+")
_DECIMAL_ZERO = re.compile(r"(\d+)\.0+")
_VAR_NAME = re.compile(r"[\w\u4e00-\u9fff]+")


@dataclass(frozen=True)
class Recipient:
    line: int
    phone: str
    variables: dict[str, str]


@dataclass(frozen=True)
class Rejected:
    line: int
    raw: str
    reason: str


@dataclass
class ParseResult:
    #: variable names from the header row (the columns after the phone)
    variables: tuple[str, ...] = ()
    #: non-empty rows read (header excluded)
    total: int = 0
    recipients: list[Recipient] = field(default_factory=list)
    duplicates: int = 0
    invalid: list[Rejected] = field(default_factory=list)
    #: valid numbers whose row lacks a value the message needs (not sent)
    missing: list[Rejected] = field(default_factory=list)


def _is_header(row: Sequence[str]) -> bool:
    first = row[0].strip().lower() if row else ""
    if first in _PHONE_HEADERS:
        return True
    return bool(first) and not any(ch.isdigit() for ch in first)


def _names(header: Sequence[str]) -> tuple[str, ...]:
    names = []
    for index, cell in enumerate(header[1:], start=2):
        name = cell.strip().strip("{}").strip()
        names.append(name if name and _VAR_NAME.fullmatch(name) else f"列{index}")
    while names and names[-1].startswith("列") and not header[len(names)].strip():
        names.pop()
    return tuple(names)


def _phone_cell(raw: str) -> str | PhoneProblem:
    decimal = _DECIMAL_ZERO.fullmatch(raw)
    if decimal:
        raw = decimal.group(1)
    return normalise_phone(raw)


def parse_rows(
    rows: Iterable[list[str]],
    *,
    required: Sequence[str] = (),
    max_rows: int = MAX_ROWS,
    header: bool | None = None,
) -> ParseResult:
    """Walk the rows once. `header=None` detects a header row (a first cell without digits).

    Raises `ImportRefused` past `max_rows` non-empty rows.
    """
    result = ParseResult()
    seen: set[str] = set()
    names: tuple[str, ...] = ()
    wanted = tuple(required)
    first = True
    for line, row in enumerate(rows, start=1):
        if not row or not any(row):
            continue
        if first:
            first = False
            if header is True or (header is None and _is_header(row)):
                names = _names(row)
                result.variables = names
                continue
        result.total += 1
        if result.total > max_rows:
            raise ImportRefused(Text("每个批次最多 %(n)s 个号码，文件超出上限", n=max_rows))
        raw = row[0]
        phone = _phone_cell(raw)
        if isinstance(phone, PhoneProblem):
            reason = phone.label_zh
            if _SCIENTIFIC.fullmatch(raw.strip()):
                reason = "号码为科学计数法，已丢失位数（请把号码列设为文本格式）"
            result.invalid.append(Rejected(line, raw[:40], reason))
            continue
        if phone in seen:
            result.duplicates += 1
            continue
        seen.add(phone)
        values = {name: (row[i + 1] if i + 1 < len(row) else "") for i, name in enumerate(names)}
        absent = [name for name in wanted if not values.get(name, "").strip()]
        if absent:
            result.missing.append(Rejected(line, phone, "缺少变量：" + "、".join(absent)))
            continue
        result.recipients.append(Recipient(line, phone, values))
    return result
