"""The steps every renderer runs before producing output.

1. Validate the document against the channel profile; errors raise
   :class:`DocumentError`, warnings are handed back for the :class:`Result`.
2. Fill the variables: the recipient's values, or the declared samples for a
   preview (a variable without a sample shows as ``{{name}}``). A missing value
   raises. Optional texts (a rich or card message's text, card titles and
   descriptions) that a value leaves blank are dropped, as an author would.
3. Validate the filled message again (a value can make a label too long or a
   link unusable), without the variable checks.
4. Resolve the media and check it against the profile's budgets.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from renderers.context import RenderContext
from renderers.document import Message, MessageKind
from renderers.errors import DocumentError, Problem, errors_only
from renderers.limits import Profile
from renderers.media_checks import check_resolved, resolve_all
from renderers.resolver import Rendition
from renderers.validate import validate
from renderers.variables import fill_message


@dataclass(frozen=True)
class Prepared:
    message: Message  #: variables filled
    media: dict[str, Rendition]  #: by path: ``media``, ``cards[0].media``
    warnings: tuple[Problem, ...]


def prepare(message: Message, context: RenderContext, profile: Profile) -> Prepared:
    found = validate(message, profile, sms_options=context.sms_options)
    if errors := errors_only(found):
        raise DocumentError(errors)
    values = {v.name: v.sample or f"{{{{{v.name}}}}}" for v in message.variables}
    if not context.preview:
        assert context.variables is not None
        values = dict(context.variables)
    filled = fill_message(message, values)
    if filled is not message:
        filled = _drop_blanks(filled)
    if filled is not message:
        again = validate(filled, profile, check_variables=False, sms_options=context.sms_options)
        if errors := errors_only(again):
            raise DocumentError(errors)
    media, missing = resolve_all(filled, context.resolver)
    media_problems = missing + check_resolved(filled, media, profile)
    if errors := errors_only(media_problems):
        raise DocumentError(errors)
    return Prepared(filled, media, tuple(found))


def _blank(text: str | None) -> str | None:
    return None if text is not None and not text.strip() else text


def _drop_blanks(m: Message) -> Message:
    cards = tuple(
        replace(c, title=_blank(c.title), description=_blank(c.description)) for c in m.cards
    )
    text = m.text if m.kind is MessageKind.TEXT else _blank(m.text)
    return replace(m, text=text, cards=cards)
