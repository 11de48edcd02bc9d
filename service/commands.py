"""Write commands: each validates against the store, appends one ledger entry and writes its projections.

The HTTP API writes through these functions, never around them. An import records a whole document as one
entry (`import_document`) through the same ledger append and the same projection appliers
(service/importer/adilet.py, store.ledger.record_in); a history import records many entries per transaction
by passing a `store.ledger.Batch` where the API passes the pool (service/legalize/importer.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import replace as dc_replace
from datetime import date
from typing import Any

import asyncpg

from service.domain.amendment_requests import AmendmentRequest, resolve
from service.domain.amendments import amendment_payload
from service.domain.corrections import Target, correction_payload, retraction_payload, target_payload
from service.domain.errors import AmendmentConflict, Conflict, NotFound, UnitNotInForce
from service.domain.facts import status_facts
from service.domain.ledger import LedgerEntry
from service.domain.model import Act, Relation, Unit
from service.domain.records import act_payload, edition_record, new_id, relation_payload
from service.domain.status import StatusCode, status_at
from service.domain.units import completeness
from service.store import acts as acts_store
from service.store import editions as editions_store
from service.store import history, lookups
from service.store import units as units_store
from service.store.db import LATEST
from service.store.ledger import Batch, Writer, record


@dataclass(frozen=True)
class NewEdition:
    act_id: str
    valid_from: date
    source_acts: tuple[str, ...]
    note: str | None
    expressions: dict[str, list[Unit]]  # units already normalised and hashed


async def _recorded_acts(pool: Writer, act_ids: Iterable[str]) -> None:
    """NotFound unless every act is recorded. Inside a batch, an act it has found (or created) is not read
    again: nothing but the batch can change the acts while it holds the append lock."""
    for act_id in act_ids:
        if isinstance(pool, Batch) and act_id in pool.acts:
            continue
        await acts_store.get_act(pool, act_id=act_id, as_of=LATEST)
        if isinstance(pool, Batch):
            pool.acts.add(act_id)


async def create_act(pool: Writer, *, actor: str, act: Act) -> LedgerEntry:
    return await record(pool, actor=actor, operation="create_act", payload=act_payload(act))


async def add_edition(pool: Writer, *, actor: str, edition: NewEdition) -> LedgerEntry:
    await _recorded_acts(pool, (edition.act_id, *edition.source_acts))
    rec = edition_record(
        act_id=edition.act_id, valid_from=edition.valid_from, source_acts=list(edition.source_acts),
        note=edition.note, completeness=completeness(edition.expressions), expressions=edition.expressions,
    )
    return await record(pool, actor=actor, operation="add_edition", payload=rec.payload, texts=rec.texts)


async def add_relation(pool: Writer, *, actor: str, relation: Relation) -> LedgerEntry:
    await _recorded_acts(pool, {relation.source_act, relation.target_act})
    return await record(pool, actor=actor, operation="add_relation", payload=relation_payload(relation))


async def amend_units(pool: asyncpg.Pool, *, actor: str, request: AmendmentRequest) -> LedgerEntry:
    """A unit-level amendment: checked against the act's text on its effective day (the latest text when
    the day is not known), its units resolved to wIds, recorded as one `amend_units` entry."""
    act = await acts_store.get_act(pool, act_id=request.act_id, as_of=LATEST)
    await acts_store.get_act(pool, act_id=request.amending_act, as_of=LATEST)
    day = request.effective_date
    if day is not None:
        relations = await acts_store.relations_of_act(pool, act_id=act.id, as_of=LATEST)
        status = status_at(status_facts(act, relations), day)
        if status.code in (StatusCode.REPEALED, StatusCode.EXPIRED):
            raise UnitNotInForce(f"the act is {status.code.value} on {day.isoformat()}: none of its units is in force")
    states = await history.states_at(pool, act_id=act.id, day=day or date.max, as_of=LATEST)
    if not states:
        on = f"on {day.isoformat()}" if day else "at all"
        raise UnitNotInForce(f"the act has no text {on}: record its edition first")
    pending = {}
    for r in request.operations:
        if r.amendment is None:
            continue
        found = await units_store.amendment(pool, amendment_id=r.amendment, as_of=LATEST)
        if found is None or found.act_id != act.id:
            raise NotFound(f"the act has no amendment {r.amendment!r} to commence", amendment=r.amendment)
        if not found.prospective:
            raise AmendmentConflict(f"amendment {r.amendment} is already in effect", amendment=r.amendment)
        pending[r.amendment] = found
    inserts = any(r.op == "insert" for r in request.operations)
    taken = await units_store.act_wids(pool, act_id=act.id, as_of=LATEST) if inserts else set()
    resolved = resolve(request, states, taken=taken, new_id=new_id, pending=pending)
    return await record(pool, actor=actor, operation="amend_units",
                        payload=amendment_payload(resolved.amendment), texts=resolved.texts)
# -- corrections and retractions ---------------------------------------------------------------------


class EditionNotFound(NotFound, slug="edition-not-found"):
    pass


class StillReferenced(Conflict, slug="still-referenced"):
    pass


Replacement = Act | Relation | NewEdition


async def _current(pool: Writer, target: Target) -> dict[str, Any]:
    """The target as it enters the ledger, naming the version it supersedes; NotFound when there is none."""
    if target.kind == "act":
        assert target.act_id is not None
        act = await acts_store.get_act(pool, act_id=target.act_id, as_of=LATEST)
        return target_payload(target, recorded_seq=act.recorded_seq)
    if target.kind == "relation":
        assert target.id is not None
        relation = await lookups.relation_by_id(pool, relation_id=target.id, as_of=LATEST)
        return target_payload(target, recorded_seq=relation.recorded_seq,
                              acts=(relation.source_act, relation.target_act))
    assert target.act_id is not None
    editions = await editions_store.editions_of_act(pool, act_id=target.act_id, as_of=LATEST)
    edition = next((e for e in editions if e.valid_from == target.valid_from), None)
    if edition is None:
        await acts_store.get_act(pool, act_id=target.act_id, as_of=LATEST)
        raise EditionNotFound(f"the act has no edition starting on {target.valid_from}")
    return target_payload(target, recorded_seq=edition.recorded_seq)


async def correct(pool: Writer, *, actor: str, target: Target, reason: str,
                  replacement: Replacement) -> LedgerEntry:
    """Supersede a recorded fact with a corrected one; the old fact stays in history."""
    current = await _current(pool, target)
    texts: dict[str, str] | None = None
    if isinstance(replacement, Act):
        assert target.act_id is not None
        fact = act_payload(dc_replace(replacement, id=target.act_id))
    elif isinstance(replacement, Relation):
        assert target.id is not None
        await _recorded_acts(pool, {replacement.source_act, replacement.target_act})
        fact = relation_payload(dc_replace(replacement, id=target.id))
    else:
        await _recorded_acts(pool, (replacement.act_id, *replacement.source_acts))
        rec = edition_record(
            act_id=replacement.act_id, valid_from=replacement.valid_from, source_acts=list(replacement.source_acts),
            note=replacement.note, completeness=completeness(replacement.expressions),
            expressions=replacement.expressions,
        )
        fact, texts = rec.payload, rec.texts
    payload = correction_payload(current, reason=reason, replacement=fact)
    return await record(pool, actor=actor, operation="correct", payload=payload, texts=texts)


async def retract(pool: Writer, *, actor: str, target: Target, reason: str) -> LedgerEntry:
    """Supersede a fact recorded in error with nothing. An act must first lose what refers to it."""
    current = await _current(pool, target)
    if target.kind == "act":
        assert target.act_id is not None
        await _refuse_if_referenced(pool, target.act_id)
    return await record(pool, actor=actor, operation="retract", payload=retraction_payload(current, reason=reason))


async def _refuse_if_referenced(pool: Writer, act_id: str) -> None:
    relations = await acts_store.relations_of_act(pool, act_id=act_id, as_of=LATEST)
    editions = await editions_store.editions_of_act(pool, act_id=act_id, as_of=LATEST)
    citing = await lookups.editions_citing_act(pool, act_id=act_id)
    if relations or editions or citing:
        raise StillReferenced(
            "the act still has facts that refer to it: retract its editions and relations (and the editions "
            "that name it as their source) first",
            relations=[r.id for r in relations], editions=[e.valid_from.isoformat() for e in editions],
            cited_by_editions=citing,
        )
