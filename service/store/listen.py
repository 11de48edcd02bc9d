"""LISTEN for committed appends, so that the change feed's long-polls wake when there is something new.

One listening connection per process, owned by the application lifespan. The ledger's trigger NOTIFYs
inside the append transaction, so the notification arrives only once the entry can be read. If the
connection is lost, it is re-opened with backoff; meanwhile long-polls simply run to their timeout.
"""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg
import structlog

from service.store.db import server_settings
from service.store.queries import q

log = structlog.get_logger("lextime.listen")

CHANNEL = "lextime_ledger"
_BACKOFF_S = (0.2, 0.5, 1.0, 2.0, 5.0)


class LedgerWatcher:
    """The newest seq this process has heard of, and a way to wait for a newer one."""

    def __init__(self) -> None:
        self.seen = 0
        self.closed = False
        self._event = asyncio.Event()

    def heard(self, seq: int) -> None:
        if seq > self.seen:
            self.seen = seq
            self._wake()

    def _wake(self) -> None:
        event, self._event = self._event, asyncio.Event()
        event.set()

    def close(self) -> None:
        self.closed = True
        self._wake()

    async def wait_beyond(self, seq: int, timeout: float) -> bool:
        """Until an entry after `seq` is heard of (True), or `timeout` seconds pass or the watcher closes."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.seen <= seq and not self.closed:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(self._event.wait(), remaining)
            except TimeoutError:
                return False
        return self.seen > seq


class LedgerListener:
    """The connection that LISTENs, feeding a LedgerWatcher."""

    def __init__(self, dsn: str, watcher: LedgerWatcher, *, connect_timeout_s: float) -> None:
        self.dsn = dsn
        self.watcher = watcher
        self.connect_timeout_s = connect_timeout_s
        self._conn: asyncpg.Connection | None = None
        self._reconnecting: asyncio.Task[None] | None = None
        self._closing = False

    async def start(self) -> None:
        settings = {**server_settings(60_000), "application_name": "lextime_listener"}
        conn = await asyncpg.connect(self.dsn, timeout=self.connect_timeout_s, server_settings=settings)
        await conn.add_listener(CHANNEL, self._notified)
        conn.add_termination_listener(self._lost)
        self._conn = conn
        self.watcher.heard(int(await conn.fetchval(q("ledger_head_seq"))))

    def _notified(self, conn: object, pid: int, channel: str, payload: object) -> None:
        with contextlib.suppress(TypeError, ValueError):
            self.watcher.heard(int(str(payload)))

    def _lost(self, conn: object) -> None:
        if self._closing or (self._reconnecting and not self._reconnecting.done()):
            return
        log.warning("ledger_listener_lost")
        self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        attempt = 0
        while not self._closing:
            await asyncio.sleep(_BACKOFF_S[min(attempt, len(_BACKOFF_S) - 1)])
            try:
                await self.start()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
                attempt += 1
                log.warning("ledger_listener_reconnect_failed", attempt=attempt, error=type(exc).__name__)
                continue
            log.info("ledger_listener_reconnected", attempts=attempt + 1)
            return

    async def close(self) -> None:
        self._closing = True
        self.watcher.close()
        if self._reconnecting is not None:
            self._reconnecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconnecting
        if self._conn is not None and not self._conn.is_closed():
            with contextlib.suppress(OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                await self._conn.close(timeout=2)
