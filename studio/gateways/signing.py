"""Signed requests between the studio and the carrier: HMAC-SHA256 over timestamp, nonce
and body, with the timestamp checked against a window and each nonce accepted once."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

TIMESTAMP = "X-Timestamp"
NONCE = "X-Nonce"
SIGNATURE = "X-Signature"
#: seconds a signed request stays acceptable (both directions of clock skew)
WINDOW_SECONDS = 300


def signature(secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    message = timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, *, now: datetime) -> dict[str, str]:
    """Headers that sign `body`."""
    timestamp = str(int(now.timestamp()))
    nonce = secrets.token_hex(16)
    return {TIMESTAMP: timestamp, NONCE: nonce,
            SIGNATURE: signature(secret, timestamp, nonce, body)}


class BadSignature(Exception):
    """Why a callback was refused (English, for the log and the 401 body)."""


@dataclass(frozen=True)
class Verified:
    nonce: str


def verify(
    secret: str, headers: Mapping[str, str], body: bytes, *, now: datetime
) -> Verified:
    if not secret:
        raise BadSignature("callbacks are not configured")
    timestamp = headers.get(TIMESTAMP, "")
    nonce = headers.get(NONCE, "")
    given = headers.get(SIGNATURE, "")
    if not (timestamp.isdigit() and 8 <= len(nonce) <= 64 and given):
        raise BadSignature("missing signature headers")
    if abs(now.timestamp() - int(timestamp)) > WINDOW_SECONDS:
        raise BadSignature("timestamp outside the window")
    if not hmac.compare_digest(signature(secret, timestamp, nonce, body), given):
        raise BadSignature("signature mismatch")
    return Verified(nonce)


async def verify_once(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: datetime,
    remember: Callable[[str], Awaitable[bool]],
) -> None:
    """Verify, then remember the nonce; `remember` returns False for a nonce seen before."""
    verified = verify(secret, headers, body, now=now)
    if not await remember(verified.nonce):
        raise BadSignature("replayed request")
