"""An act's status at a date, derived from its facts, with the reason and the period it holds for.

Dates are calendar days. A commencement on C means in force from the start of C; a repeal (or expiry)
effective E means in force up to and including E−1 and repealed from E. Where a date the answer depends
on is unknown, the facts give a window: the answer presumes the act valid (in force from the earliest
possible commencement, still in force until the latest possible termination) and says `certain: False`
with that window. A termination with neither end of its window known ("not yet appointed") is presumed
not to have taken effect. Once the act has certainly ended, the answer is still uncertain when a
termination of another kind (a repeal before an expiry, say) may have taken effect first.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from service.domain.dates import ONE_DAY


class StatusCode(StrEnum):
    NOT_YET_IN_FORCE = "not_yet_in_force"
    IN_FORCE = "in_force"
    PARTIALLY_IN_FORCE = "partially_in_force"
    SUSPENDED = "suspended"
    REPEALED = "repealed"
    EXPIRED = "expired"


LABELS: dict[StatusCode, dict[str, str]] = {
    StatusCode.NOT_YET_IN_FORCE: {"kk": "Қолданысқа енгізілмеген", "ru": "Не введен в действие",
                                  "en": "Not yet in force"},
    StatusCode.IN_FORCE: {"kk": "Қолданыстағы", "ru": "Действующий", "en": "In force"},
    StatusCode.PARTIALLY_IN_FORCE: {"kk": "Ішінара қолданыстағы", "ru": "Частично действующий",
                                    "en": "Partially in force"},
    StatusCode.SUSPENDED: {"kk": "Қолданысы тоқтатылған", "ru": "Действие приостановлено", "en": "Suspended"},
    StatusCode.REPEALED: {"kk": "Күші жойылған", "ru": "Утративший силу", "en": "Repealed"},
    StatusCode.EXPIRED: {"kk": "Қолданылу мерзімі өткен", "ru": "Истек срок действия", "en": "Expired"},
}


@dataclass(frozen=True)
class Reason:
    """What caused a status: a relation (and the act behind it) or the act's own rule, with its note."""

    relation: str | None = None
    act: str | None = None
    note: str | None = None
    basis: str | None = None


@dataclass(frozen=True)
class Window:
    """The days between which an unknown date must lie (either end may itself be unknown)."""

    earliest: date | None
    latest: date | None


@dataclass(frozen=True)
class Boundary:
    """A change of status on a day that is known (earliest == latest) or lies within a window."""

    earliest: date | None
    latest: date | None
    reason: Reason

    @property
    def certain(self) -> bool:
        return self.earliest is not None and self.earliest == self.latest

    def window(self) -> Window:
        return Window(self.earliest, self.latest)


@dataclass(frozen=True)
class Termination:
    """A repeal or an expiry of the whole act."""

    code: StatusCode
    boundary: Boundary


@dataclass(frozen=True)
class Suspension:
    """The whole act suspended from `starts` until the day before `ends` (open when `ends` is None)."""

    starts: date
    ends: date | None
    reason: Reason


@dataclass(frozen=True)
class UnitPending:
    """A unit in the act's text that is not in force from `since` to `until` (inclusive, None: open):
    not yet commenced, or suspended. Repealed and excluded units are never pending."""

    wid: str
    eid: str
    code: StatusCode
    since: date | None
    until: date | None
    reason: Reason

    def covers(self, day: date) -> bool:
        return (self.since is None or self.since <= day) and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class StatusFacts:
    """Everything the status of one act depends on. `partial_units` makes the act partially in force on
    every day it is in force; `pending_units` on the days each of them covers."""

    commencement: Boundary
    terminations: tuple[Termination, ...] = ()
    suspensions: tuple[Suspension, ...] = ()
    partial_units: tuple[str, ...] = field(default=())
    pending_units: tuple[UnitPending, ...] = field(default=())


@dataclass(frozen=True)
class Status:
    code: StatusCode
    since: date | None
    until: date | None
    certain: bool
    window: Window | None
    reason: Reason
    units: tuple[UnitPending, ...] = ()  # with partially_in_force: the units not in force that day


@dataclass(frozen=True)
class _Raw:
    code: StatusCode
    reason: Reason
    certain: bool
    window: Window | None
    units: tuple[UnitPending, ...] = ()


def _presumed_termination(facts: StatusFacts) -> Termination | None:
    """The first termination, each uncertain one placed at its latest possible day (None: never)."""
    dated = [t for t in facts.terminations if t.boundary.latest is not None]
    return min(dated, key=lambda t: t.boundary.latest or date.max, default=None)


