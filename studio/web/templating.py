"""The Jinja2 environment shared by the studio and the h5 app."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.templating import Jinja2Templates

from studio import i18n

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
STATIC_DIR = Path(__file__).resolve().parents[2] / "static"


def _localtime(
    value: datetime | None, tz: str = "Asia/Shanghai", fmt: str = "%Y-%m-%d %H:%M"
) -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(tz)).strftime(fmt)


def translate(message: str | None, **variables: Any) -> Markup:
    """`_()` in templates: the translation, escaped; `%(name)s` placeholders filled (and
    escaped) only when variables are given, so a '%' in run-time text is just a '%'. A run-time
    `i18n.Text` is translated by its msgid and filled with its own (escaped) parameters."""
    if not message:
        return Markup("")  # gettext("") is the catalog's header, not an empty string
    if isinstance(message, i18n.Text) and not variables:
        return Markup(message.translate(escape))
    text = escape(i18n.gettext(str(message)))
    return text % variables if variables else text


def translate_in_context(context: str, message: str, **variables: Any) -> Markup:
    """`pgettext()` in templates: one Chinese word with two English meanings, e.g.
    pgettext("button", "审核通过") is "Approve" where the status 审核通过 is "Approved"."""
    text = escape(i18n.pgettext(context, message))
    return text % variables if variables else text


def translate_plural(singular: str, plural: str, num: int, **variables: Any) -> Markup:
    variables.setdefault("num", num)
    return escape(i18n.ngettext(singular, plural, num)) % variables


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    # jinja2's newstyle _() marks every translation safe and always %-formats it: fine for a
    # literal msgid, unsafe for _(value) on run-time text (a form error or notice quoting
    # what the user typed). Ours escapes the translation and formats only with variables.
    env.globals.update(_=translate, gettext=translate, ngettext=translate_plural,
                       pgettext=translate_in_context)
    env.filters["localtime"] = _localtime
    env.globals["get_locale"] = i18n.get_locale
    return env


templates = Jinja2Templates(env=make_environment())
