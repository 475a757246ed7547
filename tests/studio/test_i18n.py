"""The English catalog covers every string the studio shows.

The msgids come from the same extraction as `pybabel extract -F babel.cfg` (the Jinja templates
under templates/studio/ and templates/*.html, and studio/**.py, where every Chinese literal is a
msgid: see studio/locale/extract.py), so a new untranslated string fails here. After adding
strings: run the two commands in babel.cfg and translate the new entries.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from studio import i18n

ROOT = Path(__file__).resolve().parents[2]
PO = Path(i18n.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "messages.po"
HAN = re.compile(r"[\u4e00-\u9fff]")
#: Chinese that stays Chinese in English: what recipients type or receive (the opt-out keyword
#: and the default opt-out phrase) and the built-in banned words, quoted as examples
KEEP_CHINESE = ("拒收请回复R", "退订", "加QQ", "加微信", "加V")
PLACEHOLDER = re.compile(r"%\(\w+\)s|(?<!\{)\{[A-Za-z_]\w*\}(?!\})")


def _catalog() -> Catalog:
    with PO.open("rb") as fh:
        return read_po(fh)


Key = tuple[str, str | None]  # (msgid, msgctxt)


def _extracted() -> tuple[dict[Key, list[str]], set[str]]:
    """(msgid, context) -> where it is used, and the files extraction read, as pybabel
    extract does."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh, str(ROOT / "babel.cfg"))
    seen: set[str] = set()

    def visited(filename: str, method: str, options: dict[str, str]) -> None:
        if method != "ignore":
            seen.add(filename.replace("\\", "/"))

    found: dict[Key, list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, callback=visited
    ):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault((msgid, context), []).append(f"{filename}:{lineno}")
    return found, seen


def _translated(catalog: Catalog, msgid: str, context: str | None = None) -> bool:
    entry = catalog.get(msgid, context=context)
    return entry is not None and bool(entry.string)


def test_catalog_parses_without_duplicates() -> None:
    # (msgctxt, msgid): one Chinese word may have two meanings (pgettext contexts)
    ids = re.findall(r'^(?:msgctxt "(.*)"\n)?msgid "(.+)"$', PO.read_text(encoding="utf-8"),
                     flags=re.M)
    assert len(ids) == len(set(ids)), "duplicate msgids in the English catalog"
    catalog = _catalog()
    assert all(m.string for m in catalog if m.id)
    # a fuzzy entry is a guess by `pybabel update` (and is not used): review it, then clear it
    assert [m.id for m in catalog if m.id and m.fuzzy] == []


def test_extraction_reads_every_studio_template_and_module() -> None:
    _, seen = _extracted()
    templates = {p.relative_to(ROOT).as_posix() for p in (ROOT / "templates").glob("*.html")}
    templates |= {p.relative_to(ROOT).as_posix()
                  for p in (ROOT / "templates" / "studio").rglob("*.html")}
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "studio").rglob("*.py")
               if "migrations" not in p.parts}
    assert templates - seen == set()
    assert modules - seen == set()
    assert not any(name.startswith(("templates/h5/", "h5/")) for name in seen)  # Chinese-only


def test_every_studio_string_is_translated() -> None:
    found, _ = _extracted()
    catalog = _catalog()
    missing = [f"{where[0]}: {msgid}" + (f" (context {context})" if context else "")
               for (msgid, context), where in sorted(found.items(), key=lambda i: str(i[0]))
               if not _translated(catalog, msgid, context)]
    assert not missing, "untranslated (run the two commands in babel.cfg, then translate):\n" + (
        "\n".join(missing))


def test_template_literals_are_in_the_catalog() -> None:
    """The same, read straight from the templates (also `_('…')` and `_("…", n=…)`)."""
    catalog = _catalog()
    missing = []
    for page in sorted((ROOT / "templates" / "studio").rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        for found in re.finditer(r"""_\(\s*(["'])(.+?)\1\s*[,)]""", text):
            msgid = found.group(2)
            if HAN.search(msgid) and not _translated(catalog, msgid):
                missing.append(f"{page.relative_to(ROOT)}: {msgid}")
    assert not missing, "\n".join(missing)


def test_translations_keep_placeholders_and_are_english() -> None:
    catalog = _catalog()
    problems = [f"{msg.id}: {errors}" for msg, errors in catalog.check()]
    for m in catalog:
        if not m.id or not isinstance(m.id, str) or not isinstance(m.string, str):
            continue
        msgid, english = m.id, m.string
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(english)):
            problems.append(f"placeholders differ: {msgid} -> {english}")
        if msgid.count("{{") != english.count("{{") or msgid.count("}}") != english.count("}}"):
            problems.append(f"{{{{ }}}} differ: {msgid} -> {english}")
        rest = english
        for kept in KEEP_CHINESE:
            rest = rest.replace(kept, "")
        if HAN.search(rest):
            problems.append(f"Chinese left in the English: {msgid} -> {english}")
    assert not problems, "\n".join(problems)


def test_locale_choice() -> None:
    assert i18n.choose_locale("", "") == "zh_CN"
    assert i18n.choose_locale("", "en-US,en;q=0.9") == "en"
    assert i18n.choose_locale("", "zh-CN,zh;q=0.9,en;q=0.8") == "zh_CN"
    assert i18n.choose_locale("zh_CN", "en-US") == "zh_CN"
    assert i18n.choose_locale("en", "zh-CN") == "en"
    assert i18n.choose_locale("", "fr-FR,de;q=0.5") == "zh_CN"
    assert i18n.choose_locale("", "garbage;q=abc,,;") == "zh_CN"
