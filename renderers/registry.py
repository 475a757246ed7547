"""The one registry of renderers: channel name → ``render(message, context) -> Result``."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from renderers import ch5, rcs, sms
from renderers.context import Renderer

RENDERERS: Mapping[str, Renderer] = MappingProxyType(
    {
        rcs.CHANNEL: rcs.render,
        sms.CHANNEL: sms.render,
        ch5.CHANNEL: ch5.render,
    }
)
