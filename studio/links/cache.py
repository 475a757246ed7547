"""Telling the h5 app that runs in this process that a short link changed.

The h5 app caches each code's lookup for `TrackingOptions.link_cache_seconds`. In the
embedded default it runs inside the studio process, so an edit, a disable, a new target, a
deletion (or a new link taking a code somebody already tried) drops the code from that cache
at once and the very next open sees it. h5 processes running apart refresh their entries
within that TTL.
"""

from __future__ import annotations

from starlette.datastructures import State


def forget_cached(app_state: State, code: str) -> None:
    """Drop `code` from the embedded h5 app's link cache (a no-op when none is mounted)."""
    h5 = getattr(app_state, "h5", None)
    if h5 is not None:
        h5.links.forget(code)
