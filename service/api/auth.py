"""Bearer API keys: writes need one with the right scope, and reads too when reads are private."""

from __future__ import annotations

from starlette.requests import Request

from service.api.limits import spend
from service.errors import Problem
from service.store.keys import ApiKey, authenticate

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="lextime"'}


async def require_key(request: Request, scope: str = "write") -> ApiKey:
    """The request's key, or 401 (no, bad, revoked or expired key) / 403 (key without the scope); a key's
    requests then count against its own rate limit."""
    key: ApiKey | None = getattr(request.state, "api_key", None)
    if key is None:
        key = await _authenticate(request)
        request.state.api_key = key
        kind = getattr(request.state, "rate_kind", None)
        if kind is not None:
            spend(request, kind, f"key:{key.key_id}")
    if not key.allows(scope):
        raise Problem(403, "forbidden", f"the API key {key.name!r} lacks the {scope!r} scope")
    return key


async def _authenticate(request: Request) -> ApiKey:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(401, "unauthorized", "this request needs an API key: 'Authorization: Bearer <key>'",
                      headers=_CHALLENGE)
    key = await authenticate(request.app.state.pool, token.strip())
    if key is None:
        raise Problem(401, "unauthorized", "the API key is unknown, revoked or expired", headers=_CHALLENGE)
    return key
