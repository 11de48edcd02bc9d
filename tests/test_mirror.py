"""Mirrors: `lextime mirror` (and the client under it) follows a source's feed into another database and
ends identical to it — from the feed's first entry or from a snapshot, after crashes at any point, and
while many writers commit concurrently."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import httpx
import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from service.domain.checkpoints import Signer
from service.mirror import Source, apply_page, mirror
from service.store import projections
from service.store.db import create_pool
from service.store.replica import Diverged
from tests.api.test_audit import lextime
from tests.conftest import TEST_DATA_DIR, Api, with_database
from tests.sync_workload import run_writer, state_of

NewDatabase = Callable[[], Awaitable[str]]


@pytest_asyncio.fixture(loop_scope="session")
async def new_database(server_dsn: str, template_db: str) -> AsyncIterator[NewDatabase]:
    """Fresh migrated databases (mirrors), dropped at the end."""
    names: list[str] = []
    admin = await asyncpg.connect(server_dsn)

    async def create() -> str:
        name = f"lextime_m_{uuid.uuid4().hex[:12]}"
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
        names.append(name)
        return with_database(server_dsn, name)

    try:
        yield create
    finally:
        for name in names:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def write(dsn: str, writers: int, per_writer: int, *, seed: int = 1) -> None:
    """Concurrent writers, each also signing checkpoints now and then (so they travel in the feed too)."""
    pool = await create_pool(dsn, min_size=1, max_size=writers + 1)
    signer = Signer(Ed25519PrivateKey.generate())
    try:
        await asyncio.gather(*(run_writer(pool, w, per_writer, seed=seed * 100 + w, signer=signer)
                               for w in range(writers)))
    finally:
        await pool.close()


async def follow(api: Api, dsn: str, **kwargs: object) -> object:
    pool = await create_pool(dsn, min_size=1, max_size=2)
    try:
        async with httpx.AsyncClient(base_url=api.base_url, timeout=60) as client:
            return await mirror(Source(client), pool, **kwargs)  # type: ignore[arg-type]
    finally:
        await pool.close()


async def test_a_mirror_from_the_feed_and_one_from_a_snapshot_end_identical(api: Api,
                                                                            new_database: NewDatabase) -> None:
    await write(api.dsn, 3, 40)
    from_feed, from_snapshot = await new_database(), await new_database()
    await follow(api, from_feed, use_snapshot=False, batch=7)
    report = await follow(api, from_snapshot, use_snapshot=True)
    assert report.from_snapshot > 0  # type: ignore[attr-defined]
    await write(api.dsn, 2, 15, seed=2)  # more after the snapshot: both continue from the feed
    await follow(api, from_feed, batch=7)
    await follow(api, from_snapshot)
    source = await state_of(api.dsn)
    assert {r[3] for r in source["ledger"]} == {
        "create_act", "add_edition", "add_relation", "correct", "retract", "checkpoint"}
    assert await state_of(from_feed) == source
    assert await state_of(from_snapshot) == source


async def test_a_mirror_resumes_after_a_failure_at_any_entry(api: Api, new_database: NewDatabase,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    await write(api.dsn, 2, 30)
    local = await new_database()
    real_apply = projections.apply
    applied = 0

    async def failing(conn: asyncpg.Connection, entry: object) -> None:
        nonlocal applied
        applied += 1
        if applied in (5, 13, 14, 40):
            raise RuntimeError("crash")
        await real_apply(conn, entry)  # type: ignore[arg-type]

    monkeypatch.setattr(projections, "apply", failing)
    crashes = 0
    while True:
        try:
            await follow(api, local, use_snapshot=False, batch=4)
            break
        except RuntimeError:
            crashes += 1
            conn = await asyncpg.connect(local)
            try:  # a page is all or nothing: the local head is always at a page boundary
                assert await conn.fetchval("SELECT count(*) FROM ledger") % 4 == 0
            finally:
                await conn.close()
    assert crashes == 4
    monkeypatch.setattr(projections, "apply", real_apply)
    assert await state_of(local) == await state_of(api.dsn)


async def test_a_snapshot_cut_short_leaves_nothing(api: Api, new_database: NewDatabase,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    await write(api.dsn, 2, 10)
    local = await new_database()
    real = Source.snapshot

    async def cut(self: Source) -> AsyncIterator[dict[str, object]]:
        async for line in real(self):
            if line.get("kind") == "row":
                return
            yield line

    monkeypatch.setattr(Source, "snapshot", cut)
    with pytest.raises(Exception, match="cut short"):
        await follow(api, local)
    conn = await asyncpg.connect(local)
    try:
        assert await conn.fetchval("SELECT count(*) FROM ledger") == 0
    finally:
        await conn.close()
    monkeypatch.setattr(Source, "snapshot", real)
    await follow(api, local)
    assert await state_of(local) == await state_of(api.dsn)


async def test_a_mirror_that_diverged_stops(api: Api, new_database: NewDatabase) -> None:
    await write(api.dsn, 1, 5)
    local = await new_database()
    await write(local, 1, 3, seed=9)  # the local database has a history of its own
    with pytest.raises(Diverged):
        await follow(api, local, use_snapshot=False)


async def test_lextime_mirror_killed_at_any_moment_resumes(api: Api, new_database: NewDatabase) -> None:
    await write(api.dsn, 4, 100)
    local = await new_database()
    env = {**os.environ, "DATABASE_URL": local, "LEXTIME_DATA_DIR": TEST_DATA_DIR, "LEXTIME_LOG_FORMAT": "json"}
    argv = [*lextime(), "mirror", "--from", api.base_url, "--no-snapshot", "--batch", "5"]
    listener = await asyncpg.connect(local)
    reached = asyncio.Event()
    await listener.add_listener("lextime_ledger", lambda *a: reached.set() if int(a[3]) >= 60 else None)
    try:
        proc = await asyncio.create_subprocess_exec(*argv, env=env, stdout=asyncio.subprocess.DEVNULL,
                                                    stderr=asyncio.subprocess.DEVNULL)
        await asyncio.wait_for(reached.wait(), 120)  # woken by the mirror's own commits
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
        partial = await listener.fetchval("SELECT count(*) FROM ledger")
        assert 60 <= partial < 400 and partial % 5 == 0  # killed mid-way, between two pages
    finally:
        await listener.close()
    proc = await asyncio.create_subprocess_exec(*argv, env=env, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert "caught up" in out.decode()
    assert await state_of(local) == await state_of(api.dsn)


@pytest.mark.slow
async def test_eight_writers_two_consumers_no_gap_no_duplicate_identical_mirrors(
        api: Api, new_database: NewDatabase) -> None:
    writers, per_writer = 8, 625  # 5,000 writes
    mirrors = [await new_database(), await new_database()]
    seen: list[list[int]] = [[], []]
    done = asyncio.Event()
    final_head = 0

    async def consume(i: int) -> None:
        pool = await create_pool(mirrors[i], min_size=1, max_size=2)
        try:
            async with httpx.AsyncClient(base_url=api.base_url, timeout=60) as client:
                url = "/v1/changes?after=0&limit=200&include=texts&wait=5"
                while not (done.is_set() and (seen[i][-1] if seen[i] else 0) >= final_head):
                    page = (await client.get(url)).json()
                    seen[i].extend(e["seq"] for e in page["items"])
                    await apply_page(pool, page)
                    url = page["next"]
        finally:
            await pool.close()

    consumers = [asyncio.create_task(consume(i)) for i in range(2)]
    await write(api.dsn, writers, per_writer, seed=7)
    final_head = int((await api.get("/v1/changes", params={"limit": "1"})).json()["as_of_seq"])
    done.set()
    await asyncio.wait_for(asyncio.gather(*consumers), 600)

    assert final_head >= 5000
    for i in range(2):
        assert seen[i] == list(range(1, final_head + 1)), "a consumer saw a gap or a duplicate"
    source = await state_of(api.dsn)
    for dsn in mirrors:
        state = await state_of(dsn)
        assert state["ledger"][-1] == source["ledger"][-1]  # the same head hash
        assert state == source
