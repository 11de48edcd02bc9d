"""Materialising an act's history into the interval tables (unit_versions, expression_structures, editions).

The history of an act is its full editions (each the whole text from its day) and its amendments (each a
change from its day), in date order. A new fact effective D changes the text from D up to the next full
edition of the language (a later full edition says what the text was on its day, so it bounds what an
earlier fact can reach; on that day its own wording is restored). In between, the amendments already
recorded are applied again, in order, on top of the new state: a replaced unit holds until that unit's
next version, and an inserted, repealed or renumbered unit is carried into every later state that did not
itself change it. Only the rows that make some day read differently are written; rows a later entry
re-derives on the same day are superseded, never updated. Everything is read from the tables as they stand
before the entry, so replaying the ledger in order rebuilds the same rows. A structure carries, beside its
wIds, the line breaks before each unit when the expression records its layout (a legalize law file), so
that the text is given back as written; a unit an amendment inserts follows a blank line.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import asyncpg
import orjson

from service.domain.amendments import (
    Amendment,
    CommenceAmendment,
    op_from_payload,
)
from service.domain.errors import AmendmentConflict, Unprocessable
from service.domain.expressions import ExpressionState, UnitVersion, text_completeness
from service.domain.unit_operations import Maker, apply_operations
from service.store.db import LATEST
from service.store.queries import q

States = dict[str, ExpressionState]


def version_from_row(r: Mapping[str, Any]) -> UnitVersion:
    return UnitVersion(r["eid"], r["kind"], r["num"], r["heading"], r["text_sha256"], r["text_available"],
                       r["repealed"], r["source_act"], r["amendment_id"])


def amendment_from_row(r: Mapping[str, Any]) -> Amendment:
    return Amendment(
        id=r["id"], act_id=r["act_id"], amending_act=r["amending_act"], amending_unit=r["amending_unit"],
        effective_date=r["effective_date"], effective_rule=r["effective_rule"],
        effective_earliest=r["effective_earliest"], effective_latest=r["effective_latest"], basis=r["basis"],
        note=r["note"], operations=tuple(op_from_payload(o) for o in r["operations"]),
        commenced_by=r["commenced_by"], flags=r["flags"] or {}, recorded_seq=r["recorded_seq"],
    )


# A structure as stored: the wIds in order, and the line breaks before each when its layout is recorded.
Shape = tuple[tuple[str, ...], tuple[int, ...] | None]


def shape_from_row(r: Mapping[str, Any]) -> Shape:
    return tuple(r["wids"]), tuple(r["breaks"]) if r["breaks"] is not None else None


def _breaks(shape: Shape, kept: tuple[str, ...]) -> dict[str, int]:
    wids, layout = shape
    if layout is None:
        return {}
    within = set(kept)
    return {w: b for w, b in zip(wids, layout, strict=True) if w in within}


@dataclass
class Recorded:
    """What the tables say for one language, from a day up to a barrier: the rows in force on the day,
    and the rows that take effect after it."""

    base_rows: dict[str, tuple[date, UnitVersion]]
    base_structure: tuple[date, Shape] | None
    later_rows: list[tuple[date, str, UnitVersion]] = field(default_factory=list)
    later_structures: list[tuple[date, Shape]] = field(default_factory=list)

    def days(self) -> set[date]:
        return {d for d, _, _ in self.later_rows} | {d for d, _ in self.later_structures}

    def has_structure(self, day: date) -> bool:
        return self.base_structure is not None or any(d <= day for d, _ in self.later_structures)

    def state_at(self, day: date) -> ExpressionState:
        shape: Shape = self.base_structure[1] if self.base_structure is not None else ((), None)
        for d, sh in self.later_structures:
            if d <= day:
                shape = sh
        rows = {w: v for w, (_, v) in self.base_rows.items()}
        for d, wid, v in self.later_rows:
            if d <= day:
                rows[wid] = v
        kept = tuple(w for w in shape[0] if w in rows)
        return ExpressionState(kept, {w: rows[w] for w in kept}, _breaks(shape, kept))


async def recorded(conn: asyncpg.Connection, *, act_id: str, lang: str, day: date, upto: date | None,
                   as_of: int = LATEST) -> Recorded:
    base = await conn.fetch(q("unit_rows_at"), act_id, lang, day, as_of)
    structure = await conn.fetchrow(q("structure_at"), act_id, lang, day, as_of)
    rec = Recorded({r["wid"]: (r["valid_from"], version_from_row(r)) for r in base},
                   (structure["valid_from"], shape_from_row(structure)) if structure else None)
    if upto is None or upto > day:
        rows = await conn.fetch(q("unit_rows_after"), act_id, lang, day, upto, as_of)
        rec.later_rows = [(r["valid_from"], r["wid"], version_from_row(r)) for r in rows]
        structures = await conn.fetch(q("structure_rows_after"), act_id, lang, day, upto, as_of)
        rec.later_structures = [(r["valid_from"], shape_from_row(r)) for r in structures]
    return rec


async def languages(conn: asyncpg.Connection | asyncpg.Pool, *, act_id: str, day: date, as_of: int) -> list[str]:
    """The languages in which the act has a structure on or before `day`."""
    return [r["lang"] for r in await conn.fetch(q("structure_languages"), act_id, day, as_of)]


async def state_of(conn: asyncpg.Connection | asyncpg.Pool, *, act_id: str, lang: str, day: date, as_of: int
                   ) -> ExpressionState | None:
    """One language's state at the end of `day`; None when it has no structure by then."""
    structure = await conn.fetchrow(q("structure_at"), act_id, lang, day, as_of)
    if structure is None:
        return None
    rows = await conn.fetch(q("unit_rows_at"), act_id, lang, day, as_of)
    versions = {r["wid"]: version_from_row(r) for r in rows}
    wids = tuple(w for w in structure["wids"] if w in versions)
    return ExpressionState(wids, {w: versions[w] for w in wids}, _breaks(shape_from_row(structure), wids))


