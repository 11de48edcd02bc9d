"""Prometheus metrics: requests by route and status, latency, pool usage, the ledger's head, imports,
rate-limit refusals and requests shed by the bound on requests in progress; one registry per application (so
tests and workers do not share counters)."""

from __future__ import annotations

import time
from typing import Any

import asyncpg
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter("lextime_http_requests", "HTTP requests answered, by route template, method "
                                "and status", ["route", "method", "status"], registry=r)
        self.latency = Histogram("lextime_http_request_duration_seconds", "Time to answer, by route template "
                                 "and method", ["route", "method"], buckets=_BUCKETS, registry=r)
        self.in_flight = Gauge("lextime_http_requests_in_flight", "Requests being answered", registry=r)
        self.refused = Counter("lextime_rate_limited", "Requests refused by a rate limit (429), by kind "
                               "(write, expensive) and by what was limited (address, key)", ["kind", "by"],
                               registry=r)
        self.overloaded = Counter("lextime_http_requests_overloaded", "Requests answered 503 overloaded at once, "
                                  "the worker answering as many as it takes (LEXTIME_MAX_IN_FLIGHT)", registry=r)
        self.imports = Counter("lextime_imports", "Documents imported, by source and outcome (imported, "
                               "refused, failed)", ["source", "outcome"], registry=r)
        self.ledger_head = Gauge("lextime_ledger_head_seq", "The newest ledger entry's seq, read at scrape time",
                                 registry=r)
        self.database_up = Gauge("lextime_database_up", "1 when the database answered the scrape's query",
                                 registry=r)
        self.pool_size = Gauge("lextime_db_pool_connections", "Connections the pool holds", registry=r)
        self.pool_idle = Gauge("lextime_db_pool_idle_connections", "Connections idle in the pool", registry=r)
        self.pool_max = Gauge("lextime_db_pool_max_connections", "The most connections the pool may hold",
                              registry=r)

    def watch_pool(self, pool: asyncpg.Pool) -> None:
        self.pool_size.set_function(pool.get_size)
        self.pool_idle.set_function(pool.get_idle_size)
        self.pool_max.set_function(pool.get_max_size)

    def rate_limited(self, kind: str, by: str) -> None:
        self.refused.labels(kind, by).inc()

    def imported(self, source: str, outcome: str) -> None:
        """For importers: one document imported, refused (bad input) or failed (our side)."""
        self.imports.labels(source, outcome).inc()


def _route_of(scope: Scope) -> str:
    route = scope.get("route")
    return getattr(route, "path", None) or "unmatched"


class MetricsMiddleware:
    """Counts and times every HTTP request by its route template (never the raw path: ids stay out of
    label values, so the number of series stays bounded)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: dict[str, Any] = {"code": 500}

        async def send_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        self.metrics.in_flight.inc()
        try:
            await self.app(scope, receive, send_status)
        finally:
            self.metrics.in_flight.dec()
            route, method = _route_of(scope), scope["method"]
            self.metrics.requests.labels(route, method, str(status["code"])).inc()
            self.metrics.latency.labels(route, method).observe(time.perf_counter() - started)
