"""Projections of the entries that change an act's text, from the entry's payload and the tables as they
stand before it: a full edition (`add_edition`) and a unit-level amendment (`amend_units`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import asyncpg

from service.domain.amendments import (
    RELATION_OF,
    TEXT_OPERATIONS,
    Amendment,
    CommenceAmendment,
    Operation,
    Suspend,
    amendment_from_payload,
    op_payload,
)
from service.domain.errors import AmendmentConflict, Invalid, NotFound
from service.domain.expressions import state_from_units
from service.domain.ledger import LedgerEntry
from service.domain.model import Unit
from service.domain.unit_operations import Flags, Maker, apply_operations
from service.store import faults, history
from service.store.db import LATEST
from service.store.queries import q


def _units(expression: dict[str, Any]) -> list[Unit]:
    """An expression's units as its payload gives them, with the line breaks before each and the act credited
    with each when it records them."""
    units = expression["units"]
    breaks = expression.get("breaks") or [None] * len(units)
    sources = expression.get("sources") or [None] * len(units)
    return [Unit(u["eid"], u["wid"], u["kind"], u.get("num"), u.get("heading"), None, bool(u["text_available"]),
                 u.get("sha256"), b, s) for u, b, s in zip(units, breaks, sources, strict=True)]


async def add_edition(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    """A full edition: the whole text of each language it gives, from its day to the next full edition."""
    p = entry.payload
    act_id, day = p["act_id"], date.fromisoformat(p["valid_from"])
    source = p["source_acts"][0] if p["source_acts"] else None
    given = {lang: _units(expression) for lang, expression in p["expressions"].items()}

    def first(states: history.States) -> history.States:
        return {**states, **{lang: state_from_units(units, states.get(lang), source_act=source)
                             for lang, units in given.items()}}

    plan = await history.plan(conn, act_id=act_id, start=day, first=first, new_languages=set(given))
    await history.write(conn, act_id=act_id, p=plan, seq=entry.seq)
    await faults.reached("between_projections", conn)
    await conn.execute(
        q("edition_insert"), act_id, day, p["source_acts"], p.get("languages") or sorted(p["expressions"]),
        p["text_completeness"], p.get("note"), entry.seq,
    )
    await history.refresh_editions(conn, act_id=act_id, after=day, plan=plan, seq=entry.seq)


async def _pending(conn: asyncpg.Connection, a: Amendment, amendment_id: str) -> Amendment:
    row = await conn.fetchrow(q("amendment_by_id"), amendment_id, LATEST)
    if row is None or row["act_id"] != a.act_id:
        raise NotFound(f"the act has no amendment {amendment_id!r} to commence", amendment=amendment_id)
    pending = history.amendment_from_row(row)
    if not pending.prospective:
        raise AmendmentConflict(f"amendment {amendment_id} is already in effect from "
                                f"{pending.effective_date.isoformat() if pending.effective_date else '?'}",
                                amendment=amendment_id)
    return pending


async def _insert_relation(conn: asyncpg.Connection, a: Amendment, *, rel_id: str, rel_type: str, eid: str,
                           wid: str, ends_on: date | None, seq: int, commenced: str | None = None) -> None:
    await conn.execute(
        q("relation_insert_unit"), rel_id, rel_type, a.amending_act, a.amending_unit, a.act_id, eid, wid,
        a.effective_date, a.effective_rule, a.effective_earliest, a.effective_latest, ends_on, a.basis, a.note,
        commenced, seq,
    )


async def _relations(conn: asyncpg.Connection, a: Amendment, seq: int) -> None:
    """One typed relation per target unit (`amends`, `repeals`, `suspends`, `resumes`, `commences`)."""
    for op in a.operations:
        if isinstance(op, CommenceAmendment):
            for t in op.targets:
                await _insert_relation(conn, a, rel_id=t.relation, rel_type="commences", eid=t.eid, wid=t.wid,
                                       ends_on=None, seq=seq, commenced=op.amendment)
            continue
        await _insert_relation(conn, a, rel_id=op.relation, rel_type=RELATION_OF[type(op)], eid=op.eid,
                               wid=op.wid, ends_on=op.until if isinstance(op, Suspend) else None, seq=seq)


async def _insert_amendment(conn: asyncpg.Connection, a: Amendment, *, flags: dict[str, Any], seq: int,
                            commenced_by: str | None = None) -> None:
    await conn.execute(
        q("amendment_insert"), a.id, a.act_id, a.amending_act, a.amending_unit, a.effective_date,
        a.effective_rule, a.effective_earliest, a.effective_latest, a.basis, a.note,
        [op_payload(op) for op in a.operations], flags, commenced_by, seq,
    )


async def _bring_into_effect(conn: asyncpg.Connection, pending: Amendment, by: Amendment, seq: int) -> None:
    """A prospective amendment takes effect on `by`'s day: its row and its relations, dated."""
    await conn.execute(q("amendment_close"), pending.id, seq)
    dated = replace(pending, effective_date=by.effective_date, effective_earliest=None, effective_latest=None)
    await _insert_amendment(conn, dated, flags=dict(pending.flags), seq=seq, commenced_by=by.id)
    for op in pending.operations:
        if isinstance(op, CommenceAmendment):
            continue
        row = await conn.fetchrow(q("relation_by_id"), op.relation, LATEST)
        if row is None:
            continue
        await conn.execute(q("relation_close"), op.relation, seq)
        await conn.execute(
            q("relation_insert_unit"), row["id"], row["type"], row["source_act"], row["source_unit"],
            row["target_act"], row["target_unit"], row["target_wid"], by.effective_date, row["effective_rule"],
            None, None, row["ends_on"], row["basis"], row["note"], row["commenced_amendment"], seq,
        )


