"""Answers of reads: the ledger seq they reflect (a field and `X-Lextime-Seq`), the `as_of` echo, and
how long caches may keep them. ETag and 304 are added to every GET by service/caching.py."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from service.api.params import AsOf
from service.api.render import json_response

# Reads need no key (service/api/auth.py), so shared caches may keep them.
READS_ARE_PUBLIC = True
ONE_YEAR_S = 31_536_000


def cache_control(*, pinned: bool) -> str:
    """An answer pinned by a past `as_of` never changes; any other may change with the next write."""
    scope = "public" if READS_ARE_PUBLIC else "private"
    return f"{scope}, max-age={ONE_YEAR_S}, immutable" if pinned else f"{scope}, no-cache"


def read_headers(as_of: AsOf, *, cacheable: bool = True) -> dict[str, str]:
    return {"X-Lextime-Seq": str(as_of.seq),
            "Cache-Control": cache_control(pinned=as_of.pinned) if cacheable else "no-store"}


def read_response(as_of: AsOf, body: dict[str, Any], *, headers: dict[str, str] | None = None,
                  cacheable: bool = True) -> Response:
    """The body with `as_of_seq` (and the `as_of` asked, last), so that an answer at a past `as_of` is the
    answer given then, byte for byte, but for that echo."""
    body = {**body, "as_of_seq": as_of.seq}
    if as_of.given is not None:
        body["as_of"] = as_of.given
    return json_response(body, headers={**read_headers(as_of, cacheable=cacheable), **(headers or {})})
