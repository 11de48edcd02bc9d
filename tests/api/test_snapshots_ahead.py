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

from service import ahead as ahead_module
from service.ahead import SnapshotsAhead
from service.api.feed import RECENT_BEHIND, _newest_kept
from service.app import create_app
from service.config import ConfigError, Settings
from service.domain.bulk import BULK_MEDIA_TYPE
from service.kept import KeptSnapshots
from service.store.db import create_pool
from service.store.feed import hash_at
from service.store.keys import insert_key
from tests.api.test_feed import ACT, ok, record_some
from tests.conftest import TEST_DATA_DIR, Api, start_server
from tests.sync_workload import state_of
from tests.test_mirror import NewDatabase, follow, new_database  # noqa: F401 (a fixture)

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


def ahead_of(s: Served, interval_s: float = 3600) -> SnapshotsAhead:
    return SnapshotsAhead(s.pool, s.kept, interval_s=interval_s)


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


async def test_nothing_is_made_ahead_while_another_makes_one(served: Served) -> None:
    await record_some(served.api)
    with served.kept.making() as ours:
        assert ours
        assert await ahead_of(served).once() is None  # the folder's lock is taken (another worker)
        assert names(served.folder) == []
    assert await ahead_of(served).once() is not None


async def test_a_make_cancelled_midway_leaves_nothing_and_frees_the_lock(served: Served,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    await record_some(served.api)
    streaming, never = asyncio.Event(), asyncio.Event()

    async def stuck(pool: asyncpg.Pool, *, seq: int, api_version: str) -> AsyncIterator[bytes]:
        yield b"the first piece"
        streaming.set()
        await never.wait()  # a make that would go on (a large corpus, a slow disk) until the service stops
        yield b"never sent"

    monkeypatch.setattr(ahead_module, "bulk_snapshot", stuck)
    make = asyncio.create_task(ahead_of(served).once())
    await asyncio.wait_for(streaming.wait(), 30)
    make.cancel()
    with pytest.raises(asyncio.CancelledError):
        await make
    assert sorted(p.name for p in served.folder.iterdir()) == [".making.lock"]  # no temporary file, nothing kept
    with served.kept.making() as ours:
        assert ours


async def test_making_ahead_goes_on_after_a_failure(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    await record_some(served.api)
    ahead = ahead_of(served, interval_s=0.01)
    real, calls = ahead.once, []

    async def failing_first() -> object:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a failure no one foresaw")
        return await real()

    monkeypatch.setattr(ahead, "once", failing_first)
    running = asyncio.create_task(ahead.run())
    try:
        await asyncio.wait_for(ahead.made.wait(), 30)
    finally:
        running.cancel()
    assert len(calls) >= 2 and ahead.newest is not None and ahead.newest.seq == 4


async def test_nothing_is_made_ahead_while_the_status_periods_are_behind(served: Served,
                                                                        owner: asyncpg.Connection) -> None:
    await record_some(served.api)
    await owner.execute("UPDATE status_projection SET seq = 3")  # as during `lextime migrate`'s catch-up
    assert await ahead_of(served).once() is None and names(served.folder) == []


async def test_recent_answers_from_the_newest_kept_snapshot_and_a_mirror_follows_on(
        served: Served, new_database: NewDatabase) -> None:  # noqa: F811
    api = served.api
    await record_some(api)
    none_kept = await api.client.head("/v1/snapshot", params={"recent": "true"}, headers={"Accept": BULK_MEDIA_TYPE})
    assert none_kept.status_code == 200 and none_kept.headers["X-Lextime-Seq"] == "4"  # the head's
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

    report = await follow(api, target, seen=seen)
    assert sent == [("kept", "5")]  # the bulk one at 5 was kept when the bare request above made it
    assert (report.from_snapshot, report.applied, report.head_seq) == (5, 0, 5)
    await ok(api, "/v1/acts", {**ACT, "number": "4"})  # seq 6
    later = await new_database()
    report = await follow(api, later)
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


async def test_recent_is_never_the_empty_snapshot_nor_one_far_behind(served: Served) -> None:
    api = served.api
    empty = await snapshot(api)  # seq 0: kept, and true of every ledger before its first entry
    assert (empty.headers["X-Lextime-Snapshot"], empty.headers["X-Lextime-Seq"]) == ("made", "0")
    await record_some(api)
    recent = await snapshot(api, recent="true")
    assert (recent.headers["X-Lextime-Snapshot"], recent.headers["X-Lextime-Seq"]) == ("made", "4")
    digest = await hash_at(served.pool, seq=4)
    key = served.kept.key("pgcopy", 4, digest)
    assert served.kept.has(key)
    # As if the head had gone on: up to RECENT_BEHIND entries behind it will do,
    assert await _newest_kept(served.pool, served.kept, "pgcopy", head=4 + RECENT_BEHIND) == key
    assert await _newest_kept(served.pool, served.kept, "pgcopy", head=5 + RECENT_BEHIND) is None
    # or a tenth of a larger ledger (a file as if kept at seq 20,000: the newest entry up to it is still 4).
    far = served.kept.key("pgcopy", 20_000, digest)
    (served.folder / far.name).write_bytes(b"")
    assert await _newest_kept(served.pool, served.kept, "pgcopy", head=22_200) == far
    assert await _newest_kept(served.pool, served.kept, "pgcopy", head=22_300) is None


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


async def test_a_recent_snapshot_pruned_meanwhile_gives_the_heads(served: Served,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    api = served.api
    await record_some(api)
    await snapshot(api)  # kept at 4
    await ok(api, "/v1/acts", {**ACT, "number": "3"})
    found = KeptSnapshots.opened
    # Chosen as the newest, then removed by another worker's prune before it is opened.
    monkeypatch.setattr(KeptSnapshots, "opened", lambda self, key: None if key.seq == 4 else found(self, key))
    answer = await snapshot(api, recent="true")
    assert (answer.headers["X-Lextime-Snapshot"], answer.headers["X-Lextime-Seq"]) == ("made", "5")
    assert b'"seq":5' in answer.content.split(b"\n", 1)[0]


async def test_a_mirror_of_a_source_without_recent_snapshots_starts_from_its_head(
        database: str, owner: asyncpg.Connection, new_database: NewDatabase) -> None:  # noqa: F811
    key = await insert_key(owner, name="test-writer")
    server, task, base = await start_server(database)
    # A source of an earlier version: its contract has no `recent`, so it refuses the parameter.
    older = server.config.app.state.query_parameters
    for method in ("GET", "HEAD"):
        older[(method, "/v1/snapshot")] = older[(method, "/v1/snapshot")] - {"recent"}
    try:
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            source = Api(client, key, base, database)
            await record_some(source)
            refused = await client.get("/v1/snapshot", params={"recent": "true"})
            assert refused.status_code == 400 and refused.json()["type"] == "urn:lextime:problem:unknown-parameters"
            target = await new_database()
            report = await follow(source, target)
    finally:
        server.should_exit = True
        await task
    assert (report.from_snapshot, report.applied, report.head_seq) == (4, 0, 4)
    assert await state_of(target) == await state_of(database)


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
