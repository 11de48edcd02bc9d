"""The synthetic corpus: shaped as asked, deterministic, and bulk-loaded into exactly what the write path
would have made of the same ledger entries: the chain verifies (RFC 8785, the service's verifier), the
projection tables equal those written entry by entry by service.store.projections.apply, and the
service answers the same from both databases."""

from __future__ import annotations

import random
import statistics
from collections.abc import AsyncIterator
from datetime import date

import asyncpg
import httpx
import orjson
import pytest
import pytest_asyncio
from hypothesis import given
from hypothesis import strategies as st

from bench import corpus, synth
from service.domain.ledger import verify_chain
from service.domain.model import Act, Relation, Unit
from service.domain.records import new_id, relation_payload
from service.domain.texts import normalise_text, text_sha256
from service.store import projections
from service.store.db import init_connection
from service.store.keys import insert_key
from service.store.ledger import entry_from_row, record_in
from service.store.queries import q
from tests.conftest import fresh_database, start_server

SIZE = 40
SEED = 3
TABLES = {t: c for t, c in synth.COLUMNS.items() if t not in ("ledger", "texts")}


def test_shape_is_skewed_as_real_corpora() -> None:
    plans = [synth.plan_act(i, 2000, SEED) for i in range(600)]
    units = [len(p.editions[0][2][p.act.languages[0]]) for p in plans]
    editions = [len(p.editions) for p in plans]
    assert 15 <= statistics.median(units) <= 25 and max(units) <= 300 and max(units) >= 100
    assert 2 <= statistics.median(editions) <= 4 and max(editions) <= 40 and max(editions) >= 10
    assert sum(len(p.act.languages) == 2 for p in plans) > 450  # bilingual, mostly
    kinds = {r.type for p in plans for r in p.relations}
    assert kinds == {"amends", "repeals", "cites"}


def test_the_same_seed_gives_the_same_act_at_any_size() -> None:
    a, b = synth.plan_act(7, 100, SEED), synth.plan_act(7, 100_000, SEED)
    assert a.act == b.act and [e[0] for e in a.editions] == [e[0] for e in b.editions]
    assert [e[2] for e in a.editions] == [e[2] for e in b.editions]
    assert synth.plan_act(7, 100, SEED + 1).act != a.act
    assert synth.act_only(7, SEED) == a.act


def test_texts_are_stored_normalised_under_their_hash() -> None:
    for p in (synth.plan_act(i, 50, SEED) for i in range(50)):
        for _, _, expressions in p.editions:
            for u in (u for units in expressions.values() for u in units if u.text_available):
                assert u.text == normalise_text(u.text) and u.sha256 == text_sha256(u.text)


@given(st.integers(min_value=1, max_value=10**9))
def test_sizes_round_trip(n: int) -> None:
    assert corpus.parse_size(corpus.size_label(n)) == n


@pytest.mark.parametrize("text", ["", "k", "-1", "10x", "1.5k", "0", "0k", "１０k"])
def test_bad_sizes_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        corpus.parse_size(text)


@pytest_asyncio.fixture(loop_scope="session")
async def replica(server_dsn: str, template_db: str) -> AsyncIterator[str]:
    """A second fresh database, for the entry-by-entry replay."""
    async with fresh_database(server_dsn, template_db) as dsn:
        yield dsn


async def _with_json(dsn: str) -> asyncpg.Connection:
    conn = await asyncpg.connect(dsn)
    await conn.set_type_codec("jsonb", schema="pg_catalog", encoder=lambda v: orjson.dumps(v).decode(),
                              decoder=orjson.loads)
    return conn


