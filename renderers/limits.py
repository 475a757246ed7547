"""Channel limits as data, one :class:`Profile` per channel, each limit with its source.

Sizes are bytes with 1 MB = 1,000,000 bytes; lengths are characters (code
points) except for SMS, where :mod:`renderers.sms` counts as carriers do.
Limits are inclusive maxima/minima; a source that says "less than" is written
as ``exclusive=True``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

GSMA = "GSMA RCC.07 chatbot message JSON schema (CTCU 5G message spec V1.0.4 §9.4.7)"
CTCU = "China Telecom / China Unicom 5G message industry-customer access spec V1.0.4"
UMCC = "UMCC 融合消息平台手册 V1.6 (seeds/000): CH5 消息与视频短信模板"
UNICOM = "China Unicom 融合云信 / 数字云信 manual (seeds/001)"
SMS_RULES = "Carrier SMS rules: 70 characters one segment, 67 per segment beyond (seeds/000, 002)"
STUDIO = "Studio product decision (DESIGN.md §3)"

MB = 1_000_000
KB = 1_000


@dataclass(frozen=True)
class Limit:
    value: int
    source: str
    exclusive: bool = False  #: the source says "less than", not "at most"

    def exceeded_by(self, actual: float) -> bool:
        return actual >= self.value if self.exclusive else actual > self.value

    @property
    def max_allowed(self) -> int:
        """The largest allowed integer value."""
        return self.value - 1 if self.exclusive else self.value


@dataclass(frozen=True)
class Profile:
    name: str
    title_zh: str
    title_en: str
    limits: Mapping[str, Limit] = field(default_factory=dict)
    #: MIME types allowed per media kind (image/audio/video); empty means "any"
    mime_types: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Limit:
        return self.limits[key]

    def get(self, key: str) -> Limit | None:
        return self.limits.get(key)

    def derive(self, name: str, title_zh: str, title_en: str, **changes: Limit) -> Profile:
        """A copy with some limits replaced or added (``changes`` keys use ``__`` for ``.``)."""
        limits = dict(self.limits)
        limits.update({key.replace("__", "."): value for key, value in changes.items()})
        return Profile(name, title_zh, title_en, MappingProxyType(limits), self.mime_types)


def _limits(**items: Limit) -> Mapping[str, Limit]:
    return MappingProxyType({key.replace("__", "."): value for key, value in items.items()})


IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif")
VIDEO_TYPES = ("video/mp4",)
AUDIO_TYPES = ("audio/mpeg", "audio/mp3", "audio/aac", "audio/mp4", "audio/amr")

#: The 5G message (GSMA / CTCU) channel as carriers accept it.
RCS = Profile(
    "rcs",
    "5G 消息（GSMA/CTCU）",
    "5G message (GSMA/CTCU)",
    _limits(
        text__max_chars=Limit(2000, CTCU),
        card__title__max_chars=Limit(200, GSMA),
        card__description__max_chars=Limit(2000, GSMA),
        card__buttons__max=Limit(4, GSMA),
        suggestions__max=Limit(11, GSMA),
        carousel__cards__min=Limit(2, GSMA),
        carousel__cards__max=Limit(12, GSMA),
        label__max_chars=Limit(25, GSMA),
        postback__max_chars=Limit(2048, GSMA),
        open_url__parameters__max_chars=Limit(200, GSMA),
        calendar__title__max_chars=Limit(100, GSMA),
        calendar__description__max_chars=Limit(500, GSMA),
        location__label__max_chars=Limit(100, GSMA),
        location__query__max_chars=Limit(200, GSMA),
        image__max_bytes=Limit(2 * MB, CTCU),
        audio__max_bytes=Limit(5 * MB, CTCU),
        audio__max_seconds=Limit(90, CTCU),
        video__max_bytes=Limit(10 * MB, CTCU),
        video__max_seconds=Limit(60, CTCU),
        thumbnail__max_bytes=Limit(200 * KB, CTCU),
    ),
    MappingProxyType({"image": IMAGE_TYPES, "video": VIDEO_TYPES, "audio": AUDIO_TYPES}),
)

#: What the studio lets authors save: the 5G message limits, carousels capped at 8 cards.
STUDIO_PROFILE = RCS.derive(
    "studio",
    "工作室消息",
    "Studio message",
    carousel__cards__max=Limit(8, UMCC + "：卡片消息 1-8 张卡片"),
    variable__name__max_chars=Limit(32, STUDIO),
    keywords__max=Limit(20, STUDIO),
    keyword__max_chars=Limit(30, STUDIO),
)

#: The CH5 H5 page (the manual's media library: image smaller than 1.9 MB).
CH5 = STUDIO_PROFILE.derive(
    "ch5",
    "CH5 页面",
    "CH5 page",
    image__max_bytes=Limit(1_900_000, UMCC + "：上传的图片素材大小小于1.9MB", exclusive=True),
)

#: Text SMS (文本短信).
SMS = Profile(
    "sms",
    "文本短信",
    "Text SMS",
    _limits(
        sms__max_chars=Limit(350, UMCC + "：短信内容最多输入 350 个字（含签名）"),
        sms__single_segment_chars=Limit(70, SMS_RULES),
        sms__multi_segment_chars=Limit(67, SMS_RULES),
        signature__min_chars=Limit(2, UMCC + "：签名长度 2-20 个字符"),
        signature__max_chars=Limit(20, UMCC + "：签名长度 2-20 个字符"),
    ),
)

#: Video SMS templates (视频短信模板).
VIDEO_SMS = Profile(
    "video_sms",
    "视频短信",
    "Video SMS",
    _limits(
        name__max_chars=Limit(15, UMCC + "：模版名称不超过十五个字符"),
        title__max_chars=Limit(15, UMCC + "：模版标题不超过十五个字符"),
        total__max_bytes=Limit(1_800_000, UMCC + "：所有元素累计大小不能超过 1.8MB"),
    ),
    MappingProxyType({"image": IMAGE_TYPES, "video": VIDEO_TYPES, "audio": ("audio/mpeg",)}),
)

#: China Unicom digital message (数字云信).
UNICOM_DIGITAL = Profile(
    "unicom_digital",
    "联通数字短信",
    "Unicom digital message",
    _limits(
        items__max=Limit(4, UNICOM),
        text_items__min=Limit(1, UNICOM),
        text__max_chars=Limit(500, UNICOM),
        total__max_bytes=Limit(1_900_000, UNICOM),
    ),
)

PROFILES: Mapping[str, Profile] = MappingProxyType(
    {p.name: p for p in (RCS, STUDIO_PROFILE, CH5, SMS, VIDEO_SMS, UNICOM_DIGITAL)}
)
