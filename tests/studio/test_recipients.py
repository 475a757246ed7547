"""Recipient import: files generated here (csv UTF-8/GBK, txt, xlsx with formulas, merged
cells, empty rows, floats), numbers, de-duplication, variables and caps."""

from __future__ import annotations

import io

import openpyxl
import pytest

from studio.sending.phones import PhoneProblem, mask_phone, normalise_phone
from studio.sending.recipients import parse_rows
from studio.sending.sources import (
    ImportRefused,
    cell_text,
    decode_text,
    rows_from_file,
    typed_rows,
)


@pytest.mark.parametrize(("raw", "expected"), [
    ("13800138000", "13800138000"),
    ("+86 138-0013-8000", "13800138000"),
    ("8613800138000", "13800138000"),
    ("0086 13800138000", "13800138000"),
    ("(138)0013 8000", "13800138000"),
    ("１３８００１３８０００", "13800138000"),
    ("", PhoneProblem.EMPTY),
    ("abc", PhoneProblem.FORMAT),
    ("12345", PhoneProblem.NOT_MOBILE),
    ("01012345678", PhoneProblem.NOT_MOBILE),
    ("+1 650 253 0000", PhoneProblem.NOT_CN),
], ids=["plain", "plus86-dashes", "86", "0086", "brackets", "fullwidth", "empty", "letters",
        "short", "landline", "us"])
def test_normalise_phone(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


def test_mask() -> None:
    assert mask_phone("13812341234") == "138****1234"


def _xlsx(rows: list[list[object]], *, merge: str = "") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_csv_utf8_with_header_dedupe_and_invalid() -> None:
    text = "手机号,name\n13800138000,张三\n+86 138 0013 8000,重复\n12345,坏\n\n13900139000,李四\n"
    result = parse_rows(rows_from_file(text.encode("utf-8-sig"), "a.csv"), required=("name",))
    assert result.variables == ("name",)
    assert [r.phone for r in result.recipients] == ["13800138000", "13900139000"]
    assert result.recipients[0].variables == {"name": "张三"}  # the first row wins
    assert result.duplicates == 1
    assert [(r.line, r.reason) for r in result.invalid] == [(4, "不是有效的手机号码")]
    assert result.total == 4


def test_gbk_csv_is_detected() -> None:
    data = "号码,城市\n13800138000,北京\n".encode("gbk")
    result = parse_rows(rows_from_file(data, "excel.csv"))
    assert result.recipients[0].variables == {"城市": "北京"}
    assert decode_text(data) == "号码,城市\n13800138000,北京\n"


def test_txt_without_header_and_tabs() -> None:
    result = parse_rows(rows_from_file(b"13800138000\n13900139000\t\n", "list.txt"))
    assert len(result.recipients) == 2 and result.variables == ()


def test_missing_variables_are_flagged() -> None:
    rows = [["phone", "name", "city"], ["13800138000", "张三", ""], ["13900139000", "", "京"]]
    result = parse_rows(rows, required=("name",))
    assert [r.phone for r in result.recipients] == ["13800138000"]
    assert result.missing[0].reason == "缺少变量：name"


def test_xlsx_floats_formulas_merged_and_empty_rows() -> None:
    data = _xlsx([
        ["手机号", "name"], [13800138000.0, "浮点"], [None, None],
        ["=\"139\"&\"00139000\"", "公式"],
        [1.38e10, "科学计数"], ["13700137000", "合并"], [None, None],
    ], merge="B6:B7")
    result = parse_rows(rows_from_file(data, "list.xlsx"))
    phones = [r.phone for r in result.recipients]
    assert phones == ["13800138000", "13800000000", "13700137000"]
    # a formula never calculated has no cached value: an empty number, reported
    assert [r.reason for r in result.invalid] == ["号码为空"]


def test_xlsx_with_many_columns_reads_the_variables() -> None:
    header = ["phone", *[f"v{i}" for i in range(1, 100)]]
    row = ["13800138000", *[str(i) for i in range(1, 100)]]
    result = parse_rows(rows_from_file(_xlsx([header, row]), "wide.xlsx"))
    assert len(result.variables) == 99 and result.recipients[0].variables["v99"] == "99"


def test_scientific_text_is_explained() -> None:
    result = parse_rows([["1.38001E+10"]], header=False)
    assert "科学计数法" in result.invalid[0].reason


@pytest.mark.parametrize(("data", "name"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "photo.csv"),
    (b"PK\x03\x04garbage", "broken.xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old.xls"),
    (b"plain text", "named.xlsx"),
], ids=["binary", "bad-zip", "xls", "not-xlsx"])
def test_not_a_spreadsheet_is_refused(data: bytes, name: str) -> None:
    with pytest.raises(ImportRefused):
        list(rows_from_file(data, name))


def test_row_cap() -> None:
    rows = [[f"138{i:08d}"] for i in range(11)]
    assert len(parse_rows(rows[:10], max_rows=10).recipients) == 10
    with pytest.raises(ImportRefused):
        parse_rows(rows, max_rows=10)


def test_typed_caps() -> None:
    assert typed_rows(["13800138000，13900139000\n13700137000"]) == [
        ["13800138000"], ["13900139000"], ["13700137000"]]
    # one number written with spaces stays one; numbers separated by spaces are split
    assert typed_rows(["+86 138 0013 8000\n139-0013-9000 13700137000"]) == [
        ["+86 138 0013 8000"], ["139-0013-9000"], ["13700137000"]]
    with pytest.raises(ImportRefused, match="最多 100"):
        typed_rows([" ".join(["13800138000"] * 101)])
    with pytest.raises(ImportRefused, match="10000"):
        typed_rows([" ".join(["13800138000"] * 100)] * 101)


def test_cell_text() -> None:
    assert cell_text(13800138000.0) == "13800138000"
    assert cell_text(1.5) == "1.5"
    assert cell_text(None) == ""


def test_a_real_file_of_100001_rows_is_refused() -> None:
    lines = ["手机号,name"] + [f"1{3 + i % 7}{i:09d},客户" for i in range(100_001)]
    data = "\n".join(lines).encode("gbk")
    with pytest.raises(ImportRefused, match="100000"):
        parse_rows(rows_from_file(data, "名单.csv"))
    exact = "\n".join(lines[:-1]).encode("gbk")
    assert parse_rows(rows_from_file(exact, "名单.csv")).total == 100_000