async def _replay(source: asyncpg.Connection, target: asyncpg.Connection) -> None:
    """Each entry as the write path records it: texts, the ledger row, then projections.apply."""
    texts = {r["sha256"]: r["body"] for r in await source.fetch("SELECT sha256, body FROM texts")}
    for row in await source.fetch("SELECT * FROM ledger ORDER BY seq"):
        entry = entry_from_row(row)
        async with target.transaction():
            if entry.operation == "add_edition":
                hashes = sorted({u["sha256"] for e in entry.payload["expressions"].values() for u in e["units"]
                                 if u["sha256"]})
                await target.execute(q("text_insert"), hashes, [texts[h] for h in hashes])
            await target.execute(q("ledger_insert"), entry.seq, entry.recorded_at, entry.actor, entry.operation,
                                 entry.payload, entry.prev_hash, entry.hash)
            await projections.apply(target, entry)


async def _table(conn: asyncpg.Connection, table: str, columns: tuple[str, ...]) -> list[tuple[object, ...]]:
    cols = ", ".join(f"{c}::text" for c in columns)
    return [tuple(r) for r in await conn.fetch(f"SELECT {cols} FROM {table} ORDER BY {cols}")]


async def test_bulk_load_equals_the_write_path(database: str, replica: str) -> None:
    bulk = await asyncpg.connect(database)
    try:
        entries = await corpus.load(bulk, SIZE, SEED)
    finally:
        await bulk.close()
    bulk, written = await _with_json(database), await _with_json(replica)
    try:
        assert await corpus.chain_check(bulk) is None
        rows = await bulk.fetch("SELECT * FROM ledger ORDER BY seq")
        assert len(rows) == entries and verify_chain([entry_from_row(r) for r in rows]) is None
        await _replay(bulk, written)
        for table, columns in TABLES.items():
            assert await _table(bulk, table, columns) == await _table(written, table, columns), table
        assert await _table(bulk, "texts", ("sha256", "body")) == await _table(written, "texts", ("sha256", "body"))
        # The status projection: derived in one pass after the bulk load, entry by entry on the write path.
        periods = ("act_id", "code", "since", "until", "recorded_seq", "superseded_seq")
        assert await _table(bulk, "status_periods", periods) == await _table(written, "status_periods", periods)
        assert await bulk.fetchval("SELECT count(*) FROM status_periods") >= SIZE
        assert await bulk.fetchval("SELECT seq FROM status_projection") == entries
        assert await corpus.integrity(bulk) is None
    finally:
        await bulk.close()
        await written.close()
    await _same_answers(database, replica)


async def _same_answers(one: str, other: str) -> None:
    rng = random.Random(5)
    servers = [await start_server(dsn) for dsn in (one, other)]
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            for _ in range(60):
                i = rng.randrange(SIZE)
                act = synth.act_only(i, SEED)
                day = date(1995 + rng.randrange(32), rng.randint(1, 12), rng.randint(1, 28)).isoformat()
                lang = rng.choice(act.languages)
                for path, params in ((f"/v1/acts/{act.id}/text", {"date": day, "lang": lang}),
                                     (f"/v1/acts/{act.id}/status", {"date": day}),
                                     (f"/v1/acts/{act.id}/editions", {})):
                    a, b = [await client.get(base + path, params=params) for _, _, base in servers]
                    assert a.status_code == b.status_code == 200, a.text
                    assert a.json() == b.json()
    finally:
        for server, task, _ in servers:
            server.should_exit = True
            await task


async def test_every_workload_gets_2xx_answers_from_the_bulk_loaded_corpus(database: str) -> None:
    """The requests each workload sends (its paths as in openapi.yaml) are answered 2xx, so that a load run
    measures answers, not refusals; the writes of the mixed workload with a key."""
    from bench import workloads as wl

    conn = await asyncpg.connect(database)
    try:
        await corpus.load(conn, SIZE, SEED)
        key = await insert_key(conn, name="bench-check")
    finally:
        await conn.close()
    server, task, base = await start_server(database)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            for w in wl.WORKLOADS:
                if w.build is None or wl.unavailable(w):
                    continue
                for r in w.build(wl.Sampler(SIZE, SEED, True, random.Random(1)), 25):
                    got = await client.request(r.method, r.path, content=r.body or None,
                                               headers={"Authorization": f"Bearer {key}",
                                                        "Content-Type": "application/json"})
                    assert 200 <= got.status_code < 300, (w.name, r.method, r.path, got.text[:300])
                    if w.name == "batch_text":
                        assert {o["status"] for o in got.json()["items"]} == {200}
    finally:
        server.should_exit = True
        await task


