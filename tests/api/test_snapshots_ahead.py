"""Snapshots made ahead (service/ahead.py) and `GET /v1/snapshot?recent=true`: the bulk snapshot at a moved head
is made in the background and kept, one at a time; a recent snapshot is the newest kept one of this ledger,
whatever its seq, and a mirror that starts from it follows the feed after it to the same state."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest
import pytest_asyncio

from service.ahead import SnapshotsAhead
from service.app import create_app
from service.config import ConfigError, Settings
from service.domain.bulk import BULK_MEDIA_TYPE
from service.kept import KeptSnapshots
from service.mirror import Source, mirror
from service.store.db import create_pool
from service.store.keys import insert_key
from tests.api.test_feed import ACT, ok, record_some
from tests.conftest import TEST_DATA_DIR, Api, start_server
from tests.sync_workload import state_of
from tests.test_mirror import NewDatabase, new_database  # noqa: F401 (a fixture)

NDJSON = "application/x-ndjson"


@dataclass
class Served:
    api: Api
    folder: Path
    kept: KeptSnapshots  # the same folder, as a process of the service opens it
    pool: asyncpg.Pool


@pytest_asyncio.fixture(loop_scope="session")
async def served(database: str, owner: asyncpg.Connection, tmp_path: Path) -> AsyncIterator[Served]:
    """The service with a snapshot folder of the test's own (nothing made ahead by its own timer), and a pool
    and the folder's kept snapshots to make snapshots ahead with, as another worker would."""
    key = await insert_key(owner, name="test-writer")
    folder = tmp_path / "snapshots"
    server, task, base = await start_server(database, LEXTIME_SNAPSHOT_DIR=str(folder))
    pool = await create_pool(database, min_size=1, max_size=4)
    kept = KeptSnapshots.open(folder, keep=2)
    assert kept is not None
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            yield Served(Api(client, key, base, database), folder, kept, pool)
    finally:
        await pool.close()
        server.should_exit = True
        await task


def ahead_of(s: Served, slots: int = 2) -> SnapshotsAhead:
    return SnapshotsAhead(s.pool, s.kept, asyncio.Semaphore(slots), interval_s=3600)


async def snapshot(api: Api, media: str = BULK_MEDIA_TYPE, **params: str) -> httpx.Response:
    return await api.get("/v1/snapshot", params=params, headers={"Accept": media, "Accept-Encoding": "identity"})


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


async def test_the_bulk_snapshot_at_the_head_is_made_ahead_once(served: Served) -> None:
    ahead = ahead_of(served)
    assert await ahead.once() is None  # an empty ledger: nothing to make
    await record_some(served.api)
    key = await ahead.once()
    assert key is not None and (key.form, key.seq) == ("pgcopy", 4) and ahead.newest == key and ahead.made.is_set()
    assert names(served.folder) == [key.name]
    assert await ahead.once() is None  # kept already
    asked = await snapshot(served.api)  # what a request for the head now gets: that file
    assert asked.headers["X-Lextime-Snapshot"] == "kept" and asked.headers["X-Lextime-Seq"] == "4"
    await ok(served.api, "/v1/acts", {**ACT, "number": "3"})
    moved = await ahead.once()
    assert moved is not None and moved.seq == 5 and names(served.folder) == sorted([key.name, moved.name])
    assert (await snapshot(served.api, as_of="5")).headers["X-Lextime-Snapshot"] == "kept"


async def test_nothing_is_made_ahead_while_another_makes_one_or_every_slot_is_taken(served: Served) -> None:
    await record_some(served.api)
    with served.kept.making() as ours:
        assert ours
        assert await ahead_of(served).once() is None  # the folder's lock is taken (another worker)
    busy = ahead_of(served, slots=1)
    await busy.slots.acquire()  # a request is streaming a snapshot: requests come first
    assert await busy.once() is None and names(served.folder) == []
    busy.slots.release()
    assert await busy.once() is not None and not busy.slots.locked()  # the slot is given back


async def test_nothing_is_made_ahead_while_the_status_periods_are_behind(served: Served,
                                                                        owner: asyncpg.Connection) -> None:
    await record_some(served.api)
    await owner.execute("UPDATE status_projection SET seq = 3")  # as during `lextime migrate`'s catch-up
    assert await ahead_of(served).once() is None and names(served.folder) == []


