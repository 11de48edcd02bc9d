"""The query tables as projections of ledger entries: one function per operation, written in the entry's
transaction, from the entry's payload alone (so replaying the ledger rebuilds the same tables)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

import asyncpg

from service.domain.errors import Invalid
from service.domain.feed import acts_of
from service.domain.ledger import LedgerEntry
from service.store import faults, unit_projections
from service.store.queries import q


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
    await faults.reached("between_projections", conn)
    if a.get("akn_uri"):
        await conn.execute(q("alias_insert"), a["akn_uri"], "akn", a["id"], entry.seq)
    for external in a.get("external_ids", []):
        await conn.execute(q("alias_insert"), external, "external", a["id"], entry.seq)


async def _add_relation(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    r = entry.payload["relation"]
    await conn.execute(
        q("relation_insert"), r["id"], r["type"], r["source_act"], r.get("source_unit"), r["target_act"],
        r.get("target_unit"), _d(r.get("effective_date")), r.get("effective_rule"),
        _d(r.get("effective_earliest")), _d(r.get("effective_latest")), _d(r.get("ends_on")), r["basis"],
        r.get("note"), entry.seq,
    )


async def _correct(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    from service.store.corrections import apply_correction

    await apply_correction(conn, entry)


async def _retract(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    from service.store.corrections import apply_retraction

    await apply_retraction(conn, entry)


async def _checkpoint(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    """A signed checkpoint lives in the ledger alone."""


_APPLY: dict[str, Callable[[asyncpg.Connection, LedgerEntry], Awaitable[None]]] = {
    "create_act": _create_act,
    "add_edition": unit_projections.add_edition,
    "add_relation": _add_relation,
    "amend_units": unit_projections.amend_units,
    "correct": _correct,
    "retract": _retract,
    "checkpoint": _checkpoint,
}


async def apply(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    """Write the projections of one entry, and note which acts it concerns."""
    project = _APPLY.get(entry.operation)
    if project is None:
        raise Invalid(f"this version of Lextime does not know the ledger operation {entry.operation!r}")
    await project(conn, entry)
    acts = acts_of(entry.payload)
    if acts:
        await conn.execute(q("ledger_acts_insert"), acts, entry.seq)
