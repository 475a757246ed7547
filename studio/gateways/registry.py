"""The configured gateway."""

from __future__ import annotations

from studio.gateways.base import Gateway
from studio.gateways.http import HttpGateway
from studio.gateways.outbox import OutboxGateway
from studio.settings import SendingOptions


def gateway_for(options: SendingOptions) -> Gateway:
    if options.gateway == "http":
        return HttpGateway(options)
    return OutboxGateway(options)
