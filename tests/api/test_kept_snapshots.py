"""Kept snapshots (service/kept.py): the first snapshot made at a seq is kept, later requests for that seq are
answered from the file — the same bytes, compressed for a client that accepts zstd — and nothing else is
ever kept: not a stream cut short, not a file damaged afterwards, not a snapshot of another seq."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
import pytest_asyncio
import zstandard
from hypothesis import given
from hypothesis import strategies as st

from service import kept as kept_module
from service.api import feed as feed_api
from service.config import ConfigError, Settings
from service.domain.bulk import BULK_MEDIA_TYPE
from service.kept import KeptSnapshots, accepts, keeping
from service.store.keys import insert_key
from tests.api.test_feed import ACT, ok, record_some
from tests.conftest import Api, start_server
from tests.sync_workload import state_of
from tests.test_mirror import NewDatabase, follow, new_database  # noqa: F401 (a fixture)

NDJSON = "application/x-ndjson"
FORMS = {NDJSON: "ndjson", BULK_MEDIA_TYPE: "pgcopy"}


@pytest_asyncio.fixture(loop_scope="session")
async def kept(database: str, owner: asyncpg.Connection, tmp_path: Path) -> AsyncIterator[tuple[Api, Path]]:
    """The service with a snapshot folder of the test's own."""
    key = await insert_key(owner, name="test-writer")
    folder = tmp_path / "snapshots"
    server, task, base = await start_server(database, LEXTIME_SNAPSHOT_DIR=str(folder))
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            yield Api(client, key, base, database), folder
    finally:
        server.should_exit = True
        await task


async def fetch(api: Api, media: str, *, encoding: str = "identity", **params: str) -> httpx.Response:
    r = await api.get("/v1/snapshot", params=params, headers={"Accept": media, "Accept-Encoding": encoding})
    assert r.status_code == 200, r.text
    return r


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("media", [NDJSON, BULK_MEDIA_TYPE])
async def test_a_snapshot_is_made_once_then_served_as_kept(kept: tuple[Api, Path], media: str) -> None:
    api, folder = kept
    await record_some(api)
    made = await fetch(api, media)
    assert made.headers["X-Lextime-Snapshot"] == "made" and made.headers["X-Lextime-Seq"] == "4"
    assert made.headers["Vary"] == "Accept, Accept-Encoding"
    [name] = files(folder)
    assert name.startswith(f"{FORMS[media]}-00000000000000000004-")
    again = await fetch(api, media)
    assert again.headers["X-Lextime-Snapshot"] == "kept" and "Content-Encoding" not in again.headers
    assert again.content == made.content and again.headers["content-type"] == media
    raw = await api.client.get("/v1/snapshot", headers={"Accept": media, "Accept-Encoding": "gzip, zstd"})
    assert raw.headers["Content-Encoding"] == "zstd" and raw.headers["X-Lextime-Snapshot"] == "kept"
    assert raw.content == made.content  # httpx decoded it
    assert int(raw.headers["Content-Length"]) == (folder / name).stat().st_size
    assert zstandard.ZstdDecompressor().stream_reader((folder / name).read_bytes()).read() == made.content
    by_seq = await fetch(api, media, as_of="4")  # the same seq asked by number: the same file
    assert by_seq.headers["X-Lextime-Snapshot"] == "kept" and by_seq.content == made.content
    assert files(folder) == [name]


async def test_the_kept_snapshot_is_what_a_service_keeping_none_makes(kept: tuple[Api, Path], database: str) -> None:
    api, _ = kept
    await record_some(api)
    await fetch(api, NDJSON)
    kept_body = (await fetch(api, NDJSON, encoding="zstd")).content
    server, task, base = await start_server(database, LEXTIME_SNAPSHOTS_KEPT="0")
    try:
        async with httpx.AsyncClient(base_url=base) as client:
            for _ in range(2):
                fresh = await client.get("/v1/snapshot")
                assert fresh.headers["X-Lextime-Snapshot"] == "made" and fresh.content == kept_body
    finally:
        server.should_exit = True
        await task


