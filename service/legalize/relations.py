"""Relations as the legalize importer meets them again: the key that recognises one already recorded, and
Lextime's own relations carried by its export (`lextime_relations`), read back exactly, ids included."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from service.domain.dates import optional_date
from service.domain.errors import Invalid
from service.domain.model import BASES, RELATION_INVERSES, Relation
from service.domain.records import relation_payload
from service.domain.units import EID
from service.legalize.errors import LegalizeError

RelationKey = tuple[str, str, str, str | None, date | None, date | None, date | None]


def relation_key(r: Relation) -> RelationKey:
    """What makes a derived relation the same fact when an import meets it again (its id is new each time)."""
    return (r.type, r.source_act, r.target_act, r.target_unit, r.effective_date, r.effective_earliest,
            r.effective_latest)


def _text(raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise LegalizeError(f"lextime_relations: {key} must be a string")
    return value


def _day(raw: Mapping[str, Any], key: str) -> date | None:
    try:
        return optional_date(raw.get(key), field=f"lextime_relations.{key}")
    except Invalid as exc:
        raise LegalizeError(exc.detail) from None


def lextime_relation(raw: object, *, target: str) -> Relation:
    """A relation as Lextime's export wrote it (service.domain.records.relation_payload), whose target is
    the act of the file that carries it."""
    if not isinstance(raw, Mapping):
        raise LegalizeError("lextime_relations: each relation must be a mapping")
    kind, basis = _text(raw, "type"), _text(raw, "basis")
    rid, source = _text(raw, "id"), _text(raw, "source_act")
    if kind not in RELATION_INVERSES or basis not in BASES or not rid or not source:
        raise LegalizeError(f"lextime_relations: {raw.get('id')!r} is not a relation Lextime can record")
    if _text(raw, "target_act") not in (None, target):
        raise LegalizeError(f"lextime_relations: {rid} targets another act than its file's")
    units = {k: _text(raw, k) for k in ("source_unit", "target_unit")}
    if any(u is not None and not EID.fullmatch(u) for u in units.values()):
        raise LegalizeError(f"lextime_relations: {rid} names a unit that is not an AKN-style id")
    return Relation(
        id=rid, type=kind, source_act=source, source_unit=units["source_unit"], target_act=target,
        target_unit=units["target_unit"], effective_date=_day(raw, "effective_date"),
        effective_rule=_text(raw, "effective_rule"), effective_earliest=_day(raw, "effective_earliest"),
        effective_latest=_day(raw, "effective_latest"), ends_on=_day(raw, "ends_on"), basis=basis,
        note=_text(raw, "note"),
    )


def lextime_relation_entry(r: Relation, *, source_identifier: str) -> dict[str, Any]:
    """How the export writes a relation: Lextime's own payload, and the identifier of the source act's file."""
    return {**relation_payload(r)["relation"], "source_identifier": source_identifier}
