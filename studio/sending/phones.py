"""Mainland China mobile numbers: normalising, validating and masking.

A fast path takes plain 11-digit numbers (the vast majority of any import) with one regular
expression; everything else (``+86``, ``0086``, spaces, dashes, brackets, full-width digits)
goes through `phonenumbers`. Numbers are stored as 11 digits (``13800138000``).
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

import phonenumbers
from phonenumbers import PhoneNumberType

_PLAIN = re.compile(r"1[3-9]\d{9}")
_JUNK = re.compile(r"[\s\-()（）.\u00a0]")
_MOBILE_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)


class PhoneProblem(StrEnum):
    EMPTY = "empty"
    FORMAT = "format"
    NOT_CN = "not_cn"
    NOT_MOBILE = "not_mobile"

    @property
    def label_zh(self) -> str:
        return _LABELS[self]


_LABELS = {
    PhoneProblem.EMPTY: "号码为空",
    PhoneProblem.FORMAT: "号码格式不正确",
    PhoneProblem.NOT_CN: "不是中国大陆号码",
    PhoneProblem.NOT_MOBILE: "不是有效的手机号码",
}


def normalise_phone(raw: str) -> str | PhoneProblem:
    """The 11-digit number, or the reason it is not a mainland mobile number."""
    if _PLAIN.fullmatch(raw):
        return raw
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return PhoneProblem.EMPTY
    text = _JUNK.sub("", text)
    if _PLAIN.fullmatch(text):
        return text
    return _slow(text)


_PREFIXED = re.compile(r"(?:\+|00)?86(1[3-9]\d{9})")


def _slow(text: str) -> str | PhoneProblem:
    prefixed = _PREFIXED.fullmatch(text)
    if prefixed:
        return prefixed.group(1)
    if text.startswith("00"):
        text = "+" + text[2:]
    elif text.startswith("86") and len(text) == 13:
        text = "+" + text
    if len(text) > 20 or not re.fullmatch(r"\+?\d+", text):
        return PhoneProblem.FORMAT
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return PhoneProblem.FORMAT
    if number.country_code != 86:
        return PhoneProblem.NOT_CN
    national = str(number.national_number)
    if not phonenumbers.is_valid_number(number):
        return PhoneProblem.NOT_MOBILE
    if phonenumbers.number_type(number) not in _MOBILE_TYPES or not _PLAIN.fullmatch(national):
        return PhoneProblem.NOT_MOBILE
    return national


def mask_phone(phone: str) -> str:
    """138****1234; anything shorter keeps only its last two characters."""
    if len(phone) >= 11:
        return f"{phone[:3]}****{phone[-4:]}"
    if len(phone) <= 2:
        return "*" * len(phone)
    return "*" * (len(phone) - 2) + phone[-2:]


def e164(phone: str) -> str:
    return f"+86{phone}"
