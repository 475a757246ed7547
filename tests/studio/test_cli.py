"""The `studio` command as a user runs it: a real process on a real port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from studio.cli import main


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_studio_run_serves_the_setup_page(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "STUDIO_DATA_DIR": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "studio.cli", "run", "--port", str(port), "--log-level",
         "warning"],
        env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        response = None
        while time.monotonic() < deadline:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/login", follow_redirects=True)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert response is not None, "server did not start"
        assert response.status_code == 200
        assert response.url.path == "/setup"
        assert "创建工作区和所有者账号" in response.text
        # data stayed in the data folder: database and generated secrets (0600)
        data = tmp_path / "data"
        assert (data / "studio.sqlite3").exists()
        assert (data / "secret_key").stat().st_mode & 0o777 == 0o600
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_createuser_and_resetpassword(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main(["createuser", "ops@example.cn", "--password", "operator pass 1",
                 "--operator"]) == 0
    assert main(["createuser", "ops@example.cn", "--password", "operator pass 1"]) == 1
    assert "该账号已存在" in capsys.readouterr().err
    assert main(["createuser", "weak@example.cn", "--password", "short"]) == 1
    assert main(["resetpassword", "ops@example.cn", "--password", "another pass 2"]) == 0
    assert main(["resetpassword", "nobody@example.cn", "--password", "another pass 2"]) == 1


def test_production_mode_refuses_unsafe_settings(tmp_path: Path) -> None:
    from studio.app import create_app
    from studio.settings import InsecureSettings, Settings

    settings = Settings.from_env({"STUDIO_DATA_DIR": str(tmp_path), "STUDIO_PRODUCTION": "1",
                                  "STUDIO_SECRET_KEY": "dev"})
    with pytest.raises(InsecureSettings):
        create_app(settings)


def test_render_validate_and_media_fit_are_wired(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from PIL import Image

    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path))
    doc = tmp_path / "m.json"
    doc.write_text(json.dumps({"version": 2, "kind": "text", "text": "你好 {{name}}",
                               "variables": [{"name": "name", "sample": "张三"}]}))
    assert main(["validate", str(doc)]) == 0
    assert json.loads(capsys.readouterr().out)["valid"] is True
    assert main(["render", str(doc), "--to", "sms", "--vars", '{"name": "李四"}']) == 0
    assert "你好 李四" in json.loads(capsys.readouterr().out)["output"]["text"]
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": 2, "kind": "card", "cards": []}')
    assert main(["validate", str(bad)]) == 1
    capsys.readouterr()
    Image.new("RGB", (640, 480), (200, 30, 30)).save(tmp_path / "in.png")
    out = tmp_path / "out.img"
    assert main(["media", "fit", str(tmp_path / "in.png"), "--profile", "thumbnail",
                 "--out", str(out)]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["size"] == out.stat().st_size <= line["budget"]
