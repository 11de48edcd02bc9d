"""An open-loop load generator: request i is due at start + i/rate whatever happened to the ones before,
each on an idle keep-alive connection (a new one when none is idle, up to MAX_CONNECTIONS), and its
latency is counted from when it was due. Random paths, one per request.

Why not h2load alone: `h2load -r` starts every connection at the first URI of its list (so a connection
per request asks for one path only), and its timing script waits for each answer before the next
request's delay; neither gives an open-loop load over random paths. The runner also runs h2load -r on one
path at the same rate as a cross-check of this generator.

Run as `python -m bench.openloop HOST PORT RATE SECONDS PATHS_FILE`; prints one JSON object.
"""

from __future__ import annotations

import asyncio
import sys
from collections import deque

import orjson

# Connections at most; a request due while all are busy waits for one, and that wait counts in its latency.
MAX_CONNECTIONS = 128


async def _request(conn: tuple[asyncio.StreamReader, asyncio.StreamWriter], host: bytes, path: str) -> int:
    reader, writer = conn
    writer.write(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: " + host + b"\r\n\r\n")
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    if length:
        await reader.readexactly(length)
    return status


async def run(host: str, port: int, rate: float, seconds: float, paths: list[str]) -> dict[str, float]:
    idle: deque[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = deque()
    latencies: list[float] = []
    errors = 0
    opened = 0
    loop = asyncio.get_running_loop()
    count = max(1, int(rate * seconds))
    start = loop.time() + 0.05
    host_header = f"{host}:{port}".encode()

    freed = asyncio.Condition()

    async def connection() -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        nonlocal opened
        async with freed:  # beyond MAX_CONNECTIONS, a request waits here for one to be free
            await freed.wait_for(lambda: bool(idle) or opened < MAX_CONNECTIONS)
            if idle:
                return idle.pop()
            opened += 1
        return await asyncio.open_connection(host, port)

    async def one(i: int, due: float) -> None:
        nonlocal errors, opened
        conn = None
        try:
            conn = await connection()
            status = await _request(conn, host_header, paths[i % len(paths)])
            latencies.append(loop.time() - due)
            errors += not 200 <= status < 400
            idle.append(conn)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            errors += 1
            opened -= 1  # that connection is gone (or never came): another may be opened
            if conn is not None:
                conn[1].close()
        async with freed:
            freed.notify()

    tasks = []
    for i in range(count):
        due = start + i / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(one(i, due)))
    sent_span = loop.time() - start
    await asyncio.gather(*tasks)
    for _, writer in idle:
        writer.close()
    latencies.sort()

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else 0.0

    return {"rate": rate, "achieved_rps": len(latencies) / max(sent_span, 1e-9), "p50_ms": pct(0.5),
            "p90_ms": pct(0.9), "p99_ms": pct(0.99), "requests": len(latencies), "errors": errors,
            "connections": opened}


def main() -> None:
    host, port, rate, seconds, listing = sys.argv[1:6]
    with open(listing, encoding="utf-8") as f:
        paths = [line for line in f.read().splitlines() if line]
    try:
        import uvloop

        result = uvloop.run(run(host, int(port), float(rate), float(seconds), paths))
    except ImportError:
        result = asyncio.run(run(host, int(port), float(rate), float(seconds), paths))
    sys.stdout.write(orjson.dumps(result).decode() + "\n")


if __name__ == "__main__":
    main()
