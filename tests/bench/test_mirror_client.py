"""The bench's mirror client (bench/run.py) against a served database: every entry of the feed and every
text it references come once, whatever the page size, while requests overlap; the snapshot is read whole."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from bench.run import _follow_feed, _read_snapshot
from bench.snapshot_load import read_bulk_snapshot
from tests.api.test_feed import record_some
from tests.conftest import Api


@pytest.mark.parametrize("limit", [1, 3, 1000])
async def test_the_feed_is_followed_whole_with_requests_in_flight(api: Api, limit: int) -> None:
    await record_some(api)  # 4 entries; the edition references 3 texts
    with httpx.Client(base_url=api.base_url, timeout=30) as client:
        followed = await asyncio.to_thread(_follow_feed, client, deadline=time.perf_counter() + 60, limit=limit)
        made = await asyncio.to_thread(_read_snapshot, client)
        kept = await asyncio.to_thread(_read_snapshot, client)
    assert followed == (4, 3, 0)
    assert made.lines == kept.lines == {"snapshot": 1, "entry": 4, "text": 3, "row": made.lines["row"], "end": 1}
    assert made.non_2xx == kept.non_2xx == 0 and made.entries == 4 and made.bytes == kept.bytes
    assert (made.how, kept.how) == ("made", "kept") and kept.wire_bytes < kept.bytes  # sent compressed


async def test_a_recent_bulk_snapshot_and_the_feed_after_it_catch_up_to_the_head(api: Api) -> None:
    """As the bench measures a mirror arriving after writes: the kept snapshot's seq, then the feed from it."""
    a, b = await record_some(api)  # seqs 1–4; the edition (seq 3) references 3 texts
    with httpx.Client(base_url=api.base_url, timeout=30) as client:
        made = await asyncio.to_thread(read_bulk_snapshot, client)
        await api.post("/v1/relations", {"type": "cites", "source_act": a, "target_act": b})  # seq 5
        recent = await asyncio.to_thread(read_bulk_snapshot, client, recent=True)
        tail = await asyncio.to_thread(_follow_feed, client, deadline=time.perf_counter() + 60, after=recent.seq)
        from_edition = await asyncio.to_thread(_follow_feed, client, deadline=time.perf_counter() + 60, after=2)
    assert (made.how, made.seq, made.entries) == ("made", 4, 4)
    assert (recent.how, recent.seq, recent.entries) == ("kept", 4, 4)  # the newest kept, not the head
    assert tail == (1, 0, 0)  # the citation, which references no text
    assert from_edition == (3, 3, 0)