async def test_a_broken_chain_is_found(database: str) -> None:
    conn = await asyncpg.connect(database)
    try:
        await corpus.load(conn, 5, SEED)
        # Bypass the append-only trigger as the owner would have to, to simulate tampering.
        await conn.execute("ALTER TABLE ledger DISABLE TRIGGER ledger_append_only")
        await conn.execute("UPDATE ledger SET actor = 'someone else' WHERE seq = 3")
        assert await corpus.chain_check(conn) == "entry 3: hash does not match the entry's content"
    finally:
        await conn.close()


async def test_the_corpus_size_is_broken_down_by_table(database: str) -> None:
    conn = await asyncpg.connect(database)
    try:
        await corpus.load(conn, SIZE, SEED)
        counts = await corpus.sizes(conn)
        every = await conn.fetchval("SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                                    "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'")
    finally:
        await conn.close()
    tables = counts["tables"]
    assert counts["acts"] == SIZE and list(tables)[:1] == ["texts"]  # the texts are the largest share
    assert sum(t["data"] + t["indexes"] for t in tables.values()) == every <= counts["bytes"]
    assert tables["texts"]["indexes"] > 0 and tables["ledger"]["data"] > 0
    per_act = corpus.per_act(tables, SIZE, top=3)
    assert list(per_act) == [*list(tables)[:3], "rest"]
    assert abs(sum(t["data"] + t["indexes"] for t in per_act.values()) * SIZE - every) <= 2 * 4 * SIZE


def test_the_smaller_tables_are_summed_as_the_rest() -> None:
    tables = {"texts": {"data": 9000, "indexes": 1000}, "ledger": {"data": 400, "indexes": 100},
              "acts": {"data": 30, "indexes": 20}, "editions": {"data": 10, "indexes": 40}}
    assert corpus.per_act(tables, 10, top=2) == {"texts": {"data": 900, "indexes": 100},
                                                  "ledger": {"data": 40, "indexes": 10},
                                                  "rest": {"data": 4, "indexes": 6}}


def _edition_body(valid_from: date, amending: str | None,
                  expressions: dict[str, list[Unit]]) -> dict[str, object]:
    def unit(u: Unit) -> dict[str, object]:
        body: dict[str, object] = {"eId": u.eid, "wId": u.wid, "kind": u.kind, "num": u.num}
        return body | ({"text": u.text} if u.text_available else {"text_available": False})

    return {"valid_from": valid_from.isoformat(), "source_acts": [amending] if amending else [],
            "expressions": {lang: {"units": [unit(u) for u in units]} for lang, units in expressions.items()}}


def _act_body(a: Act) -> dict[str, object]:
    eif = a.entry_into_force
    return {"id": a.id, "jurisdiction": a.jurisdiction, "type": a.type, "number": a.number,
            "adopted_on": a.adopted_on.isoformat() if a.adopted_on else None, "issuing_body": a.issuing_body,
            "titles": a.titles, "languages": list(a.languages),
            "publication": {"date": a.publication_date.isoformat() if a.publication_date else None,
                            "source": a.publication_source},
            "entry_into_force": {"date": eif.date.isoformat() if eif.date else None, "rule": eif.rule},
            "external_ids": list(a.external_ids)}


def _without_relation_ids(value: object) -> object:
    """Relation ids are the service's to assign: the same facts written twice get different ones."""
    if isinstance(value, dict):
        return {k: None if k == "relation" else _without_relation_ids(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_relation_ids(v) for v in value]
    return value


async def test_bulk_load_answers_as_the_http_api_written_corpus(database: str, replica: str) -> None:
    """The same corpus written through the HTTP API (acts, editions, relations, one request each) answers
    as the bulk-loaded one: the loader does what the API does, parsing and normalising included."""
    size = 12
    bulk, api_written = await asyncpg.connect(database), await asyncpg.connect(replica)
    try:
        await corpus.load(bulk, size, SEED)
        key = await insert_key(api_written, name="check")
    finally:
        await bulk.close()
        await api_written.close()
    plans = [synth.plan_act(i, size, SEED) for i in range(size)]
    writer, task, base = await start_server(replica)
    auth = {"Authorization": f"Bearer {key}"}
    try:
        async with httpx.AsyncClient(base_url=base, timeout=60, headers=auth) as client:
            for p in plans:
                assert (await client.post("/v1/acts", json=_act_body(p.act))).status_code == 201
            for p in plans:
                for valid_from, amending, expressions in p.editions:
                    r = await client.post(f"/v1/acts/{p.act.id}/editions",
                                          json=_edition_body(valid_from, amending, expressions))
                    assert r.status_code == 201, r.text
                for rel in p.relations:
                    body = {"type": rel.type, "source_act": rel.source_act, "target_act": rel.target_act,
                            "effective_date": rel.effective_date.isoformat() if rel.effective_date else None,
                            "basis": rel.basis, "note": rel.note}
                    assert (await client.post("/v1/relations", json=body)).status_code == 201
    finally:
        writer.should_exit = True
        await task
    rng = random.Random(9)
    servers = [await start_server(dsn) for dsn in (database, replica)]
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            for p in plans:
                days = [e[0].isoformat() for e in p.editions] + [
                    date(1995 + rng.randrange(32), rng.randint(1, 12), 1).isoformat() for _ in range(3)]
                for day in days:
                    for lang in p.act.languages:
                        path, params = f"/v1/acts/{p.act.id}/text", {"date": day, "lang": lang}
                        a, b = [await client.get(s_base + path, params=params) for _, _, s_base in servers]
                        assert a.status_code == b.status_code == 200, a.text
                        assert _without_relation_ids(a.json()) == _without_relation_ids(b.json()), (p.act.id, day)
    finally:
        for server, task, _ in servers:
            server.should_exit = True
            await task


async def test_a_corpus_written_to_since_it_was_loaded_is_built_again(server_dsn: str) -> None:
    """A run's writes stay in the corpus; the next run must not measure a corpus that earlier runs grew."""
    size, seed = 12, 987_654  # a database name no real run uses
    try:
        first = await corpus.ensure(server_dsn, size, seed)
        assert not first.reused and first.entries > size
        again = await corpus.ensure(server_dsn, size, seed)
        assert again.reused and again.entries == first.entries and again.written_since_loaded == 0
        conn = await asyncpg.connect(first.dsn)
        await init_connection(conn)
        try:
            relations = await conn.fetchval("SELECT count(*) FROM relations")
            cites = Relation(new_id(), "cites", synth.act_id_of(0, seed), None, synth.act_id_of(1, seed), None,
                             None, None, None, None, None, "stated", "written as the mixed workload writes")
            async with conn.transaction():  # as the mixed workload writes through the API
                await record_in(conn, actor="bench", operation="add_relation", payload=relation_payload(cites))
        finally:
            await conn.close()
        rebuilt = await corpus.ensure(server_dsn, size, seed)
        assert not rebuilt.reused and rebuilt.written_since_loaded == 1 and rebuilt.entries == first.entries
        conn = await asyncpg.connect(rebuilt.dsn)
        try:
            assert await conn.fetchval("SELECT max(seq) FROM ledger") == first.entries
            assert await conn.fetchval("SELECT count(*) FROM relations") == relations
        finally:
            await conn.close()
        assert (await corpus.ensure(server_dsn, size, seed)).reused
    finally:
        admin = await asyncpg.connect(server_dsn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{corpus.database_name(size, seed)}" WITH (FORCE)')
        finally:
            await admin.close()
