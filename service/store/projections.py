"""The query tables as projections of ledger entries: one function per operation, written in the entry's
transaction, from the entry's payload alone (so replaying the ledger rebuilds the same tables)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date
from typing import Any

import asyncpg

from service.domain import derived
from service.domain.errors import Invalid
from service.domain.feed import acts_of
from service.domain.ledger import LedgerEntry
from service.store import faults, revisions, statuses, unit_projections
from service.store.queries import q


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# A projection made of plain statements, each a query's name and its arguments: written one by one by
# `apply`, and folded by store.ledger.Batch into the statement that appends its entry (one round trip).
Statement = tuple[str, tuple[Any, ...]]


def _act_statements(entry: LedgerEntry) -> list[Statement]:
    a = entry.payload["act"]
    eif = a.get("entry_into_force") or {}
    pub = a.get("publication") or {}
    act = ("act_insert", (a["id"], a["jurisdiction"], a["type"], a.get("number"), _d(a.get("adopted_on")),
                          a.get("issuing_body"), a["titles"], a["languages"], _d(pub.get("date")), pub.get("source"),
                          _d(eif.get("date")), eif.get("rule"), _d(eif.get("earliest")), _d(a.get("expires_on")),
                          a.get("akn_uri"), entry.seq))
    aliases = [(a["akn_uri"], "akn")] if a.get("akn_uri") else []
    aliases += [(external, "external") for external in a.get("external_ids", [])]
    if not aliases:
        return [act]
    return [act, ("aliases_insert", ([alias for alias, _ in aliases], [kind for _, kind in aliases], a["id"],
                                     entry.seq))]


def _relation_statements(entry: LedgerEntry) -> list[Statement]:
    r = entry.payload["relation"]
    return [("relation_insert", (r["id"], r["type"], r["source_act"], r.get("source_unit"), r["target_act"],
                                 r.get("target_unit"), _d(r.get("effective_date")), r.get("effective_rule"),
                                 _d(r.get("effective_earliest")), _d(r.get("effective_latest")), _d(r.get("ends_on")),
                                 r["basis"], r.get("note"), entry.seq))]


STATEMENTS: dict[str, Callable[[LedgerEntry], list[Statement]]] = {
    "create_act": _act_statements,
    "add_relation": _relation_statements,
}


async def _create_act(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    act, *aliases = _act_statements(entry)
    await conn.execute(q(act[0]), *act[1])
    await faults.reached("between_projections", conn)
    for name, args in aliases:
        await conn.execute(q(name), *args)


async def _add_relation(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    for name, args in _relation_statements(entry):
        await conn.execute(q(name), *args)


async def _correct(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    from service.store.corrections import apply_correction

    await apply_correction(conn, entry)


async def _retract(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    from service.store.corrections import apply_retraction

    await apply_retraction(conn, entry)


async def _checkpoint(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    """A signed checkpoint lives in the ledger alone."""


async def _revise_act(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    await revisions.close_act(conn, act_id=entry.payload["act"]["id"], seq=entry.seq)
    await revisions.insert_act_row(conn, entry.payload["act"], entry.seq)


async def _replace_edition(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    """An edition recorded again: the old one closed the way a correction closes it (later editions keep
    their wording, structures included), then the new one written through the unit history engine."""
    from service.store.corrections import remove_edition

    p = entry.payload
    day = date.fromisoformat(p["valid_from"])
    await conn.execute(q("edition_close"), p["act_id"], day, entry.seq)
    await remove_edition(conn, p["act_id"], day, entry.seq)
    await unit_projections.add_edition(conn, entry)


async def _supersede_relation(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    await revisions.close_relation(conn, relation_id=entry.payload["supersedes"], seq=entry.seq)
    await _add_relation(conn, entry)


Applier = Callable[[asyncpg.Connection, LedgerEntry], Awaitable[None]]
# The facts one `import_document` entry may carry, each applied as if it were an entry of its own.
_IMPORT_FACTS: dict[str, Applier] = {
    "create_act": _create_act,
    "revise_act": _revise_act,
    "add_edition": unit_projections.add_edition,
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
    "add_edition": unit_projections.add_edition,
    "add_relation": _add_relation,
    "amend_units": unit_projections.amend_units,
    "correct": _correct,
    "retract": _retract,
    "checkpoint": _checkpoint,
    "import_document": _import_document,
}


async def project(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    """Write the projections of one entry (`apply` without noting its acts: see store.ledger.Batch)."""
    applier = _APPLY.get(entry.operation)
    if applier is None:
        raise Invalid(f"this version of Lextime does not know the ledger operation {entry.operation!r}")
    await applier(conn, entry)


async def apply(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    """Write the projections of one entry, note which acts it concerns, and the status periods it changes."""
    await project(conn, entry)
    acts = acts_of(entry.payload)
    if acts:
        await conn.execute(q("ledger_acts_insert"), acts, entry.seq)
    await statuses.advance(conn, entry.seq, acts)
