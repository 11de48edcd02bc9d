"""Write commands as ledger payloads: RFC 8785-ready JSON values, texts referenced by their hashes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from ulid import ULID

from service.domain.dates import iso
from service.domain.model import Act, Relation, Unit


def new_id() -> str:
    return str(ULID())


def akn_work_uri(jurisdiction: str, act_type: str, adopted_on: date | None, number: str | None) -> str | None:
    """The canonical AKN work URI (`/akn/kz/act/decree/2015-12-28/148`), when type, date and number are known."""
    if adopted_on is None or not number:
        return None
    num = re.sub(r"[^0-9A-Za-zА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі\-]+", "-", number).strip("-")
    return f"/akn/{jurisdiction}/act/{act_type}/{adopted_on.isoformat()}/{num}" if num else None


def act_payload(act: Act) -> dict[str, Any]:
    eif = act.entry_into_force
    return {"act": {
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
    }}


def _unit_payload(u: Unit) -> dict[str, Any]:
    return {"eid": u.eid, "wid": u.wid, "kind": u.kind, "num": u.num, "heading": u.heading,
            "sha256": u.sha256, "text_available": u.text_available}


@dataclass(frozen=True)
class EditionRecord:
    payload: dict[str, Any]
    texts: dict[str, str]


def edition_record(
    *, act_id: str, valid_from: date, source_acts: list[str], note: str | None, completeness: str,
    expressions: dict[str, list[Unit]],
) -> EditionRecord:
    texts = {u.sha256: u.text for us in expressions.values() for u in us if u.sha256 and u.text is not None}
    payload = {
        "act_id": act_id,
        "valid_from": valid_from.isoformat(),
        "source_acts": source_acts,
        "note": note,
        "text_completeness": completeness,
        # The languages in order: the keys of `expressions` lose theirs in jsonb (and in RFC 8785).
        "languages": list(expressions),
        "expressions": {lang: _expression_payload(us) for lang, us in expressions.items()},
    }
    return EditionRecord(payload, texts)


def _expression_payload(units: list[Unit]) -> dict[str, Any]:
    """The units; with their line breaks only when some unit records them, and the act credited with each
    unit only when some unit names one (older payloads stay as they were)."""
    out: dict[str, Any] = {"units": [_unit_payload(u) for u in units]}
    if any(u.breaks is not None for u in units):
        out["breaks"] = [u.breaks if u.breaks is not None else 2 for u in units]
    if any(u.source_act is not None for u in units):
        out["sources"] = [u.source_act for u in units]
    return out


def relation_payload(r: Relation) -> dict[str, Any]:
    return {"relation": {
        "id": r.id, "type": r.type, "source_act": r.source_act, "source_unit": r.source_unit,
        "target_act": r.target_act, "target_unit": r.target_unit, "effective_date": iso(r.effective_date),
        "effective_rule": r.effective_rule, "effective_earliest": iso(r.effective_earliest),
        "effective_latest": iso(r.effective_latest), "ends_on": iso(r.ends_on), "basis": r.basis,
        "note": r.note,
    }}
