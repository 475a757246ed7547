from __future__ import annotations

import json
from pathlib import Path

import pytest

from renderers.cli import main
from tests.renderers.regen_golden import CASES_DIR


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, object]:
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else None


@pytest.mark.parametrize("to", ["rcs", "sms", "ch5"])
def test_render_every_channel(capsys: pytest.CaptureFixture[str], to: str) -> None:
    code, data = _run(
        capsys, "render", str(CASES_DIR / "card.json"), "--to", to, "--signature", "联动云"
    )
    assert code == 0
    assert isinstance(data, dict) and data["channel"] == to


def test_render_with_vars(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = _run(
        capsys, "render", str(CASES_DIR / "card.json"), "--to", "sms", "--vars", '{"city": "上海"}'
    )
    assert code == 0
    assert isinstance(data, dict) and "上海旗舰店开业" in data["output"]["text"]


def test_render_vars_from_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    values = tmp_path / "vars.json"
    values.write_text('{"city": "广州"}', encoding="utf-8")
    code, data = _run(
        capsys, "render", str(CASES_DIR / "card.json"), "--to", "ch5", "--vars", f"@{values}"
    )
    assert code == 0
    assert isinstance(data, dict) and data["output"]["cards"][0]["title"] == "广州旗舰店开业"


def test_render_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = _run(capsys, "render", "unused.json", "--to", "schema")
    assert code == 0
    assert isinstance(data, dict) and data["$schema"].endswith("2020-12/schema")


@pytest.mark.parametrize(
    ("vars_arg", "path"),
    [("{bad", "--vars"), ("[1]", "--vars"), ('{"city": null}', "--vars.city")],
)
def test_bad_vars(capsys: pytest.CaptureFixture[str], vars_arg: str, path: str) -> None:
    code, data = _run(
        capsys, "render", str(CASES_DIR / "card.json"), "--to", "rcs", "--vars", vars_arg
    )
    assert code == 1
    assert isinstance(data, dict) and data["problems"][0]["path"] == path


def test_missing_variable_value(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = _run(capsys, "render", str(CASES_DIR / "card.json"), "--to", "rcs", "--vars", "{}")
    assert code == 1
    assert isinstance(data, dict) and {p["code"] for p in data["problems"]} == {"missing_value"}


def test_validate_ok_and_problems(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, data = _run(capsys, "validate", str(CASES_DIR / "text.json"))
    assert (code, data) == (0, {"valid": True, "problems": []})
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"version": 2, "kind": "carousel", "cards": []}), encoding="utf-8")
    code, data = _run(capsys, "validate", str(bad))
    assert code == 1
    assert isinstance(data, dict) and data["problems"][0]["code"] == "too_few"
    code, data = _run(capsys, "render", str(bad), "--to", "rcs")
    assert code == 1


def test_validate_warnings_only_exit_zero(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    doc = tmp_path / "doc.json"
    doc.write_text(
        json.dumps({"version": 2, "kind": "text", "text": "hi", "variables": [{"name": "x"}]}),
        encoding="utf-8",
    )
    code, data = _run(capsys, "validate", str(doc))
    assert code == 0
    assert isinstance(data, dict) and data["problems"][0]["severity"] == "warning"


def test_unreadable_and_malformed_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, data = _run(capsys, "validate", str(tmp_path / "missing.json"))
    assert code == 1 and isinstance(data, dict) and data["problems"][0]["code"] == "unreadable_file"
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    code, data = _run(capsys, "render", str(broken), "--to", "sms")
    assert code == 1 and isinstance(data, dict) and data["problems"][0]["code"] == "invalid_json"


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "x.json", "--to", "fax"]) == 2
    assert main([]) == 2
    capsys.readouterr()
