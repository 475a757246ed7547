"""Text SMS counting as carriers bill it; every place that shows a count uses this.

Rules (see :data:`renderers.limits.SMS`):

* The signature is added once as ``【签名】`` at the start, never doubled when the
  text already carries it; it counts like any other characters.
* Every character counts 1, Latin or Chinese; a character outside the Basic
  Multilingual Plane (most emoji) counts 2, because carriers encode SMS as UCS-2
  and such a character takes two UTF-16 units.
* Up to 70 characters is one segment; longer texts are split into segments of
  67 (``ceil(n / 67)``), the other 3 carrying the concatenation header.
* A short link counts as the configured fixed length, so personalised links of a
  batch never change the count: links starting with one of
  ``SmsOptions.short_link_prefixes``, and any link passed in ``links``.
* Forbidden content (default: 加QQ, 加微信, 加V; case-insensitive) is reported with
  its position in the text given (without the signature).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from renderers.limits import SMS

DEFAULT_FORBIDDEN_WORDS: tuple[str, ...] = ("加QQ", "加微信", "加V")
#: The length a short link counts for when none is configured: ``https://`` + host + 6-char code.
DEFAULT_SHORT_LINK_LENGTH = 22


@dataclass(frozen=True)
class SmsOptions:
    max_chars: int = SMS["sms.max_chars"].value
    single_segment_chars: int = SMS["sms.single_segment_chars"].value
    multi_segment_chars: int = SMS["sms.multi_segment_chars"].value
    short_link_length: int = DEFAULT_SHORT_LINK_LENGTH
    #: e.g. ``("https://s.example.cn/",)``: links under these count as ``short_link_length``
    short_link_prefixes: tuple[str, ...] = ()
    forbidden_words: tuple[str, ...] = DEFAULT_FORBIDDEN_WORDS


DEFAULT_OPTIONS = SmsOptions()


@dataclass(frozen=True)
class ForbiddenHit:
    word: str  #: the configured entry that matched
    start: int  #: index (code points) in the text given
    end: int


@dataclass(frozen=True)
class SmsCount:
    text: str  #: the text as sent: signature applied
    chars: int  #: characters as billed
    segments: int
    max_chars: int
    forbidden: tuple[ForbiddenHit, ...] = ()

    @property
    def over_limit(self) -> bool:
        return self.chars > self.max_chars

    def to_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "chars": self.chars,
            "segments": self.segments,
            "max_chars": self.max_chars,
            "over_limit": self.over_limit,
            "forbidden": [{"word": h.word, "start": h.start, "end": h.end} for h in self.forbidden],
        }


def signature_token(signature: str | None) -> str:
    """``"联动云"`` or ``"【联动云】"`` → ``"【联动云】"``; empty for no signature."""
    if not signature:
        return ""
    name = signature.strip().strip("【】").strip()
    return f"【{name}】" if name else ""


def apply_signature(text: str, signature: str | None) -> str:
    """Put ``【签名】`` at the start unless the text already carries it."""
    token = signature_token(signature)
    if not token or token in text:
        return text
    return token + text


def with_link(text: str, link: str) -> str:
    """``text`` with ``link`` appended as the fallback SMS sends a CH5 link: after a space."""
    return f"{text} {link}" if text else link


def char_count(text: str) -> int:
    """Characters as billed: 1 each, 2 for characters outside the BMP."""
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def segment_count(chars: int, options: SmsOptions = DEFAULT_OPTIONS) -> int:
    if chars <= 0:
        return 0
    if chars <= options.single_segment_chars:
        return 1
    return math.ceil(chars / options.multi_segment_chars)


def find_forbidden(
    text: str, words: tuple[str, ...] = DEFAULT_FORBIDDEN_WORDS
) -> list[ForbiddenHit]:
    """Every occurrence of every forbidden word, ordered by position (case-insensitive)."""
    hits = [
        ForbiddenHit(word, match.start(), match.end())
        for word in words
        if word
        for match in re.finditer(re.escape(word), text, re.IGNORECASE)
    ]
    return sorted(hits, key=lambda h: (h.start, h.word))


def count_sms(
    text: str,
    signature: str | None = None,
    options: SmsOptions = DEFAULT_OPTIONS,
    links: tuple[str, ...] = (),
) -> SmsCount:
    """Count ``text`` as sent with ``signature``; ``links`` count as the short-link length."""
    sent = apply_signature(text, signature)
    chars = char_count(_shorten_links(sent, options, links))
    return SmsCount(
        text=sent,
        chars=chars,
        segments=segment_count(chars, options),
        max_chars=options.max_chars,
        forbidden=tuple(find_forbidden(text, options.forbidden_words)),
    )


def _shorten_links(text: str, options: SmsOptions, links: tuple[str, ...]) -> str:
    stand_in = "L" * options.short_link_length
    for link in sorted(set(links), key=len, reverse=True):
        if link:
            text = text.replace(link, stand_in)
    if options.short_link_prefixes:
        prefixes = "|".join(re.escape(p) for p in options.short_link_prefixes if p)
        if prefixes:
            text = re.sub(rf"(?:{prefixes})[^\s，。、！？]*", stand_in, text)
    return text
