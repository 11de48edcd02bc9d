"""The query tables as projections of ledger entries: one function per operation, written in the entry's
transaction, from the entry's payload alone (so replaying the ledger rebuilds the same tables)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import asyncpg

from service.domain.ledger import LedgerEntry
from service.store.db import LATEST
from service.store.queries import q

_VersionKey = tuple[str, str | None, str | None, str | None, str | None, bool]


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


async def _create_act(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    a = entry.payload["act"]
    eif = a.get("entry_into_force") or {}
    pub = a.get("publication") or {}
    await conn.execute(
        q("act_insert"), a["id"], a["jurisdiction"], a["type"], a.get("number"), _d(a.get("adopted_on")),
        a.get("issuing_body"), a["titles"], a["languages"], _d(pub.get("date")), pub.get("source"),
        _d(eif.get("date")), eif.get("rule"), _d(eif.get("earliest")), _d(a.get("expires_on")),
        a.get("akn_uri"), entry.seq,
    )
    if a.get("akn_uri"):
        await conn.execute(q("alias_insert"), a["akn_uri"], "akn", a["id"], entry.seq)
    for external in a.get("external_ids", []):
        await conn.execute(q("alias_insert"), external, "external", a["id"], entry.seq)


def _key(u: dict[str, Any]) -> _VersionKey:
    return (u["eid"], u.get("kind"), u.get("num"), u.get("heading"), u.get("sha256"), bool(u["text_available"]))


def _row_key(r: asyncpg.Record) -> _VersionKey:
    return (r["eid"], r["kind"], r["num"], r["heading"], r["text_sha256"], r["text_available"])


async def _versions_at(conn: asyncpg.Connection, act_id: str, lang: str, day: date) -> dict[str, _VersionKey]:
    rows = await conn.fetch(q("unit_versions_at"), act_id, lang, day, LATEST)
    return {r["wid"]: _row_key(r) for r in rows}


async def _insert_versions(
    conn: asyncpg.Connection, act_id: str, lang: str, day: date, source: str | None, seq: int,
    versions: dict[str, _VersionKey],
) -> None:
    if not versions:
        return
    wids = list(versions)
    cols = list(zip(*versions.values()))
    await conn.execute(
        q("unit_versions_insert"), act_id, lang, day, source, seq, wids, list(cols[0]), list(cols[1]),
        list(cols[2]), list(cols[3]), list(cols[4]), list(cols[5]),
    )


async def _next_edition_day(conn: asyncpg.Connection, act_id: str, day: date) -> date | None:
    rows = await conn.fetch(q("editions_of_act"), act_id, LATEST)
    return min((r["valid_from"] for r in rows if r["valid_from"] > day), default=None)


async def _add_edition(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    """A full edition is stored as the unit versions that differ from the state it replaces.

    An edition recorded late, between two known ones, must not leak into the next edition: the next
    edition's own wording is restored there wherever the new one would otherwise show through.
    """
    p = entry.payload
    act_id, day = p["act_id"], date.fromisoformat(p["valid_from"])
    source = p["source_acts"][0] if p["source_acts"] else None
    following = await _next_edition_day(conn, act_id, day)
    for lang, expression in p["expressions"].items():
        units = expression["units"]
        before_next = await _versions_at(conn, act_id, lang, following) if following else {}
        current = await _versions_at(conn, act_id, lang, day)
        changed = {u["wid"]: _key(u) for u in units if current.get(u["wid"]) != _key(u)}
        await conn.execute(q("structure_insert"), act_id, lang, day, [u["wid"] for u in units], entry.seq,
                           expression.get("breaks"))
        await _insert_versions(conn, act_id, lang, day, source, entry.seq, changed)
        if following:
            after = await _versions_at(conn, act_id, lang, following)
            restore = {w: v for w, v in before_next.items() if after.get(w) != v}
            await _insert_versions(conn, act_id, lang, following, None, entry.seq, restore)
    await conn.execute(
        q("edition_insert"), act_id, day, p["source_acts"], list(p["expressions"]), p["text_completeness"],
        p.get("note"), entry.seq,
    )


async def _add_relation(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    r = entry.payload["relation"]
    await conn.execute(
        q("relation_insert"), r["id"], r["type"], r["source_act"], r.get("source_unit"), r["target_act"],
        r.get("target_unit"), _d(r.get("effective_date")), r.get("effective_rule"),
        _d(r.get("effective_earliest")), _d(r.get("effective_latest")), _d(r.get("ends_on")), r["basis"],
        r.get("note"), entry.seq,
    )


_APPLY: dict[str, Callable[[asyncpg.Connection, LedgerEntry], Awaitable[None]]] = {
    "create_act": _create_act,
    "add_edition": _add_edition,
    "add_relation": _add_relation,
}


async def apply(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    """Write the projections of one entry."""
    await _APPLY[entry.operation](conn, entry)
