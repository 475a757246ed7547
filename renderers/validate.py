"""Validation of a message document against a channel profile: every problem at once.

``validate(message)`` checks the structure for the message's kind, every length
and count limit of the profile (default: the studio profile, 1–8 cards), links,
phone numbers, locations, calendar times, variables (undeclared is an error,
declared but unused a warning), the trigger and the fallback rule (including the
fallback SMS text's length, with the CH5 link of ``sms_ch5`` counted as
``sms_options.short_link_length``, and its forbidden content). Pass a resolver to also check
media against the byte, type and duration budgets (:mod:`renderers.media_checks`).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from renderers import problems
from renderers.context import PREVIEW_CH5_URL
from renderers.document import (
    Button,
    CalendarAction,
    Card,
    DialAction,
    FallbackType,
    Message,
    MessageKind,
    OpenAppAction,
    OpenUrlAction,
    ReplyAction,
    ShowLocationAction,
    TriggerType,
    UrlApplication,
)
from renderers.errors import Problem, join_path
from renderers.limits import STUDIO_PROFILE, Limit, Profile
from renderers.media_checks import check_media
from renderers.resolver import MediaResolver
from renderers.sms_count import DEFAULT_OPTIONS, SmsOptions, count_sms, with_link
from renderers.urls import deep_link_ok, phone_ok, scheme_of, web_url_problem
from renderers.variables import NAME_RE, VARIABLE_RE, used_variables


def validate(
    message: Message,
    profile: Profile = STUDIO_PROFILE,
    resolver: MediaResolver | None = None,
    *,
    check_variables: bool = True,
    sms_options: SmsOptions = DEFAULT_OPTIONS,
    signature: str | None = None,
) -> list[Problem]:
    """Every problem of ``message``; an empty list means it can be saved and rendered.
    ``signature``, when known, counts in the fallback SMS text's length as it is sent."""
    found = list(_structure(message, profile))
    for path, card in ((f"cards[{i}]", c) for i, c in enumerate(message.cards)):
        found += _card(card, path, profile)
    found += _count(message.suggestions, "suggestions", profile.get("suggestions.max"))
    for path, button in message.all_buttons():
        found += _button(button, path, profile)
    if check_variables:
        found += _variables(message, profile)
    found += _trigger(message, profile)
    found += _fallback(message, sms_options, signature)
    if resolver is not None:
        found += check_media(message, profile, resolver)
    return found


def _max_chars(value: str | None, path: str, profile: Profile, key: str) -> Iterator[Problem]:
    limit = profile.get(key)
    if value is not None and limit is not None and limit.exceeded_by(len(value)):
        yield problems.too_long(path, limit.max_allowed, len(value))


def _optional_text(value: str | None, path: str, profile: Profile, key: str) -> Iterator[Problem]:
    """A text that may be absent but, when present, must not be empty (GSMA minLength 1)."""
    if value is not None and not value.strip():
        yield problems.empty(path)
    yield from _max_chars(value, path, profile, key)


def _count(items: tuple[object, ...], path: str, limit: Limit | None) -> list[Problem]:
    if limit is not None and limit.exceeded_by(len(items)):
        return [problems.too_many(path, limit.max_allowed, len(items))]
    return []


