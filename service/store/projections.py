"""The query tables as projections of ledger entries: one function per operation, written in the entry's
transaction, from the entry's payload alone (so replaying the ledger rebuilds the same tables)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date
from typing import Any

import asyncpg

from service.domain import derived
from service.domain.ledger import LedgerEntry
from service.store import revisions
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
        await conn.execute(q("structure_insert"), act_id, lang, day, [u["wid"] for u in units], entry.seq)
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


async def _revise_act(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    await revisions.close_act(conn, act_id=entry.payload["act"]["id"], seq=entry.seq)
    await revisions.insert_act_row(conn, entry.payload["act"], entry.seq)


async def _replace_edition(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    p = entry.payload
    await revisions.close_edition(conn, act_id=p["act_id"], valid_from=date.fromisoformat(p["valid_from"]),
                                  seq=entry.seq)
    await _add_edition(conn, entry)


async def _supersede_relation(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    await revisions.close_relation(conn, relation_id=entry.payload["supersedes"], seq=entry.seq)
    await _add_relation(conn, entry)


Applier = Callable[[asyncpg.Connection, LedgerEntry], Awaitable[None]]
# The facts one `import_document` entry may carry, each applied as if it were an entry of its own.
_IMPORT_FACTS: dict[str, Applier] = {
    "create_act": _create_act,
    "revise_act": _revise_act,
    "add_edition": _add_edition,
    "replace_edition": _replace_edition,
    "add_relation": _add_relation,
    "supersede_relation": _supersede_relation,
}


async def _link_source(conn: asyncpg.Connection, seq: int, sha256: str, fact: dict[str, Any]) -> None:
    lines = fact.get("lines") or {}
    if "act" in fact:
        await revisions.link_source(conn, fact="act", act_id=fact["act"]["id"], sha256=sha256, lines=lines, seq=seq)
    elif "relation" in fact:
        r = fact["relation"]
        await revisions.link_source(conn, fact="relation", act_id=r["target_act"], relation_id=r["id"],
                                    sha256=sha256, lines=lines, seq=seq)
    else:
        await revisions.link_source(conn, fact="edition", act_id=fact["act_id"], sha256=sha256, lines=lines,
                                    valid_from=date.fromisoformat(fact["valid_from"]), seq=seq)


async def _import_document(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    """The facts read from one source document, in order, each linked to the document."""
    sha256 = entry.payload["source"]["sha256"]
    facts = entry.payload["facts"]
    for fact in facts:
        if "derived_from" in fact:
            fact = derived.expand(fact, facts[fact["derived_from"]["fact"]])
        await _IMPORT_FACTS[fact["op"]](conn, replace(entry, operation=fact["op"], payload=fact))
        await _link_source(conn, entry.seq, sha256, fact)


_APPLY: dict[str, Applier] = {
    "create_act": _create_act,
    "add_edition": _add_edition,
    "add_relation": _add_relation,
    "import_document": _import_document,
}


async def apply(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    """Write the projections of one entry."""
    await _APPLY[entry.operation](conn, entry)
