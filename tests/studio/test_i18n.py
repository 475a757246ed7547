from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from studio import i18n

PO = Path(i18n.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "messages.po"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
#: pages of the foundation, fully translated; other pages fall back to Chinese
FOUNDATION_PAGES = [
    "base.html", "studio/layout.html", "studio/setup.html", "studio/login.html",
    "studio/password.html", "studio/invite.html", "studio/members.html",
    "studio/settings.html", "studio/audit.html", "studio/_job_progress.html",
    "studio/_settings_tabs.html", "studio/_error.html",
]


def test_catalog_parses_without_duplicates() -> None:
    ids = re.findall(r'^msgid "(.+)"$', PO.read_text(encoding="utf-8"), flags=re.M)
    assert len(ids) == len(set(ids)), "duplicate msgids in the English catalog"
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    assert all(m.string for m in catalog if m.id)


def test_foundation_pages_are_translated() -> None:
    with PO.open("rb") as fh:
        have = {m.id for m in read_po(fh) if m.id}
    missing = []
    for page in FOUNDATION_PAGES:
        text = (TEMPLATES / page).read_text(encoding="utf-8")
        for found in re.finditer(r'_\(\s*"([^"]+)"\s*\)', text):
            if found.group(1) not in have:
                missing.append(f"{page}: {found.group(1)}")
    assert missing == []


def test_locale_choice() -> None:
    assert i18n.choose_locale("", "") == "zh_CN"
    assert i18n.choose_locale("", "en-US,en;q=0.9") == "en"
    assert i18n.choose_locale("", "zh-CN,zh;q=0.9,en;q=0.8") == "zh_CN"
    assert i18n.choose_locale("zh_CN", "en-US") == "zh_CN"
    assert i18n.choose_locale("en", "zh-CN") == "en"
    assert i18n.choose_locale("", "fr-FR,de;q=0.5") == "zh_CN"
    assert i18n.choose_locale("", "garbage;q=abc,,;") == "zh_CN"
