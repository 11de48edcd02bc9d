"""Write commands: each validates against the store, appends one ledger entry and writes its projections.

The HTTP API writes through these functions, never around them. An import records a whole document as one
entry (`import_document`) through the same ledger append and the same projection appliers
(service/importer/adilet.py, store.ledger.record_in).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import asyncpg

from service.domain.ledger import LedgerEntry
from service.domain.model import Act, Relation, Unit
from service.domain.records import act_payload, edition_record, relation_payload
from service.domain.units import completeness
from service.store import acts as acts_store
from service.store.db import LATEST
from service.store.ledger import record


@dataclass(frozen=True)
class NewEdition:
    act_id: str
    valid_from: date
    source_acts: tuple[str, ...]
    note: str | None
    expressions: dict[str, list[Unit]]  # units already normalised and hashed


async def create_act(pool: asyncpg.Pool, *, actor: str, act: Act) -> LedgerEntry:
    return await record(pool, actor=actor, operation="create_act", payload=act_payload(act))


async def add_edition(pool: asyncpg.Pool, *, actor: str, edition: NewEdition) -> LedgerEntry:
    for act_id in (edition.act_id, *edition.source_acts):
        await acts_store.get_act(pool, act_id=act_id, as_of=LATEST)
    rec = edition_record(
        act_id=edition.act_id, valid_from=edition.valid_from, source_acts=list(edition.source_acts),
        note=edition.note, completeness=completeness(edition.expressions), expressions=edition.expressions,
    )
    return await record(pool, actor=actor, operation="add_edition", payload=rec.payload, texts=rec.texts)


async def add_relation(pool: asyncpg.Pool, *, actor: str, relation: Relation) -> LedgerEntry:
    for act_id in {relation.source_act, relation.target_act}:
        await acts_store.get_act(pool, act_id=act_id, as_of=LATEST)
    return await record(pool, actor=actor, operation="add_relation", payload=relation_payload(relation))
