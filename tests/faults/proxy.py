"""A TCP proxy in front of a PostgreSQL of the test's own, that can make the database unreachable without
refusing anything: in `blackhole` mode it accepts connections and forwards nothing, as a broken network does."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

Opener = Callable[[], Coroutine[Any, Any, tuple[asyncio.StreamReader, asyncio.StreamWriter]]]


class Proxy:
    def __init__(self, open_upstream: Opener) -> None:
        self.open_upstream = open_upstream
        self.blackhole = False
        self._links: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def cut(self) -> None:
        """From now on nothing passes: open links freeze, new ones are accepted and left hanging."""
        self.blackhole = True

    def heal(self) -> None:
        """Links that froze are dropped (as after a long partition); new ones pass again."""
        self.blackhole = False
        for writer in list(self._links):
            writer.close()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        self.heal()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._links.add(writer)
        try:
            if self.blackhole:
                await reader.read()  # hold the connection until the client gives up
                return
            up_reader, up_writer = await self.open_upstream()
            self._links.add(up_writer)
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            for w in (writer,):
                self._links.discard(w)
                w.close()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            while data := await reader.read(65536):
                while self.blackhole and not writer.is_closing():
                    await asyncio.sleep(0.05)  # frozen: the bytes wait, as on a dead network
                if writer.is_closing():
                    break
                writer.write(data)
                await writer.drain()
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            self._tasks.discard(task)
            self._links.discard(writer)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