async def test_recent_answers_from_the_newest_kept_snapshot_and_a_mirror_follows_on(
        served: Served, new_database: NewDatabase) -> None:  # noqa: F811
    api = served.api
    await record_some(api)
    first = await snapshot(api, recent="true")  # none kept yet: made at the head, and kept
    assert (first.headers["X-Lextime-Snapshot"], first.headers["X-Lextime-Seq"]) == ("made", "4")
    await ok(api, "/v1/acts", {**ACT, "number": "3"})  # seq 5: the head moves past it
    recent = await snapshot(api, recent="true")
    assert (recent.headers["X-Lextime-Snapshot"], recent.headers["X-Lextime-Seq"]) == ("kept", "4")
    assert recent.content == first.content and recent.headers["Cache-Control"] == "public, no-cache"
    assert b'"seq":4' in recent.content.split(b"\n", 1)[0]  # the header line names the seq too
    head = await api.client.head("/v1/snapshot", params={"recent": "true"}, headers={"Accept": BULK_MEDIA_TYPE})
    assert head.status_code == 200 and head.headers["X-Lextime-Seq"] == "4"
    assert (await snapshot(api)).headers["X-Lextime-Seq"] == "5"  # without recent: the head, as before
    ndjson = await snapshot(api, NDJSON, recent="true")  # the other form keeps its own
    assert (ndjson.headers["X-Lextime-Snapshot"], ndjson.headers["X-Lextime-Seq"]) == ("made", "5")

    target = await new_database()
    sent: list[tuple[str, str]] = []

    async def seen(response: httpx.Response) -> None:
        if response.url.path == "/v1/snapshot":
            sent.append((response.headers["X-Lextime-Snapshot"], response.headers["X-Lextime-Seq"]))

    pool = await create_pool(target, min_size=1, max_size=2)
    try:
        async with httpx.AsyncClient(base_url=api.base_url, timeout=60, event_hooks={"response": [seen]}) as client:
            report = await mirror(Source(client), pool)
    finally:
        await pool.close()
    assert sent == [("kept", "5")]  # the bulk one at 5 was kept when the bare request above made it
    assert (report.from_snapshot, report.applied, report.head_seq) == (5, 0, 5)
    await ok(api, "/v1/acts", {**ACT, "number": "4"})  # seq 6
    later = await new_database()
    pool = await create_pool(later, min_size=1, max_size=2)
    try:
        async with httpx.AsyncClient(base_url=api.base_url, timeout=60) as client:
            report = await mirror(Source(client), pool)
    finally:
        await pool.close()
    assert (report.from_snapshot, report.applied, report.head_seq) == (5, 1, 6)  # the snapshot, then the feed
    assert await state_of(later) == await state_of(api.dsn)


async def test_recent_passes_over_kept_snapshots_of_another_ledger(served: Served) -> None:
    api = served.api
    await record_some(api)
    await snapshot(api)  # kept at 4
    await ok(api, "/v1/acts", {**ACT, "number": "3"})  # head 5
    foreign = served.kept.key("pgcopy", 5, "f" * 64)  # a service of another database sharing the folder
    (served.folder / foreign.name).write_bytes(b"not this ledger's")
    recent = await snapshot(api, recent="true")
    assert (recent.headers["X-Lextime-Snapshot"], recent.headers["X-Lextime-Seq"]) == ("kept", "4")
    assert (served.folder / foreign.name).read_bytes() == b"not this ledger's"  # left alone


async def test_a_damaged_recent_snapshot_is_removed_and_the_head_is_made(served: Served) -> None:
    api = served.api
    await record_some(api)
    await snapshot(api)
    [name] = names(served.folder)
    await ok(api, "/v1/acts", {**ACT, "number": "3"})
    data = (served.folder / name).read_bytes()
    (served.folder / name).write_bytes(data[:100] + bytes([data[100] ^ 0xFF]) + data[101:])
    answer = await snapshot(api, recent="true")
    assert (answer.headers["X-Lextime-Snapshot"], answer.headers["X-Lextime-Seq"]) == ("made", "5")
    assert answer.content.split(b"\n", 1)[0].count(b'"seq":5') == 1
    assert name not in names(served.folder)


@pytest.mark.parametrize(("params", "detail"), [({"recent": "true", "as_of": "1"}, "exclude each other"),
                                                ({"recent": "yes"}, "true or false")])
async def test_recent_is_checked(api: Api, params: dict[str, str], detail: str) -> None:
    await record_some(api)
    r = await api.get("/v1/snapshot", params=params)
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"] == "urn:lextime:problem:invalid-request" and detail in r.json()["detail"]
    assert (await api.get("/v1/snapshot", params={"recent": "false"})).headers["X-Lextime-Seq"] == "4"


async def test_the_service_makes_snapshots_ahead_on_its_timer(database: str, owner: asyncpg.Connection,
                                                              tmp_path: Path) -> None:
    folder = tmp_path / "snapshots"
    env = {"DATABASE_URL": database, "LEXTIME_DATA_DIR": TEST_DATA_DIR, "LEXTIME_SNAPSHOT_DIR": str(folder),
           "LEXTIME_SNAPSHOT_AHEAD_S": "0.05"}
    app = create_app(Settings.from_env(env))
    async with app.router.lifespan_context(app):
        ahead: SnapshotsAhead = app.state.ahead
        assert ahead.interval_s == 0.05
        transport = httpx.ASGITransport(app=app)
        key = await insert_key(owner, name="test-writer")
        async with httpx.AsyncClient(transport=transport, base_url="http://lextime") as client:
            created = await client.post("/v1/acts", json=ACT, headers={"Authorization": f"Bearer {key}"})
            assert created.status_code == 201, created.text
            await asyncio.wait_for(ahead.made.wait(), 30)
            assert ahead.newest is not None and ahead.newest.seq == 1 and names(folder) == [ahead.newest.name]
            recent = await client.get("/v1/snapshot", params={"recent": "true"}, headers={"Accept": BULK_MEDIA_TYPE})
            assert recent.headers["X-Lextime-Snapshot"] == "kept" and recent.headers["X-Lextime-Seq"] == "1"


def test_the_setting_is_checked(tmp_path: Path) -> None:
    assert Settings.from_env({}).snapshot_ahead_s == 60.0
    assert Settings.from_env({"LEXTIME_SNAPSHOT_AHEAD_S": "0"}).snapshot_ahead_s == 0.0
    with pytest.raises(ConfigError, match="LEXTIME_SNAPSHOT_AHEAD_S"):
        Settings.from_env({"LEXTIME_SNAPSHOT_AHEAD_S": "-1"})
