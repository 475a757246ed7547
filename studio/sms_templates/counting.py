"""The one rule for counting short links in a text SMS, shared by the template editor (live
counter, the saved 350-character check, the preview), the 5G message editor's fallback SMS
(its counter and save checks, where the appended CH5 link is such a link) and sending
(`studio.sending.payloads`, text SMS templates and a 5G message's fallback SMS alike).

A batch replaces each short link of a template with a personalised one, the link base + "/" +
a code of `PERSONAL_LENGTH` (10) characters, and carriers bill the text as sent. So every link
under the installation's short-link base counts as exactly that length, wherever it is
counted: the number the author sees is the number each recipient's SMS is billed for, and a
recipient's personalised links never change it.

The link base is `SHORT_BASE_URL` when set, else the studio's own ``/s`` (see `link_base`):
the same address the editor inserts links under and a batch fixes when it starts. A link
under it that a batch sends as written (a batch without link days, a fifth link) still counts
at the personalised length: the editor cannot know which batch will send the template, and a
count four characters high never hides a segment the carrier bills. Other URLs count as
written.

Links are found with the pattern sending uses to find the template's links
(`studio.sending.content`), so both sides agree on where a link ends (``；`` ``）`` and
quotes end it, as do spaces and ``，。、！？``).
"""

from __future__ import annotations

import re

from renderers.context import PREVIEW_CH5_URL
from renderers.sms import DEFAULT_FORBIDDEN_WORDS, SmsCount, SmsOptions, count_sms
from studio.links.codes import PERSONAL_LENGTH

#: a link in SMS text, as `studio.sending.content` finds the template's links
URL = re.compile(r"https?://[^\s，。、！？；：“”‘’【】（）<>\"']+")


def link_base(short_base_url: str, studio_base_url: str) -> str:
    """Where this installation's short links live: SHORT_BASE_URL, else ``<studio>/s``."""
    return short_base_url.rstrip("/") or studio_base_url.rstrip("/") + "/s"


def short_link_length(base: str) -> int:
    """The length of a personalised link under `base` (``https://t.cn/`` + 10 characters)."""
    return len(base.rstrip("/")) + 1 + PERSONAL_LENGTH


def sample_link(base: str) -> str:
    """A stand-in for a personalised link under `base` (previews): as long as the real one."""
    base = base.rstrip("/")
    return f"{base}/{'x' * PERSONAL_LENGTH}" if base else PREVIEW_CH5_URL


def sms_options(base: str, forbidden_words: tuple[str, ...] = DEFAULT_FORBIDDEN_WORDS
                ) -> SmsOptions:
    """Counting options where links under `base` count as a personalised link; without a
    base (nothing to recognise short links by) every link counts as written."""
    base = base.rstrip("/")
    if not base:
        return SmsOptions(forbidden_words=forbidden_words)
    return SmsOptions(short_link_length=short_link_length(base),
                      short_link_prefixes=(base + "/",), forbidden_words=forbidden_words)


def short_links_in(text: str, options: SmsOptions) -> tuple[str, ...]:
    """The links in `text` that count as short links, in order, each once."""
    prefixes = tuple(p for p in options.short_link_prefixes if p)
    if not prefixes:
        return ()
    return tuple(dict.fromkeys(u for u in URL.findall(text) if u.startswith(prefixes)))


def count(text: str, signature: str | None, options: SmsOptions,
          links: tuple[str, ...] = ()) -> SmsCount:
    """`renderers.sms.count_sms` with this rule: the short links in `text` and the given
    `links` (a batch's personalised ones) count as `options.short_link_length`."""
    return count_sms(text, signature, options, tuple(links) + short_links_in(text, options))
