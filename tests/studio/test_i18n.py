"""The English catalog covers every string the studio shows.

The msgids come from the same extraction as `pybabel extract -F babel.cfg` (the Jinja templates
under templates/studio/ and templates/*.html, and studio/**.py, where every Chinese literal is a
msgid: see studio/locale/extract.py), so a new untranslated string fails here. After adding
strings: run the two commands in babel.cfg and translate the new entries.
"""

from __future__ import annotations

import ast
import pickle
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from studio import i18n
from studio.i18n import Text
from studio.locale.extract import chinese_literals

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


@pytest.fixture
def english() -> Iterator[None]:
    token = i18n.set_locale("en")
    try:
        yield
    finally:
        i18n._current.reset(token)


def test_a_runtime_text_is_its_chinese_and_translates_later(english: None) -> None:
    text = Text("号码无效：%(number)s", number="1380013")
    assert text == "号码无效：1380013" and isinstance(text, str)  # what code and logs see
    assert text.translate() == "Invalid number: 1380013"
    assert i18n.localize(text) == "Invalid number: 1380013"
    assert i18n.localize("审核通过") == "Approved"
    # a label as a parameter is translated with the message; user data is kept as typed
    nested = Text("%(label)s须为 %(low)s–%(high)s 之间的整数", label=Text("访问记录保留天数"),
                  low=0, high=3650)
    assert str(nested).startswith("访问记录保留天数须为")
    assert not HAN.search(nested.translate())
    for copy in (pickle.loads(pickle.dumps(nested)), Text.from_json(nested.to_json())):
        assert copy == nested and copy.translate() == nested.translate()
    assert Text("编辑", context="role").translate() == "Editor"
    assert i18n.localize("编辑") == "Edit"


def test_the_extractor_reads_text_calls_with_their_context() -> None:
    source = '''
from studio.i18n import Text
A = Text("号码无效：%(number)s", number=raw)
B = Text("编辑", context="role")
C = f"不会被提取 {x}"
'''
    assert chinese_literals(source) == [(3, "号码无效：%(number)s", None), (4, "编辑", "role")]


#: f-strings with Chinese that never reach a user in the interface language: data stored
#: under a name (a test batch's name, a column's variable name, media use labels), periodic
#: system jobs nobody watches, a renderers Problem (it carries its own English)
FSTRING_KEPT = {
    "studio/messages/editor.py": ["已被已通过的消息"],
    "studio/sending/importing.py": ["（试发）"],
    "studio/sending/recipients.py": ["列"],
    "studio/messages/media.py": ["第 "],
    "studio/sms_templates/video_store.py": ["视频短信模板"],
    "studio/stats/warm.py": ["统计缓存"],
    "studio/stats/purge.py": ["原始访问记录"],
}


def test_messages_with_parameters_are_texts_not_fstrings() -> None:
    """An f-string's Chinese cannot be translated: messages that reach users are i18n.Text."""
    found = []
    for module in sorted((ROOT / "studio").rglob("*.py")):
        name = module.relative_to(ROOT).as_posix()
        if "migrations" in module.parts:
            continue
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.JoinedStr):
                continue
            text = "".join(v.value for v in node.values
                           if isinstance(v, ast.Constant) and isinstance(v.value, str))
            if HAN.search(text) and not any(kept in text for kept in FSTRING_KEPT.get(name, ())):
                found.append(f"{name}:{node.lineno}: {text}")
    assert found == []
