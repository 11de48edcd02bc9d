"""The unit history engine against a real PostgreSQL, through the write commands: storage stays proportional
to what changes (counted with SQL), amendments recorded in any order give the same history as in date order,
and replaying the ledger's payloads into an empty database rebuilds the same tables."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service import commands
from service.api.acts import parse_act
from service.api.amendments import parse_amendment
from service.api.editions import parse_edition
from service.api.relations import parse_relation
from service.domain.ledger import LedgerEntry
from service.store import history, projections
from service.store.db import LATEST, create_pool
from tests.conftest import with_database

D = timedelta(days=1)
LANGS = ("kk", "ru")
SERIAL = itertools.count(1)  # act numbers unique across examples (hypothesis seeds `random`)


@pytest_asyncio.fixture(loop_scope="session")
async def pool(database: str) -> AsyncIterator[asyncpg.Pool]:
    p = await create_pool(database, min_size=1, max_size=4)
    try:
        yield p
    finally:
        await p.close()


async def new_act(pool: asyncpg.Pool, number: str) -> str:
    act = parse_act({"jurisdiction": "kz", "type": "law", "number": number, "adopted_on": "2010-01-01",
                     "titles": {"ru": f"Закон № {number}", "kk": f"Заң № {number}"},
                     "entry_into_force": {"date": "2010-01-01"}})
    await commands.create_act(pool, actor="test", act=act)
    return act.id


def expressions(texts: dict[str, list[str]]) -> dict[str, Any]:
    return {lang: {"units": [{"eId": f"point_{i}", "kind": "point", "num": str(i), "text": x}
                             for i, x in enumerate(words, 1)]} for lang, words in texts.items()}


async def edition(pool: asyncpg.Pool, act: str, day: str, texts: dict[str, list[str]]) -> None:
    await commands.add_edition(pool, actor="test", edition=parse_edition(act, {"valid_from": day,
                                                                              "expressions": expressions(texts)}))


async def amend(pool: asyncpg.Pool, act: str, body: dict[str, Any]) -> LedgerEntry:
    return await commands.amend_units(pool, actor="test", request=parse_amendment(act, body))


async def per_language(conn: asyncpg.Connection, sql: str, *args: Any) -> dict[str, int]:
    return {r["lang"]: r["n"] for r in await conn.fetch(sql, *args)}


# ---- storage --------------------------------------------------------------------------------------------------

UNITS, EDITIONS = 200, 50


def _words(lang: str, unit: int, version: int) -> str:
    return f"{lang}: пункт {unit}, редакция {version}."


@pytest.mark.parametrize("how", ["full editions", "amendments"])
async def test_fifty_editions_of_a_200_unit_act_store_what_changed(pool: asyncpg.Pool, owner: asyncpg.Connection,
                                                                   how: str) -> None:
    act = await new_act(pool, "200")
    amending = await new_act(pool, "201")
    current = {lang: [_words(lang, i, 0) for i in range(1, UNITS + 1)] for lang in LANGS}
    await edition(pool, act, "2010-01-01", current)
    for n in range(1, EDITIONS + 1):
        unit = (n * 37) % UNITS  # a different unit each time, spread over the act
        day = (date(2010, 1, 1) + n * 30 * D).isoformat()
        for lang in LANGS:
            current[lang][unit] = _words(lang, unit + 1, n)
        if how == "full editions":
            await edition(pool, act, day, current)
        else:
            await amend(pool, act, {"amending_act": amending, "effective_date": day, "operations": [
                {"op": "replace", "unit": f"point_{unit + 1}", "texts": {lang: current[lang][unit] for lang in LANGS}}]})
    versions = await per_language(owner, "SELECT lang, count(*) AS n FROM unit_versions WHERE act_id = $1 "
                                         "GROUP BY lang", act)
    assert versions == {lang: UNITS + EDITIONS for lang in LANGS}, "about 250 per language, not 10,000"
    texts = await owner.fetchval("SELECT count(*) FROM texts")
    assert texts == (UNITS + EDITIONS) * len(LANGS)
    assert await owner.fetchval("SELECT count(*) FROM editions WHERE act_id = $1", act) == EDITIONS + 1
    structures = await owner.fetchval("SELECT count(*) FROM expression_structures WHERE act_id = $1", act)
    assert structures == len(LANGS), "the structure never changed: one row per language"
    last = await history.states_at(pool, act_id=act, day=date(2030, 1, 1), as_of=LATEST)
    bodies = {r["sha256"]: r["body"] for r in await owner.fetch("SELECT sha256, body FROM texts")}
    for lang in LANGS:
        assert [bodies[last[lang].units[w].sha256] for w in last[lang].wids] == current[lang]  # type: ignore[index]


# ---- any recording order ----------------------------------------------------------------------------------------

BASE = 6  # points of the original text


@st.composite
def amendment_sets(draw: st.DrawFn) -> tuple[list[tuple[date, list[dict[str, Any]]]], list[int]]:
    """Amendments on distinct days that stay valid whatever order they are recorded in: a unit is only
    changed before the day it is repealed, new eIds are fresh, inserted units are not named again."""
    days = sorted(draw(st.sets(st.integers(1, 2000), min_size=2, max_size=6)))
    repeal_day = {u: draw(st.sampled_from([None, *days])) for u in range(1, BASE + 1)}
    found = []
    for k, n in enumerate(days):
        ops: list[dict[str, Any]] = []
        for _ in range(draw(st.integers(1, 3))):
            u = draw(st.integers(1, BASE))
            kind = draw(st.sampled_from(["replace", "replace", "insert", "renumber", "suspend"]))
            alive = repeal_day[u] is None or n < repeal_day[u]
            if kind == "insert":
                ops.append({"op": "insert", "kind": "point", "num": f"{u}-{k}-{len(ops)}", "after": f"point_{u}",
                            "wId": f"new_{k}-{len(ops)}", "texts": {"ru": f"вставка {k} {len(ops)}"}})
            elif alive and not any(o.get("unit") == f"point_{u}" for o in ops):
                ops.append({"op": "replace", "unit": f"point_{u}",
                            "texts": {lang: f"{lang} {u} на день {n}" for lang in LANGS}} if kind == "replace" else
                           {"op": "renumber", "unit": f"point_{u}", "eId": f"point_{u}-r{k}"} if kind == "renumber"
                           else {"op": "suspend", "unit": f"point_{u}", "until": (date(2011, 1, 1) + (n + 5) * D)
                                 .isoformat()})
        ops += [{"op": "repeal", "unit": f"point_{u}"} for u, d in repeal_day.items() if d == n]
        if ops:
            found.append((date(2011, 1, 1) + n * D, ops))
    order = draw(st.permutations(range(len(found))))
    return found, list(order)


def _signature(states: dict[str, Any], labels: dict[str | None, str | None]) -> dict[str, Any]:
    return {lang: [(w, s.units[w].content(), s.units[w].source_act, labels.get(s.units[w].amendment))
                   for w in s.wids] for lang, s in states.items()}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(amendment_sets())
async def test_any_recording_order_gives_the_history_of_date_order(
        pool: asyncpg.Pool, case: tuple[list[tuple[date, list[dict[str, Any]]]], list[int]]) -> None:
    found, order = case
    amending = await new_act(pool, f"a-{next(SERIAL)}")
    laws = {}
    labels: dict[str | None, str | None] = {None: None}
    for name, sequence in (("dated", list(range(len(found)))), ("shuffled", order)):
        law = await new_act(pool, f"{name}-{next(SERIAL)}")
        await edition(pool, law, "2010-01-01", {lang: [f"{lang} {u}" for u in range(1, BASE + 1)] for lang in LANGS})
        for i in sequence:
            day, ops = found[i]
            entry = await amend(pool, law, {"amending_act": amending, "effective_date": day.isoformat(),
                                            "operations": ops})
            labels[entry.payload["amendment"]["id"]] = f"amendment {i}"
        laws[name] = law
    check = sorted({d for day, _ in found for d in (day - D, day)} | {date(2030, 1, 1)})
    for day in check:
        dated = await history.states_at(pool, act_id=laws["dated"], day=day, as_of=LATEST)
        shuffled = await history.states_at(pool, act_id=laws["shuffled"], day=day, as_of=LATEST)
        assert _signature(shuffled, labels) == _signature(dated, labels), day
    editions = {}
    for name, law in laws.items():
        rows = await pool.fetch("SELECT valid_from, source_acts, text_completeness FROM editions "
                                "WHERE act_id = $1 AND superseded_seq IS NULL ORDER BY valid_from", law)
        editions[name] = [tuple(r) for r in rows]
    assert editions["dated"] == editions["shuffled"]


# ---- replaying the ledger ----------------------------------------------------------------------------------------

PROJECTED = {
    "acts": "id, jurisdiction, type, number, adopted_on, titles, recorded_seq, superseded_seq",
    "editions": "act_id, valid_from, source_acts, languages, text_completeness, note, origin, amendments, "
                "recorded_seq, superseded_seq",
    "expression_structures": "act_id, lang, valid_from, wids, recorded_seq, superseded_seq",
    "unit_versions": "act_id, lang, wid, eid, kind, num, heading, text_sha256, text_available, repealed, valid_from, "
                     "source_act, amendment_id, recorded_seq, superseded_seq",
    "relations": "id, type, source_act, target_act, target_unit, target_wid, effective_date, ends_on, "
                 "commenced_amendment, recorded_seq, superseded_seq",
    "amendments": "id, act_id, effective_date, operations, flags, commenced_by, recorded_seq, superseded_seq",
}


async def _tables(conn: asyncpg.Connection) -> dict[str, list[tuple[Any, ...]]]:
    return {t: sorted((tuple(r) for r in await conn.fetch(f"SELECT {cols} FROM {t}")), key=repr)
            for t, cols in PROJECTED.items()}


async def test_replaying_the_ledger_rebuilds_the_same_tables(pool: asyncpg.Pool, owner: asyncpg.Connection,
                                                            server_dsn: str, template_db: str) -> None:
    law = await new_act(pool, "1")
    amending = await new_act(pool, "2")
    await edition(pool, law, "2010-01-01", {"ru": ["один", "два", "три"], "kk": ["бір", "екі", "үш"]})
    await edition(pool, law, "2016-01-01", {"ru": ["один", "два 2016", "три"], "kk": ["бір", "екі 2016", "үш"]})
    await amend(pool, law, {"amending_act": amending, "effective_date": "2014-01-01", "operations": [
        {"op": "insert", "kind": "point", "num": "2-1", "after": "point_2", "texts": {"ru": "два-один"}},
        {"op": "suspend", "unit": "point_3", "until": "2015-01-01"}]})
    pending = await amend(pool, law, {"amending_act": amending, "operations": [
        {"op": "replace", "unit": "point_1", "texts": {"ru": "один новый", "kk": "жаңа бір"}}]})
    await amend(pool, law, {"amending_act": amending, "effective_date": "2012-01-01", "operations": [
        {"op": "renumber", "unit": "point_3", "num": "4"}]})
    await edition(pool, law, "2013-01-01", {"ru": ["один 2013", "два", "три"], "kk": ["бір", "екі", "үш"]})
    await amend(pool, law, {"amending_act": amending, "effective_date": "2017-01-01", "operations": [
        {"op": "commence", "amendment": pending.payload["amendment"]["id"]}]})

    await owner.set_type_codec("jsonb", schema="pg_catalog", encoder=_json, decoder=_unjson)
    entries = [LedgerEntry(r["seq"], r["recorded_at"], r["actor"], r["operation"], r["payload"], r["prev_hash"],
                           r["hash"]) for r in await owner.fetch("SELECT * FROM ledger ORDER BY seq")]
    name = f"lextime_replay_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
        replica = await asyncpg.connect(with_database(server_dsn, name))
        try:
            await replica.set_type_codec("jsonb", schema="pg_catalog", encoder=_json, decoder=_unjson)
            await replica.executemany("INSERT INTO texts (sha256, body) VALUES ($1, $2)",
                                      [tuple(r) for r in await owner.fetch("SELECT sha256, body FROM texts")])
            for e in entries:
                async with replica.transaction():
                    await replica.execute("INSERT INTO ledger (seq, recorded_at, actor, operation, payload, prev_hash, "
                                          "hash) VALUES ($1, $2, $3, $4, $5, $6, $7)", e.seq, e.recorded_at, e.actor,
                                          e.operation, e.payload, e.prev_hash, e.hash)
                    await projections.apply(replica, e)
            assert await _tables(replica) == await _tables(owner)
        finally:
            await replica.close()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def _json(value: Any) -> str:
    import orjson

    return orjson.dumps(value).decode()


def _unjson(value: str) -> Any:
    import orjson

    return orjson.loads(value)


class _AlwaysFolds:
    """A connection on which every act seems to have a text history: history.plan then reads it all."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def fetchval(self, query: str, *args: Any) -> Any:
        if query == history.q("text_history_exists"):
            return True
        return await self.conn.fetchval(query, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)


