"""The database goes away and comes back, under a running service: requests get a 503 problem with
Retry-After within the configured timeout (no hang), /readyz fails, writes leave nothing half-done, and
the service recovers by itself, without a restart. The PostgreSQL stopped here is the test's own embedded
server, never the machine's shared one."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import asyncpg
import httpx
import pytest
import pytest_asyncio

from service.embedded import EmbeddedDatabase, server_processes_of
from service.store.keys import insert_key
from service.store.migrate import migrate
from tests.conftest import start_server
from tests.faults.proxy import Proxy
from tests.faults.state import assert_chain_verifies

pytestmark = pytest.mark.faults

CONNECT_TIMEOUT_S = 2.0
REQUEST_TIMEOUT_S = 3.0
ACT = {"jurisdiction": "kz", "type": "law", "number": "5", "adopted_on": "2021-01-05", "titles": {"ru": "Закон № 5"}}


class Embedded:
    def __init__(self) -> None:
        # Not pytest's tmp_path: run as root, the server's system user must reach the folder.
        self.folder = Path(tempfile.mkdtemp(prefix="lextime-test-outage-", dir="/tmp"))
        self.folder.chmod(0o755)
        self.db = EmbeddedDatabase(self.folder)
        self.dsn = ""

    async def start(self) -> str:
        self.dsn = await asyncio.to_thread(self.db.start)
        return self.dsn

    async def stop(self) -> None:
        await asyncio.to_thread(self.db.stop)

    def socket_path(self) -> str:
        query = parse_qs(urlsplit(self.dsn).query)
        return f"{query['host'][0]}/.s.PGSQL.{query.get('port', ['5432'])[0]}"


@pytest_asyncio.fixture(loop_scope="session")
async def embedded() -> AsyncIterator[Embedded]:
    e = Embedded()
    await e.start()
    try:
        await migrate(e.dsn)
        yield e
    finally:
        await e.stop()
        for proc in server_processes_of(e.folder.resolve() / "pgdata"):  # only after a failed stop
            proc.kill()
        shutil.rmtree(e.folder, ignore_errors=True)


async def _key(dsn: str, name: str) -> str:
    conn = await asyncpg.connect(dsn)
    try:
        return await insert_key(conn, name=name)
    finally:
        await conn.close()


def _assert_unavailable(r: httpx.Response, elapsed: float, slugs: set[str]) -> None:
    assert r.status_code == 503, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"].removeprefix("urn:lextime:problem:") in slugs
    assert r.headers["Retry-After"].isdigit()
    assert elapsed < REQUEST_TIMEOUT_S + 1.0, f"answered after {elapsed:.1f} s"


async def _timed(call: asyncio.Future[httpx.Response] | object) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    r = await call  # type: ignore[misc]
    return r, time.monotonic() - started


ENV = {"LEXTIME_CONNECT_TIMEOUT_S": str(CONNECT_TIMEOUT_S), "LEXTIME_REQUEST_TIMEOUT_S": str(REQUEST_TIMEOUT_S),
       "LEXTIME_POOL_MIN": "2"}


async def test_database_stopped_and_restarted_under_the_service(embedded: Embedded) -> None:
    key = await _key(embedded.dsn, "outage-writer")
    auth = {"Authorization": f"Bearer {key}"}
    server, task, base = await start_server(embedded.dsn, **ENV)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            act = (await client.post("/v1/acts", json=ACT, headers=auth)).json()
            assert (await client.get(f"/v1/acts/{act['id']}")).status_code == 200

            await embedded.stop()
            r, elapsed = await _timed(client.get(f"/v1/acts/{act['id']}"))
            _assert_unavailable(r, elapsed, {"database-unavailable"})
            r, elapsed = await _timed(client.get("/readyz"))
            _assert_unavailable(r, elapsed, {"not-ready"})
            r, elapsed = await _timed(client.post("/v1/acts", json=ACT | {"number": "6"}, headers=auth))
            _assert_unavailable(r, elapsed, {"database-unavailable"})

            assert await embedded.start() == embedded.dsn
            # The very first request after the database is back is answered: no restart, no retry.
            r = await client.get(f"/v1/acts/{act['id']}")
            assert r.status_code == 200, r.text
            assert (await client.get("/readyz")).status_code == 200
            assert (await client.post("/v1/acts", json=ACT | {"number": "6"}, headers=auth)).status_code == 201
    finally:
        server.should_exit = True
        await task
    conn = await asyncpg.connect(embedded.dsn)
    try:
        assert await assert_chain_verifies(conn) == 2
        assert await conn.fetchval("SELECT count(*) FROM acts WHERE number = '6'") == 1
    finally:
        await conn.close()


async def test_database_unreachable_answers_within_the_timeout(embedded: Embedded) -> None:
    proxy = Proxy(lambda: asyncio.open_unix_connection(embedded.socket_path()))
    await proxy.start()
    dsn = f"postgresql://postgres@127.0.0.1:{proxy.port}/postgres"
    key = await _key(dsn, "partition-writer")
    auth = {"Authorization": f"Bearer {key}"}
    server, task, base = await start_server(dsn, **ENV)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            act = (await client.post("/v1/acts", json=ACT | {"number": "7"}, headers=auth)).json()

            proxy.cut()  # connections already open freeze; new ones hang
            r, elapsed = await _timed(client.get(f"/v1/acts/{act['id']}"))
            _assert_unavailable(r, elapsed, {"request-timeout", "database-unavailable", "database-timeout"})
            r, elapsed = await _timed(client.get("/readyz"))
            _assert_unavailable(r, elapsed, {"not-ready"})
            r, elapsed = await _timed(client.post("/v1/acts", json=ACT | {"number": "8"}, headers=auth))
            _assert_unavailable(r, elapsed, {"request-timeout", "database-unavailable", "database-timeout"})
            assert (await client.get("/healthz")).status_code == 200  # alive, only not ready

            proxy.heal()
            r = await client.get(f"/v1/acts/{act['id']}")
            assert r.status_code == 200, r.text
            assert (await client.get("/readyz")).status_code == 200
    finally:
        server.should_exit = True
        await task
        await proxy.close()
    conn = await asyncpg.connect(embedded.dsn)
    try:
        await assert_chain_verifies(conn)
        # The write cut off by the partition is either wholly there or wholly absent, never half.
        rows = await conn.fetch("SELECT a.recorded_seq FROM acts a WHERE a.number = '8'")
        assert len(rows) <= 1
    finally:
        await conn.close()


async def test_shutdown_while_the_database_is_unreachable_does_not_hang(embedded: Embedded) -> None:
    proxy = Proxy(lambda: asyncio.open_unix_connection(embedded.socket_path()))
    await proxy.start()
    server, task, base = await start_server(f"postgresql://postgres@127.0.0.1:{proxy.port}/postgres", **ENV)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            assert (await client.get("/readyz")).status_code == 200
            proxy.cut()
            r, elapsed = await _timed(client.get("/v1/acts"))
            _assert_unavailable(r, elapsed, {"request-timeout", "database-unavailable", "database-timeout"})
        started = time.monotonic()
        server.should_exit = True
        await asyncio.wait_for(task, 30)
        # The pool's close is bounded (connect + statement timeouts), then the pool is dropped.
        assert time.monotonic() - started < CONNECT_TIMEOUT_S + 5.0 + 3.0
        assert server.config.app.state.pool.is_closing()
    finally:
        server.should_exit = True
        await proxy.close()
