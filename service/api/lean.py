"""The lean path of the hottest read: `GET /v1/acts/{act_id}/text` (and HEAD) without the router, the
guard, metrics' and caching's middleware and, when the answer is cached, the deadline's task.

It sits inside the request log and the security headers (service/middleware.py, which add the request
id, the headers and the last-resort problem to its answers as to any other) and does for such a request
what the rest of the stack does, in the same order and with the same bytes: the expensive-read rate
limit of the client address, the pin to the ledger head, the answer from the cached act and units
(service/api/answers.py; what the cache lacks is read at the pinned seq, under the request's deadline,
as the route reads it), `X-Lextime-Seq`, `Cache-Control`, the strong ETag and 304 of
service/caching.py, problems as the exception handlers render them, and the request metrics. The
rendered answers are kept in the read cache (service/api/rendered.py), one per act, language, format and
interval of the act's answer days, found by a bisect (`interval`); JSON answers' ETags are kept per
act, language, day and seq. Other requests go on to the rest of the stack unchanged: other routes
and methods, `as_of`, unknown, repeated or invalid parameters, and any request when the address's
bucket is empty (the rest answers the 429). It is not installed when reads are private or CORS is
configured (both are the full stack's), nor with `LEXTIME_LEAN_READS=0`.
"""

from __future__ import annotations

import bisect
import re
import time
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import parse_qsl

import asyncpg
from starlette.datastructures import State
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from service.api.access import timed_out
from service.api.answers import choose_language, text_at, text_body
from service.api.deadline import within
from service.api.params import language
from service.api.reader import CachedAct, Reader
from service.api.rendered import MEDIA_TYPES, Answer, Rendered, body_of, rendered, respond
from service.caching import etag_of
from service.domain.dates import parse_date, today_in
from service.domain.errors import DomainError
from service.domain.model import Edition, Unit
from service.domain.status import Status
from service.errors import Problem, from_domain, problem_response
from service.store.cache import ReadCache
from service.store.errors import translate

ROUTE = "/v1/acts/{act_id}/text"
_PATH = re.compile(r"/v1/acts/([0-7][0-9A-HJKMNP-TV-Z]{25})/text")
_PARAMETERS = frozenset({"date", "lang", "format"})


@dataclass(frozen=True)
class Asked:
    act_id: str
    day: date | None
    lang: str | None
    fmt: str


def asked_of(scope: Scope) -> Asked | None:
    """What a plain text read asks (GET or HEAD, known parameters each given once and valid); None for
    any other request, which the full stack answers."""
    if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or scope.get("root_path"):
        return None
    match = _PATH.fullmatch(scope["path"])
    if match is None:
        return None
    pairs = query_pairs(scope["query_string"].decode("latin-1"))
    given = dict(pairs)
    fmt = given.get("format", "json")
    if len(given) != len(pairs) or not given.keys() <= _PARAMETERS or fmt not in MEDIA_TYPES:
        return None
    try:
        day = parse_date(given["date"]) if "date" in given else None
        lang = language(given["lang"]) if "lang" in given else None
    except (Problem, DomainError):
        return None
    return Asked(match[1], day, lang, fmt)


def query_pairs(query: str) -> list[tuple[str, str]]:
    """The query's parameters as Starlette reads them (`parse_qsl`, blank values kept), split by hand when
    nothing in it is escaped."""
    if "%" in query or "+" in query:
        return parse_qsl(query, keep_blank_values=True)
    return [(name, value) for name, _, value in (part.partition("=") for part in query.split("&") if part)]


def _header(scope: Scope, name: bytes) -> str | None:
    return next((v.decode("latin-1") for k, v in scope["headers"] if k == name), None)


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


def _as_problem(exc: Exception, timeout_s: float) -> Problem:
    if isinstance(exc, Problem):
        return exc
    if isinstance(exc, DomainError):
        return from_domain(exc)
    return timed_out(timeout_s)


def _problem(problem: Problem, path: str) -> Answer:
    response = problem_response(problem, instance=path)
    return response.status_code, list(response.raw_headers), bytes(response.body)


@dataclass(frozen=True)
class Chosen:
    """What a text answer is made of, chosen from the act's state for the asked day."""

    lang: str
    day: date
    status: Status
    edition: Edition | None
    at: date | None  # the day the units are read at (None: no text in the language)


def chosen(asked: Asked, entry: CachedAct) -> Chosen:
    """The language (a 404 problem when the act lacks it), day, status, edition and text of the answer."""
    state = entry.state
    lang = choose_language(state, asked.lang)
    day = asked.day or today_in(state.act.jurisdiction)
    status, edition, at = text_at(state, day, lang)
    return Chosen(lang, day, status, edition, at)


def interval(asked: Asked, entry: CachedAct) -> tuple[str, date, tuple[str, str, str, int]]:
    """The language (a 404 problem when the act lacks it), the day, and the key of the rendering: per act,
    language and format, the interval of `answer_days` the day falls in, every day of which has the same
    answer but for its date and seq (service/api/answers.py `text_answer_days`)."""
    lang = choose_language(entry.state, asked.lang)
    day = asked.day or today_in(entry.state.act.jurisdiction)
    return lang, day, (asked.act_id, lang, asked.fmt, bisect.bisect_right(entry.answer_days[lang], day))


