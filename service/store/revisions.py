"""Projections of the facts an import adds beyond the API's three: a new version of an act, an edition
recorded again, a relation superseded, and the link from each fact to the source document it was read
from. Each closes the current row (superseded_seq) and leaves the insert to the ordinary applier."""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from service.store.queries import q


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


async def close_act(conn: asyncpg.Connection, *, act_id: str, seq: int) -> None:
    await conn.execute(q("act_close"), act_id, seq)


async def insert_act_row(conn: asyncpg.Connection, act: dict[str, Any], seq: int) -> None:
    """The act's row and any alias it does not have yet (its older aliases stay)."""
    eif = act.get("entry_into_force") or {}
    pub = act.get("publication") or {}
    await conn.execute(
        q("act_insert"), act["id"], act["jurisdiction"], act["type"], act.get("number"), _d(act.get("adopted_on")),
        act.get("issuing_body"), act["titles"], act["languages"], _d(pub.get("date")), pub.get("source"),
        _d(eif.get("date")), eif.get("rule"), _d(eif.get("earliest")), _d(act.get("expires_on")),
        act.get("akn_uri"), seq,
    )
    if act.get("akn_uri"):
        await conn.execute(q("alias_insert_missing"), act["akn_uri"], "akn", act["id"], seq)
    for external in act.get("external_ids", []):
        await conn.execute(q("alias_insert_missing"), external, "external", act["id"], seq)


async def close_edition(conn: asyncpg.Connection, *, act_id: str, valid_from: date, seq: int) -> None:
    """The edition starting on `valid_from`, its structures and unit versions, superseded."""
    for name in ("edition_close", "structures_close", "unit_versions_close_day"):
        await conn.execute(q(name), act_id, valid_from, seq)


async def close_relation(conn: asyncpg.Connection, *, relation_id: str, seq: int) -> None:
    await conn.execute(q("relation_close"), relation_id, seq)


async def link_source(
    conn: asyncpg.Connection, *, fact: str, act_id: str, sha256: str, lines: dict[str, Any], seq: int,
    valid_from: date | None = None, relation_id: str | None = None,
) -> None:
    await conn.execute(q("fact_source_insert"), fact, act_id, valid_from, relation_id, sha256, lines, seq)
