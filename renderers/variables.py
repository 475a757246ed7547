"""``{{name}}`` variables: finding them in a document and filling them in.

One syntax everywhere (messages, SMS and video SMS templates). A name is a run
of letters (CJK included), digits and underscores, not starting with a digit;
spaces inside the braces are allowed (``{{ name }}``). Filling is a single pass,
so a value that itself contains ``{{x}}`` is never expanded again.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

from renderers import problems
from renderers.document import Message
from renderers.errors import DocumentError, Problem, join_path

VARIABLE_RE = re.compile(r"\{\{\s*([^\W\d]\w*)\s*\}\}")
NAME_RE = re.compile(r"[^\W\d]\w*")


def names_in(text: str) -> list[str]:
    """Variable names used in ``text``, in order of appearance (with repeats)."""
    return VARIABLE_RE.findall(text)


def fill(
    text: str, values: Mapping[str, str], path: str = "$", *, in_url: bool = False
) -> tuple[str, list[Problem]]:
    """Replace every ``{{name}}``; unknown names are kept as they are and reported.

    With ``in_url``, values are percent-encoded (``/`` and ``&`` included), so a
    name with spaces or CJK stays one query value, unless the variable is the
    whole link (``{{link}}``), which is taken as it is and checked afterwards.
    """
    missing: list[Problem] = []
    encode = in_url and not VARIABLE_RE.fullmatch(text.strip())

    def _sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in values:
            return quote(values[name], safe="") if encode else values[name]
        missing.append(problems.missing_value(path, name))
        return match.group(0)

    return VARIABLE_RE.sub(_sub, text), missing


def string_fields(value: Any, path: str = "$") -> Iterator[tuple[str, str]]:
    """Every string held in a document tree, with its JSON path.

    Variable declarations are skipped: their names and samples are not message text.
    """
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from string_fields(item, join_path(path, index))
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            if field.name == "variables":
                continue
            if field.name == "action":
                inner = join_path(path, "action")
            else:
                inner = join_path(path, field.name)
            yield from string_fields(getattr(value, field.name), inner)


def used_variables(message: Message) -> dict[str, list[str]]:
    """Map each used variable name to the paths that use it."""
    used: dict[str, list[str]] = {}
    for path, text in string_fields(message):
        for name in names_in(text):
            used.setdefault(name, []).append(path)
    return used


def fill_message(message: Message, values: Mapping[str, str]) -> Message:
    """A copy of ``message`` with every variable filled; raises if a value is missing."""
    found: list[Problem] = []
    filled = _fill_tree(message, values, "$", found)
    if found:
        raise DocumentError(dict.fromkeys(found))
    assert isinstance(filled, Message)
    return filled


#: Fields holding links: values filled into them are percent-encoded.
URL_FIELDS = frozenset({"url", "fallback_url", "deep_link"})


def _fill_tree(value: Any, values: Mapping[str, str], path: str, found: list[Problem]) -> Any:
    if isinstance(value, str) and "{{" in value:
        in_url = path.rsplit(".", 1)[-1] in URL_FIELDS
        text, missing = fill(value, values, path, in_url=in_url)
        found.extend(missing)
        return text
    if isinstance(value, tuple):
        items = tuple(
            _fill_tree(item, values, join_path(path, i), found) for i, item in enumerate(value)
        )
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for field in dataclasses.fields(value):
            if field.name == "variables":
                continue
            old = getattr(value, field.name)
            new = _fill_tree(old, values, join_path(path, field.name), found)
            if new is not old:
                changes[field.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value
