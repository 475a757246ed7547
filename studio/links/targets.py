"""Link targets: only absolute http(s) URLs, normalised, at most 2048 characters."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

from studio.i18n import Text

MAX_URL = 2048
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: characters kept as they are; everything else (spaces, CJK) is percent-encoded
_SAFE = "/:?#[]@!$&'()*+,;=%-._~"


class TargetInvalid(ValueError):
    """A target URL that cannot be stored; the message is shown next to the field (zh-CN)."""


def normalise_url(raw: str) -> str:
    """Normalise a target URL or raise `TargetInvalid` with a zh-CN reason.

    Lower-cases scheme and host, converts a non-ASCII host to IDNA, percent-encodes spaces
    and non-ASCII characters in the path and query, drops a default port. Refuses other
    schemes (javascript:, data:, file: …), relative URLs, user names and passwords.
    """
    url = raw.strip()
    if not url:
        raise TargetInvalid("请填写链接地址")
    if _CONTROL.search(url):
        raise TargetInvalid("链接中包含不可见的控制字符")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise TargetInvalid("链接格式不正确") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise TargetInvalid("只支持以 http:// 或 https:// 开头的完整链接")
    if parts.username is not None or parts.password is not None:
        raise TargetInvalid("链接中不能包含用户名或密码")
    host = (parts.hostname or "").rstrip(".")
    if not host or " " in host:
        raise TargetInvalid("链接缺少有效的域名")
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host.lower()
    except UnicodeError:
        raise TargetInvalid("链接中的域名无效") from None
    if ":" in host:
        host = f"[{host}]"
    default = (scheme == "http" and port == 80) or (scheme == "https" and port == 443)
    netloc = host if port is None or default else f"{host}:{port}"
    path = quote(parts.path or "/", safe=_SAFE)
    query = quote(parts.query, safe=_SAFE)
    fragment = quote(parts.fragment, safe=_SAFE)
    normalised = urlunsplit((scheme, netloc, path, query, fragment))
    if len(normalised) > MAX_URL:
        raise TargetInvalid(Text("链接过长（最多 %(n)s 个字符）", n=MAX_URL))
    return normalised
