"""A slow query is cut by the statement timeout and answered 503, and nothing is left running; a graceful
shutdown lets the request in flight finish, refuses new ones and closes the pool."""

from __future__ import annotations

import asyncio
import time

import asyncpg
import httpx
import pytest

from tests.conftest import Api, start_server

pytestmark = pytest.mark.faults

ACT = {"jurisdiction": "kz", "type": "law", "number": "9", "adopted_on": "2021-09-09", "titles": {"ru": "Закон № 9"}}
DEADLINE_S = 20.0


async def _until(condition: object, what: str) -> None:
    """Poll a condition the test cannot be told about (another server's state), within a deadline."""
    deadline = time.monotonic() + DEADLINE_S
    while not await condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"{what} did not happen within {DEADLINE_S} s"
        await asyncio.sleep(0.02)


async def _waiting_on_lock(owner: asyncpg.Connection) -> bool:
    # Inside the owner's transaction pg_stat_activity is a snapshot taken at its first read: clear it, or a
    # first look taken before the request reached the lock is all this poll ever sees.
    await owner.execute("SELECT pg_stat_clear_snapshot()")
    return bool(await owner.fetchval(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'lextime' AND wait_event_type = 'Lock' "
        "AND datname = current_database()"))  # this test's database: other suites may share the server


async def test_a_slow_query_is_cut_by_the_statement_timeout(api: Api, owner: asyncpg.Connection) -> None:
    act_id = (await api.post("/v1/acts", ACT)).json()["id"]
    server, task, base = await start_server(api.dsn, LEXTIME_STATEMENT_TIMEOUT_MS="300")
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            async with owner.transaction():
                await owner.execute("LOCK TABLE acts IN ACCESS EXCLUSIVE MODE")  # every read of acts now waits
                started = time.monotonic()
                r = await client.get(f"/v1/acts/{act_id}")
                elapsed = time.monotonic() - started
                assert r.status_code == 503, r.text
                assert r.json()["type"] == "urn:lextime:problem:database-timeout"
                assert r.headers["Retry-After"].isdigit()
                assert elapsed < 10.0, f"answered after {elapsed:.1f} s with a 0.3 s statement timeout"
                # Cut, not left running: no query of the service is waiting any more.
                assert not await _waiting_on_lock(owner)
            assert (await client.get(f"/v1/acts/{act_id}")).status_code == 200
    finally:
        server.should_exit = True
        await task


async def test_graceful_shutdown(api: Api, owner: asyncpg.Connection) -> None:
    act_id = (await api.post("/v1/acts", ACT)).json()["id"]
    server, task, base = await start_server(api.dsn)
    pool = server.config.app.state.pool
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        tx = owner.transaction()
        await tx.start()
        await owner.execute("LOCK TABLE acts IN ACCESS EXCLUSIVE MODE")
        in_flight = asyncio.create_task(client.get(f"/v1/acts/{act_id}"))
        await _until(lambda: _waiting_on_lock(owner), "the request reaching the database")

        server.should_exit = True

        async def refused() -> bool:
            try:
                async with httpx.AsyncClient(base_url=base, timeout=2) as fresh:
                    await fresh.get("/healthz")
            except httpx.ConnectError:
                return True
            except (httpx.ReadError, httpx.RemoteProtocolError):
                # Accepted into the backlog just as the listener closed, then dropped unserved: refused too.
                return True
            return False

        await _until(refused, "new connections being refused")
        assert not in_flight.done()
        await tx.commit()  # the request in flight may now finish
        r = await in_flight
        assert r.status_code == 200, r.text
        assert r.json()["id"] == act_id
    await task
    assert pool.is_closing()
    assert pool.get_size() == 0, "the pool kept connections open after shutdown"
