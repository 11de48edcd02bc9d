"""Appending entries received from another Lextime, verbatim: same seq, time, actor, payload and hash.

Each entry must follow the local head (its seq the next one, its prev_hash the head's hash) and hash to
what it claims; the texts it references must come with it and match their addresses. The projections
are then written exactly as at the source, so the mirror's tables end identical.
"""

from __future__ import annotations

from collections.abc import Mapping

import asyncpg
import structlog

from service.domain.audit import text_digest
from service.domain.errors import Conflict, Invalid
from service.domain.feed import texts_of
from service.domain.ledger import GENESIS_HASH, LedgerEntry, verify_chain
from service.store import projections
from service.store.queries import q

log = structlog.get_logger("lextime.replica")


class Diverged(Conflict, slug="mirror-diverged"):
    """The received entries do not continue this database's ledger."""


async def local_head(conn: asyncpg.Connection | asyncpg.Pool) -> tuple[int, str]:
    row = await conn.fetchrow(q("ledger_head"))
    return (row["seq"] or 0), (row["hash"] or GENESIS_HASH)


async def replicate(conn: asyncpg.Connection, entries: list[LedgerEntry], texts: Mapping[str, str]) -> None:
    """Append `entries` after the local head with their projections; the caller holds the transaction."""
    await conn.execute(q("ledger_lock"))
    seq, digest = await local_head(conn)
    broken = verify_chain(entries, prev_hash=digest, prev_seq=seq)
    if broken is not None:
        raise Diverged(f"entry {broken.seq} does not continue this ledger (head {seq}): {broken.reason}")
    for e in entries:
        needed = texts_of(e.payload)
        missing = [h for h in needed if h not in texts]
        if missing:
            raise Invalid(f"entry {e.seq} came without the text {missing[0]} it references")
        wrong = [h for h in needed if text_digest(texts[h]) != h]
        if wrong:
            raise Invalid(f"entry {e.seq}: the text sent for {wrong[0]} does not match that address")
        if needed:
            await conn.execute(q("text_insert"), needed, [texts[h] for h in needed])
        await conn.execute(q("ledger_insert"), e.seq, e.recorded_at, e.actor, e.operation, e.payload, e.prev_hash,
                           e.hash)
        await projections.apply(conn, e)
