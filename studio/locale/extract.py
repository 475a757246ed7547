"""Babel extractor for the studio's Python code (used by babel.cfg).

Besides the usual ``_()`` / ``gettext()`` / ``N_()`` calls it extracts every Chinese string
literal. The studio keeps its labels, notices and form errors as plain zh-CN constants in Python
(``Role.label_zh``, ``FormInvalid({"name": "请填写任务名称"})``, ``notice="草稿已保存"``) and the
templates translate them when they render (``{{ _(message) }}``), so the msgids only exist as
literals; without this, ``pybabel update`` would drop their English as obsolete.

Run-time messages with parameters are ``i18n.Text("… %(n)s …", n=...)``: their msgid is a
literal like any other, and a ``context="…"`` keyword makes it a pgettext entry (one Chinese
word with two English meanings).

Skipped: docstrings, and f-strings (their text is not known until run time, so they cannot be
translated: a message that reaches users is an ``i18n.Text`` instead).
"""

from __future__ import annotations

import ast
import io
import re
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from babel.messages.extract import extract_python

HAN = re.compile(r"[\u4e00-\u9fff]")


def extract_python_zh(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Any,
) -> Iterator[tuple[Any, ...]]:
    source = fileobj.read()
    yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)
    for lineno, text, context in chinese_literals(
        source.decode(options.get("encoding", "utf-8"))
    ):
        if context is None:
            yield lineno, None, text, []
        else:  # babel's default keywords read ("context", "msgid") as pgettext's arguments
            yield lineno, "pgettext", (context, text), []


def chinese_literals(source: str) -> list[tuple[int, str, str | None]]:
    """(line, text, context) of each Chinese str constant, not counting docstrings and
    f-string parts; the context is the `context=` of the `Text(...)` call it starts."""
    tree = ast.parse(source)
    skip: set[int] = set()
    contexts: dict[int, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                skip.add(id(body[0].value))
        elif isinstance(node, ast.JoinedStr):
            skip.update(id(part) for part in ast.walk(node))
        elif isinstance(node, ast.Call) and _is_text_call(node) and node.args:
            for keyword in node.keywords:
                if keyword.arg == "context" and isinstance(keyword.value, ast.Constant):
                    contexts[id(node.args[0])] = str(keyword.value.value)
    found = [
        (node.lineno, node.value, contexts.get(id(node)))
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and id(node) not in skip and HAN.search(node.value)
    ]
    return sorted(found, key=lambda item: (item[0], item[1], item[2] or ""))


def _is_text_call(node: ast.Call) -> bool:
    func = node.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    return name == "Text"
