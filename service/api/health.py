"""Liveness and readiness."""

from __future__ import annotations

import asyncpg
from starlette.requests import Request
from starlette.responses import Response

from service.api.deadline import within
from service.api.render import json_response
from service.errors import Problem
from service.store.migrate import is_migrated


async def healthz(request: Request) -> Response:
    return json_response({"status": "ok"})


async def _migrated(pool: asyncpg.Pool) -> bool:
    async with pool.acquire() as conn:
        return await is_migrated(conn)


async def readyz(request: Request) -> Response:
    timeout = request.app.state.settings.connect_timeout_s
    try:
        migrated = await within(timeout, _migrated(request.app.state.pool))
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError) as exc:
        raise Problem(503, "not-ready", f"the database is not reachable: {type(exc).__name__}",
                      headers={"Retry-After": "1"}) from None
    if not migrated:
        raise Problem(503, "not-ready", "the database is not migrated: run 'lextime migrate'",
                      headers={"Retry-After": "5"})
    return json_response({"status": "ready"})
