"""API keys seen by an `admin` key: list them (never a secret), revoke one. Keys are created only by
`lextime keys create`, as the schema's owner: the running service cannot mint a key."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import structlog
from starlette.requests import Request
from starlette.responses import Response

from service.api.auth import require_key
from service.api.render import json_response
from service.domain.errors import Invalid
from service.errors import Problem
from service.store import keys as keys_store
from service.store.keys import KeyInfo

log = structlog.get_logger("lextime.keys")


def key_json(key: KeyInfo, now: datetime) -> dict[str, Any]:
    return {
        "name": key.name, "key_id": key.key_id, "scopes": list(key.scopes), "state": key.state(now),
        "created_at": _moment(key.created_at), "expires_at": _moment(key.expires_at),
        "revoked_at": _moment(key.revoked_at),
    }


def _moment(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


async def list_keys(request: Request) -> Response:
    await require_key(request, "admin")
    now = datetime.now(tz=UTC)
    keys = await keys_store.list_keys(request.app.state.pool)
    return json_response({"items": [key_json(k, now) for k in keys]})


async def revoke_key(request: Request) -> Response:
    admin = await require_key(request, "admin")
    name = request.path_params["name"]
    try:
        keys_store.check_name(name)
    except Invalid:
        raise Problem(404, "not-found", "no API key has this name") from None
    async with request.app.state.pool.acquire() as conn:
        key = await keys_store.revoke_key(conn, name=name)
    log.info("api_key_revoked", name=key.name, key_id=key.key_id, by=admin.name)
    return json_response(key_json(key, datetime.now(tz=UTC)))
