"""User-agent parsing for the visit writer (never called on the request path).

ua-parser (with its compiled `[regex]` resolver) gives OS and browser families; our own rules
name the WeChat and QQ in-app browsers, which matter more in China than the engine under
them; crawlerdetect flags bots. Both are cached per distinct user agent: a burst of visits
carries few distinct strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import ua_parser
from crawlerdetect import CrawlerDetect

_detector = CrawlerDetect()


@dataclass(frozen=True, slots=True)
class ParsedAgent:
    device: str  #: mobile | tablet | desktop | bot | other
    os: str
    browser: str
    potential_bot: bool


#: in-app browsers named by our own rules, checked in order, before ua-parser's family
_IN_APP = (
    ("MicroMessenger/", "WeChat"),
    ("wxwork/", "WeCom"),
    (" QQ/", "QQ"),
    ("DingTalk", "DingTalk"),
    ("AlipayClient", "Alipay"),
    ("Weibo", "Weibo"),
    ("aweme", "Douyin"),
)


def in_app_browser(user_agent: str) -> str:
    """Name of the in-app browser (WeChat, QQ …), or empty for a plain browser."""
    for marker, name in _IN_APP:
        if marker in user_agent:
            return name
    return ""


def is_wechat_or_qq(user_agent: str) -> bool:
    """In these, deep links and file downloads are blocked: the page shows a hint instead."""
    return in_app_browser(user_agent) in ("WeChat", "WeCom", "QQ")


def _device(user_agent: str, os_family: str, device_family: str) -> str:
    if "iPad" in user_agent or "Tablet" in user_agent or device_family == "iPad":
        return "tablet"
    if "Android" in user_agent and "Mobile" not in user_agent:
        return "tablet"
    if "Mobi" in user_agent or "iPhone" in user_agent or "Android" in user_agent:
        return "mobile"
    if os_family in ("Windows", "Mac OS X", "Linux", "Ubuntu", "Chrome OS", "macOS"):
        return "desktop"
    return "other"


@lru_cache(maxsize=20_000)
def is_bot(user_agent: str) -> bool:
    if not user_agent.strip():
        return True
    return bool(_detector.isCrawler(user_agent))


@lru_cache(maxsize=20_000)
def parse_agent(user_agent: str) -> ParsedAgent:
    bot = is_bot(user_agent)
    result = ua_parser.parse(user_agent)
    os_family = result.os.family if result.os else "Other"
    browser = in_app_browser(user_agent) or (
        result.user_agent.family if result.user_agent else "Other"
    )
    device = "bot" if bot else _device(
        user_agent, os_family, result.device.family if result.device else ""
    )
    return ParsedAgent(device, os_family[:32], browser[:32], bot)
