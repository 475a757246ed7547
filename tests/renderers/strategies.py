"""Hypothesis strategies for valid message documents (within the studio profile)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import strategies as st

from renderers.document import (
    Button,
    CalendarAction,
    Card,
    CardWidth,
    DialAction,
    Fallback,
    ImageAlignment,
    MediaHeight,
    MediaRef,
    Message,
    MessageKind,
    OpenAppAction,
    OpenUrlAction,
    Orientation,
    ReplyAction,
    RequestLocationAction,
    ShowLocationAction,
    Trigger,
    UrlApplication,
    Variable,
    ViewMode,
)

# No braces (variables are added on purpose), no controls or surrogates, no 加 (forbidden words).
_ALPHABET = st.characters(
    blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="{}加"
)


def texts(max_size: int, min_size: int = 1) -> st.SearchStrategy[str]:
    return st.text(_ALPHABET, min_size=min_size, max_size=max_size).filter(lambda s: s.strip())


web_urls = st.builds(
    lambda host, path: f"https://{host}/{path}",
    st.sampled_from(["example.com", "shop.example.cn", "a.b.example.org:8443"]),
    st.text("abc123-_/?=&%张店", max_size=20).filter(lambda p: "%" not in p),
)
deep_links = st.sampled_from(["app://home", "weixin://dl/business", "exampleshop://item/1?a=b"])
phones = st.from_regex(r"\+?[0-9]{3,15}", fullmatch=True)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2090, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=8))]),
)


@st.composite
def calendars(draw: st.DrawFn) -> CalendarAction:
    start = draw(moments)
    end = start + draw(st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(days=3)))
    description = draw(st.none() | texts(50))
    return CalendarAction(draw(texts(30)), start, end, description)


@st.composite
def locations(draw: st.DrawFn) -> ShowLocationAction:
    label = draw(st.none() | texts(30))
    if draw(st.booleans()):
        latitude = draw(st.floats(-90, 90, allow_nan=False))
        longitude = draw(st.floats(-180, 180, allow_nan=False))
        return ShowLocationAction(latitude, longitude, label=label)
    return ShowLocationAction(query=draw(texts(50)), label=label)


@st.composite
def open_urls(draw: st.DrawFn) -> OpenUrlAction:
    url = draw(web_urls)
    if draw(st.booleans()):
        return OpenUrlAction(url)
    mode = draw(st.none() | st.sampled_from(ViewMode))
    return OpenUrlAction(url, UrlApplication.WEBVIEW, mode, draw(st.none() | texts(40)))


actions = st.one_of(
    st.builds(ReplyAction, st.text(_ALPHABET, max_size=60)),
    open_urls(),
    st.builds(OpenAppAction, deep_links, web_urls, st.none() | st.just("com.example.app")),
    st.builds(DialAction, phones),
    locations(),
    st.just(RequestLocationAction()),
    calendars(),
)
buttons = st.builds(Button, texts(25), actions)
media_refs = st.builds(
    MediaRef,
    st.sampled_from(["asset-1", "asset-2"]),
    st.sampled_from(["rcs_image", "rcs_video"]),
)


@st.composite
def cards(draw: st.DrawFn) -> Card:
    card = Card(
        title=draw(st.none() | texts(40)),
        description=draw(st.none() | texts(80)),
        media=draw(st.none() | media_refs),
        buttons=tuple(draw(st.lists(buttons, max_size=4))),
        orientation=draw(st.sampled_from(Orientation)),
        image_alignment=draw(st.sampled_from(ImageAlignment)),
        media_height=draw(st.sampled_from(MediaHeight)),
    )
    if card.media is None and card.title is None and card.description is None:
        card = Card(title="标题", buttons=card.buttons)
    return card


@st.composite
def messages(draw: st.DrawFn) -> Message:
    kind = draw(st.sampled_from(MessageKind))
    names = draw(st.lists(st.sampled_from(["name", "城市", "code_1"]), unique=True, max_size=3))
    text = draw(st.none() | texts(80))
    if kind is MessageKind.TEXT and text is None:
        text = "你好"
    if names:
        text = (text or "") + "".join(f"{{{{{n}}}}}" for n in names)
    n_cards = {MessageKind.CARD: (1, 1), MessageKind.CAROUSEL: (2, 4)}.get(kind, (0, 0))
    ch5 = draw(st.booleans())
    fallback_text = draw(st.none() | texts(60))
    fallback = draw(
        st.sampled_from(
            [
                Fallback.none(),
                Fallback.sms(fallback_text),
                Fallback.video_sms("vt-1"),
                *([Fallback.sms_ch5(fallback_text)] if ch5 else []),
            ]
        )
    )
    keywords = draw(st.lists(texts(10), unique=True, max_size=3))
    return Message(
        kind=kind,
        text=text,
        media=draw(media_refs) if kind is MessageKind.RICH else None,
        cards=tuple(draw(st.lists(cards(), min_size=n_cards[0], max_size=n_cards[1]))),
        suggestions=tuple(draw(st.lists(buttons, max_size=5))),
        variables=tuple(Variable(n, draw(st.text(_ALPHABET, max_size=8))) for n in names),
        trigger=Trigger.on_keywords(*keywords) if keywords else Trigger.proactive(),
        fallback=fallback,
        ch5=ch5,
        card_width=draw(st.sampled_from(CardWidth)),
    )
