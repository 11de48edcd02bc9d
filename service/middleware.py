"""ASGI middleware: a request id on every request and one `request_finished` log line per request."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import time
from collections.abc import Iterator

import orjson
import structlog
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service import API_VERSION
from service.api.access import PROBES
from service.errors import Problem, problem_response
from service.logs import logs_at
from service.metrics import Metrics

log = structlog.get_logger("lextime.http")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _route_of(scope: Scope) -> str:
    route = scope.get("route")
    return getattr(route, "path", None) or "unmatched"


class RequestLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        # 128 random bits in hex, as uuid4().hex gives, without building a UUID object on every request.
        request_id = given if _REQUEST_ID.match(given) else os.urandom(16).hex()
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status, response_started = message["status"], True
                message["headers"] = [*message.get("headers", []), *_headers(request_id)]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            # The last line of defence: a problem document, never a stack trace, and the request id to quote.
            log.error("request_failed", request_id=request_id, error=type(exc).__name__, exc_info=exc)
            if response_started:
                raise
            await _internal_error(send_with_id, scope.get("path", ""))
        finally:
            if logs_at(logging.INFO):
                log.info("request_finished", request_id=request_id, method=scope["method"], route=_route_of(scope),
                         status=status, duration_ms=round((time.perf_counter() - started) * 1000, 2))


def _headers(request_id: str) -> list[tuple[bytes, bytes]]:
    return [(b"x-request-id", request_id.encode()), (b"x-lextime-api-version", API_VERSION.encode())]


async def _internal_error(send: Send, path: str) -> None:
    body = orjson.dumps({"type": "urn:lextime:problem:internal-error", "title": "Internal Server Error",
                         "status": 500, "detail": "Lextime failed to answer; the error is logged with the request id",
                         "instance": path})
    await send({"type": "http.response.start", "status": 500,
                "headers": [(b"content-type", b"application/problem+json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


# Lextime answers JSON and plain text to programs: nothing of it is to be framed, sniffed or run as a page.
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
_HSTS = (b"strict-transport-security", b"max-age=31536000")


class SecurityHeaders:
    """The security headers on every response (HSTS too when the request came over HTTPS)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [*SECURITY_HEADERS, *([_HSTS] if scope.get("scheme") == "https" else [])]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in extra if h[0] not in present)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


# Answered even when the worker sheds load: the probes, so that it is not taken for dead, and the metrics,
# which are wanted most then.
_NOT_BOUND = PROBES | {"/metrics"}


class InFlightLimit:
    """At most `limit` requests in progress in this worker; one more is answered at once `503` `overloaded`
    with `Retry-After`, before anything is read for it. A request waiting without work (the feed's long
    poll, see `waiting_without_work`) is not counted while it waits. Without a bound, a burst beyond what
    the worker can serve queues every request it accepts, each then waiting longer than its client will
    (p50 818–903 ms under the bench's burst of new connections at twice the rate two workers accept;
    31–415 ms with the bound, the rest shed). It bounds requests, not the connections waiting to be
    accepted, which hold most of such a burst's memory."""

    def __init__(self, app: ASGIApp, *, limit: int, metrics: Metrics | None = None) -> None:
        self.app = app
        self.limit = limit
        self.metrics = metrics  # counts the requests shed (they reach no route, so no other counter has them)
        self.in_flight = 0
        self.idle = 0  # requests in progress that wait without work (long polls), not counted meanwhile

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in _NOT_BOUND:
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            if self.metrics is not None:
                self.metrics.overloaded.inc()
            overloaded = Problem(503, "overloaded", f"this worker is answering {self.in_flight} requests, as many "
                                 "as it takes at once; retry after Retry-After seconds", headers={"Retry-After": "1"})
            await problem_response(overloaded, instance=scope["path"])(scope, receive, send)
            return
        self.in_flight += 1
        scope[IN_FLIGHT_KEY] = self
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1

    @contextlib.contextmanager
    def waiting(self) -> Iterator[None]:
        """Not counted meanwhile: the request waits for something that takes no work (a long poll)."""
        self.in_flight -= 1
        self.idle += 1
        try:
            yield
        finally:
            self.idle -= 1
            self.in_flight += 1


# Where InFlightLimit leaves itself in the scope of a request it counts.
IN_FLIGHT_KEY = "lextime.in_flight"


def waiting_without_work(scope: Scope) -> contextlib.AbstractContextManager[None]:
    """The request is not counted by the bound on requests in progress while this lasts (when there is one)."""
    limit = scope.get(IN_FLIGHT_KEY)
    return limit.waiting() if isinstance(limit, InFlightLimit) else contextlib.nullcontext()


class Cors(CORSMiddleware):
    """Starlette's CORS, with a refused preflight (an origin, method or header not allowed) answered as every
    other refusal is, `400 invalid-request` in problem+json, rather than in plain text. Browsers look only at
    the headers; the body is for the person reading the network log."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "OPTIONS":
            headers = Headers(scope=scope)
            if "origin" in headers and "access-control-request-method" in headers:
                answer = self.preflight_response(request_headers=headers)
                if answer.status_code != 200:
                    refused = Problem(400, "invalid-request", f"this cross-origin request is not allowed: "
                                      f"{bytes(answer.body).decode().removeprefix('Disallowed CORS ')}",
                                      headers={k: v for k, v in answer.headers.items()
                                               if k.lower() not in ("content-type", "content-length")})
                    answer = problem_response(refused, instance=scope["path"])
                await answer(scope, receive, send)
                return
        await super().__call__(scope, receive, send)
