"""GET /metrics: the Prometheus exposition, public, behind an `admin` key, or off (LEXTIME_METRICS)."""

from __future__ import annotations

import asyncpg
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import Response

from service.api.auth import require_key
from service.api.deadline import within
from service.domain.errors import DomainError
from service.errors import Problem
from service.store.ledger import head_seq

SCRAPE_QUERY_TIMEOUT_S = 2.0


async def metrics(request: Request) -> Response:
    state = request.app.state
    if state.settings.metrics == "off":
        raise Problem(404, "not-found", f"nothing is at {request.url.path}")
    if state.settings.metrics == "protected":
        await require_key(request, "admin")
    try:
        state.metrics.ledger_head.set(await within(SCRAPE_QUERY_TIMEOUT_S, head_seq(state.pool)))
        state.metrics.database_up.set(1)
    except (DomainError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):  # still answered
        state.metrics.database_up.set(0)
    return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
