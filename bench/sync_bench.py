"""Measures the sync and audit paths on the PostgreSQL at DATABASE_URL (creates and drops its own
databases): concurrent writes, following the feed over HTTP, mirroring (feed and snapshot), verifying
the ledger, and read latency with and without `as_of` and with `If-None-Match`.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres python bench/sync_bench.py [WRITES]
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.mirror import Source, mirror
from service.store import audit
from service.store.db import LATEST, create_pool
from service.store.migrate import migrate
from tests.conftest import start_server, with_database
from tests.sync_workload import run_writer

WRITERS = 8


async def latency(client: httpx.AsyncClient, path: str, n: int = 300, **headers: str) -> float:
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        r = await client.get(path, headers=headers)
        samples.append(time.perf_counter() - t)
        assert r.status_code in (200, 304), r.text
    return statistics.median(samples) * 1000


async def main(writes: int) -> None:
    server_dsn = os.environ["DATABASE_URL"]
    admin = await asyncpg.connect(server_dsn)
    names = [f"lextime_bench_{uuid.uuid4().hex[:8]}" for _ in range(3)]
    for name in names:
        await admin.execute(f'CREATE DATABASE "{name}"')
    source, by_feed, by_snapshot = (with_database(server_dsn, n) for n in names)
    try:
        for dsn in (source, by_feed, by_snapshot):
            await migrate(dsn)
        pool = await create_pool(source, max_size=WRITERS + 2)
        t = time.perf_counter()
        await asyncio.gather(*(run_writer(pool, w, writes // WRITERS, seed=w) for w in range(WRITERS)))
        elapsed = time.perf_counter() - t
        head = int(await pool.fetchval("SELECT max(seq) FROM ledger"))
        print(f"writes: {head} entries by {WRITERS} concurrent writers in {elapsed:.1f} s = {head / elapsed:.0f}/s")

        server, task, base = await start_server(source)
        try:
            async with httpx.AsyncClient(base_url=base, timeout=120) as client:
                t, url, n = time.perf_counter(), "/v1/changes?after=0&limit=1000&include=texts", 0
                while True:
                    page = (await client.get(url)).json()
                    if not page["items"]:
                        break
                    n += len(page["items"])
                    url = page["next"]
                elapsed = time.perf_counter() - t
                print(f"feed: {n} entries with their texts over HTTP in {elapsed:.2f} s = {n / elapsed:.0f}/s")

                for dsn, snapshot in ((by_feed, False), (by_snapshot, True)):
                    mpool = await create_pool(dsn, max_size=2)
                    t = time.perf_counter()
                    report = await mirror(Source(client), mpool, use_snapshot=snapshot, batch=500)
                    elapsed = time.perf_counter() - t
                    how = "snapshot + feed" if snapshot else "feed from seq 0"
                    print(f"mirror ({how}): {report.head_seq} entries in {elapsed:.1f} s = "
                          f"{report.head_seq / elapsed:.0f}/s")
                    await mpool.close()

                t = time.perf_counter()
                result = await audit.verify(pool, upto=LATEST)
                elapsed = time.perf_counter() - t
                print(f"verify: {result.count} entries, {result.texts_checked} text references in {elapsed:.2f} s "
                      f"= {result.count / elapsed:.0f} entries/s (ok: {result.ok})")

                act = await pool.fetchval("SELECT id FROM acts WHERE superseded_seq IS NULL "
                                          "AND id IN (SELECT act_id FROM editions) LIMIT 1")
                moment = (await pool.fetchval("SELECT recorded_at FROM ledger WHERE seq = $1", head // 2)).isoformat()
                text = f"/v1/acts/{act}/text?date=2023-01-01"
                current = await latency(client, text)
                by_seq = await latency(client, f"{text}&as_of={head // 2}")
                by_time = await latency(client, f"{text}&as_of={moment.replace('+', '%2B')}")
                etag = (await client.get(f"{text}&as_of={head // 2}")).headers["ETag"]
                not_modified = await latency(client, f"{text}&as_of={head // 2}", **{"If-None-Match": etag})
                print(f"GET text, median of 300: current {current:.2f} ms, as_of=seq {by_seq:.2f} ms, "
                      f"as_of=timestamp {by_time:.2f} ms, 304 {not_modified:.2f} ms")
        finally:
            server.should_exit = True
            await task
        await pool.close()
    finally:
        for name in names:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000))