def _structure(m: Message, profile: Profile) -> Iterator[Problem]:
    kind = m.kind.value
    if m.kind is MessageKind.TEXT and not (m.text or "").strip():
        yield problems.kind_needs("text", kind, "消息文本", "text")
        yield from _max_chars(m.text, "text", profile, "text.max_chars")
    else:
        yield from _optional_text(m.text, "text", profile, "text.max_chars")
    if m.kind is MessageKind.RICH and m.media is None:
        yield problems.kind_needs("media", kind, "一个媒体文件", "a media file")
    if m.kind is not MessageKind.RICH and m.media is not None:
        yield problems.not_for_kind("media", kind)
    if m.kind in (MessageKind.TEXT, MessageKind.RICH) and m.cards:
        yield problems.not_for_kind("cards", kind)
    if m.kind is MessageKind.CARD and len(m.cards) != 1:
        if m.cards:
            yield problems.too_many("cards", 1, len(m.cards))
        else:
            yield problems.too_few("cards", 1, 0)
    if m.kind is MessageKind.CAROUSEL:
        low, high = profile.get("carousel.cards.min"), profile.get("carousel.cards.max")
        if low is not None and len(m.cards) < low.value:
            yield problems.too_few("cards", low.value, len(m.cards))
        if high is not None and high.exceeded_by(len(m.cards)):
            yield problems.too_many("cards", high.max_allowed, len(m.cards))


def _card(card: Card, path: str, profile: Profile) -> list[Problem]:
    found: list[Problem] = []
    if card.media is None and not card.title and not card.description:
        found.append(
            problems.kind_needs(
                path, "card", "媒体、标题或描述之一", "media, a title or a description"
            )
        )
    found += _optional_text(card.title, join_path(path, "title"), profile, "card.title.max_chars")
    found += _optional_text(
        card.description, join_path(path, "description"), profile, "card.description.max_chars"
    )
    found += _count(card.buttons, join_path(path, "buttons"), profile.get("card.buttons.max"))
    return found


def _button(button: Button, path: str, profile: Profile) -> list[Problem]:
    found: list[Problem] = []
    label_path = join_path(path, "label")
    if not button.label.strip():
        found.append(problems.empty(label_path))
    found += _max_chars(button.label, label_path, profile, "label.max_chars")
    found += _action(button.action, join_path(path, "action"), profile)
    return found


def _web_url(url: str, path: str) -> list[Problem]:
    if url.startswith("{{") and VARIABLE_RE.match(url):
        return []  # the whole link is a variable: checked when filled at render time
    code = web_url_problem(url)
    if code == "bad_url_scheme":
        return [problems.bad_url_scheme(path, scheme_of(url) or "")]
    return [problems.bad_url(path)] if code else []


def _action(action: object, path: str, profile: Profile) -> list[Problem]:
    found: list[Problem] = []
    at = partial(join_path, path)
    if isinstance(action, ReplyAction):
        found += _max_chars(action.data, at("data"), profile, "postback.max_chars")
    elif isinstance(action, OpenUrlAction):
        found += _web_url(action.url, at("url"))
        if action.application is not UrlApplication.WEBVIEW:
            if action.view_mode is not None:
                found.append(problems.not_for_kind(at("view_mode"), "browser"))
            if action.parameters is not None:
                found.append(problems.not_for_kind(at("parameters"), "browser"))
        found += _optional_text(
            action.parameters, at("parameters"), profile, "open_url.parameters.max_chars"
        )
    elif isinstance(action, OpenAppAction):
        if not (VARIABLE_RE.fullmatch(action.deep_link) or deep_link_ok(action.deep_link)):
            found.append(problems.bad_deep_link(at("deep_link")))
        found += _web_url(action.fallback_url, at("fallback_url"))
        if action.package is not None and not action.package.strip():
            found.append(problems.empty(at("package")))
    elif isinstance(action, DialAction):
        if "{{" not in action.phone and not phone_ok(action.phone):
            found.append(problems.bad_phone(at("phone")))
    elif isinstance(action, ShowLocationAction):
        found += _location(action, path, profile)
    elif isinstance(action, CalendarAction):
        if not action.title.strip():
            found.append(problems.empty(at("title")))
        found += _max_chars(action.title, at("title"), profile, "calendar.title.max_chars")
        found += _optional_text(
            action.description, at("description"), profile, "calendar.description.max_chars"
        )
        if action.end <= action.start:
            found.append(problems.end_before_start(at("end")))
    return found


