"""The editor's state: structural edits, checking a draft, and problems placed on fields.

The editor works on the document JSON (`studio.messages.form`). Structural edits (add,
remove, move a card, button, floating button or variable) are `op` values posted with the
form, so they work as plain form buttons and through htmx alike:
`add:cards`, `add:cards-1-buttons`, `remove:suggestions-2`, `up:cards-1`, `down:variables-0`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from renderers import codec
from renderers.document import Message
from renderers.errors import DocumentError, Problem, Severity, errors_only
from renderers.resolver import MediaResolver
from renderers.sms_count import DEFAULT_OPTIONS, SmsOptions
from renderers.validate import validate

#: how many of each list the editor lets an author add (the studio profile's limits)
LIST_CAPS = {"cards": 8, "buttons": 4, "suggestions": 11, "variables": 20}
GENERAL = "general"  #: the slot for problems that belong to no field

_OP = re.compile(r"^(add|remove|up|down):([a-z_]+(?:-\d{1,3}-[a-z_]+)*(?:-\d{1,3})?)$")


def blank_card() -> dict[str, Any]:
    return {"buttons": [], "orientation": "vertical", "image_alignment": "left",
            "media_height": "medium"}


def blank_button() -> dict[str, Any]:
    return {"label": "", "action": {"type": "reply", "data": ""}}


_BLANKS = {
    "cards": blank_card,
    "buttons": blank_button,
    "suggestions": blank_button,
    "variables": lambda: {"name": "", "sample": ""},
}


def blank_document(kind: str) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "version": 2, "kind": kind, "cards": [], "suggestions": [], "variables": [],
        "trigger": {"type": "proactive", "keywords": []}, "fallback": {"type": "none"},
        "ch5": False, "card_width": "medium",
    }
    return ensure_shape(doc)


def ensure_shape(doc: dict[str, Any]) -> dict[str, Any]:
    """Give a card message its card and a carousel its two, so the editor has fields."""
    cards = doc.setdefault("cards", [])
    want = {"card": 1, "carousel": 2}.get(doc.get("kind", ""), 0)
    while isinstance(cards, list) and len(cards) < want:
        cards.append(blank_card())
    return doc


def _walk(doc: dict[str, Any], parts: list[str]) -> Any:
    node: Any = doc
    for part in parts:
        node = node[int(part)] if isinstance(node, list) else node.get(part)
        if node is None:
            raise KeyError(part)
    return node


def apply_op(doc: dict[str, Any], op: str) -> dict[str, Any]:
    """Apply one structural edit in place (unknown or impossible ops do nothing)."""
    match = _OP.match(op)
    if not match:
        return doc
    verb, path = match.groups()
    parts = path.split("-")
    try:
        if verb == "add":
            items = _walk(doc, parts)
            name = parts[-1]
            if isinstance(items, list) and name in _BLANKS and len(items) < LIST_CAPS[name]:
                items.append(_BLANKS[name]())
            return doc
        items, index = _walk(doc, parts[:-1]), int(parts[-1])
    except (KeyError, IndexError, ValueError, TypeError, AttributeError):
        return doc
    if not isinstance(items, list) or not 0 <= index < len(items):
        return doc
    if verb == "remove":
        del items[index]
    else:
        other = index - 1 if verb == "up" else index + 1
        if 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]
    return doc


# ---- checking a draft ---------------------------------------------------------------------


def slot_of(path: str) -> str:
    """`cards[0].buttons[1].action.url` → `cards-0-buttons-1-action-url`."""
    if path in ("", "$"):
        return GENERAL
    return re.sub(r"\[(\d+)\]", r"-\1", path).replace(".", "-")


def slots(doc: Mapping[str, Any]) -> set[str]:
    """Every error slot the editor shows for this document."""
    found = {GENERAL, "name", "kind", "text", "media", "cards", "suggestions", "variables",
             "trigger-type", "trigger-keywords", "fallback", "fallback-type", "fallback-text",
             "fallback-video_template_id", "ch5", "card_width", "chatbot"}

    def buttons(prefix: str, items: Any) -> None:
        found.add(prefix.rstrip("-"))
        for j, button in enumerate(items if isinstance(items, list) else []):
            p = f"{prefix}{j}"
            found.update({p, f"{p}-label", f"{p}-action"})
            action = button.get("action") if isinstance(button, Mapping) else None
            for key in action if isinstance(action, Mapping) else ():
                found.add(f"{p}-action-{key}")

    cards = doc.get("cards")
    for i, _card in enumerate(cards if isinstance(cards, list) else []):
        found.update({f"cards-{i}", f"cards-{i}-title", f"cards-{i}-description",
                      f"cards-{i}-media"})
        buttons(f"cards-{i}-buttons-", _card.get("buttons") if isinstance(_card, Mapping) else [])
    buttons("suggestions-", doc.get("suggestions"))
    variables = doc.get("variables")
    for i, _ in enumerate(variables if isinstance(variables, list) else []):
        found.update({f"variables-{i}", f"variables-{i}-name", f"variables-{i}-sample"})
    return found


def place(problems: list[Problem], known: set[str]) -> dict[str, list[Problem]]:
    """Problems by the nearest slot the editor shows (the field, else its container)."""
    placed: dict[str, list[Problem]] = {}
    for problem in problems:
        slot = slot_of(problem.path)
        while slot not in known and "-" in slot:
            slot = slot.rsplit("-", 1)[0]
        placed.setdefault(slot if slot in known else GENERAL, []).append(problem)
    return placed


@dataclass
class Check:
    """A draft's document checked: the parsed message (if it parses) and every problem."""

    message: Message | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return errors_only(self.problems)

    @property
    def ok(self) -> bool:
        return self.message is not None and not self.errors


def check(doc: Mapping[str, Any], extra: list[Problem] | None = None,
          resolver: MediaResolver | None = None, sms_options: SmsOptions = DEFAULT_OPTIONS,
          signature: str | None = None) -> Check:
    """Parse and validate a document (its media too, given a resolver; its fallback SMS
    counted with `sms_options` and `signature`); `extra` adds problems found elsewhere
    (keyword clashes)."""
    try:
        message = codec.from_json(doc)
    except DocumentError as exc:
        return Check(None, list(exc.problems) + list(extra or []))
    found = validate(message, resolver=resolver, sms_options=sms_options, signature=signature)
    return Check(message, found + list(extra or []))


def keyword_problem(path: str, keyword: str, other_name: str) -> Problem:
    return Problem(
        path, "keyword_taken",
        f"关键词“{keyword}”已被已通过的消息“{other_name}”使用",
        f"The keyword “{keyword}” is already used by the approved message “{other_name}”",
        Severity.ERROR,
    )
