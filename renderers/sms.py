"""Text SMS rendering: the fallback SMS of a message, and SMS counting for everyone.

The counting rules live in :mod:`renderers.sms_count` and are re-exported here:
``count_sms(text, signature, options) -> SmsCount`` is what the studio calls
wherever it shows a count (templates, batches, fallback editors).

``render(message, context)`` produces the SMS a handset without 5G messaging
gets: the author's fallback text, or, when none was given, the message
flattened to text (text, card titles and descriptions, button labels with their
links); the CH5 short link appended for the ``sms_ch5`` rule; variables filled;
the signature added once. It raises :class:`DocumentError` when the result
cannot be sent (over the length limit, forbidden content).
"""

from __future__ import annotations

from renderers import problems
from renderers.context import PREVIEW_CH5_URL, RenderContext, Result, amap_url
from renderers.document import (
    Button,
    DialAction,
    FallbackType,
    Message,
    OpenAppAction,
    OpenUrlAction,
    ShowLocationAction,
)
from renderers.errors import DocumentError, Problem
from renderers.limits import STUDIO_PROFILE
from renderers.prepare import prepare
from renderers.sms_count import (
    DEFAULT_FORBIDDEN_WORDS,
    DEFAULT_OPTIONS,
    ForbiddenHit,
    SmsCount,
    SmsOptions,
    apply_signature,
    char_count,
    count_sms,
    find_forbidden,
    segment_count,
    signature_token,
    with_link,
)
from renderers.urls import normalise_phone, to_uri

__all__ = [
    "DEFAULT_FORBIDDEN_WORDS",
    "DEFAULT_OPTIONS",
    "ForbiddenHit",
    "SmsCount",
    "SmsOptions",
    "apply_signature",
    "char_count",
    "count_sms",
    "fallback_sms",
    "find_forbidden",
    "flatten",
    "render",
    "segment_count",
    "signature_token",
    "with_link",
]

CHANNEL = "sms"


def render(message: Message, context: RenderContext) -> Result:
    prepared = prepare(message, context, STUDIO_PROFILE)
    count = fallback_sms(prepared.message, context)
    warnings: list[Problem] = list(prepared.warnings)
    if not signature_token(context.signature):
        warnings.append(problems.fallback_needs_signature("$"))
    output = {"fallback": message.fallback.type.value, **count.to_json()}
    return Result(CHANNEL, output, tuple(warnings))


def fallback_sms(message: Message, context: RenderContext) -> SmsCount:
    """The fallback SMS of an already filled ``message``, counted; raises if unsendable."""
    fallback = message.fallback
    with_links = fallback.type is not FallbackType.SMS_CH5  # the CH5 page has the buttons
    text = fallback.text if fallback.text is not None else flatten(message, with_links)
    links: tuple[str, ...] = ()
    if fallback.type is FallbackType.SMS_CH5:
        link = context.ch5_url
        if link is None and context.preview:
            link = PREVIEW_CH5_URL
        if link is None:
            raise DocumentError([problems.missing_value("fallback", "ch5_url")])
        text, links = with_link(text, link), (link,)
    count = count_sms(text, context.signature, context.sms_options, links)
    found = [problems.forbidden_word("fallback", h.word, h.start) for h in count.forbidden]
    if count.over_limit:
        found.append(problems.sms_too_long("fallback", count.max_chars, count.chars))
    if found:
        raise DocumentError(found)
    return count


def flatten(message: Message, with_links: bool = True) -> str:
    """A rich message as plain text, one item a line; buttons as ``label：link`` lines."""
    lines: list[str] = []
    if message.text:
        lines.append(message.text)
    for card in message.cards:
        lines += [t for t in (card.title, card.description) if t]
        if with_links:
            lines += [line for b in card.buttons if (line := _button_line(b))]
    if with_links:
        lines += [line for b in message.suggestions if (line := _button_line(b))]
    return "\n".join(lines)


def _button_line(button: Button) -> str | None:
    """``label：link`` for buttons that lead somewhere; replies and the like have no SMS form."""
    action = button.action
    target: str | None = None
    if isinstance(action, OpenUrlAction):
        target = to_uri(action.url)
    elif isinstance(action, OpenAppAction):
        target = to_uri(action.fallback_url)
    elif isinstance(action, DialAction):
        target = normalise_phone(action.phone)
    elif isinstance(action, ShowLocationAction):
        target = amap_url(action.latitude, action.longitude, action.query, action.label)
    return f"{button.label}：{target}" if target else None