async def states_at(conn: asyncpg.Connection | asyncpg.Pool, *, act_id: str, day: date, as_of: int) -> States:
    """Every language's state at the end of `day` (languages without a structure by then are left out)."""
    out: States = {}
    for lang in await languages(conn, act_id=act_id, day=day, as_of=as_of):
        found = await state_of(conn, act_id=act_id, lang=lang, day=day, as_of=as_of)
        if found is not None:
            out[lang] = found
    return out


async def structures_at(conn: asyncpg.Connection | asyncpg.Pool, *, act_id: str, day: date, as_of: int
                        ) -> dict[str, tuple[str, ...]]:
    """Every language's structure (wIds in order) at the end of `day`, without the units' versions."""
    out = {}
    for lang in await languages(conn, act_id=act_id, day=day, as_of=as_of):
        row = await conn.fetchrow(q("structure_at"), act_id, lang, day, as_of)
        if row is not None:
            out[lang] = tuple(row["wids"])
    return out


# ---- folding the history ------------------------------------------------------------------------------------

def fold_operations(a: Amendment) -> list[Any]:
    """What an amendment row applies when the history is folded: everything but the commencement of a
    prospective amendment, whose own row (dated by then) applies its operations."""
    return [op for op in a.operations if not isinstance(op, CommenceAmendment)]


def _replay(states: States, context: States, a: Amendment, day: date) -> States:
    if not states:
        return states
    try:
        return apply_operations(states, fold_operations(a), by=Maker(a.amending_act, a.id), day=day,
                                context=context)
    except Unprocessable as exc:
        raise AmendmentConflict(
            f"this contradicts amendment {a.id} (by act {a.amending_act}, effective {day.isoformat()}), "
            f"recorded earlier: {exc.detail}", amendment=a.id) from exc


@dataclass
class Plan:
    """The state each language must read on each day from the start day up to its barrier (inclusive)."""

    targets: dict[str, dict[date, ExpressionState]]
    recorded: dict[str, Recorded]
    horizon: date | None  # the last barrier; None when some language has none
    first: bool = False  # the act had no text history at all: nothing recorded to supersede or refresh

    def shape_on(self, day: date) -> tuple[list[str], str] | None:
        """The languages with a text on `day` and its completeness, when the plan holds every one of them."""
        states = {lang: by_day[day] for lang, by_day in self.targets.items() if day in by_day}
        if any(lang not in states and rec.has_structure(day) for lang, rec in self.recorded.items()):
            return None
        return sorted(states), text_completeness(states)


