"""Translations: zh-CN is the source language (msgids are Chinese), English the second.

Catalogs are Babel .po files under studio/locale/<lang>/LC_MESSAGES/messages.po, read once and
compiled in memory. A string missing from a catalog shows in Chinese, the default.
"""

from __future__ import annotations

import contextvars
import gettext as _gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
SUPPORTED = ("zh_CN", "en")
DEFAULT = "zh_CN"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("locale", default=DEFAULT)


@cache
def translations(locale: str) -> _gettext.NullTranslations:
    po_path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return _gettext.NullTranslations()
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    buf = BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


def set_locale(locale: str) -> contextvars.Token[str]:
    return _current.set(locale if locale in SUPPORTED else DEFAULT)


def get_locale() -> str:
    return _current.get()


def gettext(message: str) -> str:
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)


def choose_locale(user_locale: str, accept_language: str, default: str = DEFAULT) -> str:
    """The user's setting, else the browser's Accept-Language, else the default."""
    if user_locale in SUPPORTED:
        return user_locale
    preferred = _parse_accept_language(accept_language)
    found = negotiate_locale(preferred, ["zh_CN", "zh", "en"], sep="_")
    if found is None:
        return default
    return "en" if found.startswith("en") else "zh_CN"


def _parse_accept_language(header: str) -> list[str]:
    items: list[tuple[float, str]] = []
    for part in header.split(",")[:20]:
        lang, _, q = part.strip().partition(";q=")
        if not lang or lang == "*":
            continue
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        items.append((weight, lang.replace("-", "_")))
    items.sort(key=lambda item: -item[0])
    return [lang for _, lang in items]

