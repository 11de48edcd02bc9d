"""The ledger: gap-free and commit-ordered under concurrent writers, hash-chained, append-only."""

from __future__ import annotations

import asyncio
import itertools

import asyncpg
import pytest

from service.domain.errors import Conflict
from service.domain.ledger import GENESIS_HASH, verify_chain
from service.store.db import create_pool
from service.store.ledger import batch, entry_from_row, record
from service.store.queries import q
from tests.conftest import fresh_database

WRITERS = 10
PER_WRITER = 20


def _payload(writer: int, i: int) -> dict[str, object]:
    act_id = f"01J{writer:03d}{i:04d}".ljust(26, "0")
    return {"act": {"id": act_id, "jurisdiction": "kz", "type": "decree", "number": f"{writer}-{i}",
                    "adopted_on": "2020-01-01", "issuing_body": None, "titles": {"ru": f"Акт {writer}-{i}"},
                    "languages": ["ru"], "publication": {"date": None, "source": None},
                    "entry_into_force": {"date": None, "rule": None, "earliest": None}, "expires_on": None,
                    "akn_uri": None, "external_ids": []}}


async def test_concurrent_writers_leave_a_gap_free_commit_ordered_chain(database: str) -> None:
    pool = await create_pool(database, min_size=WRITERS + 1, max_size=WRITERS + 1)
    observed_gaps: list[tuple[int, int]] = []
    done = asyncio.Event()

    async def writer(w: int) -> None:
        for i in range(PER_WRITER):
            await record(pool, actor=f"writer-{w}", operation="create_act", payload=_payload(w, i))

    async def reader() -> None:
        # A feed reader must never see seq n+1 committed while n is not yet visible.
        while not done.is_set():
            seqs = [r["seq"] for r in await pool.fetch("SELECT seq FROM ledger ORDER BY seq")]
            if seqs != list(range(1, len(seqs) + 1)):
                observed_gaps.append((len(seqs), seqs[-1]))
            await asyncio.sleep(0)

    try:
        read_task = asyncio.create_task(reader())
        await asyncio.gather(*(writer(w) for w in range(WRITERS)))
        done.set()
        await read_task
        rows = await pool.fetch(q("ledger_range"), 0, 10_000)
    finally:
        await pool.close()

    entries = [entry_from_row(r) for r in rows]
    assert [e.seq for e in entries] == list(range(1, WRITERS * PER_WRITER + 1))
    assert observed_gaps == []
    assert all(a.recorded_at <= b.recorded_at for a, b in itertools.pairwise(entries))
    assert entries[0].prev_hash == GENESIS_HASH
    assert verify_chain(entries) is None
    assert {e.actor for e in entries} == {f"writer-{w}" for w in range(WRITERS)}


async def test_a_failed_write_leaves_no_entry_and_no_projection(database: str) -> None:
    pool = await create_pool(database)
    try:
        await record(pool, actor="t", operation="create_act", payload=_payload(1, 1))
        with pytest.raises(Conflict):
            # The same act id again: the projection's unique index refuses it, the whole entry rolls back.
            await record(pool, actor="t", operation="create_act", payload=_payload(1, 1))
        assert await pool.fetchval("SELECT count(*) FROM ledger") == 1
        assert await pool.fetchval("SELECT count(*) FROM acts") == 1
        entry = await record(pool, actor="t", operation="create_act", payload=_payload(1, 2))
        assert entry.seq == 2
    finally:
        await pool.close()


@pytest.mark.parametrize("statement", [
    "UPDATE ledger SET actor = 'mallory'",
    "DELETE FROM ledger",
    "TRUNCATE ledger CASCADE",
    "UPDATE texts SET body = 'forged'",
    "DELETE FROM texts",
])
async def test_the_ledger_and_texts_refuse_changes_even_from_the_owner(owner: asyncpg.Connection, database: str,
                                                                       statement: str) -> None:
    pool = await create_pool(database)
    try:
        await record(pool, actor="t", operation="create_act", payload=_payload(2, 1))
        await pool.execute(q("text_insert"), ["a" * 64], ["text"])
    finally:
        await pool.close()
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await owner.execute(statement)
    assert await owner.fetchval("SELECT count(*) FROM ledger") == 1


@pytest.mark.parametrize("statement", [
    "UPDATE ledger SET actor = 'mallory'",
    "UPDATE acts SET titles = '{}'",
    "DELETE FROM acts",
    "DROP TABLE ledger",
    "ALTER TABLE acts ADD COLUMN x int",
    "CREATE TABLE intruder (x int)",
    "INSERT INTO api_keys (key_id, name, secret_hash, scopes) VALUES ('k', 'n', 'h', '{admin}')",
])
async def test_the_service_role_cannot_alter_schema_or_rewrite_facts(database: str, statement: str) -> None:
    pool = await create_pool(database)
    try:
        await record(pool, actor="t", operation="create_act", payload=_payload(3, 1))
        assert await pool.fetchval("SELECT current_user") == "lextime_app"
        with pytest.raises((asyncpg.InsufficientPrivilegeError, asyncpg.exceptions.InsufficientPrivilegeError)):
            await pool.execute(statement)
    finally:
        await pool.close()


