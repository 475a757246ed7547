"""A small typed reader over decoded JSON that collects problems instead of raising.

Used by :mod:`renderers.codec`; every accessor reports a wrong type or a missing
required field at its JSON path and returns ``None`` so parsing carries on and
finds every problem in one pass.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from renderers import problems
from renderers.errors import Problem, join_path

T = TypeVar("T")
Parse = Callable[["Reader", Any, str], T | None]


class Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    @staticmethod
    def path(base: str, key: str | int) -> str:
        return join_path(base, key)

    def no_extra(self, d: Mapping[str, Any], path: str, allowed: set[str]) -> None:
        for key in d:
            if key not in allowed:
                self.add(problems.unknown_field(join_path(path, str(key))))

    def value(
        self, d: Mapping[str, Any], path: str, key: str, kind: Any, *, required: bool = False
    ) -> Any:
        """``d[key]`` converted to ``kind`` (str, bool, float, datetime or a StrEnum)."""
        here = join_path(path, key)
        if key not in d or d[key] is None:
            if required:
                self.add(problems.required(here))
            return None
        raw = d[key]
        if kind is str:
            return raw if isinstance(raw, str) else self._wrong(here, "string")
        if kind is bool:
            return raw if isinstance(raw, bool) else self._wrong(here, "boolean")
        if kind is float:
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                return self._wrong(here, "number")
            try:
                number = float(raw)
            except OverflowError:  # an int beyond float range
                return self._wrong(here, "number")
            return number if math.isfinite(number) else self._wrong(here, "number")
        if kind is datetime:
            return self._datetime(raw, here)
        if isinstance(kind, type) and issubclass(kind, StrEnum):
            try:
                return kind(raw)
            except ValueError:
                self.add(problems.bad_choice(here, raw, [m.value for m in kind]))
                return None
        raise TypeError(f"unsupported kind {kind!r}")  # a programming error, not user input

    def child(
        self,
        d: Mapping[str, Any],
        path: str,
        key: str,
        parse: Parse[T],
        *,
        required: bool = False,
    ) -> T | None:
        """Parse the object at ``d[key]`` with ``parse``."""
        here = join_path(path, key)
        if key not in d or d[key] is None:
            if required:
                self.add(problems.required(here))
            return None
        raw = d[key]
        if not isinstance(raw, Mapping):
            self._wrong(here, "object")
            return None
        return parse(self, raw, here)

    def items(
        self,
        d: Mapping[str, Any],
        path: str,
        key: str,
        parse: Parse[T],
        *,
        objects: bool = True,
    ) -> tuple[T, ...]:
        """Parse every element of the array at ``d[key]`` (missing means empty)."""
        here = join_path(path, key)
        raw = d.get(key)
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self._wrong(here, "array")
            return ()
        out: list[T] = []
        for index, item in enumerate(raw):
            item_path = join_path(here, index)
            if objects and not isinstance(item, Mapping):
                self._wrong(item_path, "object")
                continue
            parsed = parse(self, item, item_path)
            if parsed is not None:
                out.append(parsed)
        return tuple(out)

    def _datetime(self, raw: Any, here: str) -> datetime | None:
        if not isinstance(raw, str):
            return self._wrong(here, "datetime")
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            value = None
        if value is None or value.tzinfo is None or "T" not in raw.upper():
            self.add(problems.bad_datetime(here))
            return None
        return value

    def _wrong(self, here: str, expected: str) -> Any:
        """Report a wrong type; returns ``None`` so accessors can ``return self._wrong(...)``."""
        self.add(problems.wrong_type(here, expected))
        return None