async def test_a_write_moves_the_head_and_the_next_snapshot_is_made_at_it(kept: tuple[Api, Path]) -> None:
    api, folder = kept
    await record_some(api)
    first = await fetch(api, NDJSON)
    [old] = files(folder)
    created = await ok(api, "/v1/acts", {**ACT, "number": "3"})
    after = await fetch(api, NDJSON)
    assert after.headers["X-Lextime-Snapshot"] == "made" and after.headers["X-Lextime-Seq"] == "5"
    assert created["id"].encode() in after.content and created["id"].encode() not in first.content
    [new] = [n for n in files(folder) if n != old]
    assert "-00000000000000000005-" in new and files(folder) == sorted([old, new])  # two kept per form
    back = await fetch(api, NDJSON, as_of="4")  # the older seq, asked again: its file, now the most recent
    assert back.headers["X-Lextime-Snapshot"] == "kept" and back.content == first.content
    await ok(api, "/v1/acts", {**ACT, "number": "4"})
    assert (await fetch(api, NDJSON)).headers["X-Lextime-Seq"] == "6"
    assert len(files(folder)) == 2 and new not in files(folder) and old in files(folder)  # the least used went
    assert (await fetch(api, NDJSON, as_of="5")).headers["X-Lextime-Snapshot"] == "made"


