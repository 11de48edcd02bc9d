"""The database ceiling: the same point-in-time lookups as one raw asyncpg query each (bench/point_in_time.sql),
from client processes as many as the service has workers, each with as many connections as a worker's pool."""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from datetime import date
from pathlib import Path

import asyncpg

QUERY = (Path(__file__).with_name("point_in_time.sql")).read_text(encoding="utf-8")
Lookup = tuple[str, date, str]


async def _client(dsn: str, lookups: list[Lookup], seconds: float, concurrency: int) -> int:
    pool = await asyncpg.create_pool(dsn, min_size=concurrency, max_size=concurrency)
    done = 0
    deadline = time.monotonic() + seconds

    async def loop(offset: int) -> None:
        nonlocal done
        i = offset
        async with pool.acquire() as conn:
            while time.monotonic() < deadline:
                act, day, lang = lookups[i % len(lookups)]
                await conn.fetchrow(QUERY, act, day, lang)
                done += 1
                i += concurrency

    try:
        await asyncio.gather(*(loop(k * 7919) for k in range(concurrency)))
    finally:
        await pool.close()
    return done


def _process(args: tuple[str, list[Lookup], float, int]) -> int:
    import uvloop

    return uvloop.run(_client(*args))


def run(dsn: str, lookups: list[Lookup], *, seconds: float, processes: int, concurrency: int) -> float:
    """Lookups per second over all client processes."""
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(processes) as pool:
        counts = pool.map(_process, [(dsn, lookups[p::processes] or lookups, seconds, concurrency)
                                     for p in range(processes)])
    return sum(counts) / seconds