def _location(action: ShowLocationAction, path: str, profile: Profile) -> Iterator[Problem]:
    has_point = action.latitude is not None or action.longitude is not None
    complete_point = action.latitude is not None and action.longitude is not None
    if has_point == (action.query is not None) or (has_point and not complete_point):
        yield problems.location_needs_place(path)
    if action.latitude is not None and not -90 <= action.latitude <= 90:
        yield problems.out_of_range(join_path(path, "latitude"), -90, 90)
    if action.longitude is not None and not -180 <= action.longitude <= 180:
        yield problems.out_of_range(join_path(path, "longitude"), -180, 180)
    yield from _optional_text(
        action.query, join_path(path, "query"), profile, "location.query.max_chars"
    )
    yield from _optional_text(
        action.label, join_path(path, "label"), profile, "location.label.max_chars"
    )


def _variables(m: Message, profile: Profile) -> Iterator[Problem]:
    declared: set[str] = set()
    used = used_variables(m)
    for index, variable in enumerate(m.variables):
        path = f"variables[{index}]"
        if not NAME_RE.fullmatch(variable.name):
            yield problems.bad_variable_name(join_path(path, "name"), variable.name)
        yield from _max_chars(
            variable.name, join_path(path, "name"), profile, "variable.name.max_chars"
        )
        if variable.name in declared:
            yield problems.duplicate(join_path(path, "name"), variable.name)
        declared.add(variable.name)
        if variable.name not in used:
            yield problems.unused_variable(path, variable.name)
    for name, paths in used.items():
        if name not in declared:
            for path in paths:
                yield problems.undeclared_variable(path, name)


def _trigger(m: Message, profile: Profile) -> Iterator[Problem]:
    keywords = m.trigger.keywords
    if m.trigger.type is TriggerType.KEYWORDS and not keywords:
        yield problems.too_few("trigger.keywords", 1, 0)
    if m.trigger.type is TriggerType.PROACTIVE and keywords:
        yield problems.not_for_kind("trigger.keywords", "proactive")
    limit = profile.get("keywords.max")
    if limit is not None and limit.exceeded_by(len(keywords)):
        yield problems.too_many("trigger.keywords", limit.max_allowed, len(keywords))
    seen: set[str] = set()
    for index, keyword in enumerate(keywords):
        path = f"trigger.keywords[{index}]"
        if not keyword.strip():
            yield problems.empty(path)
        yield from _max_chars(keyword, path, profile, "keyword.max_chars")
        if keyword in seen:
            yield problems.duplicate(path, keyword)
        seen.add(keyword)


def _fallback(m: Message, options: SmsOptions, signature: str | None) -> Iterator[Problem]:
    fallback = m.fallback
    if fallback.type is FallbackType.VIDEO_SMS and not fallback.video_template_id:
        yield problems.required("fallback.video_template_id")
    if fallback.type is not FallbackType.VIDEO_SMS and fallback.video_template_id is not None:
        yield problems.not_for_kind("fallback.video_template_id", fallback.type.value)
    if fallback.type in (FallbackType.NONE, FallbackType.VIDEO_SMS) and fallback.text is not None:
        yield problems.not_for_kind("fallback.text", fallback.type.value)
    if fallback.type is FallbackType.SMS_CH5 and not m.ch5:
        yield problems.needs_ch5("fallback.type")
    if fallback.text is not None:
        if not fallback.text.strip():
            yield problems.empty("fallback.text")
        text, links = fallback.text, tuple[str, ...]()
        if fallback.type is FallbackType.SMS_CH5:  # sent with the CH5 link appended
            text, links = with_link(text, PREVIEW_CH5_URL), (PREVIEW_CH5_URL,)
        count = count_sms(text, signature, options, links)
        if count.over_limit:
            yield problems.sms_too_long("fallback.text", options.max_chars, count.chars)
        for hit in count.forbidden:
            yield problems.forbidden_word("fallback.text", hit.word, hit.start)
