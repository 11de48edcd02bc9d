"""The bulk snapshot: the NDJSON snapshot's content with each table as the bytes PostgreSQL's binary `COPY`
writes (framed as service/domain/bulk.py says), streamed from one transaction; and its loader, which writes
each section with `COPY` into an empty database and, before the caller commits, checks what the NDJSON
loader checks: the hash chain up to the head named, the counts, every referenced text present and sound.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg

from service.domain.asof import MAX_SEQ
from service.domain.bulk import COPY_FORMAT, Frames, data_frame, frame
from service.domain.errors import Conflict, Invalid
from service.domain.exchange import SNAPSHOT_FORMAT, snapshot_end, snapshot_header
from service.domain.ledger import GENESIS_HASH, verify_chain
from service.store import feed as feed_store
from service.store.queries import q
from service.store.snapshot import FactTable, Loaded, fact_tables, quote_ident

LEDGER_COLUMNS = ("seq", "recorded_at", "actor", "operation", "payload", "prev_hash", "hash")
TEXT_COLUMNS = ("sha256", "body")
FRAME_BYTES = 256 * 1024
PIECES_IN_FLIGHT = 8  # COPY's output waits while this many pieces are unsent: bounded memory
VERIFY_PAGE = 1000


@dataclass(frozen=True)
class Section:
    table: str
    columns: tuple[str, ...]
    query: str  # its rows as of seq $1


def sections(tables: list[FactTable]) -> list[Section]:
    """What a bulk snapshot carries, in order: the ledger, the texts, then every fact table."""
    return [Section("ledger", LEDGER_COLUMNS, q("bulk_ledger")), Section("texts", TEXT_COLUMNS, q("bulk_texts")),
            *(Section(t.name, t.columns, q("bulk_rows").format(table=t.ident, columns=_select(t), order=t.order))
              for t in tables)]


def _select(t: FactTable) -> str:
    """The table's columns as of seq $1: a row superseded later is current then."""
    current = "CASE WHEN t.superseded_seq > $1 THEN NULL ELSE t.superseded_seq END"
    return ", ".join(current if c == "superseded_seq" and t.supersedable else f"t.{quote_ident(c)}" for c in t.columns)


# ---- streaming -----------------------------------------------------------------------------------------

