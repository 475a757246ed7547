"""A workspace's template rules, read once per request into a frozen value."""

from __future__ import annotations

from dataclasses import dataclass

from renderers.limits import SMS
from renderers.sms import DEFAULT_FORBIDDEN_WORDS, SmsOptions
from studio.errors import FormInvalid
from studio.i18n import Text
from studio.models.templates import TemplateSettings
from studio.sms_templates import counting

SIGNATURE_MIN = SMS["signature.min_chars"].value
SIGNATURE_MAX = SMS["signature.max_chars"].value
DEFAULT_OPT_OUT = "拒收请回复R"
FORBIDDEN_MAX = 200


@dataclass(frozen=True)
class Rules:
    signature_max_chars: int = SIGNATURE_MAX
    opt_out_phrase: str = DEFAULT_OPT_OUT
    #: the workspace's own words; the defaults always apply too
    extra_forbidden: tuple[str, ...] = ()
    #: the installation's short-link base (`counting.link_base`): links under it count as
    #: the personalised links a batch sends; empty counts every link as written
    link_base: str = ""

    @property
    def forbidden_words(self) -> tuple[str, ...]:
        extra = tuple(w for w in self.extra_forbidden if w not in DEFAULT_FORBIDDEN_WORDS)
        return DEFAULT_FORBIDDEN_WORDS + extra

    def sms_options(self) -> SmsOptions:
        return counting.sms_options(self.link_base, self.forbidden_words)


async def load_rules(workspace_id: int, link_base: str = "") -> Rules:
    """The workspace's rules; `link_base` (the installation's, from the request) is where its
    short links live, so the counts match what sending bills."""
    row = await TemplateSettings.filter(workspace_id=workspace_id).first()
    if row is None:
        return Rules(link_base=link_base)
    return Rules(row.signature_max_chars, row.opt_out_phrase,
                 tuple(str(w) for w in row.forbidden_words or ()), link_base)


def parse_settings(values: dict[str, str]) -> tuple[int, str, list[str]]:
    """The settings form: signature maximum, opt-out phrase, forbidden words (one a line)."""
    errors: dict[str, str] = {}
    raw = values.get("signature_max_chars", "").strip()
    maximum = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 3 else 0
    if not SIGNATURE_MIN <= maximum <= SIGNATURE_MAX:
        errors["signature_max_chars"] = Text("签名长度上限须在 %(low)s 到 %(high)s 之间",
                                              low=SIGNATURE_MIN, high=SIGNATURE_MAX)
    phrase = values.get("opt_out_phrase", "").strip()
    if not phrase:
        errors["opt_out_phrase"] = "请填写退订语，例如“拒收请回复R”"
    elif len(phrase) > 30:
        errors["opt_out_phrase"] = "退订语最多 30 个字"
    words = [w.strip() for w in values.get("forbidden_words", "").splitlines() if w.strip()]
    if len(words) > FORBIDDEN_MAX:
        errors["forbidden_words"] = Text("禁用词最多 %(n)s 个", n=FORBIDDEN_MAX)
    elif any(len(w) > 30 for w in words):
        errors["forbidden_words"] = "每个禁用词最多 30 个字"
    if errors:
        raise FormInvalid(errors)
    return maximum, phrase, list(dict.fromkeys(words))


async def save_settings(workspace_id: int, values: dict[str, str]) -> Rules:
    maximum, phrase, words = parse_settings(values)
    await TemplateSettings.update_or_create(
        defaults={"signature_max_chars": maximum, "opt_out_phrase": phrase,
                  "forbidden_words": words},
        workspace_id=workspace_id,
    )
    return await load_rules(workspace_id)
