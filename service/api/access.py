"""What every route goes through before its own code: the rate limits (per client address, then per key),
query parameters checked against the contract, a read key when reads are private, and the request's
deadline. Routes are wrapped by `guarded` where the route table is built."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from service.api.auth import require_key
from service.api.deadline import within
from service.api.limits import client_address, spend
from service.errors import Problem

Endpoint = Callable[[Request], Awaitable[Response]]

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Reads that cost much more than a lookup, limited like writes (add compare, verify and the like here).
EXPENSIVE_ROUTES: set[str] = {"/v1/acts/{act_id}/text", "/akn/{path:path}", "/v1/acts/{act_id}/compare",
                              "/v1/audit/verify", "/v1/audit/proof", "/v1/snapshot"}
# Reads sent as POST (a list of lookups in the body; `x-lextime-read` in the contract): limited as expensive
# reads, not writes, and needing a read key when reads are private.
READ_POSTS = frozenset({"/v1/batch/text", "/v1/texts/batch"})
# Routes that need no read key even when reads are private (probes; /metrics has its own rule).
PROBES = frozenset({"/healthz", "/readyz"})
OPEN_ROUTES: set[str] = {*PROBES, "/metrics"}


def rate_kind(method: str, path: str) -> str | None:
    if method in WRITE_METHODS:
        return "expensive" if path in READ_POSTS else "write"
    return "expensive" if path in EXPENSIVE_ROUTES else None


def check_query(request: Request, allowed: frozenset[str] | None) -> None:
    """Refuse query parameters the contract does not list (a misspelt `dat=` must not answer for today)."""
    if allowed is None:
        return
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        known = ", ".join(sorted(allowed)) or "none"
        raise Problem(400, "unknown-parameters",
                      f"query parameters Lextime does not know here: {', '.join(unknown)} (known: {known})",
                      invalid_params=[{"name": u[:100], "reason": "unknown parameter"} for u in unknown[:20]])
    repeated = sorted({k for k, _ in request.query_params.multi_items()
                       if len(request.query_params.getlist(k)) > 1})
    if repeated:
        raise Problem(400, "invalid-request", f"query parameters given more than once: {', '.join(repeated)}",
                      invalid_params=[{"name": r, "reason": "given more than once"} for r in repeated])


def timed_out(seconds: float) -> Problem:
    return Problem(503, "request-timeout", f"no answer within {seconds:g} s; the database may be slow or unreachable",
                   headers={"Retry-After": "1"})


def guarded(path: str, method: str, endpoint: Endpoint) -> Endpoint:
    kind = rate_kind(method, path)

    async def guard(request: Request) -> Response:
        state = request.app.state
        request.state.rate_kind = kind
        if kind is not None:
            spend(request, kind, f"address:{client_address(request)}")
        if path not in PROBES:
            check_query(request, state.query_parameters.get((method, path)))
        reading = method not in WRITE_METHODS or path in READ_POSTS
        if state.settings.private_reads and reading and path not in OPEN_ROUTES:
            await require_key(request, "read")
        try:
            return await within(state.settings.request_timeout_s, endpoint(request))
        except TimeoutError:
            raise timed_out(state.settings.request_timeout_s) from None

    guard.__name__ = getattr(endpoint, "__name__", "endpoint")
    return guard