async def plan(conn: asyncpg.Connection, *, act_id: str, start: date, first: Callable[[States], States],
               new_languages: Iterable[str] = ()) -> Plan:
    """Fold the history from `start`: `first` gives the new states on the start day, then the amendments
    recorded for later days are applied again on top, each language up to its next full edition.

    An act with no text history yet (its first edition, which an import records for every new act) is asked
    that once, instead of the reads below one by one, each of which would come back empty."""
    history = await conn.fetchval(q("text_history_exists"), act_id, LATEST)
    if history:
        langs = set(await languages(conn, act_id=act_id, day=date.max, as_of=LATEST)) | set(new_languages)
        barriers = {lang: await conn.fetchval(q("full_edition_after"), act_id, lang, start, LATEST)
                    for lang in langs}
        horizon = None if not barriers or None in barriers.values() else max(d for d in barriers.values() if d)
        recs = {lang: await recorded(conn, act_id=act_id, lang=lang, day=start, upto=horizon) for lang in langs}
        later = [amendment_from_row(r) for r in await conn.fetch(q("amendments_dated_between"), act_id, start,
                                                                  horizon, LATEST)]
    else:  # what those reads would give: no barrier, nothing recorded, no amendment
        langs = set(new_languages)
        barriers, horizon = dict.fromkeys(langs), None
        recs, later = {lang: Recorded({}, None) for lang in langs}, []
    cur = first({lang: rec.state_at(start) for lang, rec in recs.items() if rec.has_structure(start)})
    days = {start} | {a.effective_date for a in later if a.effective_date} | {d for d in barriers.values() if d}
    for rec in recs.values():
        days |= rec.days()
    targets: dict[str, dict[date, ExpressionState]] = {lang: {} for lang in set(cur) | langs}
    for day in sorted(d for d in days if horizon is None or d <= horizon):
        past = {lang: recs[lang].state_at(day) for lang, b in barriers.items() if b is not None and day >= b}
        if day > start:
            cur = {lang: s for lang, s in cur.items() if lang not in past}
            cur |= {lang: recs[lang].state_at(day) for lang in langs
                    if lang not in cur and lang not in past and recs[lang].has_structure(day)}
            for a in (a for a in later if a.effective_date == day):
                cur = _replay(cur, past, a, day)
        for lang, s in cur.items():
            targets[lang][day] = s
        for lang, s in past.items():
            if day == barriers[lang]:
                targets[lang][day] = s
    return Plan(targets, recs, horizon, first=not history)


# ---- writing the fewest rows ----------------------------------------------------------------------------------

async def _write_versions(conn: asyncpg.Connection, act_id: str, lang: str,
                          rows: list[tuple[date, str, UnitVersion]], seq: int, *, first: bool) -> None:
    if not rows:
        return
    days, wids, vs = [d for d, _, _ in rows], [w for _, w, _ in rows], [v for _, _, v in rows]
    if not first:  # the act's first text has no row to supersede
        await conn.execute(q("unit_versions_close"), act_id, lang, days, wids, seq)
    await conn.execute(
        q("unit_versions_write"), act_id, lang, seq, days, wids, [v.eid for v in vs], [v.kind for v in vs],
        [v.num for v in vs], [v.heading for v in vs], [v.sha256 for v in vs], [v.text_available for v in vs],
        [v.repealed for v in vs], [v.source_act for v in vs], [v.amendment for v in vs],
    )


async def _write_structures(conn: asyncpg.Connection, act_id: str, lang: str,
                            structures: list[tuple[date, Shape]], seq: int, *, first: bool) -> None:
    if not structures:
        return
    days = [d for d, _ in structures]
    if not first:
        await conn.execute(q("structure_close"), act_id, lang, days, seq)
    await conn.execute(q("structures_write"), act_id, lang, seq, days,
                       [orjson.dumps(list(w)).decode() for _, (w, _) in structures],
                       [orjson.dumps(list(b)).decode() if b is not None else None for _, (_, b) in structures])


def _candidates(target: ExpressionState, previous: ExpressionState | None, touched: set[str]) -> Iterable[str]:
    """The units that may read otherwise than planned: all on the first day; after it, those the plan
    changed since the day before (the fold keeps an unchanged unit's version object) and those a recorded
    row of this day touched. Every other unit still reads what it read, and that was right."""
    if previous is None:
        return target.wids
    before = previous.units
    return [w for w in target.wids if target.units[w] is not before.get(w) or w in touched]


