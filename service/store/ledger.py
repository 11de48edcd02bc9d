"""Appending to the ledger: one entry per write command, projections written in the same transaction."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from functools import cache
from typing import Any, TypeAlias

import asyncpg
import structlog

from service.domain.feed import acts_of
from service.domain.ledger import GENESIS_HASH, LedgerEntry, entry_hash, hashed_fields
from service.store import faults, projections, statuses
from service.store.errors import translate
from service.store.queries import q

log = structlog.get_logger("lextime.ledger")


async def append(conn: asyncpg.Connection, *, actor: str, operation: str, payload: dict[str, Any]) -> LedgerEntry:
    """Append one entry; the caller holds a transaction, and the append lock is held until it commits."""
    await conn.execute(q("ledger_lock"))
    head = await conn.fetchrow(q("ledger_head"))
    return await append_after(conn, head_seq=head["seq"] or 0, head_hash=head["hash"] or GENESIS_HASH,
                              recorded_at=head["now"], actor=actor, operation=operation, payload=payload)


async def append_after(
    conn: asyncpg.Connection, *, head_seq: int, head_hash: str, recorded_at: datetime, actor: str, operation: str,
    payload: dict[str, Any],
) -> LedgerEntry:
    """Append right after the head the caller read while holding the append lock."""
    seq = head_seq + 1
    digest = entry_hash(hashed_fields(seq, recorded_at, actor, operation, payload, head_hash))
    await conn.execute(q("ledger_insert"), seq, recorded_at, actor, operation, payload, head_hash, digest)
    return LedgerEntry(seq, recorded_at, actor, operation, payload, head_hash, digest)


class Batch:
    """One transaction that holds the append lock from its start and records many entries, for an import
    that records a long history: each entry appended after the head the batch keeps (no lock, no head read
    per entry; its acts noted and the next entry's clock read by the same statement), its projections
    written as `record` writes them; all of the batch or nothing of it is committed. Reads go to the batch's
    connection, so they see what the batch recorded."""

    def __init__(self, conn: asyncpg.Connection, head_seq: int, head_hash: str, clock: datetime) -> None:
        self.conn, self.head_seq, self.head_hash, self.clock = conn, head_seq, head_hash, clock
        self.entries = 0
        self.changes: list[tuple[int, list[str]]] = []  # each entry's seq and acts, for the status projection
        self.acts: set[str] = set()  # acts known to be recorded (see commands), forgotten at any retraction

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        return await self.conn.fetch(query, *args)  # type: ignore[no-any-return]

    async def fetchrow(self, query: str, *args: Any) -> asyncpg.Record | None:
        return await self.conn.fetchrow(query, *args)

    async def fetchval(self, query: str, *args: Any) -> Any:
        return await self.conn.fetchval(query, *args)

    async def execute(self, query: str, *args: Any) -> str:
        return await self.conn.execute(query, *args)  # type: ignore[no-any-return]

    async def executemany(self, query: str, args: Iterable[Sequence[Any]]) -> None:
        await self.conn.executemany(query, args)

    async def record(self, *, actor: str, operation: str, payload: dict[str, Any],
                     texts: Mapping[str, str] | None = None) -> LedgerEntry:
        seq = self.head_seq + 1
        digest = entry_hash(hashed_fields(seq, self.clock, actor, operation, payload, self.head_hash))
        entry = LedgerEntry(seq, self.clock, actor, operation, payload, self.head_hash, digest)
        statements = projections.STATEMENTS.get(operation)
        folded = statements(entry) if statements is not None else None
        acts = acts_of(payload)
        async with translate():
            appended = (seq, self.clock, actor, operation, payload, self.head_hash, digest, acts,
                        list(texts or ()), list(texts.values()) if texts else [])
            if folded is None:
                clock = await self.conn.fetchval(q("ledger_insert_in_batch"), *appended)
                await projections.project(self.conn, entry)
            else:  # the projection's statements go in the append's own statement: one round trip
                clock = await self.conn.fetchval(_append_and_project(tuple((name, len(args)) for name, args in folded)),
                                                 *appended, *(arg for _, args in folded for arg in args))
        self.changes.append((seq, acts))
        self.head_seq, self.head_hash, self.clock = seq, digest, clock
        self.entries += 1
        if operation == "create_act":
            self.acts.add(payload["act"]["id"])
        elif operation == "retract":
            self.acts.clear()
        return entry

    @asynccontextmanager
    async def part(self) -> AsyncIterator[None]:
        """A part of the batch that may fail alone: rolled back to its start (a savepoint), head included,
        while the rest of the batch goes on."""
        seq, digest, clock, entries = self.head_seq, self.head_hash, self.clock, self.entries
        changes = len(self.changes)
        try:
            async with self.conn.transaction():
                yield
        except BaseException:
            self.head_seq, self.head_hash, self.clock, self.entries = seq, digest, clock, entries
            del self.changes[changes:]
            self.acts.clear()
            raise


_APPEND_RESULT = "\nSELECT clock_timestamp() FROM entry"


@cache
def _append_and_project(statements: tuple[tuple[str, int], ...]) -> str:
    """ledger_insert_in_batch with the named statements (each with the number of arguments it is given) as
    further parts of its WITH, their parameters numbered after the append's: the entry, its texts, its acts
    and its projection in one statement. The parts of a WITH see one snapshot and run in no order a
    projection may rely on, so only statements that read none of the tables written here are folded."""
    append = q("ledger_insert_in_batch")
    if not append.endswith(_APPEND_RESULT) or _parameters(append) != _APPEND_ARGUMENTS:
        raise RuntimeError("ledger_insert_in_batch no longer takes the append's arguments and reads the clock last")
    taken = _APPEND_ARGUMENTS
    parts = []
    for i, (name, arguments) in enumerate(statements):
        sql = q(name)
        if _parameters(sql) != arguments:
            raise RuntimeError(f"{name} takes {_parameters(sql)} parameters, not the {arguments} it is given")
        shifted = _PARAMETER.sub(lambda m, by=taken: f"${int(m.group(1)) + by}", sql)
        parts.append(f"projected_{i} AS (\n{shifted}\n)")
        taken += arguments
    return f"{append.removesuffix(_APPEND_RESULT)}, {', '.join(parts)}{_APPEND_RESULT}"


_PARAMETER = re.compile(r"\$(\d+)")
_COMMENT = re.compile(r"--[^\n]*")
# What the append itself takes: seq, recorded_at, actor, operation, payload, prev_hash, hash, its acts, and its
# texts' addresses and bodies.
_APPEND_ARGUMENTS = 10


def _parameters(sql: str) -> int:
    """The highest $n of a statement, outside its comments."""
    return max((int(n) for n in _PARAMETER.findall(_COMMENT.sub("", sql))), default=0)


Writer: TypeAlias = asyncpg.Pool | Batch  # what a write command records through


@asynccontextmanager
async def batch(pool: asyncpg.Pool) -> AsyncIterator[Batch]:
    """A `Batch` on a connection of the pool, committed when the block ends, rolled back if it raises."""
    async with translate(), pool.acquire() as conn, conn.transaction():
        await conn.execute(q("ledger_lock"))
        head = await conn.fetchrow(q("ledger_head"))
        held = Batch(conn, head["seq"] or 0, head["hash"] or GENESIS_HASH, head["now"])
        yield held
        await statuses.advance_many(conn, held.changes)
    if held.entries:
        log.info("ledger_appended", seq=held.head_seq, entries=held.entries, operation="batch")


async def record(
    pool: Writer, *, actor: str, operation: str, payload: dict[str, Any],
    texts: Mapping[str, str] | None = None,
) -> LedgerEntry:
    """One write command: texts stored, entry appended, projections written; all or nothing. Inside a
    `Batch`, the entry is one of the batch's, committed with it."""
    if isinstance(pool, Batch):
        return await pool.record(actor=actor, operation=operation, payload=payload, texts=texts)
    async with translate(), pool.acquire() as conn, conn.transaction():
        if texts:
            await conn.execute(q("text_insert"), list(texts), list(texts.values()))
        await faults.reached("before_append", conn)
        entry = await append(conn, actor=actor, operation=operation, payload=payload)
        await faults.reached("after_append", conn)
        await projections.apply(conn, entry)
        await faults.reached("before_commit", conn)
    log.info("ledger_appended", seq=entry.seq, operation=operation, actor=actor)
    return entry


@asynccontextmanager
async def write_transaction(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A transaction that holds the append lock from its start, for a write command that must read the
    store before deciding what to record (an import): nothing can be appended between its reads and its entry."""
    async with translate(), pool.acquire() as conn, conn.transaction():
        await conn.execute(q("ledger_lock"))
        yield conn


async def record_in(
    conn: asyncpg.Connection, *, actor: str, operation: str, payload: dict[str, Any],
    texts: Mapping[str, str] | None = None,
) -> LedgerEntry:
    """`record`, inside a transaction the caller holds (see `write_transaction`)."""
    if texts:
        await conn.execute(q("text_insert"), list(texts), list(texts.values()))
    entry = await append(conn, actor=actor, operation=operation, payload=payload)
    await projections.apply(conn, entry)
    return entry  # the caller logs `ledger_appended` once its transaction has committed


def entry_from_row(row: asyncpg.Record) -> LedgerEntry:
    return LedgerEntry(
        row["seq"], row["recorded_at"], row["actor"], row["operation"], row["payload"], row["prev_hash"],
        row["hash"],
    )


async def head_seq(conn: asyncpg.Connection | asyncpg.Pool) -> int:
    """The newest entry's seq, 0 on an empty ledger."""
    async with translate():
        return int(await conn.fetchval(q("ledger_head_seq")))
