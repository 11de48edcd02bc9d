"""Imports over time: versions of one document in either order, an import after a hand-entered edition,
an act known by reference completed by its own document, concurrent imports, and a mirror that replays
the ledger and rebuilds the same tables."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import asyncpg
import orjson

from service.domain.ledger import LedgerEntry
from service.importer.adilet import import_document
from service.store import projections
from service.store.db import create_pool
from service.store.ledger import entry_from_row
from tests.conftest import Api, fresh_database
from tests.test_openapi import conforms

from .conftest import act_by_citation, ledger_size, post_document, sample_bytes
from .documents import DECREE_KK, ORDER_RU, law_text

ART_2_V1 = "Реестр ведется уполномоченным органом."
ART_2_V2 = "Реестр ведется уполномоченным органом в электронной форме."


async def _art_2(api: Api, act: str, day: str) -> dict[str, Any]:
    answer = conforms(await api.get(f"/v1/acts/{act}/text", params={"date": day, "lang": "ru"}))
    return next(u for u in answer["units"] if u["eId"] == "art_2")


async def _entry(api: Api, seq: int) -> dict[str, Any]:
    conn = await asyncpg.connect(api.dsn)
    try:
        return orjson.loads(await conn.fetchval("SELECT payload FROM ledger WHERE seq = $1", seq))  # type: ignore[no-any-return]
    finally:
        await conn.close()


async def test_a_newer_version_adds_only_what_is_new(api: Api) -> None:
    first = conforms(await post_document(api, law_text(1)))
    assert first["counts"]["editions_created"] == 1 and first["counts"]["relations_created"] == 0
    second = conforms(await post_document(api, law_text(2)))
    assert second["act"] == first["act"] and second["seq"] == 2
    assert second["editions_created"] == [{"valid_from": "2022-03-01", "text_completeness": "full", "derived": False}]
    assert second["editions_revised"] == []  # the derived 2020 edition does not overwrite the recorded words
    assert {r["type"] for r in second["relations_created"]} == {"amends", "repeals"}
    payload = await _entry(api, 2)
    ops = [f["op"] for f in payload["facts"]]
    assert ops == ["create_act", "create_act", "add_edition", "add_relation", "add_relation"]
    assert (await _art_2(api, first["act"], "2021-01-01"))["text"] == ART_2_V1
    assert (await _art_2(api, first["act"], "2022-03-01"))["text"] == ART_2_V2
    assert conforms(await post_document(api, law_text(1)))["unchanged"] is True
    assert conforms(await post_document(api, law_text(2)))["unchanged"] is True
    assert await ledger_size(api) == 2


async def test_an_older_version_fills_what_the_newer_one_did_not_carry(api: Api) -> None:
    newer = conforms(await post_document(api, law_text(2)))
    assert (await _art_2(api, newer["act"], "2021-01-01"))["text_available"] is False
    older = conforms(await post_document(api, law_text(1)))
    assert older["act"] == newer["act"]
    assert older["editions_revised"] == [{"valid_from": "2020-01-01", "text_completeness": "full", "derived": False}]
    assert older["editions_created"] == [] and older["counts"]["relations_created"] == 0
    assert (await _art_2(api, newer["act"], "2021-01-01"))["text"] == ART_2_V1
    # The later edition keeps its own wording: the edition recorded again does not leak into it.
    assert (await _art_2(api, newer["act"], "2022-03-01"))["text"] == ART_2_V2
    editions = conforms(await api.get(f"/v1/acts/{newer['act']}/editions"))["items"]
    assert [(e["valid_from"], e["text_completeness"]) for e in editions] == [("2020-01-01", "full"),
                                                                              ("2022-03-01", "full")]
    assert editions[0]["source"]["sha256"] == older["source"]["sha256"]
    assert editions[1]["source"]["sha256"] == newer["source"]["sha256"]


async def test_the_2019_text_after_a_hand_entered_2015_edition_makes_one_act(api: Api) -> None:
    act = await api.post("/v1/acts", {
        "jurisdiction": "kz", "type": "decree", "number": "148", "adopted_on": "2015-12-28",
        "titles": {"ru": "Об утверждении Концепции развития Ассамблеи народа Казахстана (до 2025 года)"},
        "entry_into_force": {"date": "2015-12-28"}})
    assert act.status_code == 201
    d148 = act.json()["id"]
    units = [{"eId": "point_1", "kind": "point", "num": "1", "text": "Утвердить прилагаемую Концепцию."},
             {"eId": "att_1", "kind": "annex", "num": "1", "text": "Концепция в редакции 2015 года."}]
    r = await api.post(f"/v1/acts/{d148}/editions", {"valid_from": "2015-12-28", "expressions": {"ru": {"units": units}}})
    assert r.status_code == 201
    summary = conforms(await post_document(api, sample_bytes()))
    assert summary["act"] == d148
    assert summary["acts_revised"] == [{"id": d148, "type": "decree", "number": "148", "adopted_on": "2015-12-28",
                                        "akn_uri": "/akn/kz/act/decree/2015-12-28/148"}]
    assert summary["editions_created"] == [{"valid_from": "2019-01-09", "text_completeness": "full", "derived": False}]
    decrees = conforms(await api.get("/v1/acts", params={"type": "decree", "number": "148"}))["items"]
    assert [a["id"] for a in decrees] == [d148]
    merged = conforms(await api.get(f"/v1/acts/{d148}"))
    assert set(merged["titles"]) == {"kk", "ru"} and merged["languages"] == ["ru", "kk"]
    assert merged["entry_into_force"]["rule"] == "Настоящий Указ вводится в действие со дня его подписания."
    before = conforms(await api.get(f"/v1/acts/{d148}/text", params={"date": "2016-06-01", "lang": "ru"}))
    assert [u["text"] for u in before["units"]] == ["Утвердить прилагаемую Концепцию.", "Концепция в редакции 2015 года."]
    after = conforms(await api.get(f"/v1/acts/{d148}/text", params={"date": "2019-06-01", "lang": "ru"}))
    assert len(after["units"]) == 159 and after["edition"]["source_acts"]


async def test_an_act_known_by_reference_is_completed_by_its_own_document(api: Api) -> None:
    await post_document(api, sample_bytes())
    by_reference = await act_by_citation(api, "Указ Президента РК от 15.09.2022 № 1014")
    own = "\n".join([
        "О признании утратившими силу некоторых указов Президента Республики Казахстан",
        "",
        "Указ Президента Республики Казахстан от 15 сентября 2022 года № 1014.",
        "",
        "\u00a0" * 5 + " 1. Признать утратившим силу Указ Президента Республики Казахстан от 28 декабря 2015 года "
                       "№ 148 \"Об утверждении Концепции развития Ассамблеи народа Казахстана (до 2025 года)\".",
        "",
        "\u00a0" * 5 + " 2. Настоящий Указ вводится в действие со дня его подписания.",
    ])
    summary = conforms(await post_document(api, own))
    assert summary["act"] == by_reference["id"]
    assert [a["id"] for a in summary["acts_revised"]] == [by_reference["id"]]
    assert summary["acts_created"] == []
    act = conforms(await api.get(f"/v1/acts/{by_reference['id']}"))
    assert act["titles"]["ru"] == "О признании утратившими силу некоторых указов Президента Республики Казахстан"
    # The document has no Kazakh block: the Kazakh designation the citation gave stays, it is no title.
    assert act["titles"]["kk"] == "Қазақстан Республикасы Президентінің 2022 жылғы 15 қыркүйектегі № 1014 Жарлығы"
    assert act["entry_into_force"]["date"] == "2022-09-15"
    # The repeal stated by 1014's own point 1 replaces the one dated by convention from 148's footnote.
    assert [r["type"] for r in summary["relations_revised"]] == ["repeals"]
    d148 = (await act_by_citation(api, "Указ Президента РК от 28.12.2015 № 148"))["id"]
    repeals = [x for x in conforms(await api.get(f"/v1/acts/{d148}/relations"))["items"] if x["label"] == "repealed_by"]
    assert [(x["source_unit"], x["basis"], x["effective_date"]) for x in repeals] == [("point_1", "stated", "2022-09-15")]
    assert len(conforms(await api.get("/v1/acts", params={"number": "1014"}))["items"]) == 1


async def test_concurrent_imports_record_a_cited_act_once(api: Api) -> None:
    pool = await create_pool(api.dsn, min_size=2, max_size=4)
    try:
        first, second = await asyncio.gather(
            import_document(pool, data=ORDER_RU.encode(), actor="a"),
            import_document(pool, data=ORDER_RU.replace("№ 30", "№ 31").encode(), actor="b"))
    finally:
        await pool.close()
    assert {first.seq, second.seq} == {1, 2} and first.plan.act_id != second.plan.act_id
    r = await api.get("/v1/acts", params={"number": "400"})
    assert len(r.json()["items"]) == 1


TABLES = {"acts": "id, recorded_seq", "act_aliases": "alias, recorded_seq", "editions": "act_id, valid_from, recorded_seq",
          "expression_structures": "act_id, lang, valid_from, recorded_seq",
          "unit_versions": "act_id, lang, wid, valid_from, recorded_seq", "relations": "id, recorded_seq",
          "fact_sources": "fact, act_id, valid_from, relation_id, recorded_seq"}


async def _tables(conn: asyncpg.Connection) -> dict[str, list[dict[str, Any]]]:
    out = {}
    for table, order in TABLES.items():
        rows = await conn.fetch(f"SELECT * FROM {table} ORDER BY {order}")
        out[table] = [{k: v for k, v in dict(r).items() if k != "row_id"} for r in rows]
    return out


async def _replay(entries: list[LedgerEntry], texts: list[asyncpg.Record], sources: list[asyncpg.Record],
                  dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            await conn.executemany("INSERT INTO texts (sha256, body) VALUES ($1, $2)", [tuple(t) for t in texts])
            await conn.executemany("INSERT INTO sources (sha256, body, media_type, name, retrieved_at) "
                                   "VALUES ($1, $2, $3, $4, $5)", [tuple(s) for s in sources])
        await conn.set_type_codec("jsonb", schema="pg_catalog", encoder=lambda v: orjson.dumps(v).decode(),
                                  decoder=orjson.loads)
        for e in entries:
            async with conn.transaction():
                await conn.execute("INSERT INTO ledger (seq, recorded_at, actor, operation, payload, prev_hash, hash) "
                                   "VALUES ($1, $2, $3, $4, $5, $6, $7)", e.seq, e.recorded_at, e.actor, e.operation,
                                   e.payload, e.prev_hash, e.hash)
                await projections.apply(conn, e)
    finally:
        await conn.close()


@dataclass
class Replay:
    entries: list[LedgerEntry]
    original: dict[str, list[dict[str, Any]]]
    rebuilt: dict[str, list[dict[str, Any]]]


async def replay_into_a_mirror(dsn: str, server_dsn: str, template_db: str) -> Replay:
    """The ledger, texts and sources of `dsn` replayed entry by entry into a new database: the projection tables
    of both, to compare."""
    pool = await create_pool(dsn, min_size=1, max_size=1)
    try:
        entries = [entry_from_row(r) for r in await pool.fetch("SELECT * FROM ledger ORDER BY seq")]
        texts = await pool.fetch("SELECT sha256, body FROM texts")
        sources = await pool.fetch("SELECT sha256, body, media_type, name, retrieved_at FROM sources")
    finally:
        await pool.close()
    async with fresh_database(server_dsn, template_db) as mirror:
        await _replay(entries, texts, sources, mirror)
        original, rebuilt = await _tables_of(dsn), await _tables_of(mirror)
    return Replay(entries, original, rebuilt)


async def _tables_of(dsn: str) -> dict[str, list[dict[str, Any]]]:
    conn = await asyncpg.connect(dsn)  # no codecs: both sides read jsonb the same way
    try:
        return await _tables(conn)
    finally:
        await conn.close()


async def test_a_mirror_replaying_the_ledger_rebuilds_the_same_tables(api: Api, server_dsn: str,
                                                                     template_db: str) -> None:
    for document in (law_text(2), law_text(1), ORDER_RU, DECREE_KK):
        await post_document(api, document)
    await post_document(api, sample_bytes())
    replay = await replay_into_a_mirror(api.dsn, server_dsn, template_db)
    entries = replay.entries
    assert len(entries) == 5 and {e.operation for e in entries} == {"import_document"}
    # Editions derived from a document's text are written as that text less what they lack.
    assert any("derived_from" in f for e in entries for f in e.payload["facts"])
    for table in TABLES:
        assert replay.rebuilt[table] == replay.original[table], table
