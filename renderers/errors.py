"""Problems found in a message document, and the one error type that carries them.

Every check in this package (JSON parsing, validation, rendering) reports a
:class:`Problem`: a field path such as ``cards[2].buttons[0].label``, a stable
machine code, a zh-CN and an English message and a severity. Functions that
cannot go on raise :class:`DocumentError`, which lists *all* problems found, so
a user never sees a ``KeyError`` or a stack trace.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One finding about one field of a document."""

    path: str  #: JSON path of the field, ``$`` for the whole document
    code: str  #: stable machine code, e.g. ``too_long``
    message_zh: str
    message_en: str
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "code": self.code,
            "severity": self.severity.value,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


class DocumentError(ValueError):
    """A document (or its rendering) has problems; ``problems`` lists every one."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        summary = "; ".join(f"{p.path}: {p.message_en}" for p in self.problems[:5])
        more = len(self.problems) - 5
        if more > 0:
            summary += f"; and {more} more"
        super().__init__(summary or "invalid document")

    def to_json(self) -> list[dict[str, Any]]:
        return [p.to_json() for p in self.problems]


def errors_only(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


def join_path(base: str, key: str | int) -> str:
    """Extend a JSON path: ``join_path("cards[0]", "title") == "cards[0].title"``."""
    if isinstance(key, int):
        return f"{base}[{key}]" if base != "$" else f"$[{key}]"
    if base in ("", "$"):
        return key
    return f"{base}.{key}"
