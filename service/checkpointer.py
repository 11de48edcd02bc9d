"""Signed checkpoints at an interval: the lifespan runs this task when LEXTIME_CHECKPOINT_INTERVAL_S > 0.

With several workers each runs it; a worker that finds the head already signed signs nothing."""

from __future__ import annotations

import asyncio

import asyncpg
import structlog

from service.domain.checkpoints import Signer
from service.domain.errors import Conflict, DomainError
from service.store.checkpoints import sign_head

log = structlog.get_logger("lextime.checkpointer")


async def sign_periodically(pool: asyncpg.Pool, signer: Signer, *, interval_s: float) -> None:
    while True:
        await asyncio.sleep(interval_s)
        try:
            await sign_head(pool, signer)
        except Conflict:
            continue  # nothing recorded yet
        except (DomainError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            log.warning("checkpoint_failed", error=type(exc).__name__, detail=str(exc))
