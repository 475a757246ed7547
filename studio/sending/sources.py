"""Reading recipient files into rows of strings: xlsx, csv and txt (UTF-8 or GBK), typed.

Everything returns plain lists of cell strings; deciding what a cell means is
`studio.sending.recipients`' job. Caps are checked while reading, so a 10-million-row file
stops at the first row past the limit instead of being read whole.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from studio.errors import StudioError
from studio.i18n import Text

#: recipient rows per batch (the header row is not counted)
MAX_ROWS = 100_000
#: numbers typed or pasted into one field, and in all fields together
TYPED_PER_FIELD = 100
TYPED_TOTAL = 10_000
#: columns read from a row (phone + variables); the rest are ignored
MAX_COLUMNS = 100

_TYPED_SPLIT = re.compile(r"[\r\n,，;；、]+")
_SPACES = re.compile(r"\s+")
#: one number written with spaces or dashes (+86 138 0013 8000): at most 15 digits
_ONE_NUMBER = re.compile(r"\+?[\d\s\-()（）]+")


class ImportRefused(StudioError):
    """A file or entry that cannot be imported at all (zh-CN reason)."""

    status = 422
    code = "import_refused"
    message = "无法导入该文件"


def rows_from_file(data: bytes, filename: str, *, encoding: str = "") -> Iterator[list[str]]:
    """Rows of a recipient file, chosen by content first and file name second."""
    name = filename.lower()
    if data[:4] == b"PK\x03\x04":
        return _xlsx_rows(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportRefused("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 .csv 后上传")
    if name.endswith((".xlsx", ".xlsm")):
        raise ImportRefused("文件不是有效的 Excel（.xlsx）表格")
    if b"\x00" in data[:4096]:
        raise ImportRefused("文件不是文本或表格文件，请上传 .xlsx、.csv 或 .txt")
    return _text_rows(decode_text(data, encoding))


def decode_text(data: bytes, encoding: str = "") -> str:
    """UTF-8 (with or without BOM) when it decodes, else GBK (GB18030, its superset).

    Chinese Excel saves CSV in GBK by default; a file that is neither raises with a hint.
    """
    if encoding:
        try:
            return data.decode(encoding).lstrip("\ufeff")
        except (LookupError, UnicodeDecodeError):
            raise ImportRefused(
                Text("无法按 %(encoding)s 编码读取文件", encoding=encoding[:20])) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportRefused("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV") from None


def _text_rows(text: str) -> Iterator[list[str]]:
    first = text[:4096].split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for row in reader:
        yield [cell.strip() for cell in row[:MAX_COLUMNS]]


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    """The first sheet's rows, read with python-calamine (Rust, ~10x openpyxl's speed)."""
    from python_calamine import (
        CalamineError,
        CalamineWorkbook,
        PasswordError,
        XmlError,
        ZipError,
    )

    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except (CalamineError, PasswordError, XmlError, ZipError, ValueError, OSError, IndexError):
        raise ImportRefused("文件不是有效的 Excel（.xlsx）表格") from None
    for values in rows:
        yield [cell_text(v) for v in values[:MAX_COLUMNS]]


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a person sees, without Excel's float artefacts.

    A phone typed into Excel is a float (13800138000.0, shown as 1.38E+10): integral floats
    become their digits. Formulas arrive as their last computed value (empty when the file
    was never calculated); merged cells carry their value in the first cell only.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e17:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _pieces(part: str) -> list[str]:
    """One number typed with spaces stays one; several separated by spaces are split."""
    part = part.strip()
    digits = sum(ch.isdigit() for ch in part)
    if part and _ONE_NUMBER.fullmatch(part) and digits <= 15:
        return [part]
    return [n for n in _SPACES.split(part) if n]


def typed_rows(fields: list[str]) -> list[list[str]]:
    """Numbers typed or pasted into entry fields (separated by spaces, commas or lines)."""
    rows: list[list[str]] = []
    for index, text in enumerate(fields, start=1):
        numbers = [n for part in _TYPED_SPLIT.split(text.strip()) for n in _pieces(part)]
        if len(numbers) > TYPED_PER_FIELD:
            raise ImportRefused(Text("第 %(index)s 个输入框最多 %(n)s 个号码", index=index,
                                     n=TYPED_PER_FIELD))
        rows.extend([n] for n in numbers)
        if len(rows) > TYPED_TOTAL:
            raise ImportRefused(Text("手动输入最多 %(n)s 个号码，更多请上传文件", n=TYPED_TOTAL))
    return rows
