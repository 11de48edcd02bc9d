"""The point-in-time lookups use index scans at 100k acts (EXPLAIN ANALYZE), and touch few buffers.

At a few hundred rows the planner rightly reads whole tables; what matters is that at corpus size it
does not. The 100k acts (300k editions and structures, 1.4M unit versions, 600k texts, 100k relations
and aliases, 100k ledger entries) are made with generate_series in SQL, not with the benchmark's corpus loader: the
plans depend on the tables' sizes and on how the keys spread, which this gives in seconds, while the
realistic corpus at 100k takes minutes and gigabytes (the benchmark checks plans and buffers on that one
too: bench/plans.py). Texts are short and only two units in ten have one: no lookup plan depends on more.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import asyncpg
import pytest
import pytest_asyncio

from bench.plans import LOOKUP_QUERIES, buffers, explain, lookup_params, nodes
from service.store.db import LATEST
from service.store.queries import q

pytestmark = pytest.mark.slow

ACTS = 100_000
FILL = f"""
INSERT INTO ledger (seq, recorded_at, actor, operation, payload, prev_hash, hash)
SELECT g, now(), 'plans', 'create_act',
       jsonb_build_object('act', jsonb_build_object('id', 'A' || lpad(g::text, 25, '0'))),
       lpad(to_hex(g - 1), 64, '0'), lpad(to_hex(g), 64, '0')
FROM generate_series(1, {ACTS}) g;
INSERT INTO acts (id, jurisdiction, type, number, adopted_on, titles, languages, eif_date, recorded_seq)
SELECT 'A' || lpad(g::text, 25, '0'), 'kz', 'decree', g::text, date '1995-01-01' + g % 10000,
       '{{"ru": "x"}}', '{{ru}}', date '1995-01-01' + g % 10000, g
FROM generate_series(1, {ACTS}) g;
INSERT INTO act_aliases (alias, kind, act_id, recorded_seq)
SELECT 'SYN' || g, 'external', 'A' || lpad(g::text, 25, '0'), g FROM generate_series(1, {ACTS}) g;
INSERT INTO editions (act_id, valid_from, languages, text_completeness, recorded_seq)
SELECT a.id, a.adopted_on + e * 400, '{{ru}}', 'none', a.recorded_seq FROM acts a, generate_series(0, 2) e;
INSERT INTO expression_structures (act_id, lang, valid_from, wids, recorded_seq)
SELECT act_id, 'ru', valid_from, ARRAY(SELECT 'art_' || k FROM generate_series(1, 10) k), recorded_seq FROM editions;
INSERT INTO texts (sha256, body)
SELECT encode(sha256(convert_to(e.act_id || e.valid_from || k, 'UTF8')), 'hex'), 'Статья art_' || k
FROM editions e, generate_series(1, 2) k;
INSERT INTO unit_versions (act_id, lang, wid, eid, kind, text_available, text_sha256, valid_from, recorded_seq)
SELECT e.act_id, 'ru', 'art_' || k, 'art_' || k, 'article', k <= 2,
       CASE WHEN k <= 2 THEN encode(sha256(convert_to(e.act_id || e.valid_from || k, 'UTF8')), 'hex') END,
       e.valid_from, e.recorded_seq
FROM editions e, generate_series(1, 10) k
WHERE e.valid_from = (SELECT min(valid_from) FROM editions f WHERE f.act_id = e.act_id) OR k <= 2;
INSERT INTO unit_versions (act_id, lang, wid, eid, kind, text_available, valid_from, recorded_seq)
SELECT e.act_id, 'ru', 'art_10', 'art_11', 'article', false, e.valid_from + 1, e.recorded_seq
FROM editions e WHERE e.act_id LIKE '%1';
INSERT INTO relations (id, type, source_act, target_act, effective_date, basis, recorded_seq)
SELECT 'R' || g, 'amends', 'A' || lpad(g::text, 25, '0'), 'A' || lpad((g * 7919 % {ACTS} + 1)::text, 25, '0'),
       date '2001-01-01' + g % 5000, 'stated', g
FROM generate_series(1, {ACTS}) g;
ANALYZE;
"""
INDEXED = {"Index Scan", "Index Only Scan", "Bitmap Index Scan", "Bitmap Heap Scan"}
ACT = "A" + "54321".rjust(25, "0")


@pytest_asyncio.fixture(loop_scope="session")
async def large(database: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(database)
    try:
        await conn.execute(FILL)
        yield conn
    finally:
        await conn.close()


def _scans(plan: dict[str, Any]) -> list[tuple[str, str]]:
    return [(n["Relation Name"], n["Node Type"]) for n in nodes(plan) if "Relation Name" in n]


async def _plans(conn: asyncpg.Connection) -> dict[str, dict[str, Any]]:
    day = date(2000, 6, 1)
    out = {name: await explain(conn, q(name), *lookup_params(name, ACT, day, "ru")) for name in LOOKUP_QUERIES}
    out["act_id_by_alias"] = await explain(conn, q("act_id_by_alias"), "SYN54321", LATEST)
    out["act_entry"] = await explain(conn, q("act_entry"), ACT, LATEST)
    out["ledger_changes_since"] = await explain(conn, q("ledger_changes_since"), ACTS - 3, 1001)
    # eIds: a unit's own (its wId) and one it was renumbered to, read through both unit indexes.
    out["unit_rows_by_eid"] = await explain(conn, q("unit_rows_by_eid"), ACT, "art_11", LATEST)
    out["units_with_eids_at"] = await explain(conn, q("units_with_eids_at"), ACT, ["art_2", "art_11"], day, LATEST)
    return out


async def test_point_in_time_lookups_use_index_scans_at_100k_acts(large: asyncpg.Connection) -> None:
    assert await large.fetchval("SELECT count(*) FROM acts") == ACTS
    for name, plan in (await _plans(large)).items():
        scans = _scans(plan)
        assert scans, name
        for table, kind in scans:
            assert kind in INDEXED, f"{name} reads {table} by {kind}"
        # A lookup touches the few pages of one act, not a share of the tables.
        assert buffers(plan) < 120, f"{name} touched {buffers(plan)} buffers"
    # The plans are of queries that answer: the units in force on the day, in document order.
    rows = await large.fetch(q("expression_at"), ACT, "ru", date(2100, 1, 1), LATEST)
    assert [r["wid"] for r in rows] == [f"art_{k}" for k in range(1, 11)]
    first = await large.fetchval("SELECT min(valid_from) FROM editions WHERE act_id = $1", ACT)
    latest = await large.fetch(q("unit_versions_at"), ACT, "ru", date(2100, 1, 1), LATEST)
    assert first is not None and len(latest) == 10
    assert [r["text"] for r in rows[:3]] == ["Статья art_1", "Статья art_2", None]
    # art_10 of every act whose id ends in 1 became art_11 a day after each edition; no unit's wId is art_11.
    renumbered = await large.fetch(q("unit_rows_by_eid"), ACT, "art_11", LATEST)
    assert [(r["wid"], r["valid_from"]) for r in renumbered] == [("art_10", first + timedelta(days=1 + 400 * e))
                                                                for e in range(3)]
    assert [(r["wid"], r["valid_from"]) for r in await large.fetch(q("unit_rows_by_eid"), ACT, "art_2", LATEST)] == [
        ("art_2", first + timedelta(days=400 * e)) for e in range(3)]
    at = await large.fetch(q("units_with_eids_at"), ACT, ["art_2", "art_10", "art_11"], first + timedelta(days=1), LATEST)
    assert sorted((r["wid"], r["eid"]) for r in at) == [("art_10", "art_11"), ("art_2", "art_2")]
