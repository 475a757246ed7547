"""The outbox gateway (default): stores what would go to the carrier and later produces
delivery reports, so sending works end to end without a carrier.

Which numbers are 5G-capable and which messages fail are decided by a hash of the number
and of the messageId against the configured shares: stable across runs and restarts, so
fallback groups and failures really appear and tests can predict them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError

from studio.gateways.base import Outgoing, SendResult
from studio.models.sending import OutboxMessage
from studio.sending.sql import insert_many
from studio.settings import SendingOptions

_COLUMNS = ("workspace_id", "message_uid", "phone", "channel", "payload", "created_at",
            "report_at", "outcome")


def share_of(text: str) -> float:
    """A stable number in [0, 1) for a string."""
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def is_capable(phone: str, share: float) -> bool:
    return share_of("5g:" + phone) < share


def fails(message_uid: str, share: float) -> bool:
    return share_of("fail:" + message_uid) < share


class OutboxGateway:
    name = "outbox"

    def __init__(self, options: SendingOptions) -> None:
        self.options = options

    async def capabilities(self, phones: Sequence[str]) -> dict[str, bool]:
        share = self.options.outbox_5g_share
        return {phone: is_capable(phone, share) for phone in phones}

    async def send(self, message: Outgoing, *, now: datetime) -> SendResult:
        delay = timedelta(seconds=self.options.outbox_report_seconds)
        try:
            await OutboxMessage.create(
                workspace_id=message.workspace_id, message_uid=message.message_uid,
                phone=message.phone, channel=message.channel, payload=message.payload,
                created_at=now, report_at=now + delay,
            )
        except IntegrityError:
            # the same messageId again (a resend after a crash): the carrier keeps one
            return SendResult.ok(duplicate=True)
        return SendResult.ok()

    async def send_many(self, messages: Sequence[Outgoing], *, now: datetime) -> list[SendResult]:
        """One multi-row insert for a chunk; a messageId already stored is kept once."""
        report_at = now + timedelta(seconds=self.options.outbox_report_seconds)
        rows = [(m.workspace_id, m.message_uid, m.phone, m.channel.value,
                 json.dumps(m.payload, ensure_ascii=False), now, report_at, "")
                for m in messages]
        await insert_many("outbox_message", _COLUMNS, rows, conflict="message_uid")
        return [SendResult.ok() for _ in messages]

    async def aclose(self) -> None:
        return None

    def outcome(self, message_uid: str) -> tuple[str, str]:
        """(status, error code) of the simulated report for a message."""
        if fails(message_uid, self.options.outbox_failure_share):
            return "failed", "sim_failure"
        return "delivered", ""
