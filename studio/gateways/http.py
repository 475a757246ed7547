"""The http gateway: the CTCU MaaP chatbot API shapes over signed HTTPS requests.

- ``POST {base}/accessToken`` ``{"appId", "appKey"}`` → ``{"accessToken", "expiresIn"}``
- ``POST {base}/capabilities`` ``{"userList": ["tel:+86…"]}`` →
  ``{"capabilities": [{"userNumber", "rcs": bool}]}``
- ``POST {base}/messages`` the rendered envelope (``renderers.rcs``), or for an SMS
  ``{"messageId", "destinationAddress", "senderAddress", "smsContent", "templateId"?}``,
  or for a video SMS ``{…, "videoTemplateId", "params"}`` (the carrier's template id)
  → 200 ``{"messageId"}``; an already known messageId answers 200 with ``"duplicate": true``.

Every request carries ``Authorization: Bearer <token>`` and the HMAC headers of
`studio.gateways.signing` (keyed with the app key). Timeouts, connection errors and 5xx are
retried with exponential backoff, always with the same messageId, so a retry never becomes a
second message; 4xx is a rejection. Reports and uplinks come back to the callback endpoints in
`studio.views.sending` (`/gateway/ctcu/{workspace}/status` and `/uplink`).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from studio.gateways.base import Outgoing, SendResult
from studio.gateways.signing import sign
from studio.models.sending import Channel
from studio.sending.phones import e164
from studio.settings import SendingOptions


class HttpGateway:
    name = "http"

    def __init__(self, options: SendingOptions, *, client: httpx.AsyncClient | None = None) -> None:
        self.options = options
        timeout = httpx.Timeout(options.http_timeout_seconds)
        self._client = client or httpx.AsyncClient(timeout=timeout)
        self._token = ""
        self._token_until = 0.0

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _token_value(self, *, refresh: bool = False) -> str:
        now = datetime.now(UTC).timestamp()
        if self._token and not refresh and now < self._token_until:
            return self._token
        body = {"appId": self.options.http_app_id, "appKey": self.options.http_app_key}
        response = await self._post("/accessToken", body, token="")
        response.raise_for_status()
        data = response.json()
        self._token = str(data["accessToken"])
        self._token_until = now + max(60, int(data.get("expiresIn", 3600))) - 30
        return self._token

    async def _post(self, path: str, body: dict[str, Any], *, token: str) -> httpx.Response:
        raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json; charset=utf-8",
                   **sign(self.options.http_app_key, raw, now=datetime.now(UTC))}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return await self._client.post(self.options.http_base_url + path, content=raw,
                                       headers=headers)

    async def _call(self, path: str, body: dict[str, Any]) -> httpx.Response | str:
        """The carrier's answer, or an error code after the retries are spent."""
        error = "timeout"
        refreshed = False
        attempt = 0
        while attempt <= self.options.http_retries:
            if attempt:
                await asyncio.sleep(self.options.http_backoff_seconds * 2 ** (attempt - 1))
            attempt += 1
            try:
                response = await self._post(path, body, token=await self._token_value())
            except httpx.TimeoutException:
                error = "timeout"
                continue
            except httpx.TransportError:
                error = "timeout"
                continue
            except httpx.HTTPStatusError as exc:  # from the token call
                if exc.response.status_code >= 500:
                    error = "http_5xx"
                    continue
                return "auth"
            if response.status_code == 401 and not refreshed:
                refreshed = True
                attempt -= 1
                await self._token_value(refresh=True)
                continue
            if response.status_code >= 500:
                error = "http_5xx"
                continue
            return response
        return error

    async def capabilities(self, phones: Sequence[str]) -> dict[str, bool]:
        answer = await self._call("/capabilities", {"userList": [f"tel:{e164(p)}" for p in phones]})
        found: dict[str, bool] = {phone: False for phone in phones}
        if isinstance(answer, str) or answer.status_code != 200:
            return found  # unknown capability: the fallback rule applies
        for item in answer.json().get("capabilities", []):
            number = str(item.get("userNumber", "")).removeprefix("tel:").removeprefix("+86")
            if number in found:
                found[number] = bool(item.get("rcs"))
        return found

    async def send(self, message: Outgoing, *, now: datetime) -> SendResult:
        answer = await self._call("/messages", self._body(message))
        if isinstance(answer, str):
            return SendResult.rejected(answer)
        if answer.status_code != 200:
            try:
                code = str(answer.json().get("errorCode") or "")
            except ValueError:
                code = ""
            return SendResult.rejected(code or "http_4xx")
        try:
            duplicate = bool(answer.json().get("duplicate"))
        except ValueError:
            duplicate = False
        return SendResult.ok(duplicate=duplicate)

    def _body(self, message: Outgoing) -> dict[str, Any]:
        if message.channel is Channel.RCS:
            return {**message.payload, "messageId": message.message_uid}
        body: dict[str, Any] = {
            "messageId": message.message_uid,
            "destinationAddress": [f"tel:{e164(message.phone)}"],
            "senderAddress": self.options.http_chatbot_uri,
            "channel": message.channel.value,
        }
        if message.channel is Channel.VIDEO_SMS:
            body["videoTemplateId"] = str(message.payload.get("video_template_id", ""))
            body["params"] = dict(message.payload.get("params") or {})
            return body
        body["smsContent"] = str(message.payload.get("text", ""))
        if message.payload.get("template_id"):
            body["templateId"] = str(message.payload["template_id"])
        return body
