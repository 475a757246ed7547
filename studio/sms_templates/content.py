"""Checks shared by text SMS and video SMS templates: variables, links, forbidden words.

Variables use the renderers' one syntax (`{{name}}`). A template declares its variables with a
sample value each; every used variable must be declared and every declared one used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from renderers.sms import ForbiddenHit
from renderers.variables import NAME_RE, fill, names_in
from studio.i18n import Text

VARIABLES_MAX = 20
SAMPLE_MAX = 100
_ID = re.compile(r"[0-9]{1,9}")
#: a scheme other than http(s) written as a link (javascript:, data:, vbscript:, file:)
_BAD_SCHEME = re.compile(r"\b(javascript|data|vbscript|file)\s*:", re.IGNORECASE)


def parse_id(raw: object) -> int | None:
    """A form's id or number: ASCII digits that fit a database integer, else None (so a
    huge or odd value is "not chosen", never an overflow or a 500)."""
    text = str(raw).strip()
    return int(text) if _ID.fullmatch(text) else None


@dataclass(frozen=True)
class Caret:
    """Where the author's cursor was when asking to insert something: a text field's name and
    an offset in code points (sent by static/sms-insert-1.js). Without JavaScript there is
    none and the piece is appended at the end."""

    field: str = ""
    at: int | None = None

    @classmethod
    def from_form(cls, form: dict[str, str]) -> Caret:
        return cls(form.get("caret_field", "")[:40], parse_id(form.get("caret_at", "")))

    def offset_in(self, field: str, text: str) -> int | None:
        """The offset when the caret was in `field` and still inside `text`, else None."""
        if self.field != field or self.at is None or self.at > len(text):
            return None
        return self.at


NO_CARET = Caret()


def normalise_newlines(text: str) -> str:
    """Browsers send a textarea's line breaks as CRLF; a phone shows (and bills) one."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def insert_at(text: str, piece: str, at: int | None, *, spaced: bool = False) -> tuple[str, int]:
    """`text` with `piece` inserted at `at` (appended when None); also the offset just after it.

    `spaced` (links) keeps a space on both sides, so a phone does not read the characters
    around it as part of the URL.
    """
    at = len(text) if at is None else max(0, min(at, len(text)))
    before, after = text[:at], text[at:]
    if spaced:
        if before and not before[-1].isspace():
            piece = " " + piece
        if not after or not after[0].isspace():
            piece = piece + " "
    return before + piece + after, len(before) + len(piece)


@dataclass(frozen=True)
class Variable:
    name: str
    sample: str = ""


def parse_variables(raw: str) -> tuple[list[Variable], str | None]:
    """Lines `name=sample` (or just `name`); returns the variables and an error, if any."""
    found: list[Variable] = []
    for line in raw.splitlines():
        if not line.strip():
            continue
        name, _, sample = line.partition("=")
        name, sample = name.strip().strip("{}").strip(), sample.strip()
        if not NAME_RE.fullmatch(name):
            return found, Text("变量名“%(name)s”无效：只能用字母、汉字、数字和下划线，"
                                "且不能以数字开头", name=name)
        if len(name) > 32:
            return found, Text("变量名“%(name)s”过长（最多 32 个字）", name=name)
        if len(sample) > SAMPLE_MAX:
            return found, Text("变量“%(name)s”的示例值最多 %(n)s 个字", name=name, n=SAMPLE_MAX)
        if any(v.name == name for v in found):
            return found, Text("变量“%(name)s”重复声明", name=name)
        found.append(Variable(name, sample))
    if len(found) > VARIABLES_MAX:
        return found, Text("变量最多 %(n)s 个", n=VARIABLES_MAX)
    return found, None


def variables_text(variables: list[Variable]) -> str:
    return "\n".join(f"{v.name}={v.sample}" for v in variables)


def variables_from_json(raw: object) -> list[Variable]:
    items = raw if isinstance(raw, list) else []
    return [Variable(str(i.get("name", "")), str(i.get("sample", "")))
            for i in items if isinstance(i, dict)]


def variables_to_json(variables: list[Variable]) -> list[dict[str, str]]:
    return [{"name": v.name, "sample": v.sample} for v in variables]


def variable_errors(texts: list[str], variables: list[Variable]) -> str | None:
    """The first problem between the variables used in `texts` and those declared."""
    used = [n for t in texts for n in names_in(t)]
    declared = {v.name for v in variables}
    for name in used:
        if name not in declared:
            return Text("内容中的变量“%(name)s”未声明，请用“插入变量”添加", name=name)
    for v in variables:
        if v.name not in used:
            return Text("变量“%(name)s”已声明但内容中没有使用，请删除或插入到内容中", name=v.name)
    return None


def fill_samples(text: str, variables: list[Variable], values: dict[str, str] | None = None
                 ) -> str:
    """The text as a phone shows it for `values` (the samples by default)."""
    chosen = {v.name: v.sample or v.name for v in variables}
    chosen.update(values or {})
    return fill(text, chosen)[0]


def bad_link(text: str) -> str | None:
    match = _BAD_SCHEME.search(text)
    if match:
        return Text("内容中不能包含“%(scheme)s:”链接，只支持 http:// 或 https:// 链接",
                    scheme=match.group(1))
    return None


def forbidden_message(hits: tuple[ForbiddenHit, ...] | list[ForbiddenHit]) -> str | None:
    if not hits:
        return None
    words = "、".join(dict.fromkeys(f"“{h.word}”" for h in hits))
    return Text("内容含禁用词 %(words)s，请删除后再保存", words=words)


def highlight(text: str, hits: tuple[ForbiddenHit, ...] | list[ForbiddenHit]
              ) -> list[tuple[str, bool]]:
    """`text` cut into (piece, is_forbidden) for the editor to mark each hit."""
    pieces: list[tuple[str, bool]] = []
    at = 0
    for hit in sorted(hits, key=lambda h: h.start):
        if hit.start < at:
            continue
        if hit.start > at:
            pieces.append((text[at:hit.start], False))
        pieces.append((text[hit.start:hit.end], True))
        at = hit.end
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces
