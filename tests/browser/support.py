"""What the browser tests share: Debian's Chromium, its flags, a free port, artifacts, and the
fixtures that start a real studio server process (`server`, on `database_url`) and launch
Chromium (`chromium`). Test modules import the fixtures they use from here (tests/browser/
conftest.py does it for the tests in this folder); `seed` writes to the server's database.

    def test_x(server: str, database_url: str, chromium: Browser) -> None:
        seed(_add_rows(database_url))
        page = chromium.new_page(viewport={"width": 375, "height": 800})
        page.goto(f"{server}/login")
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

T = TypeVar("T")

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
#: without the background-networking flags Chromium keeps dialling out on this closed network
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


def need_chromium() -> None:
    """Skip without Chromium, except in CI (CI=true), where its absence is a failure."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("/usr/bin/chromium is missing in CI (apt-get install chromium)")
    pytest.skip("/usr/bin/chromium is not installed on this machine")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


#: how long a starting server may take (it migrates first; a busy machine is slow), and a
#: stopping one before it is killed
START_SECONDS = 120
STOP_SECONDS = 20


@contextmanager
def running_studio(tmp_path: Path, database_url: str) -> Iterator[str]:
    """A real studio process (uvicorn, the h5 app under /s) on a free port, its data under
    `tmp_path`, on `database_url`; yields its base URL once it answers. Its output goes to
    `tmp_path`/server.log, shown when it does not start. Client IPs come from the app's own
    trusted-proxy setting only (``--no-proxy-headers``, as in production)."""
    port = free_port()
    env = {**os.environ, "STUDIO_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": database_url}
    log_path = tmp_path / "server.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "studio.app:create_app", "--host",
         "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-proxy-headers"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                httpx.get(f"{base}/login", timeout=1)
                break
            except httpx.HTTPError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"the server did not start: {log_path.read_text()}") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """The SQLite file the `server` of this test runs on (it migrates it on start)."""
    return f"sqlite://{tmp_path / 'studio.sqlite3'}"


@pytest.fixture
def server(tmp_path: Path, database_url: str) -> Iterator[str]:
    """The base URL of a real studio server process for this test (skipped without Chromium,
    before the server starts)."""
    need_chromium()
    with running_studio(tmp_path, database_url) as base:
        yield base


@pytest.fixture
def chromium() -> Iterator[Browser]:
    """Headless Chromium (Debian's, with `ARGS`) through Playwright's sync API, closed after
    the test. Contexts and pages are the test's own (viewport, locale, JavaScript)."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def seed(work: Coroutine[Any, Any, T]) -> T:
    """Run `work` (which writes to the server's database) to its end, in a thread of its own:
    Playwright's sync API holds this thread's event loop once `chromium` is up."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work).result()


def first_login(page, server: str, login: str, temp_password: str,  # type: ignore[no-untyped-def]
                password: str) -> None:
    """A member's first login with the temporary password, which must be changed at once."""
    page.goto(f"{server}/login")
    page.fill("#f-login", login)
    page.fill("#f-password", temp_password)
    page.click("button[type=submit]")
    page.wait_for_url("**/account/password")
    page.fill("#f-current", temp_password)
    page.fill("#f-new", password)
    page.fill("#f-confirm", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{server}/")


#: htmx inserts swapped content at once but wires its triggers a settle delay (20 ms) later
_HTMX_IDLE = ("() => !document.querySelector("
              "'.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')")


def wait_swapped(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    """Wait for `selector` to arrive with an htmx swap and for htmx to have settled, so
    typing into the new content reaches the triggers (a live preview) it carries."""
    page.wait_for_selector(selector)
    page.wait_for_function(_HTMX_IDLE)


#: the owner every browser test sets up the studio with
OWNER = ("owner@example.cn", "owner password 1")


def set_up_owner(page, server: str) -> None:  # type: ignore[no-untyped-def]
    """The first-run setup page: the workspace and its owner, then the home page."""
    page.goto(f"{server}/setup")
    page.fill("#f-workspace_name", "示例科技")
    page.fill("#f-name", "王经理")
    page.fill("#f-login", OWNER[0])
    page.fill("#f-password", OWNER[1])
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/")
