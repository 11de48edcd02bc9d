"""The load tools against the running service: wrk sends writes with the key and reads as listed, the
open-loop generator and h2load answer with latencies. Skipped where the Debian tools are not installed
(.ci/run installs them)."""

from __future__ import annotations

import asyncio

import orjson
import pytest

from bench import tools
from tests.conftest import Api

pytestmark = pytest.mark.skipif(bool(tools.missing_tools()), reason="wrk and h2load are not installed")


async def _act(api: Api, number: str) -> str:
    r = await api.post("/v1/acts", {"jurisdiction": "kz", "type": "law", "number": number,
                                    "adopted_on": "2020-01-01", "titles": {"ru": "Закон"}})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def test_wrk_sends_reads_and_keyed_writes(api: Api) -> None:
    a, b = await _act(api, "1"), await _act(api, "2")
    cites = orjson.dumps({"type": "cites", "source_act": a, "target_act": b, "note": "load"}).decode()
    requests = [tools.Request("GET", f"/v1/acts/{a}/status?date=2021-01-01"),
                tools.Request("POST", "/v1/relations", cites)]
    # In a thread: the service under test runs on this event loop.
    peak = await asyncio.to_thread(tools.wrk, api.base_url, requests, seconds=1, connections=2, threads=1,
                                   headers=api.auth)
    assert peak.requests > 10 and peak.errors == 0 and peak.rps > 0
    written = (await api.get(f"/v1/acts/{b}/relations")).json()["items"]
    assert len(written) >= peak.requests // 2 - 2  # every other request was a write, and each was recorded


async def test_the_open_loop_generator_and_h2load_measure_latency(api: Api) -> None:
    a = await _act(api, "3")
    paths = [f"/v1/acts/{a}/status?date=20{y:02d}-01-01" for y in range(10, 30)]
    fixed = await asyncio.to_thread(tools.open_loop, api.base_url, paths, rate=50, seconds=1)
    assert fixed.requests == 50 and fixed.errors == 0 and 0 < fixed.p50_ms <= fixed.p99_ms
    h2 = await asyncio.to_thread(tools.h2load_rate, api.base_url, paths[0], rate=20, seconds=1)
    assert h2.requests == 20 and h2.errors == 0 and h2.p50_ms > 0