async def test_an_act_without_a_text_history_is_planned_as_reading_it_would(pool: asyncpg.Pool) -> None:
    """The first edition's plan skips the reads of an empty history: the same plan as reading it, and only
    for an act whose structures, unit versions, editions and amendments are all empty."""
    act, other = await new_act(pool, "first-plan"), await new_act(pool, "other-plan")
    units = {"ru": [{"eid": f"point_{i}", "wid": f"point_{i}", "kind": "point", "num": str(i), "heading": None,
                     "text": None, "text_available": True, "sha256": "0" * 64} for i in range(1, 4)]}

    def first(states: history.States) -> history.States:
        from service.domain.expressions import state_from_units
        from service.domain.model import Unit

        return {**states, **{lang: state_from_units([Unit(**u) for u in us], states.get(lang), source_act=None)
                             for lang, us in units.items()}}

    async with pool.acquire() as conn:
        assert await conn.fetchval(history.q("text_history_exists"), act, LATEST) is False
        quick = await history.plan(conn, act_id=act, start=date(2010, 1, 1), first=first, new_languages={"ru"})
        read = await history.plan(_AlwaysFolds(conn), act_id=act, start=date(2010, 1, 1), first=first,  # type: ignore[arg-type]
                                  new_languages={"ru"})
    assert quick.first and not read.first
    assert (quick.targets, quick.recorded, quick.horizon) == (read.targets, read.recorded, read.horizon)

    await edition(pool, act, "2010-01-01", {"ru": ["один"]})
    await commands.add_relation(pool, actor="test", relation=parse_relation({
        "type": "amends", "source_act": other, "target_act": act, "effective_date": "2011-01-01"}))
    async with pool.acquire() as conn:
        assert await conn.fetchval(history.q("text_history_exists"), act, LATEST) is True
        assert await conn.fetchval(history.q("text_history_exists"), other, LATEST) is False  # a relation is no text
