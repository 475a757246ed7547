"""The phone preview: the CH5 view the recipient gets, the 5G message look, the fallback SMS.

A valid draft is rendered by the real renderers (`renderers.ch5`), so the preview shows
exactly what will be sent. A draft with problems still previews: the parts that do not
parse are left out, variables show their samples (or `{{name}}`), limits are not enforced,
and the problems are listed beside the fields instead.

Media comes from the resolver the caller passes (`studio.messages.media.build_media_resolver`,
the media library); an asset that does not resolve shows as a "not available" box.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, replace
from typing import Any

from renderers import ch5, codec
from renderers.context import RenderContext
from renderers.document import FallbackType, Message, MessageKind
from renderers.errors import DocumentError
from renderers.resolver import MediaNotFound, MediaResolver
from renderers.sms import SmsCount, flatten, with_link
from renderers.variables import fill_message, used_variables
from studio.sms_templates import counting

MODES = ("rcs", "ch5", "sms")
MISSING_MEDIA = {"kind": "missing", "url": ""}


@dataclass(frozen=True)
class Preview:
    mode: str
    view: dict[str, Any]  #: renderers.ch5 view data
    exact: bool  #: rendered by the real renderer (the draft has no blocking problem)
    sms: SmsCount
    sms_kind: str  #: the fallback rule: none, sms, sms_ch5, video_sms
    #: the short links of the fallback SMS (the CH5 link first), each counted as `link_length`
    sms_links: tuple[str, ...] = ()
    link_length: int = 0


def parse_lenient(doc: Any, tries: int = 30) -> tuple[Message, bool]:
    """The document as a Message, leaving out the items that do not parse (then True)."""
    data: dict[str, Any] = {"version": 2, "kind": "text"}
    data.update(copy.deepcopy(doc) if isinstance(doc, dict) else {})
    for attempt in range(tries):
        try:
            return codec.from_json(data), attempt > 0
        except DocumentError as exc:
            if not any(_prune(data, p.path) for p in exc.problems):
                break
    return Message(MessageKind.TEXT, text=""), True


_ITEM = re.compile(r"^(.*?\w+)\[(\d+)\]")


def _prune(data: dict[str, Any], path: str) -> bool:
    """Delete the innermost list item containing `path` (or the top-level key)."""
    items = list(re.finditer(r"(\w+)(?:\[(\d+)\])?", path))
    node: Any = data
    target: tuple[Any, Any] | None = None
    for match in items:
        key, index = match.group(1), match.group(2)
        if not isinstance(node, dict) or key not in node:
            break
        if index is None:
            target = target if isinstance(node[key], dict) else (node, key)
            node = node[key]
            continue
        seq = node[key]
        if not isinstance(seq, list) or int(index) >= len(seq):
            break
        target, node = (seq, int(index)), seq[int(index)]
    if target is None:
        key = items[0].group(1) if items else ""
        if key in data and key not in ("version", "kind"):
            del data[key]
            return True
        return False
    container, key = target
    del container[key]
    return True


def _samples(message: Message) -> dict[str, str]:
    values = {name: "{{" + name + "}}" for name in used_variables(message)}
    values.update({v.name: v.sample or "{{" + v.name + "}}" for v in message.variables})
    return values


def _lenient_view(message: Message, resolver: MediaResolver) -> dict[str, Any]:
    context = RenderContext(resolver=resolver)

    def media(ref: Any) -> dict[str, Any] | None:
        if ref is None:
            return None
        try:
            return ch5.media_view(resolver(ref.asset_id, ref.rendition))
        except MediaNotFound:
            return MISSING_MEDIA

    def buttons(items: Any, prefix: str) -> list[dict[str, Any]]:
        views = []
        for j, button in enumerate(items):
            try:
                views.append(ch5.button_view(button, f"{prefix}{j}", context))
            except (ValueError, TypeError):
                views.append({"id": f"{prefix}{j}", "label": button.label, "kind": "reply",
                              "href": "#", "method": "get"})
        return views

    m = fill_message(message, _samples(message))
    return {
        "kind": m.kind.value,
        "text": m.text,
        "text_lines": m.text.splitlines() if m.text else [],
        "media": media(m.media) if m.kind is MessageKind.RICH else None,
        "cards": [
            {"id": f"c{i}", "title": c.title, "description": c.description,
             "description_lines": c.description.splitlines() if c.description else [],
             "media": media(c.media), "orientation": c.orientation.value,
             "image_alignment": c.image_alignment.value, "media_height": c.media_height.value,
             "buttons": buttons(c.buttons, f"c{i}b")}
            for i, c in enumerate(m.cards)
        ],
        "card_width": m.card_width.value,
        "suggestions": buttons(m.suggestions, "s"),
    }


@dataclass(frozen=True)
class FallbackSms:
    """The fallback SMS counted, and the short links in it (the CH5 link first) that count
    as `link_length`, the personalised link a batch sends."""

    count: SmsCount
    short_links: tuple[str, ...]
    link_length: int


def fallback_sms(message: Message, signature: str | None, link_base: str = "") -> FallbackSms:
    """The fallback SMS as the recipient would get it (samples filled), counted by
    `studio.sms_templates.counting`: the CH5 link (a stand-in under `link_base`) and links
    under `link_base` count as the personalised link a batch sends."""
    options = counting.sms_options(link_base)
    m = fill_message(message, _samples(message))
    fallback = m.fallback
    with_links = fallback.type is not FallbackType.SMS_CH5
    text = fallback.text if fallback.text is not None else flatten(m, with_links)
    links: tuple[str, ...] = ()
    if fallback.type is FallbackType.SMS_CH5:
        link = counting.sample_link(link_base)
        text, links = with_link(text, link), (link,)
    count = counting.count(text, signature or None, options, links)
    short = tuple(dict.fromkeys(links + counting.short_links_in(text, options)))
    return FallbackSms(count, short, options.short_link_length)


def default_fallback_text(message: Message) -> str:
    """What the fallback SMS says when the author writes none (shown as the placeholder)."""
    with_links = message.fallback.type is not FallbackType.SMS_CH5
    return flatten(replace(message, fallback=replace(message.fallback, text=None)), with_links)


def build_preview(
    doc: Any, *, mode: str, resolver: MediaResolver, signature: str | None = None,
    link_base: str = "",
) -> Preview:
    message, pruned = parse_lenient(doc)
    try:
        view = ch5.render(message, RenderContext(resolver=resolver)).output
        exact = not pruned
    except DocumentError:
        view, exact = _lenient_view(message, resolver), False
    sms = fallback_sms(message, signature, link_base)
    return Preview(
        mode=mode if mode in MODES else "rcs",
        view=view,
        exact=exact,
        sms=sms.count,
        sms_kind=message.fallback.type.value,
        sms_links=sms.short_links,
        link_length=sms.link_length,
    )
