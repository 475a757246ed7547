"""The gateway protocol and the values that cross it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from studio.i18n import Text
from studio.models.sending import Channel


@dataclass(frozen=True)
class Outgoing:
    """One message for one phone. `message_uid` is the CTCU messageId (idempotency key)."""

    workspace_id: int
    message_uid: str
    phone: str
    channel: Channel
    #: the rendered CTCU envelope for 5G, {"text": ...} for SMS, the template for video SMS
    payload: dict[str, Any]


@dataclass(frozen=True)
class SendResult:
    accepted: bool
    #: the gateway's error code when rejected (or after retries gave up)
    error_code: str = ""
    #: True when the carrier already had this messageId (a resend after a crash)
    duplicate: bool = False

    @classmethod
    def ok(cls, *, duplicate: bool = False) -> SendResult:
        return cls(True, duplicate=duplicate)

    @classmethod
    def rejected(cls, code: str) -> SendResult:
        return cls(False, error_code=code[:32])


class Gateway(Protocol):
    name: str

    async def capabilities(self, phones: Sequence[str]) -> dict[str, bool]:
        """Which of these numbers can receive 5G messages (asked in batches by the caller)."""
        ...

    async def send(self, message: Outgoing, *, now: datetime) -> SendResult:
        """Hand one message over; never raises for a carrier answer, only for bugs."""
        ...

    async def aclose(self) -> None: ...


#: error codes a gateway may report, with what they mean for the sender (zh-CN)
ERROR_TEXTS = {
    "timeout": "运营商网关超时，多次重试后仍未应答",
    "http_5xx": "运营商网关故障，多次重试后仍失败",
    "http_4xx": "运营商拒绝了请求（参数或鉴权错误）",
    "auth": "运营商鉴权失败，请检查 AppId/AppKey",
    "rejected": "运营商拒绝发送",
    "undeliverable": "终端不可达（关机、停机或无信号）",
    "blacklisted": "号码在运营商黑名单中",
    "expired": "消息在有效期内未能送达",
    "no_report": "72 小时内未收到回执",
    "sim_failure": "模拟失败（发件箱网关的失败比例设置）",
    "too_long": "填入变量后短信超出长度上限，未发送",
    "render": "填入变量后内容无法生成（超长或含违规内容），未发送",
}


def error_text(code: str) -> str:
    if not code:
        return ""
    return ERROR_TEXTS.get(code) or Text("运营商错误码 %(code)s", code=code)
