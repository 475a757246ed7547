"""A fake carrier speaking the CTCU MaaP shapes the http gateway uses, served by uvicorn on
127.0.0.1 inside the test's event loop. It checks the HMAC signature and the bearer token,
drops duplicate messageIds (answering them as duplicates), and can be told to time out or
answer 500 a number of times first."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


@dataclass
class Carrier:
    app_id: str = "app-1"
    app_key: str = "key-1"
    #: messageId → body, each kept once
    received: dict[str, dict[str, object]] = field(default_factory=dict)
    duplicates: int = 0
    requests: int = 0
    #: answer this many /messages calls with 500, then this many by hanging past the timeout
    fail_500: int = 0
    hang: int = 0
    capable: set[str] = field(default_factory=set)
    token: str = "token-abc"
    url: str = ""

    def _signed(self, request: Request, body: bytes) -> bool:
        ts = request.headers.get("x-timestamp", "")
        nonce = request.headers.get("x-nonce", "")
        expected = hmac.new(self.app_key.encode(), f"{ts}\n{nonce}\n".encode() + body,
                            hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, request.headers.get("x-signature", ""))

    async def access_token(self, request: Request) -> JSONResponse:
        body = await request.body()
        data = json.loads(body)
        if not self._signed(request, body) or data != {"appId": self.app_id,
                                                       "appKey": self.app_key}:
            return JSONResponse({"errorCode": "auth"}, status_code=401)
        return JSONResponse({"accessToken": self.token, "expiresIn": 7200})

    def _authorised(self, request: Request, body: bytes) -> bool:
        return (request.headers.get("authorization") == f"Bearer {self.token}"
                and self._signed(request, body))

    async def capabilities(self, request: Request) -> JSONResponse:
        body = await request.body()
        if not self._authorised(request, body):
            return JSONResponse({"errorCode": "auth"}, status_code=401)
        users = json.loads(body)["userList"]
        return JSONResponse({"capabilities": [
            {"userNumber": u, "rcs": u.removeprefix("tel:+86") in self.capable} for u in users]})

    async def messages(self, request: Request) -> JSONResponse:
        self.requests += 1
        body = await request.body()
        if not self._authorised(request, body):
            return JSONResponse({"errorCode": "auth"}, status_code=401)
        if self.fail_500 > 0:
            self.fail_500 -= 1
            return JSONResponse({"errorCode": "busy"}, status_code=500)
        if self.hang > 0:
            self.hang -= 1
            await asyncio.sleep(1)
        data = json.loads(body)
        message_id = str(data["messageId"])
        if message_id in self.received:
            self.duplicates += 1
            return JSONResponse({"messageId": message_id, "duplicate": True})
        self.received[message_id] = data
        return JSONResponse({"messageId": message_id})

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/accessToken", self.access_token, methods=["POST"]),
            Route("/capabilities", self.capabilities, methods=["POST"]),
            Route("/messages", self.messages, methods=["POST"]),
        ])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def running_carrier(carrier: Carrier | None = None) -> AsyncIterator[Carrier]:
    carrier = carrier or Carrier()
    port = _free_port()
    config = uvicorn.Config(carrier.app(), host="127.0.0.1", port=port, log_level="warning",
                            lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    carrier.url = f"http://127.0.0.1:{port}"
    try:
        yield carrier
    finally:
        server.should_exit = True
        await task
