from __future__ import annotations

import pytest

from renderers.limits import CH5, PROFILES, RCS, SMS, STUDIO_PROFILE, UNICOM_DIGITAL, VIDEO_SMS


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_every_limit_has_a_source(name: str) -> None:
    profile = PROFILES[name]
    assert profile.limits
    for key, limit in profile.limits.items():
        assert limit.source.strip(), key
        assert limit.value > 0, key


def test_5g_message_profile() -> None:
    expected = {
        "text.max_chars": 2000,
        "card.title.max_chars": 200,
        "card.description.max_chars": 2000,
        "card.buttons.max": 4,
        "suggestions.max": 11,
        "carousel.cards.min": 2,
        "carousel.cards.max": 12,
        "label.max_chars": 25,
        "postback.max_chars": 2048,
        "image.max_bytes": 2_000_000,
        "audio.max_bytes": 5_000_000,
        "audio.max_seconds": 90,
        "video.max_bytes": 10_000_000,
        "video.max_seconds": 60,
        "thumbnail.max_bytes": 200_000,
        "calendar.title.max_chars": 100,
        "calendar.description.max_chars": 500,
        "location.label.max_chars": 100,
        "location.query.max_chars": 200,
        "open_url.parameters.max_chars": 200,
    }
    assert {key: RCS[key].value for key in expected} == expected


def test_derived_profiles() -> None:
    assert STUDIO_PROFILE["carousel.cards.max"].value == 8
    assert STUDIO_PROFILE["label.max_chars"] == RCS["label.max_chars"]
    assert CH5["image.max_bytes"].exceeded_by(1_900_000)
    assert not CH5["image.max_bytes"].exceeded_by(1_899_999)
    assert CH5["carousel.cards.max"].value == 8


def test_other_channels() -> None:
    assert (SMS["sms.max_chars"].value, SMS["sms.single_segment_chars"].value) == (350, 70)
    assert SMS["sms.multi_segment_chars"].value == 67
    assert VIDEO_SMS["name.max_chars"].value == VIDEO_SMS["title.max_chars"].value == 15
    assert VIDEO_SMS["total.max_bytes"].value == 1_800_000
    assert UNICOM_DIGITAL["items.max"].value == 4
    assert UNICOM_DIGITAL["text.max_chars"].value == 500
    assert UNICOM_DIGITAL["total.max_bytes"].value == 1_900_000
