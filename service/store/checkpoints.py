"""Signed checkpoints: the head signed inside the append lock and published as a ledger entry of its own
(so mirrors receive them in the feed), and read back for auditors."""

from __future__ import annotations

import asyncpg
import structlog

from service.domain.checkpoints import Checkpoint, Signer, checkpoint_from_json, checkpoint_payload
from service.domain.errors import Conflict
from service.domain.ledger import LedgerEntry
from service.store import projections
from service.store.errors import translate
from service.store.ledger import append_after, entry_from_row
from service.store.queries import q

log = structlog.get_logger("lextime.checkpoints")

ACTOR = "lextime"


async def sign_head(pool: asyncpg.Pool, signer: Signer) -> tuple[LedgerEntry, bool]:
    """Sign the head and publish the checkpoint; True when new. When the head is already a checkpoint by
    this key there is nothing new to sign: that checkpoint is returned."""
    async with translate(), pool.acquire() as conn, conn.transaction():
        await conn.execute(q("ledger_lock"))
        head = await conn.fetchrow(q("ledger_head_entry"))
        if head["seq"] is None:
            raise Conflict("the ledger is empty: there is nothing to sign yet")
        if head["operation"] == "checkpoint" and head["payload"]["checkpoint"].get("key_id") == signer.key_id:
            [row] = await conn.fetch(q("ledger_entries_between"), head["seq"], head["seq"])
            return entry_from_row(row), False
        cp = signer.sign(seq=head["seq"], hash=head["hash"], signed_at=head["now"])
        entry = await append_after(conn, head_seq=head["seq"], head_hash=head["hash"], recorded_at=head["now"],
                                   actor=ACTOR, operation="checkpoint", payload=checkpoint_payload(cp))
        await projections.apply(conn, entry)
    log.info("checkpoint_signed", seq=cp.seq, entry=entry.seq, key_id=cp.key_id)
    return entry, True


def checkpoint_of(entry: LedgerEntry) -> Checkpoint:
    return checkpoint_from_json(entry.payload["checkpoint"])


async def checkpoints(conn: asyncpg.Connection | asyncpg.Pool, *, after: int, upto: int,
                      limit: int) -> list[LedgerEntry]:
    """Checkpoint entries after `after` up to `upto`, oldest first."""
    async with translate():
        rows = await conn.fetch(q("checkpoints_page"), after, upto, limit)
    return [entry_from_row(r) for r in rows]


async def checkpoint_covering(conn: asyncpg.Connection | asyncpg.Pool, *, seq: int,
                              upto: int) -> LedgerEntry | None:
    """The first checkpoint entry that signs `seq` or a later entry, up to `upto`."""
    async with translate():
        row = await conn.fetchrow(q("checkpoint_covering"), seq, upto)
    return entry_from_row(row) if row else None
