"""Carrier callbacks in the CTCU MaaP shapes, parsed into reports and uplinks (pure).

- status: ``{"deliveryInfoList": [{"messageId", "destinationAddress", "status",
  "errorCode"?}]}`` with status ``sent`` | ``delivered`` | ``displayed`` | ``failed`` (or the
  OMA names ``DeliveredToTerminal`` / ``DeliveryImpossible``).
- uplink: ``{"messageId", "senderAddress": "tel:+86…", "messageList": [{"contentType",
  "contentText"}]}``; a tapped reply button is a ``botsuggestion.response`` part whose
  JSON carries ``response.reply.displayText`` and ``postback.data``.
"""

from __future__ import annotations

import json
from typing import Any

from studio.sending.phones import PhoneProblem, normalise_phone
from studio.sending.reports import Report, Uplink

_DELIVERED = {"delivered", "displayed", "deliveredtoterminal", "displayedtoterminal"}
_FAILED = {"failed", "deliveryimpossible", "expired", "rejected"}
_SUGGESTION_RESPONSE = "application/vnd.gsma.botsuggestion.response.v1.0+json"


class BadCallback(ValueError):
    """A callback body that is not the expected shape."""


def parse_status(body: Any) -> list[Report]:
    if not isinstance(body, dict) or not isinstance(body.get("deliveryInfoList"), list):
        raise BadCallback("deliveryInfoList missing")
    reports = []
    for item in body["deliveryInfoList"][:1000]:
        if not isinstance(item, dict):
            continue
        status = str(item.get("status", "")).lower()
        uid = str(item.get("messageId", ""))[:36]
        if status in _DELIVERED:
            reports.append(Report(uid, "delivered"))
        elif status in _FAILED:
            code = str(item.get("errorCode") or ("expired" if status == "expired" else
                                                  "undeliverable"))
            reports.append(Report(uid, "failed", code[:32]))
    return reports


def parse_uplink(body: Any) -> Uplink:
    if not isinstance(body, dict):
        raise BadCallback("not an object")
    uid = str(body.get("messageId", ""))[:64]
    phone = normalise_phone(str(body.get("senderAddress", "")).removeprefix("tel:"))
    if not uid or isinstance(phone, PhoneProblem):
        raise BadCallback("messageId or senderAddress missing")
    text, postback = "", ""
    for part in body.get("messageList") or []:
        if not isinstance(part, dict):
            continue
        content = str(part.get("contentText", ""))
        if part.get("contentType") == _SUGGESTION_RESPONSE:
            try:
                reply = json.loads(content)["response"]["reply"]
                text = str(reply.get("displayText", ""))
                postback = str((reply.get("postback") or {}).get("data", ""))
            except (ValueError, KeyError, TypeError, AttributeError):
                raise BadCallback("bad suggestion response") from None
        elif part.get("contentType", "text/plain").startswith("text/plain"):
            text = content
    return Uplink(uid, phone, text[:2048], postback[:2048])
