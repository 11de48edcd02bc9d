"""What the unit answers share: finding a unit by wId or eId, its versions per language, its status facts
(presence in the text, commencement, suspensions) and the units that make an act partially in force."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import asyncpg

from service.domain.facts import UNIT_STATUS_RELATIONS, pending_units, unit_facts
from service.domain.model import Act, Edition, Relation
from service.domain.status import Reason, UnitPending
from service.domain.unit_history import VersionPeriod, presence_runs, version_periods
from service.domain.unit_status import UnitFacts
from service.store import history
from service.store import units as units_store


def is_unit_relation(r: Relation, act_id: str) -> bool:
    return r.target_act == act_id and not r.on_whole_act and r.type in UNIT_STATUS_RELATIONS


def relation_wid(r: Relation, wids_by_eid: Mapping[str, str] | None = None) -> str | None:
    """The wId a relation on a unit names: the one an amendment recorded, else its eId's unit (on the day
    asked, when known), else the eId itself."""
    if r.target_wid is not None:
        return r.target_wid
    if r.target_unit is None:
        return None
    return (wids_by_eid or {}).get(r.target_unit, r.target_unit)


def ancestor_eids(eid: str) -> list[str]:
    """The eIds of the units that contain the unit `eid` (its prefixes by components), outermost first."""
    parts = eid.split("__")
    return ["__".join(parts[:i]) for i in range(1, len(parts))]


@dataclass(frozen=True)
class Reasons:
    """How a unit's versions are explained: by the relation an amendment recorded for it, else by the act
    that made the version (the act itself for its own text)."""

    act: Act
    relations: Sequence[Relation]
    editions: Sequence[Edition]
    commencement: Reason | None = None  # the act's own: what puts its original text in force

    def of_version(self, wid: str, p: VersionPeriod) -> Reason:
        v = p.version
        for r in self.relations:
            if r.target_wid == wid and r.effective_date == p.version_from and r.type in ("amends", "repeals") \
                    and r.commenced_amendment is None:
                return Reason(relation=r.id, act=r.source_act, note=r.note, basis=r.basis)
        if v.source_act is None and self.commencement is not None:
            return self.commencement
        return Reason(act=v.source_act or self.act.id, basis="stated")

    def removed(self, day: date) -> Reason:
        edition = next((e for e in self.editions if e.valid_from == day), None)
        source = edition.source_acts[0] if edition is not None and edition.source_acts else self.act.id
        return Reason(act=source, note=f"not in the text of the edition of {day.isoformat()}", basis="stated")


def facts_of_unit(wid: str, eid: str, periods: Sequence[VersionPeriod], relations: Iterable[Relation],
                  reasons: Reasons) -> UnitFacts:
    presence = presence_runs(periods, reason_of=lambda p: reasons.of_version(wid, p), removed=reasons.removed)
    return unit_facts(wid, eid, presence, relations)


def primary_language(act: Act, langs: Iterable[str]) -> str | None:
    present = list(langs)
    return next((lang for lang in act.languages if lang in present), present[0] if present else None)


async def pending_of_act(pool: asyncpg.Pool | asyncpg.Connection, act: Act, relations: list[Relation], *, as_of: int
                         ) -> tuple[UnitPending, ...]:
    """The units of `act` not in force on some days (not commenced, or suspended), from the relations on
    them; () at once for an act without such relations."""
    mine = [r for r in relations if is_unit_relation(r, act.id) and r.type in ("commences", "suspends")
            and r.commenced_amendment is None]
    if not mine:
        return ()
    langs = await history.languages(pool, act_id=act.id, day=date.max, as_of=as_of)
    lang = primary_language(act, langs)
    if lang is None:
        return ()
    by_wid: dict[str, list[Relation]] = {}
    eids: dict[str, str] = {}
    for r in (r for r in relations if is_unit_relation(r, act.id)):
        w = relation_wid(r, None)
        if w is not None:
            by_wid.setdefault(w, []).append(r)
            eids.setdefault(w, r.target_unit or w)
    wanted = sorted({w for r in mine if (w := relation_wid(r, None)) is not None})
    rows, structure = await units_store.units_rows(pool, act_id=act.id, lang=lang, wids=wanted, as_of=as_of)
    reasons = Reasons(act, relations, [])
    facts = [facts_of_unit(w, eids[w], version_periods(structure.get(w, []), rows.get(w, [])), by_wid[w], reasons)
             for w in wanted if rows.get(w)]
    return pending_units(facts)
