"""A unit's status on a day, derived like the act's (status.py): whether it is in the text, repealed
(excluded), not yet commenced or suspended, combined with the act's own status, with the reason and the
period it holds for. Dates are calendar days; a change effective D holds from the start of D."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from service.domain.dates import ONE_DAY
from service.domain.status import (
    Boundary,
    Reason,
    StatusCode,
    StatusFacts,
    Suspension,
    UnitPending,
    Window,
    status_at,
    status_periods,
)

IN_TEXT, REPEALED, ABSENT = "in_text", "repealed", "absent"


@dataclass(frozen=True)
class Presence:
    """A run of days (inclusive; None: open) on which the unit is in the text, repealed, or absent."""

    since: date | None
    until: date | None
    state: str
    reason: Reason

    def covers(self, day: date) -> bool:
        return (self.since is None or self.since <= day) and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class UnitFacts:
    """Everything one unit's own status depends on. `presence` covers every day, in order.
    `commencement` is None when the unit enters into force with the text that brings it; a boundary with
    neither end known means "not yet appointed" (presumed not to have taken effect)."""

    wid: str
    eid: str
    presence: tuple[Presence, ...]
    commencement: Boundary | None = None
    suspensions: tuple[Suspension, ...] = ()
    repeals: tuple[Boundary, ...] = ()


@dataclass(frozen=True)
class UnitStatus:
    code: StatusCode
    since: date | None
    until: date | None
    certain: bool
    window: Window | None
    reason: Reason


@dataclass(frozen=True)
class UnitPeriod:
    code: StatusCode
    since: date | None
    until: date | None
    reason: Reason
    pending: bool  # in the text but not in force: not yet commenced, or suspended


@dataclass(frozen=True)
class _Raw:
    code: StatusCode
    reason: Reason
    certain: bool
    window: Window | None
    pending: bool = False


def _presence_at(f: UnitFacts, day: date) -> Presence:
    return next(p for p in f.presence if p.covers(day))


def _absent(f: UnitFacts, p: Presence) -> _Raw:
    was_in_text = any(q.state != ABSENT and q.until is not None and p.since is not None and q.until < p.since
                      for q in f.presence)
    return _Raw(StatusCode.REPEALED if was_in_text else StatusCode.NOT_YET_IN_FORCE, p.reason, True, None)


def _commencement_window(c: Boundary, day: date) -> Window | None:
    if not c.certain and (c.earliest is None or c.earliest <= day) and (c.latest is None or day < c.latest):
        return c.window()
    return None


def unit_raw(f: UnitFacts, day: date) -> _Raw:
    """The unit's own status on `day`, the act's status aside."""
    p = _presence_at(f, day)
    if p.state == ABSENT:
        return _absent(f, p)
    if p.state == REPEALED:
        return _Raw(StatusCode.REPEALED, p.reason, True, None)
    for r in f.repeals:
        if r.earliest is not None and r.earliest <= day:
            return _Raw(StatusCode.REPEALED, r.reason, True, None)
    c, window = f.commencement, None
    if c is not None:
        if c.earliest is None and c.latest is None:
            return _Raw(StatusCode.NOT_YET_IN_FORCE, c.reason, True, None, pending=True)
        if c.earliest is not None and day < c.earliest:
            return _Raw(StatusCode.NOT_YET_IN_FORCE, c.reason, True, None, pending=True)
        window = _commencement_window(c, day)
    for s in f.suspensions:
        if s.starts <= day and (s.ends is None or day < s.ends):
            return _Raw(StatusCode.SUSPENDED, s.reason, window is None, window, pending=True)
    return _Raw(StatusCode.IN_FORCE, c.reason if c is not None else p.reason, window is None, window)


def _unit_breakpoints(f: UnitFacts) -> set[date]:
    days: set[date] = set()
    for p in f.presence:
        if p.since is not None:
            days.add(p.since)
    for b in (f.commencement, *f.repeals):
        if b is not None:
            days.update(d for d in (b.earliest, b.latest) if d is not None)
    for s in f.suspensions:
        days.add(s.starts)
        if s.ends is not None:
            days.add(s.ends)
    return days


def _segments(days: set[date], raw: Callable[[date], _Raw]) -> list[tuple[date | None, date | None, _Raw]]:
    points = sorted(days - {date.min})
    starts: list[date | None] = [None, *points]
    return [(since, points[i] - ONE_DAY if i < len(points) else None, raw(since if since is not None else date.min))
            for i, since in enumerate(starts)]


def _merge(segments: list[tuple[date | None, date | None, _Raw]]) -> list[UnitPeriod]:
    periods: list[UnitPeriod] = []
    for since, until, raw in segments:
        last = periods[-1] if periods else None
        if last is not None and (last.code, last.reason, last.pending) == (raw.code, raw.reason, raw.pending):
            periods[-1] = replace(last, until=until)
        else:
            periods.append(UnitPeriod(raw.code, since, until, raw.reason, raw.pending))
    return periods


_ACT_DECIDES = (StatusCode.NOT_YET_IN_FORCE, StatusCode.SUSPENDED, StatusCode.REPEALED, StatusCode.EXPIRED)


def _combined(f: UnitFacts, act: StatusFacts | None, day: date) -> _Raw:
    own = unit_raw(f, day)
    if act is None or own.code == StatusCode.REPEALED:
        return own
    whole = status_at(act, day)
    if whole.code in _ACT_DECIDES:
        return _Raw(whole.code, whole.reason, whole.certain, whole.window)
    window = own.window or whole.window
    return replace(own, certain=own.certain and whole.certain, window=window)


def _act_breakpoints(act: StatusFacts | None) -> set[date]:
    if act is None:
        return set()
    return {p.since for p in status_periods(act) if p.since is not None}


def unit_periods(f: UnitFacts, act: StatusFacts | None = None) -> list[UnitPeriod]:
    """The unit's whole status timeline: consecutive, non-overlapping, covering every day. With the act's
    facts, the act's own status decides on the days the act is not in force (unless the unit is repealed)."""
    days = _unit_breakpoints(f) | _act_breakpoints(act)
    return _merge(_segments(days, lambda d: _combined(f, act, d)))


def unit_status_at(f: UnitFacts, day: date, act: StatusFacts | None = None) -> UnitStatus:
    periods = unit_periods(f, act)
    starts = [p.since or date.min for p in periods]
    period = periods[bisect.bisect_right(starts, day) - 1]
    raw = _combined(f, act, day)
    return UnitStatus(raw.code, period.since, period.until, raw.certain, raw.window, raw.reason)


def pending_periods(f: UnitFacts) -> list[UnitPending]:
    """The runs of days on which the unit is in the text but not in force (not commenced, or suspended)."""
    own = _merge(_segments(_unit_breakpoints(f), lambda d: unit_raw(f, d)))
    return [UnitPending(f.wid, f.eid, p.code, p.since, p.until, p.reason) for p in own if p.pending]
