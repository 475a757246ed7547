"""Command line: render or validate a message document file, printing JSON.

    render FILE --to rcs|sms|ch5|schema [--vars JSON] [--signature 签名] [--ch5-url URL]
    validate FILE [--profile studio|rcs|ch5]

``FILE`` may be ``-`` for standard input; ``--vars`` takes a JSON object or
``@path`` to a JSON file. Without ``--vars`` the rendering is a preview with the
declared sample values. Problems are printed as JSON and the exit status is 1;
a usage error exits 2. ``--to schema`` prints the document's JSON Schema (FILE
is then not read). Media is resolved with stand-in facts
(:class:`~renderers.resolver.PlaceholderResolver`) unless the caller passes a
resolver. This is the only module of the package that does I/O.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from renderers import problems
from renderers.codec import from_json
from renderers.context import RenderContext
from renderers.errors import DocumentError, Problem, errors_only
from renderers.limits import PROFILES
from renderers.registry import RENDERERS
from renderers.resolver import MediaResolver, PlaceholderResolver
from renderers.schema import document_schema
from renderers.validate import validate


def main(argv: Sequence[str] | None = None, *, resolver: MediaResolver | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # argparse reports usage errors by exiting
        return int(exc.code or 0)
    media = resolver if resolver is not None else PlaceholderResolver()
    try:
        if args.command == "render":
            return _render(args, media)
        return _validate(args, media)
    except DocumentError as exc:
        return _fail(exc.problems)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="studio", description="5G message documents")
    commands = parser.add_subparsers(dest="command", required=True)
    render = commands.add_parser("render", help="render a message document")
    render.add_argument("file", help="document JSON file, or - for standard input")
    render.add_argument("--to", required=True, choices=[*RENDERERS, "schema"])
    render.add_argument("--vars", help="recipient variables: a JSON object or @file.json")
    render.add_argument("--signature", help="SMS signature, e.g. 联动云")
    render.add_argument("--ch5-url", help="short link of the CH5 page (sms_ch5 fallback)")
    check = commands.add_parser("validate", help="list the problems of a message document")
    check.add_argument("file", help="document JSON file, or - for standard input")
    check.add_argument("--profile", default="studio", choices=["studio", "rcs", "ch5"])
    return parser


def _render(args: argparse.Namespace, resolver: MediaResolver) -> int:
    if args.to == "schema":
        _print(document_schema())
        return 0
    message = from_json(_read(args.file))
    context = RenderContext(
        variables=_variables(args.vars) if args.vars is not None else None,
        resolver=resolver,
        signature=args.signature,
        ch5_url=args.ch5_url,
    )
    result = RENDERERS[args.to](message, context)
    _print(result.to_json())
    return 0


def _validate(args: argparse.Namespace, resolver: MediaResolver) -> int:
    message = from_json(_read(args.file))
    found = validate(message, PROFILES[args.profile], resolver)
    _print({"valid": not errors_only(found), "problems": [p.to_json() for p in found]})
    return 1 if errors_only(found) else 0


def _read(file: str) -> str:
    if file == "-":
        return sys.stdin.read()
    try:
        return Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError([_unreadable(file, exc)]) from None


def _variables(raw: str) -> dict[str, str]:
    text = _read(raw[1:]) if raw.startswith("@") else raw
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise DocumentError([problems.invalid_json("--vars", str(exc))]) from None
    if not isinstance(data, dict):
        raise DocumentError([problems.wrong_type("--vars", "object")])
    bad = [
        k for k, v in data.items() if not isinstance(v, str | int | float) or isinstance(v, bool)
    ]
    if bad:
        raise DocumentError([problems.wrong_type(f"--vars.{k}", "string") for k in bad])
    return {str(k): str(v) for k, v in data.items()}


def _unreadable(file: str, exc: Exception) -> Problem:
    return Problem(
        "$", "unreadable_file", f"无法读取文件 {file}：{exc}", f"cannot read file {file}: {exc}"
    )


def _fail(found: Sequence[Problem]) -> int:
    _print({"valid": False, "problems": [p.to_json() for p in found]})
    return 1


def _print(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    raise SystemExit(main())
