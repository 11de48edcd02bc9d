"""Rate limits over HTTP, on a clock the test moves: writes per address and per key, expensive reads,
429 with Retry-After, and the refusals counted in the metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import httpx
import pytest_asyncio

from service.app import create_limiter
from service.store.keys import insert_key
from tests.conftest import start_server

ACT = {"jurisdiction": "kz", "type": "decree", "number": "1", "adopted_on": "2019-05-05", "titles": {"ru": "Указ"}}


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Limited:
    client: httpx.AsyncClient
    clock: Clock
    key: str

    def auth(self, address: str = "10.0.0.1", key: str | None = None) -> dict[str, str]:
        # The in-process server trusts X-Forwarded-For from 127.0.0.1, as behind a local proxy: other
        # addresses are only names here, no traffic goes to them.
        return {"Authorization": f"Bearer {key or self.key}", "X-Forwarded-For": address}


@pytest_asyncio.fixture(loop_scope="session")
async def limited(database: str, owner: asyncpg.Connection) -> AsyncIterator[Limited]:
    key = await insert_key(owner, name="limited-writer")
    env = {"LEXTIME_WRITE_RATE_PER_MINUTE": "60", "LEXTIME_EXPENSIVE_RATE_PER_MINUTE": "30",
           "LEXTIME_RATE_BURST": "2", "LEXTIME_METRICS": "public"}
    server, task, base = await start_server(database, **env)
    clock = Clock()
    app = server.config.app
    app.state.limiter = create_limiter(app.state.settings, clock=clock)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            yield Limited(client, clock, key)
    finally:
        server.should_exit = True
        await task


def _assert_429(r: httpx.Response, by: str, seconds: str) -> None:
    assert r.status_code == 429, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"] == "urn:lextime:problem:rate-limited"
    assert r.headers["Retry-After"] == seconds
    assert f"from this {by}" in r.json()["detail"]


async def test_writes_are_limited_per_address(limited: Limited, owner: asyncpg.Connection) -> None:
    c = limited.client
    for n in ("1", "2"):
        assert (await c.post("/v1/acts", json=ACT | {"number": n}, headers=limited.auth())).status_code == 201
    _assert_429(await c.post("/v1/acts", json=ACT | {"number": "3"}, headers=limited.auth()), "address", "1")
    assert await owner.fetchval("SELECT count(*) FROM ledger") == 2
    # Another address is not held back by this one's bucket (nor, below its own burst, by the key's).
    other = {**limited.auth("10.0.0.2"), "Authorization": "Bearer lx_0_wrong"}
    assert (await c.post("/v1/acts", json=ACT, headers=other)).status_code == 401
    limited.clock.now += 1.0  # one write a second is earned back
    assert (await c.post("/v1/acts", json=ACT | {"number": "3"}, headers=limited.auth())).status_code == 201


async def test_write_attempts_without_a_key_are_limited_too(limited: Limited) -> None:
    headers = {"X-Forwarded-For": "10.0.0.9", "Authorization": "Bearer lx_0000_guess"}
    for _ in range(2):
        assert (await limited.client.post("/v1/acts", json=ACT, headers=headers)).status_code == 401
    _assert_429(await limited.client.post("/v1/acts", json=ACT, headers=headers), "address", "1")


async def test_a_key_is_limited_whatever_address_it_comes_from(limited: Limited) -> None:
    c = limited.client
    for i, address in enumerate(("10.1.0.1", "10.1.0.2")):
        r = await c.post("/v1/acts", json=ACT | {"number": f"k{i}"}, headers=limited.auth(address))
        assert r.status_code == 201, r.text
    _assert_429(await c.post("/v1/acts", json=ACT | {"number": "k3"}, headers=limited.auth("10.1.0.3")),
                "API key", "1")


async def test_expensive_reads_are_limited_cheap_ones_are_not(limited: Limited) -> None:
    c = limited.client
    act_id = (await c.post("/v1/acts", json=ACT, headers=limited.auth("10.2.0.1"))).json()["id"]
    reader = {"X-Forwarded-For": "10.2.0.2"}
    for _ in range(2):
        assert (await c.get(f"/v1/acts/{act_id}/text", headers=reader)).status_code == 200
    _assert_429(await c.get(f"/v1/acts/{act_id}/text", headers=reader), "address", "2")  # 30 a minute
    for _ in range(10):
        assert (await c.get(f"/v1/acts/{act_id}", headers=reader)).status_code == 200
    limited.clock.now += 2.0
    assert (await c.get(f"/v1/acts/{act_id}/text", headers=reader)).status_code == 200


async def test_refusals_are_counted(limited: Limited) -> None:
    headers = {"X-Forwarded-For": "10.3.0.1"}
    for _ in range(3):
        await limited.client.post("/v1/acts", json=ACT, headers=headers)
    metrics = (await limited.client.get("/metrics")).text
    assert 'lextime_rate_limited_total{by="address",kind="write"} 1.0' in metrics