async def test_a_snapshot_cut_short_is_not_kept(kept: tuple[Api, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    api, _ = kept
    await record_some(api)
    never = asyncio.Event()

    async def held(pool: object, *, seq: int, api_version: str) -> AsyncIterator[dict[str, object]]:
        yield {"kind": "snapshot", "seq": seq}
        await never.wait()  # the stream cannot end whole: its client goes away first
        yield {"kind": "end", "seq": seq}

    monkeypatch.setattr(feed_api, "snapshot_lines", held)
    async with api.client.stream("GET", "/v1/snapshot", headers={"Accept-Encoding": "identity"}) as r:
        async for chunk in r.aiter_raw():
            assert chunk.startswith(b'{"kind":"snapshot"')
            break
    monkeypatch.undo()
    whole = await fetch(api, NDJSON)
    assert whole.headers["X-Lextime-Snapshot"] == "made"  # the one cut short left nothing to serve
    assert b'"kind":"end"' in whole.content
    again = await fetch(api, NDJSON)
    assert again.headers["X-Lextime-Snapshot"] == "kept" and again.content == whole.content


async def test_a_stream_that_ends_early_leaves_no_file(tmp_path: Path) -> None:
    kept = KeptSnapshots.open(tmp_path, keep=1)
    assert kept is not None

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(3):
            yield b"line %d\n" % i

    stream = keeping(chunks(), kept.keeper(kept.key("ndjson", 3, "a" * 64)))
    assert await anext(stream) == b"line 0\n"
    await stream.aclose()
    assert files(tmp_path) == []
    key = kept.key("ndjson", 3, "a" * 64)
    assert b"".join([c async for c in keeping(chunks(), kept.keeper(key))]) == b"line 0\nline 1\nline 2\n"
    assert files(tmp_path) == [key.name]


async def test_damage_found_midway_cuts_the_stream_and_removes_the_file(kept: tuple[Api, Path],
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    api, folder = kept
    await record_some(api)
    await fetch(api, NDJSON)
    [name] = files(folder)
    data = bytearray((folder / name).read_bytes())
    data[-1] ^= 0xFF  # the frame's checksum: every piece decodes, the last read fails
    (folder / name).write_bytes(bytes(data))
    monkeypatch.setattr(kept_module, "READ_BYTES", 64)
    with pytest.raises(httpx.HTTPError):  # sent as it is: the pieces before the last go, then the stream is cut
        await api.get("/v1/snapshot", headers={"Accept-Encoding": "zstd"})
    assert files(folder) == []  # removed before the stream was cut
    assert (await fetch(api, NDJSON)).headers["X-Lextime-Snapshot"] == "made"


async def test_a_mirror_loads_a_kept_snapshot_sent_compressed(kept: tuple[Api, Path],
                                                              new_database: NewDatabase) -> None:  # noqa: F811
    api, folder = kept
    await record_some(api)
    await ok(api, "/v1/acts", {**ACT, "number": "3"})
    first, second = await new_database(), await new_database()
    await follow(api, first)
    assert any(n.startswith("pgcopy-") for n in files(folder))  # the first mirror's snapshot was kept
    sent: list[tuple[str | None, str | None]] = []

    async def seen(response: httpx.Response) -> None:
        if response.url.path == "/v1/snapshot":
            sent.append((response.headers.get("X-Lextime-Snapshot"), response.headers.get("Content-Encoding")))

    report = await follow(api, second, seen=seen)
    assert sent == [("kept", "zstd")] and report.from_snapshot == 5
    assert await state_of(second) == await state_of(first) == await state_of(api.dsn)


def flip_middle(data: bytes) -> bytes:
    return data[:len(data) // 2] + bytes([data[len(data) // 2] ^ 0xFF]) + data[len(data) // 2 + 1:]


DAMAGE = {
    "a byte of the frame": flip_middle,
    "the trailer's digest": lambda data: data[:-1] + bytes([data[-1] ^ 0xFF]),
    "cut short": lambda data: data[:-10],
    "bytes added": lambda data: data + b"\0" * 10,
    "no trailer": lambda data: data[:-kept_module.TRAILER_BYTES],
}


@pytest.mark.parametrize("encoding", ["zstd", "identity"])
@pytest.mark.parametrize("damage", sorted(DAMAGE))
async def test_a_damaged_file_is_caught_before_it_goes(kept: tuple[Api, Path], damage: str, encoding: str) -> None:
    api, folder = kept
    await record_some(api)
    made = await fetch(api, NDJSON)
    [name] = files(folder)
    damaged = DAMAGE[damage]((folder / name).read_bytes())
    (folder / name).write_bytes(damaged)
    again = await fetch(api, NDJSON, encoding=encoding)  # one piece: checked whole before anything is sent
    assert again.headers["X-Lextime-Snapshot"] == "made" and again.content == made.content
    assert (folder / name).read_bytes() != damaged  # kept afresh
    sound = await fetch(api, NDJSON, encoding=encoding)
    assert sound.headers["X-Lextime-Snapshot"] == "kept" and sound.content == made.content


async def test_a_kept_file_that_cannot_be_read_or_written_is_made_each_time(kept: tuple[Api, Path]) -> None:
    api, folder = kept
    await record_some(api)
    made = await fetch(api, BULK_MEDIA_TYPE)
    [name] = files(folder)
    (folder / name).unlink()
    (folder / name).mkdir()  # neither opened nor replaced: the answers are made, never a 500
    for _ in range(2):
        r = await fetch(api, BULK_MEDIA_TYPE)
        assert r.headers["X-Lextime-Snapshot"] == "made" and r.content.endswith(made.content[-200:])
    assert files(folder) == [name] and (folder / name).is_dir()


async def test_a_snapshot_is_not_kept_while_statuses_are_behind(kept: tuple[Api, Path],
                                                               owner: asyncpg.Connection) -> None:
    api, folder = kept
    await record_some(api)
    await owner.execute("UPDATE status_projection SET seq = 3")  # as `lextime migrate` finds an old database
    for _ in range(2):
        assert (await fetch(api, NDJSON)).headers["X-Lextime-Snapshot"] == "made"
    assert files(folder) == []
    await owner.execute("UPDATE status_projection SET seq = 4")
    assert (await fetch(api, NDJSON)).headers["X-Lextime-Snapshot"] == "made"
    assert (await fetch(api, NDJSON)).headers["X-Lextime-Snapshot"] == "kept"


async def test_no_write_reopens_a_dropped_file(tmp_path: Path) -> None:
    kept = KeptSnapshots.open(tmp_path, keep=1)
    assert kept is not None
    keeper = kept.keeper(kept.key("pgcopy", 7, "b" * 64))
    await keeper.write(b"first piece")
    assert len(files(tmp_path)) == 1 and files(tmp_path)[0].endswith(".tmp")
    await keeper.drop()
    keeper._write(b"late")  # a write whose thread ran on after its stream was cancelled and dropped
    assert files(tmp_path) == [] and await keeper.keep() is None


def test_pruning_keeps_the_most_recently_used(tmp_path: Path) -> None:
    kept = KeptSnapshots.open(tmp_path, keep=1)
    assert kept is not None
    names = [kept.key("pgcopy", seq, f"{seq:064x}").name for seq in (1, 2, 3)]
    for i, name in enumerate(names):
        (tmp_path / name).write_bytes(b"x")
        os.utime(tmp_path / name, (1000 + i, 1000 + i))
    other_form = kept.key("ndjson", 1, "0" * 64).name
    other_schema = names[0].replace(kept.schema, "f" * 16)
    stale, fresh = tmp_path / f".{names[0]}.1.ab.tmp", tmp_path / f".{names[1]}.2.cd.tmp"
    for path in (tmp_path / other_form, tmp_path / other_schema, stale, fresh):
        path.write_bytes(b"x")
    for path in (stale, tmp_path / other_schema):  # unused for long: another version's file, a crashed write
        os.utime(path, (0, 0))
    recent_other_schema = kept.key("pgcopy", 9, "9" * 64).name.replace(kept.schema, "e" * 16)
    (tmp_path / recent_other_schema).write_bytes(b"x")  # another version sharing the folder, in use: left
    assert kept.opened(kept.key("pgcopy", 1, f"{1:064x}")) is not None  # used now: the most recent
    assert sorted(kept.prune("pgcopy")) == sorted([names[1], names[2], other_schema, stale.name])
    assert files(tmp_path) == sorted([fresh.name, names[0], other_form, recent_other_schema])


def test_a_folder_that_cannot_be_made_keeps_nothing(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_bytes(b"")
    assert KeptSnapshots.open(tmp_path / "a-file" / "snapshots", keep=1) is None
    assert KeptSnapshots.open(tmp_path / "off", keep=0) is None and not (tmp_path / "off").exists()
    settings = Settings.from_env({"LEXTIME_DATA_DIR": str(tmp_path)})
    assert settings.snapshot_folder == tmp_path / "snapshots" and settings.snapshots_kept == 2
    with pytest.raises(ConfigError, match="LEXTIME_SNAPSHOTS_KEPT"):
        Settings.from_env({"LEXTIME_SNAPSHOTS_KEPT": "-1"})


CODINGS = st.sampled_from(["zstd", "ZSTD", "gzip", "br", "*", "identity", "deflate"])
WEIGHTS = st.one_of(st.none(), st.sampled_from(["0", "0.0", "0.5", "1", "1.000", "0.001", "x"]))


@given(st.lists(st.tuples(CODINGS, WEIGHTS), max_size=5), st.sampled_from([", ", ",", " , "]))
def test_accept_encoding_admits_zstd_as_rfc_9110_says(items: list[tuple[str, str | None]], sep: str) -> None:
    header = sep.join(c if w is None else f"{c};q={w}" for c, w in items)

    def weight(w: str | None) -> float:
        try:
            return 1.0 if w is None else float(w)
        except ValueError:
            return 0.0

    named = [weight(w) for c, w in items if c.lower() == "zstd"]
    star = [weight(w) for c, w in items if c == "*"]
    expected = named[0] > 0 if named else bool(star) and star[0] > 0
    assert accepts(header, "zstd") == expected

