"""Short codes: generated with shortuuid from an unambiguous alphabet, or chosen by the user."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import shortuuid

#: shortuuid's default alphabet already leaves out 0/O, 1/I/l
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
DEFAULT_LENGTH = 6
#: personalised links (one per recipient) are long enough that guessing one is hopeless
PERSONAL_LENGTH = 10
MAX_LENGTH = 32
_CUSTOM_RE = re.compile(r"[A-Za-z0-9_-]{3,32}")
#: words a custom code may not take (reserved paths, and names that invite confusion)
RESERVED = frozenset({
    "api", "static", "admin", "login", "logout", "health", "robots", "favicon", "s",
    "setup", "www", "ch5", "reply", "media",
})
#: collisions at one length before codes get one character longer
TRIES_PER_LENGTH = 3

_generator = shortuuid.ShortUUID(alphabet=ALPHABET)


class CodeInvalid(ValueError):
    """A custom code that cannot be used (zh-CN message)."""


def check_custom_code(code: str) -> str:
    code = code.strip()
    if not _CUSTOM_RE.fullmatch(code):
        raise CodeInvalid("自定义短码为 3–32 位字母、数字、下划线或连字符")
    if code.startswith("-") or code.lower() in RESERVED:
        raise CodeInvalid("该短码为系统保留，请换一个")
    return code


def random_code(length: int) -> str:
    return _generator.random(length=length)


async def generate_code(
    exists: Callable[[str], Awaitable[bool]], length: int = DEFAULT_LENGTH
) -> str:
    """A fresh code; after `TRIES_PER_LENGTH` collisions the length grows by one."""
    while length <= MAX_LENGTH:
        for _ in range(TRIES_PER_LENGTH):
            code = random_code(length)
            if not await exists(code):
                return code
        length += 1
    raise RuntimeError("no free short code")  # 57**32 codes: unreachable in practice