async def amend_units(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    """A unit-level amendment. Dated: its operations (and those of the prospective amendments it brings
    into effect) change the text from its day, an edition row for that day takes its contribution.
    Without a day: recorded and checked against the latest text, applied nowhere until commenced."""
    a = amendment_from_payload(entry.payload, recorded_seq=entry.seq)
    if a.effective_date is None and any(isinstance(op, CommenceAmendment) for op in a.operations):
        raise Invalid("an amendment that brings another into effect needs an effective_date",
                      field="body.effective_date")
    commenced = [await _pending(conn, a, op.amendment) for op in a.operations if isinstance(op, CommenceAmendment)]
    contributions: list[tuple[list[Operation], Maker]] = [
        (history.fold_operations(c), Maker(c.amending_act, c.id)) for c in commenced]
    contributions.append((history.fold_operations(a), Maker(a.amending_act, a.id)))
    flags = Flags()

    def first(states: history.States) -> history.States:
        for ops, maker in contributions:
            states = apply_operations(states, ops, by=maker, day=a.effective_date, flags=flags)
        return states

    changes_text = any(isinstance(op, TEXT_OPERATIONS) for ops, _ in contributions for op in ops)
    if a.effective_date is not None and changes_text:
        plan = await history.plan(conn, act_id=a.act_id, start=a.effective_date, first=first)
        await history.write(conn, act_id=a.act_id, p=plan, seq=entry.seq)
    else:
        day = a.effective_date or date.max
        first(await history.states_at(conn, act_id=a.act_id, day=day, as_of=LATEST))
    for c in commenced:
        await _bring_into_effect(conn, c, a, entry.seq)
    await _insert_amendment(conn, a, flags=flags.as_json(), seq=entry.seq)
    await _relations(conn, a, entry.seq)
    if a.effective_date is not None and changes_text:
        makers = [*commenced, a]
        await history.merge_edition(conn, act_id=a.act_id, day=a.effective_date, seq=entry.seq,
                                    sources=[m.amending_act for m in makers], amendments=[m.id for m in makers],
                                    note=a.note, plan=plan)
        await history.refresh_editions(conn, act_id=a.act_id, after=a.effective_date, plan=plan, seq=entry.seq)