async def write(conn: asyncpg.Connection, *, act_id: str, p: Plan, seq: int) -> None:
    """Write, per language and day, the rows without which that day would read otherwise than planned.

    What a day reads is, per unit, the row with the latest day on or before it (a row of this entry wins
    over an older one of the same day); the same for the structure."""
    for lang, by_day in p.targets.items():
        rec = p.recorded[lang]
        rows: dict[str, tuple[date, UnitVersion, bool]] = {w: (d, v, False) for w, (d, v) in rec.base_rows.items()}
        structure = (rec.base_structure[0], rec.base_structure[1], False) if rec.base_structure else None
        old_rows, old_structures = deque(rec.later_rows), deque(rec.later_structures)
        previous: ExpressionState | None = None
        new_rows: list[tuple[date, str, UnitVersion]] = []
        new_structures: list[tuple[date, Shape]] = []
        for day in sorted(by_day):
            touched: set[str] = set()
            while old_rows and old_rows[0][0] <= day:
                d, wid, v = old_rows.popleft()
                seen = rows.get(wid)
                if seen is None or seen[0] < d or (seen[0] == d and not seen[2]):
                    rows[wid] = (d, v, False)
                    touched.add(wid)
            while old_structures and old_structures[0][0] <= day:
                d, shape = old_structures.popleft()
                if structure is None or structure[0] < d or (structure[0] == d and not structure[2]):
                    structure = (d, shape, False)
            target = by_day[day]
            changed = {w: target.units[w] for w in _candidates(target, previous, touched)
                       if (seen := rows.get(w)) is None or (seen[1] is not target.units[w]
                                                            and seen[1] != target.units[w])}
            previous = target
            new_rows.extend((day, w, v) for w, v in changed.items())
            rows.update({w: (day, v, True) for w, v in changed.items()})
            wanted: Shape = (target.wids, target.layout())
            if structure is None or structure[1] != wanted:
                new_structures.append((day, wanted))
                structure = (day, wanted, True)
        await _write_versions(conn, act_id, lang, new_rows, seq, first=p.first)
        await _write_structures(conn, act_id, lang, new_structures, seq, first=p.first)


# ---- edition rows ---------------------------------------------------------------------------------------------

async def text_shape(conn: asyncpg.Connection, *, act_id: str, day: date) -> tuple[list[str], str]:
    """The languages with a text on `day` and its completeness (full / partial / none), from the tables."""
    counts = await conn.fetch(q("text_counts_at"), act_id, day, LATEST)
    units = sum(r["units"] for r in counts)
    with_text = sum(r["with_text"] for r in counts)
    every = bool(counts) and all(r["units"] > 0 for r in counts)
    completeness = "full" if units and with_text == units and every else ("none" if with_text == 0 else "partial")
    return [r["lang"] for r in counts], completeness


def _ordered(langs: list[str], preferred: list[str]) -> list[str]:
    return [x for x in preferred if x in langs] + sorted(x for x in langs if x not in preferred)


async def merge_edition(conn: asyncpg.Connection, *, act_id: str, day: date, seq: int, sources: list[str],
                        amendments: list[str], note: str | None, plan: Plan | None = None) -> None:
    """The edition of `day` with these amendments' contributions added (in order, each act once)."""
    shape = plan.shape_on(day) if plan is not None else None
    langs, completeness = shape or await text_shape(conn, act_id=act_id, day=day)
    row = await conn.fetchrow(q("edition_row_at"), act_id, day, LATEST)
    if row is not None:
        await conn.execute(q("edition_close"), act_id, day, seq)
        sources = list(dict.fromkeys([*row["source_acts"], *sources]))
        amendments = [*row["amendments"], *amendments]
        note = "\n".join(n for n in (row["note"], note) if n) or None
        origin, preferred = row["origin"], list(row["languages"])
    else:
        editions = await conn.fetch(q("editions_of_act"), act_id, LATEST)
        before = [e for e in editions if e["valid_from"] < day]
        origin, preferred = "amendments", list(before[-1]["languages"]) if before else []
        sources = list(dict.fromkeys(sources))
    await conn.execute(q("edition_write"), act_id, day, sources, _ordered(langs, preferred), completeness, note,
                       origin, amendments, seq)


async def refresh_editions(conn: asyncpg.Connection, *, act_id: str, after: date, plan: Plan, seq: int) -> None:
    """Amendment-made editions whose text a late fact changed get their completeness and languages again."""
    if plan.first:
        return  # the act had no edition: there is none after `after` to refresh
    for row in await conn.fetch(q("edition_rows_between"), act_id, after, plan.horizon, LATEST):
        if row["origin"] != "amendments":
            continue
        shape = plan.shape_on(row["valid_from"])
        langs, completeness = shape or await text_shape(conn, act_id=act_id, day=row["valid_from"])
        langs = _ordered(langs, list(row["languages"]))
        if (langs, completeness) == (list(row["languages"]), row["text_completeness"]):
            continue
        await conn.execute(q("edition_close"), act_id, row["valid_from"], seq)
        await conn.execute(q("edition_write"), act_id, row["valid_from"], list(row["source_acts"]), langs,
                           completeness, row["note"], row["origin"], list(row["amendments"]), seq)


