"""Responses built from domain objects, in one place."""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson
from starlette.responses import Response

from service.domain.dates import iso
from service.domain.editions import EditionPeriod
from service.domain.model import RELATION_INVERSES, Act, Relation, Unit
from service.domain.status import LABELS, Status, UnitPending
from service.store.sources import SourceRef


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


def json_response(content: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(content, status_code=status, headers=headers)


def act_json(act: Act) -> dict[str, Any]:
    eif = act.entry_into_force
    return {
        "id": act.id,
        "jurisdiction": act.jurisdiction,
        "type": act.type,
        "number": act.number,
        "adopted_on": iso(act.adopted_on),
        "issuing_body": act.issuing_body,
        "titles": act.titles,
        "languages": list(act.languages),
        "publication": {"date": iso(act.publication_date), "source": act.publication_source},
        "entry_into_force": {"date": iso(eif.date), "rule": eif.rule, "earliest": iso(eif.earliest)},
        "expires_on": iso(act.expires_on),
        "akn_uri": act.akn_uri,
        "external_ids": list(act.external_ids),
        "recorded_seq": act.recorded_seq,
    }


def status_json(status: Status) -> dict[str, Any]:
    r = status.reason
    return {
        "code": status.code.value,
        "label": LABELS[status.code],
        "since": iso(status.since),
        "until": iso(status.until),
        "certain": status.certain,
        "window": {"earliest": iso(status.window.earliest), "latest": iso(status.window.latest)}
        if status.window else None,
        "reason": {"relation": r.relation, "act": r.act, "note": r.note, "basis": r.basis},
    } | ({"units": [pending_json(p) for p in status.units]} if status.units else {})


def pending_json(p: UnitPending) -> dict[str, Any]:
    """A unit not in force on the day (not yet commenced, or suspended), with its period and reason."""
    r = p.reason
    return {"wId": p.wid, "eId": p.eid, "code": p.code.value, "since": iso(p.since), "until": iso(p.until),
            "reason": {"relation": r.relation, "act": r.act, "note": r.note, "basis": r.basis}}


def source_json(ref: SourceRef) -> dict[str, Any]:
    """Where a fact was read from: the source document (its sha256 and URL) and its lines, by language."""
    return {"sha256": ref.sha256, "href": f"/v1/sources/{ref.sha256}", "lines": ref.lines}


def _with_source(body: dict[str, Any], source: SourceRef | None) -> dict[str, Any]:
    return {**body, "source": source_json(source)} if source is not None else body


def edition_json(period: EditionPeriod, *, source: SourceRef | None = None) -> dict[str, Any]:
    e = period.edition
    return _with_source({
        "valid_from": e.valid_from.isoformat(),
        "valid_to": iso(period.valid_to),
        "source_acts": list(e.source_acts),
        "languages": list(e.languages),
        "text_completeness": e.text_completeness,
        "note": e.note,
        "recorded_seq": e.recorded_seq,
    }, source)


def unit_json(u: Unit) -> dict[str, Any]:
    return {
        "eId": u.eid, "wId": u.wid, "kind": u.kind, "num": u.num, "heading": u.heading,
        "text": u.text if u.text_available else None, "text_available": u.text_available, "sha256": u.sha256,
    }


def relation_json(r: Relation, *, from_act: str | None = None, source: SourceRef | None = None) -> dict[str, Any]:
    """A relation; seen from `from_act`, labelled in that act's direction (`repeals` or `repealed_by`)."""
    label = r.type
    if from_act is not None and r.target_act == from_act and r.source_act != from_act:
        label = RELATION_INVERSES.get(r.type, r.type)
    return _with_source({
        "id": r.id, "type": r.type, "label": label,
        "source_act": r.source_act, "source_unit": r.source_unit,
        "target_act": r.target_act, "target_unit": r.target_unit,
        "effective_date": iso(r.effective_date), "effective_rule": r.effective_rule,
        "effective_window": {"earliest": iso(r.effective_earliest), "latest": iso(r.effective_latest)}
        if r.effective_date is None else None,
        "ends_on": iso(r.ends_on), "basis": r.basis, "note": r.note, "recorded_seq": r.recorded_seq,
    }, source)


def joined_text(units: list[Unit]) -> str | None:
    """The consolidated text: the units that have text, in order, separated by a blank line."""
    parts = [u.text for u in units if u.text_available and u.text]
    return "\n\n".join(parts) if parts else None


def day(d: date) -> str:
    return d.isoformat()
