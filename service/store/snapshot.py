"""Snapshots: the whole state as of a seq — the ledger up to it, the texts it references and every fact
table's rows as known then — read in one consistent transaction, and loaded into an empty database.

The fact tables are found in the catalog (every table with a `recorded_seq` column), so a table a later
migration adds travels too. Generated row ids stay behind: they are local to each database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import orjson

from service.domain.audit import text_digest
from service.domain.errors import Conflict, Invalid
from service.domain.exchange import SNAPSHOT_FORMAT, entry_from_json, snapshot_end, snapshot_header
from service.domain.ledger import GENESIS_HASH, verify_chain
from service.store import feed as feed_store
from service.store.queries import q

BATCH = 500
PREFETCH = 2000


@dataclass(frozen=True)
class FactTable:
    name: str
    columns: tuple[str, ...]
    generated: tuple[str, ...]
    supersedable: bool

    @property
    def ident(self) -> str:
        return quote_ident(self.name)

    @property
    def order(self) -> str:
        tail = self.generated or tuple(c for c in self.columns if c != "recorded_seq")
        return ", ".join(f"t.{quote_ident(c)}" for c in ("recorded_seq", *tail))


@dataclass(frozen=True)
class Loaded:
    seq: int
    hash: str
    entries: int
    texts: int
    rows: dict[str, int]


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def fact_tables(conn: asyncpg.Connection) -> list[FactTable]:
    rows = await conn.fetch(q("fact_tables"))
    return [FactTable(r["table_name"], tuple(r["columns"]), tuple(r["generated"] or ()), bool(r["supersedable"]))
            for r in rows]


async def snapshot_lines(pool: asyncpg.Pool, *, seq: int, api_version: str
                         ) -> AsyncIterator[dict[str, Any] | orjson.Fragment]:
    """The lines of a snapshot as of `seq` (a committed seq: at most the head): the header and the end as
    objects, every entry, text and row between as JSON the database wrote (never parsed here)."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        await conn.execute(q("snapshot_session"))
        digest = await feed_store.hash_at(conn, seq=seq)
        tables = await fact_tables(conn)
        yield snapshot_header(seq=seq, hash=digest, api_version=api_version,
                              tables={t.name: list(t.columns) for t in tables})
        counts = {"entries": 0, "texts": 0}
        rows = {t.name: 0 for t in tables}
        for (name, of_table), sql, args in _sections(tables, seq):
            tally = rows if of_table else counts
            async for row in conn.cursor(sql, *args, prefetch=PREFETCH):
                tally[name] += 1
                yield orjson.Fragment(row["line"])
        yield snapshot_end(seq=seq, hash=digest, entries=counts["entries"], texts=counts["texts"], rows=rows)


def _sections(tables: list[FactTable], seq: int) -> Iterator[tuple[tuple[str, bool], str, tuple[Any, ...]]]:
    """What a snapshot carries, in order: ((what it counts as, whether a table's rows), the query of its
    lines, the query's arguments)."""
    yield ("entries", False), q("snapshot_entry_lines"), (seq,)
    yield ("texts", False), q("snapshot_text_lines"), (seq,)
    for t in tables:
        lines = "snapshot_row_lines_supersedable" if t.supersedable else "snapshot_row_lines"
        yield (t.name, True), q(lines).format(table=t.ident, order=t.order), (seq, list(t.generated), t.name)


