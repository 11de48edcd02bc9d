"""The HTTP ceiling: a Starlette endpoint returning a constant JSON body of a given size (BENCH_BODY_BYTES),
served with the same uvicorn settings as Lextime. Nothing a web service does can answer faster."""

from __future__ import annotations

import os

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def constant_body(size: int) -> bytes:
    """A JSON object of exactly `size` bytes (at least the 12 of its frame)."""
    frame = orjson.dumps({"text": ""})
    return orjson.dumps({"text": "x" * max(0, size - len(frame))})


def create_app() -> Starlette:
    body = constant_body(int(os.environ.get("BENCH_BODY_BYTES", "2048")))

    async def answer(request: Request) -> Response:
        return Response(body, media_type="application/json")

    return Starlette(routes=[Route("/answer", answer), Route("/{path:path}", answer)])
