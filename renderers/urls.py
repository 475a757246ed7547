"""Checks and normalisation for the links and phone numbers a message carries."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

WEB_SCHEMES = ("http", "https")
#: Schemes a deep link may never use: they run code or read local data in a browser.
UNSAFE_SCHEMES = frozenset({"javascript", "data", "vbscript", "file", "ftp", "about", "blob"})

_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_CONTROL_RE = re.compile(r"[\x00-\x20\x7f]")
_PHONE_RE = re.compile(r"^\+?[0-9]{3,20}$")
#: Characters left as they are when turning an IRI into a URI: RFC 3986 reserved + unreserved.
_URI_SAFE = ";/?:@&=+$,-_.!~*'()#%[]"


def scheme_of(url: str) -> str | None:
    match = _SCHEME_RE.match(url.strip())
    return match.group(1).lower() if match else None


def web_url_problem(url: str) -> str | None:
    """``None`` for a usable http(s) URL, else ``"bad_url"`` or ``"bad_url_scheme"``."""
    scheme = scheme_of(url)
    if scheme is None:
        return "bad_url"
    if scheme not in WEB_SCHEMES:
        return "bad_url_scheme"
    if _CONTROL_RE.search(url):
        return "bad_url"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "bad_url"
    if not parts.hostname:
        return "bad_url"
    return None


def deep_link_ok(url: str) -> bool:
    """A deep link is ``scheme:…`` with a scheme that cannot run script or read files."""
    scheme = scheme_of(url)
    return (
        scheme is not None
        and scheme not in UNSAFE_SCHEMES
        and not _CONTROL_RE.search(url)
        and len(url) > len(scheme) + 1
    )


def phone_ok(phone: str) -> bool:
    """Digits with an optional leading ``+``; spaces and hyphens are ignored."""
    return bool(_PHONE_RE.match(normalise_phone(phone)))


def normalise_phone(phone: str) -> str:
    return re.sub(r"[\s\-]", "", phone)


def to_uri(url: str) -> str:
    """Percent-encode characters a URI may not hold (CJK, spaces), keeping existing escapes."""
    return quote(url, safe=_URI_SAFE)
