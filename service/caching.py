"""ASGI middleware: a strong ETag on every complete 200 answer to GET and HEAD (the sha256 of the body,
unless the route set its own), and `304 Not Modified` when `If-None-Match` names it. Streamed answers
(snapshots) pass through untouched."""

from __future__ import annotations

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_DROPPED_ON_304 = ("content-length", "content-type")


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def none_match(header: str | None, etag: str) -> bool:
    """Whether `If-None-Match` names `etag` (weak comparison, RFC 9110 section 13.1.2)."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in header.split(","))


class ConditionalGet:
    """Strong ETags and 304s on complete GET answers. With private reads, no answer may be kept by a
    shared cache: `Cache-Control: public` becomes `private`."""

    def __init__(self, app: ASGIApp, *, private: bool = False) -> None:
        self.app = app
        self.private = private

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        asked = Headers(scope=scope).get("if-none-match")
        start: Message | None = None

        async def conditional(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start" and message["status"] == 200:
                start = message  # held until the body shows whether it is complete
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            held, start = start, None
            if message.get("more_body", False):
                await send(held)
                await send(message)
                return
            headers = MutableHeaders(raw=list(held["headers"]))
            if self.private and headers.get("cache-control", "").startswith("public"):
                headers["Cache-Control"] = "private" + headers["cache-control"][len("public"):]
            etag = headers.get("etag") or etag_of(message.get("body", b""))
            headers["ETag"] = etag
            if none_match(asked, etag):
                for name in _DROPPED_ON_304:
                    del headers[name]
                await send({**held, "status": 304, "headers": headers.raw})
                await send({"type": "http.response.body", "body": b""})
                return
            await send({**held, "headers": headers.raw})
            await send(message)

        await self.app(scope, receive, conditional)