Found = tuple[Rendered, bytes, str | None]  # the rendering, the body and, in JSON, its ETag when known


def from_cache(asked: Asked, reads: Reader, cache: ReadCache) -> Found | None:
    """The answer when all it is made of is cached at the reader's seq, without a wait; else None."""
    entry = reads.held(asked.act_id)
    if entry is None:
        return None
    lang, day, key = interval(asked, entry)
    kept = cache.answer_at(key, reads.seq)
    if kept is not None:
        return _found(kept, asked.act_id, lang, day, reads.seq, cache)
    c = chosen(asked, entry)
    units = [] if c.at is None else reads.held_expression(entry, c.lang, c.at)
    return None if units is None else _kept(asked, key, c, entry, units, reads, cache)


def _found(kept: Rendered, act_id: str, lang: str, day: date, seq: int, cache: ReadCache) -> Found:
    """A kept rendering's answer on `day` at `seq`; in JSON with the body's ETag, hashed once per act,
    language, day and seq (the body is a function of these)."""
    body = body_of(kept, act_id, day, seq)
    if kept.fmt == "text":
        return kept, body, None
    tag_key = (act_id, lang, day, seq)
    etag = cache.etag_of(tag_key)
    if etag is None:
        etag = etag_of(body)
        cache.keep_etag(tag_key, etag)
    return kept, body, etag


async def from_database(asked: Asked, pool: asyncpg.Pool, seq: int, cache: ReadCache) -> Found:
    """The answer, reading what the cache lacks at `seq` (and keeping it) on one connection of the pool:
    one reset when it goes back for the whole miss, not one per query."""
    async with translate(), pool.acquire() as conn:
        reads = Reader(conn, seq, cache)
        entry = await reads.entry(asked.act_id)
        c = chosen(asked, entry)
        key = interval(asked, entry)[2]
        units = [] if c.at is None else await reads.expression(asked.act_id, c.lang, c.at)
    return _kept(asked, key, c, entry, units, reads, cache)


def _kept(asked: Asked, key: tuple[str, str, str, int], c: Chosen, entry: CachedAct, units: list[Unit],
          reads: Reader, cache: ReadCache) -> Found:
    kept, body = rendered(asked.fmt, text_body(entry.state, day=c.day, lang=c.lang, status=c.status,
                                               edition=c.edition, units=units), reads.seq)
    cache.keep_answer(key, kept, kept.weight, read_at=reads.seq)
    return kept, body, None


class LeanText:
    """Pure ASGI: the lean path for cached text reads, the full stack (`app`) for everything else."""

    def __init__(self, app: ASGIApp, *, state: State, route: BaseRoute) -> None:
        self.app = app
        self.state = state
        self.route = route
        self._series: dict[tuple[str, int], tuple[Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        asked = asked_of(scope)
        if asked is None:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        metrics = self.state.metrics
        metrics.in_flight.inc()
        try:
            answer = await self._answer(scope, asked)
        finally:
            metrics.in_flight.dec()
        if answer is None:
            await self.app(scope, receive, send)
            return
        scope["route"] = self.route  # named in the request log, as the router names it
        await self._send(scope, send, answer, started)

    async def _answer(self, scope: Scope, asked: Asked) -> Answer | None:
        """The answer, or None for the full stack: no cache, or the address's bucket is empty (the full
        stack then answers 429, from the same empty bucket). Failures are answered as the full stack
        answers them (the route's guard, deadline and exception handlers)."""
        state = self.state
        cache: ReadCache | None = state.read_cache
        if cache is None or state.limiter.take("expensive", f"address:{_client(scope)}") is not None:
            return None
        timeout_s = state.settings.request_timeout_s
        deadline = time.monotonic() + timeout_s
        try:
            seq = await cache.pin(state.pool, timeout_s=timeout_s)  # one timer per check, not per request
            reads = Reader(state.pool, seq, cache)
            found = from_cache(asked, reads, cache)
            if found is None:  # reads run as the guard runs them: a task, left behind at the deadline
                found = await within(max(0.0, deadline - time.monotonic()), from_database(asked, state.pool, seq, cache))
        except (TimeoutError, Problem, DomainError) as exc:
            return _problem(_as_problem(exc, timeout_s), scope["path"])
        kept, body, etag = found
        return respond(kept, body, seq, _header(scope, b"if-none-match"), etag)

    async def _send(self, scope: Scope, send: Send, answer: Answer, started: float) -> None:
        status, headers, body = answer
        try:
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
        finally:
            requests, latency = self._metrics(scope["method"], status)
            requests.inc()
            latency.observe(time.perf_counter() - started)

    def _metrics(self, method: str, status: int) -> tuple[Any, Any]:
        found = self._series.get((method, status))
        if found is None:
            metrics = self.state.metrics
            found = self._series[(method, status)] = (metrics.requests.labels(ROUTE, method, str(status)),
                                                      metrics.latency.labels(ROUTE, method))
        return found
