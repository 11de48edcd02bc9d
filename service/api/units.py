"""Units of an act: one unit on a day (its status and reason, its text and version period, in every language
at once or in one), every version of a unit in valid time, and the table of contents in force on a day."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from service.api.acts import load_act, path_act_id
from service.api.answers import ActState, act_state, choose_language
from service.api.params import AsOf, language, query_date, read_as_of
from service.api.reader import CachedAct, Reader, reader, units_changed_on
from service.api.reads import read_response
from service.api.render import edition_json, status_json
from service.api.render_units import (
    amendment_json,
    op_json,
    unit_in_force_json,
    unit_period_json,
    unit_status_json,
    version_period_json,
)
from service.api.unit_answers import (
    Reasons,
    ancestor_eids,
    facts_of_unit,
    is_unit_relation,
    primary_language,
    relation_wid,
)
from service.domain.editions import edition_in_force
from service.domain.errors import UnitNotFound
from service.domain.expressions import ExpressionState, depth_and_parent
from service.domain.status import StatusCode, in_force_on
from service.domain.unit_history import VersionPeriod, version_at, version_periods
from service.domain.unit_status import UnitFacts, unit_periods, unit_status_at
from service.domain.units import EID
from service.errors import Problem
from service.store import history
from service.store import units as units_store
from service.store.units import UnitRows


def _ref(request: Request) -> str:
    ref = request.path_params["unit_id"]
    if len(ref) > 300 or not EID.fullmatch(ref):
        raise UnitNotFound(f"{ref!r} is not a unit id: a wId or eId such as 'point_4' or 'chp_2__art_5'", unit=ref)
    return str(ref)


def _lang(request: Request) -> str | None:
    raw = request.query_params.get("lang")
    return language(raw) if raw is not None else None


def _act_end(state: ActState) -> date | None:
    ends = [t.boundary.latest for t in state.facts.terminations if t.boundary.latest is not None]
    return min(ends, default=None)


@dataclass(frozen=True)
class UnitView:
    """One unit read once per request: its rows, its versions per language, its status facts."""

    state: ActState
    wid: str
    rows: UnitRows
    langs: list[str]
    periods: dict[str, list[VersionPeriod]]  # up to the act's end (what the text answers show)
    facts: UnitFacts
    every: dict[str, list[VersionPeriod]]  # every language's versions, not cut at the act's end

    def eid_on(self, day: date) -> str:
        for lang in self.langs:
            p = version_at(self.periods[lang], day)
            if p is not None:
                return p.version.eid
        return self.facts.eid


def _rows_weight(rows: UnitRows) -> int:
    # Roughly what the objects take in memory: a version row with its version, a structure change, a text.
    return (1000 + 900 * sum(map(len, rows.rows.values())) + 150 * sum(map(len, rows.structure.values()))
            + 150 * sum(map(len, rows.known.values())) + sum(sys.getsizeof(t) + 150 for t in rows.texts.values()))


async def _unit_rows(reads: Reader, act_id: str, wid: str) -> UnitRows:
    return await reads.unit_fact((act_id, "rows", wid),
                                 lambda: units_store.unit_rows(reads.pool, act_id=act_id, wid=wid, as_of=reads.seq),
                                 _rows_weight)


async def _ref_rows(reads: Reader, act_id: str, ref: str) -> tuple[bool, list[tuple[str, str, date]]]:
    """Whether `ref` is a wId of the act, else (lang, wId, day) of the version rows that gave a unit that eId."""
    async def read() -> tuple[bool, list[tuple[str, str, date]]]:
        if await units_store.wid_exists(reads.pool, act_id=act_id, wid=ref, as_of=reads.seq):
            return True, []
        return False, await units_store.eid_rows(reads.pool, act_id=act_id, eid=ref, as_of=reads.seq)

    return await reads.unit_fact((act_id, "ref", ref), read, lambda found: 300 + 250 * len(found[1]))


async def _wid_of(reads: Reader, act_id: str, ref: str, day: date) -> str:
    """The wId a reference names: a wId of the act, else the unit that had that eId on `day` (the latest one
    to have it before, else the first after)."""
    exists, rows = await _ref_rows(reads, act_id, ref)
    if exists:
        return ref
    if not rows:
        raise UnitNotFound(f"the act has no unit with wId or eId {ref!r}", unit=ref)
    before = [r for r in rows if r[2] <= day]
    return (before[-1] if before else rows[0])[1]


async def _units_with_eids_at(reads: Reader, entry: CachedAct, eids: list[str], day: date) -> dict[str, dict[str, str]]:
    """As units_store.units_with_eids_at, from the reader: the same from each day a unit version starts on."""
    since = units_changed_on(entry, day)
    if not eids or since is None:
        return {}  # no unit of the act has a version by then
    act_id = entry.state.act.id
    return await reads.unit_fact(
        (act_id, "eids", tuple(eids), since),
        lambda: units_store.units_with_eids_at(reads.pool, act_id=act_id, eids=eids, day=day, as_of=reads.seq),
        lambda found: 150 + 60 * len(eids) + 200 * sum(map(len, found.values())))


async def _view(request: Request, day: date, lang: str | None, as_of: int) -> UnitView:
    reads = reader(request, as_of)
    act = await reads.act(path_act_id(request))
    entry = await reads.entry(act.id)
    state = entry.state
    wid = await _wid_of(reads, act.id, _ref(request), day)
    rows = await _unit_rows(reads, act.id, wid)
    langs = [x for x in dict.fromkeys([*act.languages, *sorted(rows.rows)]) if x in rows.rows]
    if not langs:
        raise UnitNotFound(f"the act has no unit {wid}", unit=wid)
    if lang is not None and lang not in langs:
        raise Problem(404, "language-not-available", f"unit {wid} has no expression in {lang!r}", available=langs)
    own = lang or primary_language(act, langs) or langs[0]
    every = {x: version_periods(rows.structure.get(x, []), rows.rows[x]) for x in langs}
    latest = every[own][-1].version.eid if every[own] else rows.rows[own][-1].version.eid
    at_day = version_at(every[own], day)
    eid = at_day.version.eid if at_day is not None else latest
    unit_relations = [r for r in state.relations if is_unit_relation(r, act.id)]
    prefixes = ancestor_eids(eid)
    named = {r.target_unit for r in unit_relations if r.target_wid is None and r.target_unit is not None}
    found = (await _units_with_eids_at(reads, entry, sorted({*prefixes, *named}), day)).get(own, {})
    within = {wid} | {found[p] for p in prefixes if p in found}
    relations = [r for r in unit_relations if relation_wid(r, found) in within]
    reasons = Reasons(act, state.relations, state.editions, state.facts.commencement.reason)
    facts = facts_of_unit(wid, eid, every[own], relations, reasons)
    end = _act_end(state)
    shown = {x: version_periods(rows.structure.get(x, []), rows.rows[x], ends=end) for x in langs}
    return UnitView(state, wid, rows, [lang] if lang else langs, shown, facts, every)


def _agreement(view: UnitView, day: date) -> tuple[bool, str | None]:
    """Whether the languages with units on the day agree on this unit (in it or not, numbered alike), and
    how not."""
    found = {lang: version_at(view.every.get(lang, []), day) for lang in view.rows.known
             if view.rows.has_units(lang, day)}
    shapes = {lang: (p.version.eid, p.version.num, p.version.kind) if p is not None else None
              for lang, p in found.items()}
    if len(set(shapes.values())) <= 1:
        return True, None
    parts = [f"{lang}: {'no such unit' if shape is None else shape[0]}" for lang, shape in sorted(shapes.items())]
    return False, "the languages disagree on this unit (" + "; ".join(parts) + ")"


async def _read_view(request: Request) -> tuple[AsOf, date, UnitView]:
    """The unit the path names, as known at the request's as_of, on the asked day (the act's today by default)."""
    lang = _lang(request)
    as_of = await read_as_of(request)
    act = await reader(request, as_of.seq).act(path_act_id(request))
    day = query_date(request) or as_of.today(act.jurisdiction)
    return as_of, day, await _view(request, day, lang, as_of.seq)


async def get_unit(request: Request) -> Response:
    as_of, day, view = await _read_view(request)
    status = unit_status_at(view.facts, day, view.state.facts)
    agree, disagreement = _agreement(view, day)
    return read_response(as_of, {
        "act": view.state.act.id, "date": day.isoformat(), "wId": view.wid, "eId": view.eid_on(day),
        "status": unit_status_json(status),
        "expressions": {x: unit_in_force_json(version_at(view.periods[x], day), view.rows.texts) for x in view.langs},
        "languages_agree": agree, "disagreement": disagreement,
    })


def _names(op: Any, wid: str) -> bool:
    return getattr(op, "wid", None) == wid or (getattr(op, "position", None) is not None
                                               and op.position.anchor == wid)


async def get_versions(request: Request) -> Response:
    as_of, day, view = await _read_view(request)
    act = view.state.act
    pending = [a for a in await units_store.amendments_of_act(request.app.state.pool, act_id=act.id, as_of=as_of.seq)
               if a.prospective and any(_names(op, view.wid) for op in a.operations)]
    return read_response(as_of, {
        "act": act.id, "wId": view.wid, "eId": view.eid_on(day),
        "languages": {x: [version_period_json(p, view.rows.texts) for p in view.periods[x]] for x in view.langs},
        "status_periods": [unit_period_json(p) for p in unit_periods(view.facts, view.state.facts)],
        "prospective": [{"amendment": amendment_json(a),
                         "operations": [op_json(op) for op in a.operations if _names(op, view.wid)]}
                        for a in pending],
    })


def _toc_items(s: ExpressionState, code: StatusCode, pending: dict[str, StatusCode]) -> list[dict[str, Any]]:
    shape = depth_and_parent(s)
    items = []
    for w in s.wids:
        v = s.units[w]
        depth, parent = shape[w]
        chain, own = parent, pending.get(w)
        while own is None and chain is not None:
            own, chain = pending.get(chain), shape[chain][1]
        unit_code = StatusCode.REPEALED if v.repealed else own or (
            StatusCode.IN_FORCE if code == StatusCode.PARTIALLY_IN_FORCE else code)
        items.append({"wId": w, "eId": v.eid, "kind": v.kind, "num": v.num, "heading": v.heading, "depth": depth,
                      "parent": parent, "status": unit_code.value, "text_available": v.text_available})
    return items


def structure_agreement(structures: dict[str, tuple[str, ...]], langs: list[str]) -> dict[str, list[str]]:
    """Per language (among those with units: a text known only without its words is not compared), the
    units only some languages have."""
    known = {x: set(structures[x]) for x in langs if structures.get(x)}
    everywhere = set.intersection(*known.values()) if known else set()
    return {x: [w for w in structures[x] if w not in everywhere] for x in known
            if any(w not in everywhere for w in structures[x])}


async def get_toc(request: Request) -> Response:
    pool = request.app.state.pool
    as_of = await read_as_of(request)
    act = await load_act(request, as_of.seq)
    state = await act_state(pool, act, as_of=as_of.seq)
    day = query_date(request) or as_of.today(act.jurisdiction)
    lang = choose_language(state, _lang(request))
    status = state.status(day)
    edition = edition_in_force(state.editions, day) if in_force_on(status) else None
    own = (await history.state_of(pool, act_id=act.id, lang=lang, day=day, as_of=as_of.seq)
           if edition is not None and lang in edition.languages else None)
    structures = await history.structures_at(pool, act_id=act.id, day=day, as_of=as_of.seq) if edition else {}
    pending = {p.wid: p.code for p in status.units}
    only_in = structure_agreement(structures, list(edition.languages)) if edition is not None else {}
    return read_response(as_of, {
        "act": act.id, "date": day.isoformat(), "lang": lang, "status": status_json(status),
        "edition": edition_json(state.period_of(edition)) if edition is not None else None,
        "items": _toc_items(own, status.code, pending) if own is not None else [],
        "languages_agree": not only_in, "only_in": only_in,
    })
