"""Query plans of the point-in-time lookup: which scans the planner chooses, and how many shared buffers
one lookup touches (EXPLAIN (ANALYZE, BUFFERS)), so that growth of the corpus can be seen to cost nothing
per lookup."""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from datetime import date
from typing import Any

import asyncpg
import orjson

from service.store.db import LATEST
from service.store.queries import q

# The named queries one text answer runs, with their parameters.
LOOKUP_QUERIES = ("act_by_id", "relations_of_act", "editions_of_act", "expression_at")


def lookup_params(name: str, act_id: str, day: date, lang: str) -> tuple[Any, ...]:
    return {"act_by_id": (act_id, LATEST), "relations_of_act": (act_id, LATEST),
            "editions_of_act": (act_id, LATEST), "expression_at": (act_id, lang, day, LATEST)}[name]


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


async def explain(conn: asyncpg.Connection, sql: str, *params: Any, analyze: bool = True) -> dict[str, Any]:
    options = "ANALYZE, BUFFERS, FORMAT JSON" if analyze else "FORMAT JSON"
    raw = await conn.fetchval(f"EXPLAIN ({options}) {sql}", *params)
    doc = orjson.loads(raw) if isinstance(raw, str) else raw
    plan: dict[str, Any] = doc[0]["Plan"]
    return plan


def table_scans(plan: dict[str, Any]) -> dict[str, set[str]]:
    """The scan node types used on each table."""
    found: dict[str, set[str]] = {}
    for node in nodes(plan):
        if "Relation Name" in node:
            found.setdefault(node["Relation Name"], set()).add(node["Node Type"])
    return found


def buffers(plan: dict[str, Any]) -> int:
    return int(plan.get("Shared Hit Blocks", 0)) + int(plan.get("Shared Read Blocks", 0))


async def lookup_buffers(conn: asyncpg.Connection, lookups: list[tuple[str, date, str]]) -> dict[str, Any]:
    """Median shared buffers per lookup (all four queries), and the scans seen on each table."""
    per_lookup = []
    scans: dict[str, set[str]] = {}
    for act_id, day, lang in lookups:
        total = 0
        for name in LOOKUP_QUERIES:
            plan = await explain(conn, q(name), *lookup_params(name, act_id, day, lang))
            total += buffers(plan)
            for table, kinds in table_scans(plan).items():
                scans.setdefault(table, set()).update(kinds)
        per_lookup.append(total)
    return {"median_buffers": statistics.median(per_lookup) if per_lookup else 0,
            "scans": {t: sorted(k) for t, k in sorted(scans.items())}}