async def bulk_snapshot(pool: asyncpg.Pool, *, seq: int, api_version: str) -> AsyncGenerator[bytes, None]:
    """The frames of a bulk snapshot as of `seq` (a committed seq: at most the head)."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        await conn.execute(q("snapshot_session"))
        digest = await feed_store.hash_at(conn, seq=seq)
        tables = await fact_tables(conn)
        yield frame({**snapshot_header(seq=seq, hash=digest, api_version=api_version,
                                       tables={t.name: list(t.columns) for t in tables}), "copy": COPY_FORMAT})
        counts: dict[str, int] = {}
        for s in sections(tables):
            opening = frame({"kind": "section", "table": s.table, "columns": list(s.columns)})
            copy = _CopyOut()
            async for piece in copy.pieces(conn, s.query, seq):
                yield opening + data_frame(piece)
                opening = b""
            counts[s.table] = copy.rows
            yield opening + frame({"kind": "section_end", "table": s.table, "rows": copy.rows})
        yield frame(snapshot_end(seq=seq, hash=digest, entries=counts["ledger"], texts=counts["texts"],
                                 rows={t.name: counts[t.name] for t in tables}))


class _CopyOut:
    """One `COPY (query) TO STDOUT` read as pieces of about FRAME_BYTES; asyncpg's output callback waits
    while PIECES_IN_FLIGHT pieces are unread, so a slow client holds back the database, not memory."""

    def __init__(self) -> None:
        self.rows = 0
        self._pieces: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._room = asyncio.Semaphore(PIECES_IN_FLIGHT)

    async def _sink(self, chunk: bytes) -> None:
        await self._room.acquire()
        self._pieces.put_nowait(chunk)

    async def pieces(self, conn: asyncpg.Connection, query: str, *args: Any) -> AsyncIterator[bytes]:
        copying = asyncio.create_task(conn.copy_from_query(query, *args, output=self._sink, format=COPY_FORMAT))
        copying.add_done_callback(lambda _: self._pieces.put_nowait(None))
        buffer = bytearray()
        try:
            while (chunk := await self._pieces.get()) is not None:
                self._room.release()
                buffer += chunk
                if len(buffer) >= FRAME_BYTES:
                    yield bytes(buffer)
                    buffer.clear()
            status = await copying  # the COPY's error, if it failed
            if buffer:
                yield bytes(buffer)
            self.rows = int(status.split()[-1])
        finally:
            if not copying.done():  # the client went away: the COPY is cancelled with the stream
                copying.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await copying


# ---- loading -------------------------------------------------------------------------------------------

async def load_bulk_snapshot(conn: asyncpg.Connection, chunks: AsyncIterator[bytes], *,
                             progress: Callable[[int, int], None] | None = None) -> Loaded:
    """Load a bulk snapshot's byte stream into this (empty) database; the caller holds the transaction, so
    that a snapshot cut short or refused leaves nothing behind. `progress` gets (entries loaded, announced)."""
    frames = Frames(chunks)
    header = await frames.line()
    if header.get("kind") != "snapshot" or header.get("format") != SNAPSHOT_FORMAT or \
            header.get("copy") != COPY_FORMAT:
        raise Invalid(f"not a Lextime bulk snapshot of format {SNAPSHOT_FORMAT} with {COPY_FORMAT} COPY sections")
    if not await conn.fetchval(q("ledger_is_empty")):
        raise Conflict("a snapshot loads into an empty database only: this one has ledger entries")
    tables = await fact_tables(conn)
    if header.get("tables") != {t.name: list(t.columns) for t in tables}:
        raise Invalid("the snapshot's tables differ from this database's: migrate both to the same version")
    counts: dict[str, int] = {}
    for s in sections(tables):
        opening = await frames.line()
        if opening != {"kind": "section", "table": s.table, "columns": list(s.columns)}:
            raise Invalid(f"the snapshot's next section is not {s.table} with this database's columns")
        counts[s.table] = await _copy_in(conn, s, frames)
        if progress is not None and s.table == "ledger":
            progress(counts["ledger"], int(header.get("seq") or 0))
    end = await frames.line()
    if end.get("kind") != "end":
        raise Invalid(f"the snapshot has a line of kind {end.get('kind')!r} where its end belongs")
    return await _verified(conn, header, end, counts, tables)


async def _copy_in(conn: asyncpg.Connection, s: Section, frames: Frames) -> int:
    try:
        status = await conn.copy_to_table(s.table, source=frames.section(s.table), columns=list(s.columns),
                                          format=COPY_FORMAT)
    except asyncpg.PostgresError as err:
        raise Invalid(f"the snapshot's section {s.table} does not load: {err}") from err
    rows = int(status.split()[-1])
    if frames.rows != rows:
        raise Invalid(f"the snapshot's section {s.table} announced {frames.rows} rows but carried {rows}")
    return rows


async def _verified(conn: asyncpg.Connection, header: dict[str, Any], end: dict[str, Any], counts: dict[str, int],
                    tables: list[FactTable]) -> Loaded:
    rows = {t.name: counts[t.name] for t in tables}
    carried = {"entries": counts["ledger"], "texts": counts["texts"], "rows": rows}
    if end.get("counts") != carried:
        raise Invalid(f"the snapshot announced {end.get('counts')} but carried {carried}")
    seq, digest = await _chain_head(conn)
    if (seq, digest) != (header.get("seq"), header.get("hash")) or (seq, digest) != (end.get("seq"), end.get("hash")):
        raise Invalid("the snapshot's entries do not end at the head it names")
    unsound = await conn.fetchrow(q("bulk_texts_unsound"))
    if unsound["missing"]:
        raise Invalid(f"the snapshot lacks {unsound['missing']} of the texts its entries reference")
    if unsound["mismatched"]:
        raise Invalid(f"{unsound['mismatched']} of the snapshot's texts do not match their content address")
    # The status periods came with the rows, as known at the snapshot's seq.
    await conn.execute(q("status_projection_set"), seq)
    return Loaded(seq, digest, counts["ledger"], counts["texts"], rows)


async def _chain_head(conn: asyncpg.Connection) -> tuple[int, str]:
    """The loaded ledger's head, every entry's hash recomputed and linked to the one before."""
    seq, digest = 0, GENESIS_HASH
    while entries := await feed_store.changes(conn, after=seq, upto=MAX_SEQ, operations=None, act=None,
                                              limit=VERIFY_PAGE):
        broken = verify_chain(entries, prev_hash=digest, prev_seq=seq)
        if broken is not None:
            raise Invalid(f"the snapshot's entry {broken.seq} does not hold: {broken.reason}")
        seq, digest = entries[-1].seq, entries[-1].hash
    return seq, digest
