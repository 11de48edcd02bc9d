"""Mirrors: `lextime mirror` (and the client under it) follows a source's feed into another database and
ends identical to it — from the feed's first entry or from a snapshot, after crashes at any point, and
while many writers commit concurrently."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import orjson
import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from service.api import feed as feed_api
from service.domain.bulk import BULK_MEDIA_TYPE
from service.domain.checkpoints import Signer
from service.domain.errors import Invalid
from service.mirror import MirrorReport, Source, apply_page, mirror
from service.store import projections
from service.store.bulk_snapshot import bulk_snapshot, load_bulk_snapshot
from service.store.db import create_pool
from service.store.replica import Diverged
from service.store.snapshot import Loaded, fact_tables, load_snapshot
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


Seen = Callable[[httpx.Response], Awaitable[None]]


async def follow(api: Api, dsn: str, *, seen: Seen | None = None, **kwargs: Any) -> MirrorReport:
    """`lextime mirror` from the service into `dsn`; `seen` is shown every answer the mirror gets."""
    pool = await create_pool(dsn, min_size=1, max_size=2)
    try:
        async with httpx.AsyncClient(base_url=api.base_url, timeout=60,
                                     event_hooks={"response": [seen] if seen else []}) as client:
            return await mirror(Source(client), pool, **kwargs)
    finally:
        await pool.close()


async def test_a_mirror_from_the_feed_and_one_from_a_snapshot_end_identical(api: Api,
                                                                            new_database: NewDatabase) -> None:
    await write(api.dsn, 3, 40)
    from_feed, from_snapshot = await new_database(), await new_database()
    await follow(api, from_feed, use_snapshot=False, batch=7)
    report = await follow(api, from_snapshot, use_snapshot=True)
    assert report.from_snapshot > 0
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
    monkeypatch.setattr(feed_api, "SNAPSHOT_MEDIA_TYPES", ("application/x-ndjson",))  # a source without bulk
    with pytest.raises(Exception, match="cut short"):
        await follow(api, local)
    conn = await asyncpg.connect(local)
    try:
        assert await conn.fetchval("SELECT count(*) FROM ledger") == 0
    finally:
        await conn.close()
    monkeypatch.setattr(Source, "snapshot", real)
    await follow(api, local)  # NDJSON after the 406 to the bulk form
    assert await state_of(local) == await state_of(api.dsn)


async def bulk(api: Api, **params: str) -> bytes:
    r = await api.get("/v1/snapshot", params=params, headers={"Accept": BULK_MEDIA_TYPE})
    assert r.status_code == 200 and r.headers["content-type"] == BULK_MEDIA_TYPE
    return r.content


async def load(dsn: str, body: bytes, *, ndjson: bool = False) -> Loaded:
    """Load a snapshot's bytes, arriving in pieces that do not fall on its frames, in one transaction."""

    async def pieces() -> AsyncIterator[bytes]:
        for at in range(0, len(body), 7001):
            yield body[at:at + 7001]

    async def lines() -> AsyncIterator[dict[str, Any]]:
        for line in body.splitlines():
            yield orjson.loads(line)

    pool = await create_pool(dsn, min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn, conn.transaction():
            if ndjson:
                return await load_snapshot(conn, lines())
            return await load_bulk_snapshot(conn, pieces())
    finally:
        await pool.close()


async def projected_to(dsn: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval("SELECT seq FROM status_projection"))
    finally:
        await conn.close()


async def is_empty(dsn: str) -> bool:
    return not any((await state_of(dsn)).values())


async def source_as_of(dsn: str, seq: int) -> tuple[dict[str, list[Any]], int]:
    """The source's ledger and fact tables as known at `seq` (a row superseded later is current then), from
    its whole state; and how many rows were superseded after `seq`."""
    state = await state_of(dsn)
    conn = await asyncpg.connect(dsn)
    try:
        tables = await fact_tables(conn)
    finally:
        await conn.close()
    out: dict[str, list[Any]] = {"ledger": [r for r in state["ledger"] if r[0] <= seq]}
    later = 0
    for t in tables:
        recorded = t.columns.index("recorded_seq")
        superseded = t.columns.index("superseded_seq") if t.supersedable else -1
        rows = []
        for r in state[t.name]:
            if int(r[recorded]) > seq:
                continue
            if superseded >= 0 and r[superseded] != "None" and int(r[superseded]) > seq:
                r, later = (*r[:superseded], "None", *r[superseded + 1:]), later + 1
            rows.append(r)
        out[t.name] = sorted(rows)
    return out, later


async def test_a_bulk_snapshot_loads_what_the_ndjson_one_loads(api: Api, new_database: NewDatabase) -> None:
    await write(api.dsn, 3, 30)
    source = await state_of(api.dsn)
    head = len(source["ledger"])
    for as_of in ({}, {"as_of": str(head // 2)}):
        by_bulk, by_ndjson = await new_database(), await new_database()
        loaded = await load(by_bulk, await bulk(api, **as_of))
        await load(by_ndjson, (await api.get("/v1/snapshot", params=as_of)).content, ndjson=True)
        state = await state_of(by_bulk)
        assert state == await state_of(by_ndjson)
        assert all(state[t] for t in ("acts", "editions", "unit_versions", "relations", "texts", "status_periods"))
        for dsn in (by_bulk, by_ndjson):  # the status periods came with the rows: the projection is at the seq
            assert await projected_to(dsn) == loaded.seq
        if not as_of:
            assert loaded.seq == head and state == source
            continue
        known, superseded_later = await source_as_of(api.dsn, head // 2)
        assert loaded.seq == head // 2 and superseded_later > 0
        assert {name: rows for name, rows in state.items() if name != "texts"} == known
        assert set(state["texts"]) < set(source["texts"])


async def test_a_bulk_snapshot_cut_short_or_tampered_is_refused_and_leaves_nothing(
        api: Api, new_database: NewDatabase) -> None:
    await write(api.dsn, 2, 15)
    body = await bulk(api)
    source = await state_of(api.dsn)
    first_hash, text = source["ledger"][0][6].encode(), source["texts"][0][1].encode()
    ends = [body.index(b'{"kind":"section_end","table":"%s"' % t) for t in (b"ledger", b"texts")]
    at_text = body.index(text[:40], ends[0])  # in the texts section
    flipped = bytes([body[at_text] ^ 0x01])
    end_line = body.rindex(b'{"kind":"end"')
    cases = {
        "cut short": [body[:len(body) // 2], body[:ends[0]], body[:end_line], body[:ends[1] - 100]],
        "does not hold": [body.replace(first_hash, first_hash[::-1], 1)],
        "content address": [body[:at_text] + flipped + body[at_text + 1:]],
        "announced": [body.replace(b'"table":"acts","rows":', b'"table":"acts","rows":1', 1),
                      body[:end_line] + body[end_line:].replace(b'"texts":', b'"texts":1', 1)],
        "does not load": [body.replace(b"PGCOPY\n\xff", b"PGCOPY\n\xfe", 1)],
        "next section": [body.replace(b'"table":"texts","columns":["sha256","body"]',
                                      b'"table":"keys","columns":["sha256","body"]', 1)],
    }
    local = await new_database()
    for reason, tampered in cases.items():
        for broken in tampered:
            assert broken != body
            with pytest.raises(Invalid, match=reason):
                await load(local, broken)
            assert await is_empty(local), reason
    await load(local, body)  # the same database takes the sound snapshot afterwards
    assert await state_of(local) == source


async def test_a_bulk_snapshot_abandoned_midway_gives_its_connection_back(api: Api) -> None:
    await write(api.dsn, 2, 15)
    pool = await create_pool(api.dsn, min_size=1, max_size=1)
    try:
        frames = bulk_snapshot(pool, seq=10, api_version="v1")
        assert b'"kind":"snapshot"' in await anext(frames)
        assert b'"table":"ledger"' in await anext(frames)  # inside the ledger's COPY
        await frames.aclose()
        whole = b"".join([f async for f in bulk_snapshot(pool, seq=10, api_version="v1")])
    finally:
        await pool.close()
    assert whole == await bulk(api, as_of="10")


async def test_a_mirror_starts_from_the_bulk_snapshot(api: Api, new_database: NewDatabase,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    await write(api.dsn, 2, 20)
    asked: list[str] = []
    real = Source.bulk_snapshot

    def spy(self: Source) -> AsyncIterator[bytes]:
        asked.append("bulk")
        return real(self)

    monkeypatch.setattr(Source, "bulk_snapshot", spy)
    monkeypatch.setattr(Source, "snapshot", None)  # the NDJSON form is not asked for
    local = await new_database()
    report = await follow(api, local)
    assert asked == ["bulk"] and report.from_snapshot > 0
    assert await state_of(local) == await state_of(api.dsn)


async def test_a_mirror_of_a_source_that_ignores_accept_loads_its_ndjson(api: Api, new_database: NewDatabase,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    await write(api.dsn, 2, 10)
    monkeypatch.setattr(feed_api, "negotiate", lambda accept, offered: "application/x-ndjson")  # an older Lextime
    local = await new_database()
    report = await follow(api, local)
    assert report.from_snapshot > 0
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
