"""The bulk snapshot, measured two ways: the whole stream fetched and split into its frames (as the NDJSON
stream is fetched and its lines decoded), and `lextime mirror`'s start — a snapshot loaded into a new empty
database in one transaction, checks included — from either representation."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import asyncpg
import httpx
import orjson

from bench import corpus
from service.domain.bulk import BULK_MEDIA_TYPE
from service.mirror import Source
from service.store.bulk_snapshot import load_bulk_snapshot
from service.store.db import create_pool
from service.store.migrate import migrate
from service.store.snapshot import load_snapshot


@dataclass(frozen=True)
class Fetched:
    entries: int  # the rows of the ledger section, or the entry lines
    bytes: int  # as decoded
    seconds: float
    non_2xx: int
    how: str  # the answer's X-Lextime-Snapshot: made from the tables, or kept
    wire_bytes: int  # as sent (zstd-compressed, when kept)
    lines: dict[str, int] = field(default_factory=dict)  # NDJSON: the lines by kind
    seq: int = 0  # the seq it is as of (X-Lextime-Seq)

    @property
    def rate(self) -> float:
        return self.entries / self.seconds if self.seconds else 0.0


def read_bulk_snapshot(client: httpx.Client, *, recent: bool = False) -> Fetched:
    """The whole bulk stream, every frame's line decoded and its data counted (never a row); `recent`: the
    newest kept one, whatever its seq (as `lextime mirror` asks)."""
    started = time.perf_counter()
    rows: dict[str, int] = {}
    size = 0
    params = {"recent": "true"} if recent else None
    with client.stream("GET", "/v1/snapshot", params=params, headers={"Accept": BULK_MEDIA_TYPE}) as stream:
        pending = bytearray()
        skip = 0
        for chunk in stream.iter_bytes():
            size += len(chunk)
            pending += chunk
            while True:
                if skip:
                    taken = min(skip, len(pending))
                    del pending[:taken]
                    skip -= taken
                    if skip:
                        break
                end = pending.find(b"\n")
                if end < 0:
                    break
                line = orjson.loads(bytes(pending[:end]))
                del pending[:end + 1]
                skip = int(line.get("bytes", 0))
                if line.get("kind") == "section_end":
                    rows[line["table"]] = line["rows"]
    seconds = time.perf_counter() - started
    return Fetched(rows.get("ledger", 0), size, seconds, int(stream.status_code != 200),
                   stream.headers.get("x-lextime-snapshot", "made"), stream.num_bytes_downloaded,
                   seq=int(stream.headers.get("x-lextime-seq", 0)))


@dataclass(frozen=True)
class MirrorStart:
    entries: int
    seconds: float


def mirror_start(server_dsn: str, base_url: str, *, bulk: bool) -> MirrorStart:
    """A snapshot loaded by `lextime mirror`'s loaders into a new migrated database (dropped afterwards);
    the load timed, the migration not."""
    name = f"lextime_bench_mirror_{int(time.time() * 1000)}"

    async def run() -> MirrorStart:
        admin = await asyncpg.connect(server_dsn)
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            dsn = corpus.with_database(server_dsn, name)
            await migrate(dsn)
            pool = await create_pool(dsn, min_size=1, max_size=1)
            try:
                async with httpx.AsyncClient(base_url=base_url, timeout=600) as client:
                    source = Source(client)
                    started = time.perf_counter()
                    async with pool.acquire() as conn, conn.transaction():
                        if bulk:
                            loaded = await load_bulk_snapshot(conn, source.bulk_snapshot())
                        else:
                            loaded = await load_snapshot(conn, source.snapshot())
                    return MirrorStart(loaded.entries, time.perf_counter() - started)
            finally:
                await pool.close()
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()

    return asyncio.run(run())