def _uncertain_window(facts: StatusFacts, day: date) -> Window | None:
    """The window of the unknown date that leaves the status on `day` open, if any."""
    c = facts.commencement
    if not c.certain and (c.earliest is None or c.earliest <= day) and (c.latest is None or day < c.latest):
        return c.window()
    for t in facts.terminations:
        b = t.boundary
        if b.earliest is None and b.latest is None:
            continue  # not yet appointed: presumed not to have taken effect
        if not b.certain and (b.earliest is None or b.earliest <= day) and (b.latest is None or day < b.latest):
            return b.window()
    return None


def _rival_window(facts: StatusFacts, end: Termination) -> Window | None:
    """The window of a termination of another kind that may have taken effect before `end` did, if any."""
    for t in facts.terminations:
        b = t.boundary
        if t.code == end.code or (b.earliest is None and b.latest is None):
            continue
        if end.boundary.latest is not None and (b.earliest is None or b.earliest < end.boundary.latest):
            return b.window()
    return None


def _raw_status(facts: StatusFacts, day: date) -> _Raw:
    # A termination that has taken effect decides, even before the commencement: an act repealed before
    # it was to enter into force is repealed from the repeal's date, not "not yet in force".
    end = _presumed_termination(facts)
    if end is not None and end.boundary.latest is not None and day >= end.boundary.latest:
        rival = _rival_window(facts, end)
        return _Raw(end.code, end.boundary.reason, rival is None, rival)
    start = facts.commencement.earliest
    if start is not None and day < start:
        return _Raw(StatusCode.NOT_YET_IN_FORCE, facts.commencement.reason, True, None)
    window = _uncertain_window(facts, day)
    certain = window is None
    for s in facts.suspensions:
        if s.starts <= day and (s.ends is None or day < s.ends):
            return _Raw(StatusCode.SUSPENDED, s.reason, certain, window)
    pending = tuple(p for p in facts.pending_units if p.covers(day))
    code = StatusCode.PARTIALLY_IN_FORCE if facts.partial_units or pending else StatusCode.IN_FORCE
    return _Raw(code, facts.commencement.reason, certain, window, pending)


def breakpoints(facts: StatusFacts) -> list[date]:
    """Every day on which the status (code, reason, period, certainty, window, pending units) may differ from
    the day before: between two of them every day has the same status."""
    days: set[date] = set()
    for b in (facts.commencement, *(t.boundary for t in facts.terminations)):
        days.update(d for d in (b.earliest, b.latest) if d is not None)
    for s in facts.suspensions:
        days.add(s.starts)
        if s.ends is not None:
            days.add(s.ends)
    for p in facts.pending_units:
        if p.since is not None:
            days.add(p.since)
        if p.until is not None and p.until < date.max:
            days.add(p.until + ONE_DAY)
    days.discard(date.min)
    return sorted(days)


@dataclass(frozen=True)
class Period:
    """A maximal run of days with the same status and reason; `since`/`until` None are open ends."""

    code: StatusCode
    since: date | None
    until: date | None
    reason: Reason


def _segments(facts: StatusFacts) -> list[tuple[date | None, date | None, _Raw]]:
    points = breakpoints(facts)
    starts: list[date | None] = [None, *points]
    segments = []
    for i, since in enumerate(starts):
        until = points[i] - ONE_DAY if i < len(points) else None
        segments.append((since, until, _raw_status(facts, since if since is not None else date.min)))
    return segments


def status_periods(facts: StatusFacts) -> list[Period]:
    """The whole timeline of the act's status: consecutive, non-overlapping, covering every day."""
    periods: list[Period] = []
    for since, until, raw in _segments(facts):
        if periods and periods[-1].code == raw.code and periods[-1].reason == raw.reason:
            periods[-1] = replace(periods[-1], until=until)
        else:
            periods.append(Period(raw.code, since, until, raw.reason))
    return periods


def status_at(facts: StatusFacts, day: date, *, periods: list[Period] | None = None) -> Status:
    """The act's status on `day`, with its reason, the period it holds for, and how certain it is.
    `periods`: status_periods(facts), when the caller keeps them for many days."""
    periods = periods if periods is not None else status_periods(facts)
    starts = [p.since or date.min for p in periods]
    period = periods[bisect.bisect_right(starts, day) - 1]
    raw = _raw_status(facts, day)
    return Status(raw.code, period.since, period.until, raw.certain, raw.window, raw.reason, raw.units)


def in_force_on(status: Status) -> bool:
    """Whether the act has operative text on that day (suspended acts keep their text, marked as such)."""
    return status.code in (StatusCode.IN_FORCE, StatusCode.PARTIALLY_IN_FORCE, StatusCode.SUSPENDED)
