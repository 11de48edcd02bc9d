"""An act's points in time: every day on which something about it changed (its status, an edition, an
amendment, a unit amended or repealed by a stated relation, a unit's text or number, a unit's status), with
what and why, in date order; and the changes whose day is not known yet."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from service.api.acts import load_act
from service.api.answers import act_state, choose_language
from service.api.params import language, read_as_of
from service.api.reads import read_response
from service.api.render_units import amendment_json, reason_json
from service.api.unit_answers import is_unit_relation
from service.domain.dates import iso
from service.domain.expressions import changes_by_day
from service.domain.model import Relation
from service.domain.status import LABELS, StatusCode, status_periods
from service.store import units as units_store

_ORDER = {"status": 0, "edition": 1, "amendment": 2, "relation": 3, "unit": 4, "unit_status": 5}
_STATED = ("amends", "repeals")
_UNIT_STATUS = {"suspends": StatusCode.SUSPENDED, "resumes": StatusCode.IN_FORCE, "commences": StatusCode.IN_FORCE}


def _relation_event(r: Relation, code: StatusCode, note: str | None = None) -> dict[str, Any]:
    return {"type": "unit_status", "wId": r.target_wid, "eId": r.target_unit, "status": code.value,
            "label": LABELS[code], "relation": r.id, "relation_type": r.type, "act": r.source_act,
            "note": note or r.note, "effective_window": None if r.effective_date is not None else
            {"earliest": iso(r.effective_earliest), "latest": iso(r.effective_latest)}}


def _unit_status_events(relations: list[Relation], act_id: str) -> tuple[list[tuple[date, dict[str, Any]]],
                                                                            list[dict[str, Any]]]:
    dated, undated = [], []
    for r in relations:
        if not is_unit_relation(r, act_id) or r.type not in _UNIT_STATUS or r.commenced_amendment is not None:
            continue
        event = _relation_event(r, _UNIT_STATUS[r.type])
        if r.effective_date is None:
            pending = _relation_event(r, StatusCode.NOT_YET_IN_FORCE) if r.type == "commences" else event
            undated.append(pending)
            continue
        dated.append((r.effective_date, event))
        if r.type == "suspends" and r.ends_on is not None:
            dated.append((r.ends_on, _relation_event(r, StatusCode.IN_FORCE, "the suspension ends")))
    return dated, undated


def _stated_unit_events(relations: list[Relation], act_id: str) -> tuple[list[tuple[date, dict[str, Any]]],
                                                                          list[dict[str, Any]]]:
    """Amendments and repeals of the act's units recorded as relations of their own, not made by a unit-level
    amendment (whose `amendment` and `unit` events already say so): which act changed which unit, e.g. each
    of two reforms of one day on its own articles when the source gives the consolidated text only."""
    dated, undated = [], []
    for r in relations:
        if r.target_act != act_id or r.target_unit is None or r.target_wid is not None or r.type not in _STATED:
            continue
        event = {"type": "relation", "relation": r.id, "relation_type": r.type, "act": r.source_act,
                 "eId": r.target_unit, "note": r.note}
        if r.effective_date is None:
            undated.append(event)
        else:
            dated.append((r.effective_date, event))
    return dated, undated


async def timeline(request: Request) -> Response:
    pool = request.app.state.pool
    as_of = await read_as_of(request)
    act = await load_act(request, as_of.seq)
    state = await act_state(pool, act, as_of=as_of.seq)
    raw_lang = request.query_params.get("lang")
    lang = choose_language(state, language(raw_lang) if raw_lang is not None else None)
    points: dict[date, list[dict[str, Any]]] = defaultdict(list)
    for p in status_periods(state.facts):
        if p.since is not None:
            points[p.since].append({"type": "status", "status": p.code.value, "label": LABELS[p.code],
                                    "reason": reason_json(p.reason)})
    for e in await units_store.edition_origins(pool, act_id=act.id, as_of=as_of.seq):
        points[e.valid_from].append({"type": "edition", "origin": e.origin, "source_acts": list(e.source_acts),
                                     "amendments": list(e.amendments), "note": e.note,
                                     "text_completeness": e.text_completeness})
    undated: list[dict[str, Any]] = []
    for a in await units_store.amendments_of_act(pool, act_id=act.id, as_of=as_of.seq):
        event = {"type": "amendment", "amendment": amendment_json(a)}
        if a.effective_date is None:
            undated.append(event)
        else:
            points[a.effective_date].append(event)
    rows, structures = await units_store.language_history(pool, act_id=act.id, lang=lang, as_of=as_of.seq)
    for day, changes in changes_by_day(rows, structures):
        for ch in changes:
            v = ch.after or ch.before
            assert v is not None
            points[day].append({"type": "unit", "wId": ch.wid, "eId": v.eid, "changes": [c.value for c in ch.changes],
                                "act": v.source_act, "amendment": v.amendment})
    relations = list(state.relations)
    for dated, pending in (_stated_unit_events(relations, act.id), _unit_status_events(relations, act.id)):
        for day, event in dated:
            points[day].append(event)
        undated.extend(pending)
    return read_response(as_of, {
        "act": act.id, "lang": lang,
        "points": [{"date": day.isoformat(), "events": sorted(points[day], key=lambda e: _ORDER[e["type"]])}
                   for day in sorted(points)],
        "undated": undated,
    })

