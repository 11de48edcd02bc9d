"""The connection pool: one per process, created in the lifespan, connections acting as the service's role."""

from __future__ import annotations

from typing import Any

import asyncpg
import orjson

APP_ROLE = "lextime_app"
# The newest knowledge: every read takes an `as_of` seq; this one sees everything.
LATEST = 2**63 - 1


async def init_connection(conn: asyncpg.Connection) -> None:
    """JSON and jsonb as Python values (orjson), as every connection of the service reads them."""
    for name in ("json", "jsonb"):
        await conn.set_type_codec(
            name, schema="pg_catalog", encoder=lambda v: orjson.dumps(v).decode(), decoder=orjson.loads
        )


def server_settings(statement_timeout_ms: int) -> dict[str, str]:
    """Session settings sent at connect; RESET ALL on release returns to these, role included."""
    return {
        "role": APP_ROLE,
        "statement_timeout": str(statement_timeout_ms),
        "idle_in_transaction_session_timeout": str(max(statement_timeout_ms * 4, 60_000)),
        "application_name": "lextime",
        "timezone": "UTC",
    }


async def create_pool(
    dsn: str, *, min_size: int = 1, max_size: int = 10, statement_timeout_ms: int = 5000,
    connect_timeout_s: float = 5.0, **kwargs: Any,
) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        init=init_connection,
        server_settings=server_settings(statement_timeout_ms),
        timeout=connect_timeout_s,
        # The client's own bound on every command, for when the network is dead and the server's statement
        # timeout cannot fire; it also bounds the clean-up of a cancelled query (its CancelRequest).
        command_timeout=statement_timeout_ms / 1000 + connect_timeout_s,
        **kwargs,
    )
    assert pool is not None
    return pool