async def test_a_fact_may_be_superseded_once_by_a_later_entry_only(owner: asyncpg.Connection, database: str) -> None:
    pool = await create_pool(database)
    try:
        await record(pool, actor="t", operation="create_act", payload=_payload(4, 1))
        await record(pool, actor="t", operation="create_act", payload=_payload(4, 2))
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await pool.execute("UPDATE acts SET superseded_seq = 1 WHERE recorded_seq = 2")  # by an earlier entry
        await pool.execute("UPDATE acts SET superseded_seq = 2 WHERE recorded_seq = 1")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await pool.execute("UPDATE acts SET superseded_seq = 2 WHERE recorded_seq = 1")  # only once
        # Replaced within the entry that recorded it: a row no read at any seq ever saw.
        await pool.execute("UPDATE acts SET superseded_seq = 2 WHERE recorded_seq = 2")
    finally:
        await pool.close()


async def test_a_batch_appends_a_strictly_timed_chain_and_writers_wait_for_it(database: str) -> None:
    """A batch holds the append lock: a write command started meanwhile is appended after the whole batch;
    the chain verifies and recorded_at rises strictly with seq inside the batch."""
    pool = await create_pool(database, min_size=2, max_size=2)
    try:
        async with batch(pool) as held:
            waiting = asyncio.create_task(record(pool, actor="api", operation="create_act", payload=_payload(9, 1)))
            while not await held.fetchval("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"):
                pass  # until the write command waits for the append lock the batch holds
            for i in range(5):
                await held.record(actor="import", operation="create_act", payload=_payload(3, i))
            assert await held.fetchval("SELECT count(*) FROM acts") == 5  # reads see the batch's own entries
            assert not waiting.done()
        await waiting
        entries = [entry_from_row(r) for r in await pool.fetch(q("ledger_range"), 0, 100)]
        acts = await pool.fetch("SELECT act_id, recorded_seq FROM ledger_acts ORDER BY recorded_seq")
    finally:
        await pool.close()
    assert [e.actor for e in entries] == ["import"] * 5 + ["api"]
    assert verify_chain(entries) is None
    assert all(a.recorded_at < b.recorded_at for a, b in itertools.pairwise(entries[:5]))
    assert [(r["act_id"], r["recorded_seq"]) for r in acts] == [(e.payload["act"]["id"], e.seq) for e in entries]


async def test_a_failed_part_of_a_batch_leaves_nothing_and_the_batch_goes_on(database: str) -> None:
    pool = await create_pool(database)
    try:
        async with batch(pool) as held:
            await held.record(actor="t", operation="create_act", payload=_payload(4, 1))
            with pytest.raises(Conflict):
                async with held.part():
                    await held.record(actor="t", operation="create_act", payload=_payload(4, 2))
                    await held.record(actor="t", operation="create_act", payload=_payload(4, 1))  # the same act
            await held.record(actor="t", operation="create_act", payload=_payload(4, 3))
        with pytest.raises(RuntimeError):
            async with batch(pool) as held:  # a batch that raises is rolled back whole
                await held.record(actor="t", operation="create_act", payload=_payload(4, 4))
                raise RuntimeError("interrupted")
        entries = [entry_from_row(r) for r in await pool.fetch(q("ledger_range"), 0, 100)]
        numbers = [r["number"] for r in await pool.fetch("SELECT number FROM acts ORDER BY recorded_seq")]
    finally:
        await pool.close()
    assert [e.seq for e in entries] == [1, 2] and verify_chain(entries) is None
    assert numbers == ["4-1", "4-3"]



def _relation(i: int, source: str, target: str) -> dict[str, object]:
    return {"relation": {"id": f"01JREL{i:04d}".ljust(26, "0"), "type": "amends", "source_act": source,
                         "source_unit": None, "target_act": target, "target_unit": "art_1",
                         "effective_date": f"2021-0{i}-01", "effective_rule": None, "effective_earliest": None,
                         "effective_latest": None, "ends_on": None, "basis": "stated", "note": f"relation {i}"}}


async def _projected(pool: asyncpg.Pool) -> dict[str, list[tuple[object, ...]]]:
    return {table: [tuple(r) for r in await pool.fetch(f"SELECT * FROM {table} ORDER BY 1, 2")]
            for table in ("acts", "act_aliases", "relations", "ledger_acts")}


async def test_a_batch_projects_what_one_write_at_a_time_projects(database: str, server_dsn: str,
                                                                 template_db: str) -> None:
    """In a batch, an act's and a relation's projections go in the statement that appends the entry; the rows
    are those the write commands, one transaction each, leave."""
    acts = [_payload(7, i) for i in range(4)]
    for i, act in enumerate(acts):
        fields = act["act"]
        assert isinstance(fields, dict)
        fields["akn_uri"] = f"/akn/kz/act/decree/2020/7-{i}" if i % 2 else None
        fields["external_ids"] = [f"legalize:7-{i}", f"adilet:7-{i}"][:i % 3]
    ids = [act["act"]["id"] for act in acts]  # type: ignore[index]
    payloads = [("create_act", act) for act in acts] + [("add_relation", _relation(i, ids[i], ids[0]))
                                                        for i in range(1, 4)]
    batched = await create_pool(database)
    try:
        async with batch(batched) as held:
            for operation, payload in payloads:
                await held.record(actor="t", operation=operation, payload=payload)
        async with fresh_database(server_dsn, template_db) as other:
            single = await create_pool(other)
            try:
                for operation, payload in payloads:
                    await record(single, actor="t", operation=operation, payload=payload)
                expected = await _projected(single)
            finally:
                await single.close()
        got = await _projected(batched)
    finally:
        await batched.close()
    assert got == expected
    assert [len(got[t]) for t in ("acts", "act_aliases", "relations")] == [4, 5, 3]
