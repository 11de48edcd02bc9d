"""The open-loop generator against small servers of known behaviour: it sends exactly rate × seconds
requests whatever the answers do, counts the time a request waits for a connection in its latency (so a
server that falls behind shows its whole backlog), reads time finer than the event loop's millisecond
clock, and counts a connection the server drops as an error."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest

from bench import openloop, tools

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{}"

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def serving(handler: Handler) -> AsyncIterator[int]:
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    try:
        yield int(server.sockets[0].getsockname()[1])
    finally:
        server.close()
        await server.wait_closed()


def answering(delay: float, lock: asyncio.Lock | None = None) -> Handler:
    """Answers every request on a connection after `delay`; with `lock`, one request at a time overall."""
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                if lock is None:
                    await asyncio.sleep(delay)
                else:
                    async with lock:
                        await asyncio.sleep(delay)
                writer.write(ANSWER)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
    return handle


async def test_every_request_is_sent_and_timed_finer_than_a_millisecond() -> None:
    # As the suite runs it: its own process, on uvloop (whose loop clock counts whole milliseconds and
    # would give 0.0 for a fast local answer).
    async with serving(answering(0.0)) as port:
        r = await asyncio.to_thread(tools.open_loop, f"http://127.0.0.1:{port}", ["/a", "/b?x=1"], rate=200,
                                    seconds=1)
    assert r.requests == 200 and r.errors == 0
    assert 0 < r.p50_ms <= r.p90_ms <= r.p99_ms
    assert r.p50_ms != round(r.p50_ms)


async def test_a_backlog_counts_in_full_whether_it_waits_in_the_server() -> None:
    # 100 requests a second against a server that answers one at a time, each in 20 ms (50 a second):
    # half a second's worth of requests piles up, and the last ones wait for the whole queue.
    async with serving(answering(0.02, asyncio.Lock())) as port:
        r = await openloop.run("127.0.0.1", port, 100, 1.0, ["/slow"])
    assert r["requests"] == 100 and r["errors"] == 0
    assert r["p50_ms"] > 100 and r["p99_ms"] > 700


async def test_or_in_the_generator_for_a_free_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    # The same backlog on one connection: the requests wait in the generator, not the server, and a
    # generator that timed them from when they were finally sent would see 20 ms each.
    monkeypatch.setattr(openloop, "MAX_CONNECTIONS", 1)
    async with serving(answering(0.02)) as port:
        r = await openloop.run("127.0.0.1", port, 100, 1.0, ["/slow"])
    assert r["requests"] == 100 and r["errors"] == 0 and r["connections"] == 1
    assert r["p50_ms"] > 100 and r["p99_ms"] > 700
    assert r["lag_p99_ms"] < 100  # the generator itself kept to the schedule


async def test_a_dropped_connection_is_an_error_not_a_hang() -> None:
    async def drop(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.close()

    async with serving(drop) as port:
        r = await openloop.run("127.0.0.1", port, 50, 0.5, ["/gone"])
    assert r["errors"] == 25 and r["requests"] == 0
