"""An open-loop load generator: request i is due at start + i/rate whatever happened to the ones before,
sent on an idle keep-alive connection (a new one is opened when none is idle, up to MAX_CONNECTIONS; past
that, due requests queue for the next free one). Its latency runs from when the generator sent it or, when
no connection was free, from when it would have been sent: a slow answer delays nothing after it, and a
backlog of waiting requests counts in full (no coordinated omission). Random paths, one per request.

It is built to cost the machine little, since on a small machine it shares the cores with the service it
measures: one asyncio protocol per connection (no task, no stream per request), requests pre-encoded,
responses framed by Content-Length, and every request due in a wake-up sent at once. It wakes at most
every SLICE_SECONDS (the event loop's timers count milliseconds; waking for every request of a few
thousand a second spun a whole core), so a request goes out up to a slice after it was due; that lag is
the generator's, not the service's, and is reported apart (`lag_p99_ms`, `lag_max_ms`). Times are read
from `time.perf_counter()`, not from the loop's clock (libuv's is cached per loop iteration and counts
milliseconds).

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
from time import perf_counter
from typing import cast

import orjson

# Connections at most; a request due while all are busy waits for one, and that wait counts in its latency.
MAX_CONNECTIONS = 128
# The longest the generator sleeps between sends is a request interval; the shortest, this.
SLICE_SECONDS = 0.001
# How long after the last request was due the answers still outstanding are awaited (then: errors).
DRAIN_SECONDS = 30.0


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection carrying one request at a time."""

    def __init__(self, load: _Load) -> None:
        self.load = load
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.sent_at = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's transports do not subclass asyncio's
        self.load.ready(self)

    def send(self, request: bytes, sent_at: float) -> None:
        assert self.transport is not None
        self.sent_at = sent_at
        self.transport.write(request)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        length = _content_length(self.buffer[:end])
        if length is None or len(self.buffer) < end + 4 + length:
            if length is None:  # an answer Lextime's reads never give (no Content-Length): not counted
                self._fail()
            return
        status = int(self.buffer[9:12])
        del self.buffer[:end + 4 + length]
        self.load.answered(self, perf_counter() - self.sent_at, status)

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail()

    def _fail(self) -> None:
        if self.transport is not None:
            self.transport.abort()
            self.transport = None
            self.load.lost(self)


def _content_length(head: bytearray) -> int | None:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return None


class _Load:
    def __init__(self, host: str, port: int, requests: list[bytes]) -> None:
        self.host, self.port = host, port
        self.requests = requests
        self.idle: deque[_Connection] = deque()
        self.busy: set[_Connection] = set()
        self.queue: deque[tuple[bytes, float]] = deque()  # sendable, waiting for a connection (since when)
        self.opening = 0
        self.opened = 0
        self.latencies: list[float] = []
        self.errors = 0
        self.outstanding = 0
        self.drained: asyncio.Future[None] | None = None

    def submit(self, i: int, now: float) -> None:
        self.outstanding += 1
        request = self.requests[i % len(self.requests)]
        if self.idle:
            self._send(self.idle.pop(), request, now)
            return
        self.queue.append((request, now))
        self._grow()

    async def _open(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            await loop.create_connection(lambda: _Connection(self), self.host, self.port)
        except OSError:
            self.opening -= 1
            if self.queue:  # the request that asked for this connection is not answered
                self.queue.popleft()
                self._finish(error=True)

    def ready(self, conn: _Connection) -> None:
        self.opening -= 1
        self._free(conn)

    def answered(self, conn: _Connection, latency: float, status: int) -> None:
        self.busy.discard(conn)
        self.latencies.append(latency)
        self._finish(error=not 200 <= status < 400)
        self._free(conn)

    def lost(self, conn: _Connection) -> None:
        if conn in self.busy:
            self.busy.discard(conn)
            self._finish(error=True)
        elif conn in self.idle:
            self.idle.remove(conn)
        self._grow()

    def _free(self, conn: _Connection) -> None:
        if self.queue:
            self._send(conn, *self.queue.popleft())
        else:
            self.idle.append(conn)

    def _grow(self) -> None:
        """Another connection, while requests wait and the limit allows one."""
        if self.queue and len(self.busy) + len(self.idle) + self.opening < MAX_CONNECTIONS:
            self.opening += 1
            self.opened += 1
            asyncio.ensure_future(self._open())

    def _send(self, conn: _Connection, request: bytes, since: float) -> None:
        self.busy.add(conn)
        conn.send(request, since)

    def _finish(self, *, error: bool) -> None:
        self.errors += error
        self.outstanding -= 1
        if self.outstanding == 0 and self.drained is not None and not self.drained.done():
            self.drained.set_result(None)

    def close(self) -> None:
        for conn in [*self.idle, *self.busy]:
            if conn.transport is not None:
                conn.transport.close()


def _encode(host: str, port: int, paths: list[str]) -> list[bytes]:
    head = f" HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode()
    return [b"GET " + p.encode() + head for p in paths]


async def run(host: str, port: int, rate: float, seconds: float, paths: list[str]) -> dict[str, float]:
    load = _Load(host, port, _encode(host, port, paths))
    count = max(1, int(rate * seconds))
    lags: list[float] = []
    start = perf_counter() + 0.05
    sent = 0
    while sent < count:
        now = perf_counter()
        while sent < count and start + sent / rate <= now:
            lags.append(now - (start + sent / rate))
            load.submit(sent, now)
            sent += 1
        await asyncio.sleep(max(SLICE_SECONDS, start + sent / rate - perf_counter()))
    sent_span = perf_counter() - start
    if load.outstanding:
        load.drained = asyncio.get_running_loop().create_future()
        try:
            await asyncio.wait_for(load.drained, DRAIN_SECONDS)
        except TimeoutError:
            load.errors += load.outstanding
    load.close()
    latencies = sorted(load.latencies)
    lags.sort()

    def pct(values: list[float], q: float) -> float:
        return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else 0.0

    return {"rate": rate, "achieved_rps": len(latencies) / max(sent_span, 1e-9), "p50_ms": pct(latencies, 0.5),
            "p90_ms": pct(latencies, 0.9), "p99_ms": pct(latencies, 0.99), "requests": len(latencies),
            "errors": load.errors, "connections": load.opened, "lag_p99_ms": pct(lags, 0.99),
            "lag_max_ms": pct(lags, 1.0)}


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
