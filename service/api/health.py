"""Liveness and readiness."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import Response

from service.api.render import json_response
from service.errors import Problem
from service.store.migrate import is_migrated


async def healthz(request: Request) -> Response:
    return json_response({"status": "ok"})


async def readyz(request: Request) -> Response:
    timeout = request.app.state.settings.connect_timeout_s
    try:
        async with asyncio.timeout(timeout):
            async with request.app.state.pool.acquire() as conn:
                migrated = await is_migrated(conn)
    except Exception as exc:  # any failure to reach the database means not ready
        raise Problem(503, "not-ready", f"the database is not reachable: {type(exc).__name__}",
                      headers={"Retry-After": "1"}) from None
    if not migrated:
        raise Problem(503, "not-ready", "the database is not migrated: run 'lextime migrate'",
                      headers={"Retry-After": "5"})
    return json_response({"status": "ready"})
