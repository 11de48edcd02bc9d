"""The bound on requests in progress per worker, over HTTP: one request more than LEXTIME_MAX_IN_FLIGHT is
answered at once 503 `overloaded` with Retry-After, the probes still answer, and the requests in progress
finish as if nothing happened."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
import pytest

from service.config import ConfigError, Settings
from service.middleware import InFlightLimit
from tests.conftest import start_server


def _limit_of(app: object) -> InFlightLimit:
    """The bound in the app's middleware stack (built on the first request)."""
    layer = getattr(app, "middleware_stack", None)
    while layer is not None and not isinstance(layer, InFlightLimit):
        layer = getattr(layer, "app", None)
    assert isinstance(layer, InFlightLimit), "the stack has no InFlightLimit"
    return layer


@contextlib.asynccontextmanager
async def one_held(client: httpx.AsyncClient, limit: InFlightLimit) -> AsyncIterator[asyncio.Task[httpx.Response]]:
    """A request kept in progress (its body not finished) until the block ends: the one place a bound of one has."""
    release = asyncio.Event()

    async def body() -> AsyncIterator[bytes]:
        yield b'{"lookups": ['
        await release.wait()
        yield b"]}"

    held = asyncio.create_task(client.post("/v1/batch/text", content=body(),
                                           headers={"content-type": "application/json"}))
    try:
        async with asyncio.timeout(10):
            while limit.in_flight == 0:  # the server has taken the held request's headers
                await asyncio.sleep(0)
        yield held
    finally:
        release.set()


@pytest.mark.asyncio(loop_scope="session")
async def test_one_request_beyond_the_bound_is_answered_overloaded_and_the_one_in_progress_finishes(
        database: str) -> None:
    server, task, base = await start_server(database, LEXTIME_MAX_IN_FLIGHT="1", LEXTIME_METRICS="public")
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            assert (await client.get("/v1/acts")).status_code == 200  # builds the stack, leaves nothing in flight
            limit = _limit_of(server.config.app)
            assert limit.in_flight == 0
            async with one_held(client, limit) as held:
                shed = await client.get("/v1/acts", headers={"X-Request-Id": "shed-1"})
                assert shed.status_code == 503
                assert shed.headers["content-type"] == "application/problem+json"
                assert shed.headers["retry-after"] == "1"
                assert shed.headers["x-request-id"] == "shed-1"  # the request log and the security headers still wrap it
                assert shed.headers["x-content-type-options"] == "nosniff"
                problem = shed.json()
                assert problem["type"] == "urn:lextime:problem:overloaded" and problem["status"] == 503
                assert problem["instance"] == "/v1/acts"
                assert (await client.get("/healthz")).status_code == 200  # probes are not counted nor refused
                assert (await client.get("/readyz")).status_code == 200
                scraped = await client.get("/metrics")  # nor the metrics, wanted most then, and counting the shed
                assert scraped.status_code == 200
                assert "\nlextime_http_requests_overloaded_total 1.0\n" in scraped.text
                assert limit.in_flight == 1

            answered = await held
            assert answered.status_code == 400, answered.text  # an empty batch: refused on its merits, not shed
            assert answered.json()["type"] != "urn:lextime:problem:overloaded"
            assert limit.in_flight == 0
            assert (await client.get("/v1/acts")).status_code == 200
    finally:
        server.should_exit = True
        await task


@pytest.mark.asyncio(loop_scope="session")
async def test_a_shed_answer_carries_the_cors_headers(database: str) -> None:
    """A browser reads a 503 only when it carries the CORS headers: CORS wraps the bound."""
    origin = "https://portal.example"
    server, task, base = await start_server(database, LEXTIME_MAX_IN_FLIGHT="1", LEXTIME_CORS_ORIGINS=origin)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            assert (await client.get("/v1/acts")).status_code == 200
            async with one_held(client, _limit_of(server.config.app)) as held:
                shed = await client.get("/v1/acts", headers={"Origin": origin})
                assert shed.status_code == 503
                assert shed.headers["access-control-allow-origin"] == origin
                assert "Retry-After" in shed.headers["access-control-expose-headers"]
            assert (await held).status_code == 400
    finally:
        server.should_exit = True
        await task


@pytest.mark.asyncio(loop_scope="session")
async def test_a_long_poll_waiting_for_entries_is_not_counted(database: str) -> None:
    """Mirrors long-poll the feed; while one waits it holds no connection and does no work, so it must not
    take a place that reads need."""
    server, task, base = await start_server(database, LEXTIME_MAX_IN_FLIGHT="1")
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            head = (await client.get("/v1/changes")).json()["as_of_seq"]
            limit = _limit_of(server.config.app)
            polling = asyncio.create_task(client.get("/v1/changes", params={"after": head, "wait": 3}))
            async with asyncio.timeout(10):
                while limit.idle == 0:  # the long poll is waiting for an entry after the head
                    await asyncio.sleep(0)
            assert limit.in_flight == 0
            assert (await client.get("/v1/acts")).status_code == 200  # not 503: the waiting poll is not counted
            assert limit.idle == 1  # still waiting after that answer: it waited throughout
            answered = await polling
            assert answered.status_code == 200 and answered.json()["items"] == []
            assert (limit.in_flight, limit.idle) == (0, 0)
    finally:
        server.should_exit = True
        await task


def test_the_bound_is_read_from_the_environment_and_zero_turns_it_off() -> None:
    assert Settings.from_env({}).max_in_flight == 256
    assert Settings.from_env({"LEXTIME_MAX_IN_FLIGHT": "0"}).max_in_flight == 0
    with pytest.raises(ConfigError, match="LEXTIME_MAX_IN_FLIGHT"):
        Settings.from_env({"LEXTIME_MAX_IN_FLIGHT": "-1"})
