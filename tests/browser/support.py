"""What the browser tests share: Debian's Chromium, its flags, a free port, artifacts."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

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
