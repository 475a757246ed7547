"""The browser tests of this folder get their server and Chromium from support.py (the browser
tests elsewhere import them from there)."""

from tests.browser.support import chromium, database_url, server

__all__ = ["chromium", "database_url", "server"]
