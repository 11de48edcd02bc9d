"""Reading the ledger as a feed: its head, `as_of` resolved to a seq, pages of entries, texts by hash."""

from __future__ import annotations

from datetime import datetime
from typing import TypeAlias

import asyncpg

from service.domain.feed import FeedItem
from service.domain.ledger import GENESIS_HASH, LedgerEntry
from service.store.errors import translate
from service.store.ledger import entry_from_row
from service.store.queries import q

Conn: TypeAlias = "asyncpg.Connection | asyncpg.Pool"


async def head_seq(conn: Conn) -> int:
    """The newest seq, 0 on an empty ledger. Every seq up to it is committed (seq order = commit order)."""
    async with translate():
        return int(await conn.fetchval(q("ledger_head_seq")))


async def hash_at(conn: Conn, *, seq: int) -> str:
    """The hash of the newest entry up to `seq` (the genesis hash on an empty ledger)."""
    async with translate():
        row = await conn.fetchrow(q("ledger_head_hash"), seq)
    return str(row["hash"]) if row else GENESIS_HASH


async def seq_at(pool: asyncpg.Pool, *, moment: datetime) -> tuple[int, datetime]:
    """The highest seq recorded at or before `moment`, and the database's clock.

    Read under the append lock (shared): an append that took its timestamp before `moment` but has not
    committed yet is waited for, so the answer never changes afterwards.
    """
    async with translate(), pool.acquire() as conn, conn.transaction():
        await conn.execute(q("ledger_lock_shared"))
        row = await conn.fetchrow(q("ledger_seq_at"), moment)
    return int(row["seq"]), row["now"]


async def seq_time(conn: Conn, *, seq: int) -> tuple[datetime | None, int]:
    """When entry `seq` was recorded (None when there is no such entry), and the head seq."""
    async with translate():
        row = await conn.fetchrow(q("ledger_seq_time"), seq)
    return row["recorded_at"], int(row["head"])


async def changes(
    conn: Conn, *, after: int, upto: int, operations: list[str] | None, act: str | None, limit: int,
) -> list[LedgerEntry]:
    """Entries after `after` up to `upto`, oldest first, filtered."""
    async with translate():
        if act is None:
            rows = await conn.fetch(q("changes"), after, upto, operations, limit)
        else:
            rows = await conn.fetch(q("changes_of_act"), after, upto, operations, limit, act)
    return [entry_from_row(r) for r in rows]


async def change_items(
    conn: Conn, *, after: int, upto: int, operations: list[str] | None, act: str | None, limit: int, texts: bool,
) -> list[FeedItem]:
    """`changes` in exchange form, serialised by the database; with `texts`, the addresses each references."""
    async with translate():
        if act is None:
            rows = await conn.fetch(q("changes_json"), after, upto, operations, limit, texts)
        else:
            rows = await conn.fetch(q("changes_of_act_json"), after, upto, operations, limit, texts, act)
    return [FeedItem(r["seq"], r["item"], tuple(r["texts"] or ())) for r in rows]


async def latest(
    conn: Conn, *, upto: int, operations: list[str] | None, act: str | None, limit: int,
) -> list[LedgerEntry]:
    """The newest entries up to `upto`, newest first, filtered."""
    async with translate():
        if act is None:
            rows = await conn.fetch(q("changes_latest"), upto, operations, limit)
        else:
            rows = await conn.fetch(q("changes_latest_of_act"), upto, operations, limit, act)
    return [entry_from_row(r) for r in rows]


async def texts(conn: Conn, *, hashes: list[str]) -> dict[str, str]:
    """The stored texts among `hashes`, by hash (absent ones are left out)."""
    if not hashes:
        return {}
    async with translate():
        rows = await conn.fetch(q("texts_by_sha256"), hashes)
    return {r["sha256"]: r["body"] for r in rows}


async def act_ever_recorded(conn: Conn, *, act_id: str, as_of: int) -> bool:
    async with translate():
        return bool(await conn.fetchval(q("act_ever_recorded"), act_id, as_of))


async def entries_between(conn: Conn, *, first: int, last: int) -> list[LedgerEntry]:
    async with translate():
        rows = await conn.fetch(q("ledger_entries_between"), first, last)
    return [entry_from_row(r) for r in rows]
