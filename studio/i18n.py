"""Translations: zh-CN is the source language (msgids are Chinese), English the second.

Catalogs are Babel .po files under studio/locale/<lang>/LC_MESSAGES/messages.po, read once and
compiled in memory. A string missing from a catalog shows in Chinese, the default.

Run-time messages with parameters are `Text` values: the formatted zh-CN string (so code,
logs and tests that compare or store it see plain Chinese) that also keeps its msgid and
parameters, so whoever shows it translates the msgid first and fills the parameters after.
"""

from __future__ import annotations

import contextvars
import gettext as _gettext
from collections.abc import Callable, Mapping
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

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


def pgettext(context: str, message: str) -> str:
    return translations(_current.get()).pgettext(context, message)


class Text(str):
    """A zh-CN message whose words are known now and whose language is chosen when it is shown.

    `Text("密码至少需要 %(n)s 个字符", n=8)` is the str "密码至少需要 8 个字符"; `translate()`
    looks up the msgid in the current locale's catalog, then fills in the parameters. A
    parameter that is itself a `Text` (a label) is translated too; any other parameter (what a
    user typed, a number) is kept as it is, and escaped when `translate(escape)` renders HTML.
    `context` tells apart one Chinese word with two English meanings (pgettext). The studio's
    extractor reads the msgid (and context) of every `Text(...)` call, like any Chinese literal.
    """

    msgid: str
    context: str | None
    params: Mapping[str, Any]

    def __new__(cls, msgid: str, /, *, context: str | None = None, **params: Any) -> Text:
        text = super().__new__(cls, msgid % params if params else msgid)
        text.msgid, text.context, text.params = msgid, context, params
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        return (_text_from_json, (self.to_json(),))

    def translate(self, escape: Callable[[str], str] | None = None) -> str:
        """The message in the current locale; with `escape`, an HTML-safe string (Markup)."""
        if self.context:
            template = pgettext(self.context, self.msgid)
        else:
            template = gettext(self.msgid) if self.msgid else ""
        if escape is not None:
            template = escape(template)
        if not self.params:
            return template
        return template % {
            name: value.translate(escape) if isinstance(value, Text) else value
            for name, value in self.params.items()
        }

    def to_json(self) -> dict[str, Any]:
        """What a database row keeps to show the message later in its reader's language."""
        params = {name: value.to_json() if isinstance(value, Text) else value
                  for name, value in self.params.items()}
        return {"msgid": self.msgid, "context": self.context, "params": params}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Text:
        params = {name: cls.from_json(value) if isinstance(value, dict) else value
                  for name, value in dict(data.get("params") or {}).items()}
        return cls(str(data["msgid"]), context=data.get("context"), **params)


def _text_from_json(data: Mapping[str, Any]) -> Text:
    return Text.from_json(data)


def localize(message: str | None) -> str:
    """A stored or raised zh-CN message in the current locale (JSON errors, downloads):
    a `Text` through its msgid, a plain constant through the catalog."""
    if not message:
        return ""
    if isinstance(message, Text):
        return message.translate()
    return gettext(message)


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

