"""Responses about units, amendments, comparisons and timelines, built from domain objects in one place."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from service.domain.amendments import (
    Amendment,
    CommenceAmendment,
    Insert,
    Operation,
    Renumber,
    Replace,
    Suspend,
)
from service.domain.dates import iso
from service.domain.expressions import UnitVersion
from service.domain.status import LABELS, Reason
from service.domain.unit_history import VersionPeriod
from service.domain.unit_status import UnitPeriod, UnitStatus
from service.domain.worddiff import Segment


def reason_json(r: Reason) -> dict[str, Any]:
    return {"relation": r.relation, "act": r.act, "note": r.note, "basis": r.basis}


def unit_status_json(s: UnitStatus) -> dict[str, Any]:
    return {
        "code": s.code.value, "label": LABELS[s.code], "since": iso(s.since), "until": iso(s.until),
        "certain": s.certain,
        "window": {"earliest": iso(s.window.earliest), "latest": iso(s.window.latest)} if s.window else None,
        "reason": reason_json(s.reason),
    }


def unit_period_json(p: UnitPeriod) -> dict[str, Any]:
    return {"code": p.code.value, "label": LABELS[p.code], "since": iso(p.since), "until": iso(p.until),
            "reason": reason_json(p.reason)}


def _texts_json(texts: Mapping[str, str | None]) -> dict[str, dict[str, Any]]:
    return {lang: {"sha256": sha, "text_available": sha is not None} for lang, sha in sorted(texts.items())}


def op_json(op: Operation) -> dict[str, Any]:
    if isinstance(op, CommenceAmendment):
        return {"op": "commence", "amendment": op.amendment,
                "targets": [{"wId": t.wid, "eId": t.eid, "relation": t.relation} for t in op.targets]}
    body: dict[str, Any] = {"op": type(op).__name__.lower(), "unit": {"wId": op.wid, "eId": op.eid},
                            "relation": op.relation}
    if isinstance(op, Replace):
        body |= {"heading": op.heading, "texts": _texts_json(op.texts)}
    elif isinstance(op, Insert):
        body |= {"kind": op.kind, "num": op.num, "heading": op.heading, "texts": _texts_json(op.texts),
                 "position": {"where": op.position.where, "anchor": op.position.anchor}}
    elif isinstance(op, Renumber):
        body |= {"new_eId": op.new_eid, "num": op.num}
    elif isinstance(op, Suspend):
        body |= {"until": iso(op.until)}
    return body


def amendment_json(a: Amendment) -> dict[str, Any]:
    flags = dict(a.flags)
    return {
        "id": a.id, "act": a.act_id, "amending_act": a.amending_act, "amending_unit": a.amending_unit,
        "effective_date": iso(a.effective_date),
        "effective_window": {"earliest": iso(a.effective_earliest), "latest": iso(a.effective_latest)}
        if a.effective_date is None else None,
        "effective_rule": a.effective_rule, "basis": a.basis, "note": a.note,
        "state": "prospective" if a.prospective else "in_effect", "commenced_by": a.commenced_by,
        "operations": [op_json(op) for op in a.operations],
        "flags": {"missing_languages": flags.get("missing_languages", {}),
                  "not_in_language": flags.get("not_in_language", {})},
        "recorded_seq": a.recorded_seq,
    }


def version_fields(v: UnitVersion, texts: Mapping[str, str]) -> dict[str, Any]:
    text = texts.get(v.sha256) if v.sha256 is not None and v.text_available else None
    return {"eId": v.eid, "kind": v.kind, "num": v.num, "heading": v.heading, "text": text,
            "text_available": text is not None, "sha256": v.sha256 if text is not None else None,
            "repealed": v.repealed}


def version_period_json(p: VersionPeriod, texts: Mapping[str, str]) -> dict[str, Any]:
    return {**version_fields(p.version, texts), "valid_from": p.since.isoformat(), "valid_to": iso(p.until),
            "source_act": p.version.source_act, "amendment": p.version.amendment, "recorded_seq": p.recorded_seq}


def unit_in_force_json(p: VersionPeriod | None, texts: Mapping[str, str]) -> dict[str, Any] | None:
    if p is None:
        return None
    return {**version_fields(p.version, texts),
            "version": {"valid_from": p.since.isoformat(), "valid_to": iso(p.until),
                        "source_act": p.version.source_act, "amendment": p.version.amendment,
                        "recorded_seq": p.recorded_seq}}


def by_json(makers: list[tuple[date, UnitVersion]]) -> list[dict[str, Any]]:
    """The versions between two days as who made them: the act, the day, the amendment."""
    return [{"act": v.source_act, "valid_from": d.isoformat(), "amendment": v.amendment} for d, v in makers]


def segments_json(segments: list[Segment] | None) -> list[dict[str, str]] | None:
    return [{"op": s.op, "text": s.text} for s in segments] if segments is not None else None
