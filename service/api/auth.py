"""Bearer API keys for writes; reads are open."""

from __future__ import annotations

from starlette.requests import Request

from service.errors import Problem
from service.store.keys import ApiKey, authenticate

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="lextime"'}


async def require_key(request: Request, scope: str = "write") -> ApiKey:
    """The key of a write request, or 401 (no or bad key) / 403 (key without the scope)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(401, "unauthorized", "this request needs an API key: 'Authorization: Bearer <key>'",
                      headers=_CHALLENGE)
    key = await authenticate(request.app.state.pool, token.strip())
    if key is None:
        raise Problem(401, "unauthorized", "the API key is unknown, revoked or expired", headers=_CHALLENGE)
    if scope not in key.scopes and "admin" not in key.scopes:
        raise Problem(403, "forbidden", f"the API key {key.name!r} lacks the {scope!r} scope")
    return key