class _Loader:
    """Buffers a snapshot's lines and writes them in batches: entries, then texts, then rows."""

    def __init__(self, conn: asyncpg.Connection, tables: dict[str, FactTable]) -> None:
        self.conn = conn
        self.tables = tables
        self.seq, self.hash = 0, GENESIS_HASH
        self.entries: list[tuple[Any, ...]] = []
        self.texts: dict[str, str] = {}
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.counts = {"entries": 0, "texts": 0, **{name: 0 for name in tables}}

    def entry(self, line: dict[str, Any]) -> None:
        e = entry_from_json({k: v for k, v in line.items() if k != "kind"})
        broken = verify_chain([e], prev_hash=self.hash, prev_seq=self.seq)
        if broken is not None:
            raise Invalid(f"the snapshot's entry {broken.seq} does not hold: {broken.reason}")
        self.seq, self.hash = e.seq, e.hash
        self.entries.append((e.seq, e.recorded_at, e.actor, e.operation, e.payload, e.prev_hash, e.hash))
        self.counts["entries"] += 1

    def text(self, line: dict[str, Any]) -> None:
        sha, body = line.get("sha256"), line.get("text")
        if not isinstance(sha, str) or not isinstance(body, str) or text_digest(body) != sha:
            raise Invalid(f"the snapshot's text {sha!r} does not match its content address")
        self.texts[sha] = body
        self.counts["texts"] += 1

    def row(self, line: dict[str, Any]) -> None:
        name = line.get("table")
        if name not in self.tables or not isinstance(line.get("row"), dict):
            raise Invalid(f"the snapshot has a row of an unknown table {name!r}")
        self.rows.setdefault(str(name), []).append(line["row"])
        self.counts[str(name)] += 1

    def full(self) -> bool:
        return len(self.entries) >= BATCH or len(self.texts) >= BATCH or any(len(r) >= BATCH for r in
                                                                             self.rows.values())

    async def flush(self) -> None:
        if self.entries:
            await self.conn.executemany(q("ledger_insert"), self.entries)
            self.entries = []
        if self.texts:
            await self.conn.execute(q("text_insert"), list(self.texts), list(self.texts.values()))
            self.texts = {}
        for name, rows in self.rows.items():
            t = self.tables[name]
            columns = ", ".join(quote_ident(c) for c in t.columns)
            await self.conn.execute(q("snapshot_insert").format(table=t.ident, columns=columns), rows)
        self.rows = {}


async def load_snapshot(conn: asyncpg.Connection, lines: AsyncIterator[dict[str, Any]], *,
                        progress: Callable[[int, int], None] | None = None) -> Loaded:
    """Load a snapshot into this (empty) database; the caller holds the transaction, so that a snapshot
    cut short or refused leaves nothing behind. `progress` gets (entries loaded, entries announced)."""
    header = await anext(lines, None)
    if not isinstance(header, dict) or header.get("kind") != "snapshot" or header.get("format") != SNAPSHOT_FORMAT:
        raise Invalid(f"not a Lextime snapshot of format {SNAPSHOT_FORMAT}")
    if not await conn.fetchval(q("ledger_is_empty")):
        raise Conflict("a snapshot loads into an empty database only: this one has ledger entries")
    tables = {t.name: t for t in await fact_tables(conn)}
    if header.get("tables") != {name: list(t.columns) for name, t in tables.items()}:
        raise Invalid("the snapshot's tables differ from this database's: migrate both to the same version")
    loader = _Loader(conn, tables)
    handlers = {"entry": loader.entry, "text": loader.text, "row": loader.row}
    async for line in lines:
        kind = line.get("kind")
        if kind == "end":
            await loader.flush()
            loaded = _finish(loader, header, line)
            # The status periods came with the rows, as known at the snapshot's seq.
            await conn.execute(q("status_projection_set"), loaded.seq)
            return loaded
        if kind not in handlers:
            raise Invalid(f"the snapshot has a line of unknown kind {kind!r}")
        handlers[str(kind)](line)
        if loader.full():
            await loader.flush()
            if progress is not None:
                progress(loader.seq, int(header.get("seq") or 0))
    raise Invalid("the snapshot ended before its last line: it was cut short")


def _finish(loader: _Loader, header: dict[str, Any], end: dict[str, Any]) -> Loaded:
    rows = {name: n for name, n in loader.counts.items() if name in loader.tables}
    counts = {"entries": loader.counts["entries"], "texts": loader.counts["texts"], "rows": rows}
    if end.get("counts") != counts:
        raise Invalid(f"the snapshot announced {end.get('counts')} but carried {counts}")
    if loader.seq != header.get("seq") or loader.hash != header.get("hash") or end.get("hash") != loader.hash:
        raise Invalid("the snapshot's entries do not end at the head it names")
    return Loaded(loader.seq, loader.hash, loader.counts["entries"], loader.counts["texts"], rows)
