"""From an act and the relations that target it to the facts its status depends on."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from service.domain.dates import day_before
from service.domain.model import Act, Relation
from service.domain.status import Boundary, Reason, StatusCode, StatusFacts, Suspension, Termination

PRESUMED_FROM_ADOPTION = "no entry into force on record: presumed in force from adoption"


def _reason(r: Relation) -> Reason:
    return Reason(relation=r.id, act=r.source_act, note=r.note, basis=r.basis)


def _window(r: Relation) -> tuple[date | None, date | None]:
    if r.effective_date is not None:
        return r.effective_date, r.effective_date
    return r.effective_earliest, r.effective_latest


def _latest_commencement(act: Act, relations: Iterable[Relation]) -> date | None:
    """The last day by which the act must have been in force, as later facts imply.

    An amendment of the act effective E means it was in force on E; its repeal effective E means it was
    in force on E−1.
    """
    implied: list[date] = []
    for r in relations:
        if r.type == "amends" and r.effective_date is not None:
            implied.append(r.effective_date)
        elif r.type == "repeals" and r.on_whole_act and r.effective_date is not None:
            implied.append(day_before(r.effective_date))
    if act.expires_on is not None:
        implied.append(day_before(act.expires_on))
    return min(implied, default=None)


def commencement(act: Act, relations: list[Relation]) -> Boundary:
    eif = act.entry_into_force
    if eif.date is not None:
        note = eif.rule or "entry into force on record"
        return Boundary(eif.date, eif.date, Reason(act=act.id, note=note, basis="stated"))
    for r in relations:
        if r.type == "commences" and r.on_whole_act and r.effective_date is not None:
            return Boundary(r.effective_date, r.effective_date, _reason(r))
    starts = [d for d in (eif.earliest, act.adopted_on) if d is not None]
    earliest = max(starts, default=None)
    latest = _latest_commencement(act, relations)
    if latest is not None and earliest is not None and latest < earliest:
        latest = earliest
    note = eif.rule or PRESUMED_FROM_ADOPTION
    return Boundary(earliest, latest, Reason(act=act.id, note=note, basis="convention"))


def _terminations(act: Act, relations: list[Relation]) -> list[Termination]:
    ends = [
        Termination(StatusCode.REPEALED, Boundary(*_window(r), _reason(r)))
        for r in relations
        if r.type == "repeals" and r.on_whole_act
    ]
    if act.expires_on is not None:
        reason = Reason(act=act.id, note="expiry date on record", basis="stated")
        ends.append(Termination(StatusCode.EXPIRED, Boundary(act.expires_on, act.expires_on, reason)))
    return ends


def _suspensions(relations: list[Relation]) -> list[Suspension]:
    resumptions = sorted(
        r.effective_date for r in relations if r.type == "resumes" and r.on_whole_act and r.effective_date
    )
    found = []
    for r in relations:
        if r.type != "suspends" or not r.on_whole_act or r.effective_date is None:
            continue
        ends = r.ends_on or next((d for d in resumptions if d > r.effective_date), None)
        found.append(Suspension(r.effective_date, ends, _reason(r)))
    return sorted(found, key=lambda s: s.starts)


def status_facts(act: Act, relations: list[Relation], *, partial_units: tuple[str, ...] = ()) -> StatusFacts:
    """The status facts of `act`, given the relations whose target it is."""
    targeting = [r for r in relations if r.target_act == act.id]
    return StatusFacts(
        commencement=commencement(act, targeting),
        terminations=tuple(_terminations(act, targeting)),
        suspensions=tuple(_suspensions(targeting)),
        partial_units=partial_units,
    )
