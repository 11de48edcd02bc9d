"""One unit's history in one language, from the recorded structures (is it in the text from a day?) and its
version rows (what did it say from a day?): its versions in valid time, and the runs of days on which it is
in the text, repealed, or absent — what its status is derived from."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from service.domain.dates import ONE_DAY, day_before
from service.domain.expressions import UnitVersion
from service.domain.status import Reason
from service.domain.unit_status import ABSENT, IN_TEXT, REPEALED, Presence


@dataclass(frozen=True)
class VersionPeriod:
    """A version of the unit and the days it holds for: from `since` to `until` (inclusive; None: open)."""

    since: date
    until: date | None
    version: UnitVersion
    version_from: date  # the day the version row took effect (it may show again after a gap)
    recorded_seq: int = 0


@dataclass(frozen=True)
class VersionRow:
    valid_from: date
    version: UnitVersion
    recorded_seq: int = 0


def _latest(points: Sequence[tuple[date, object]], day: date) -> object | None:
    i = bisect.bisect_right([d for d, _ in points], day)
    return points[i - 1][1] if i else None


def version_periods(structure: Sequence[tuple[date, bool]], rows: Sequence[VersionRow], *,
                    ends: date | None = None) -> list[VersionPeriod]:
    """The unit's versions in valid time: the days it is in the structure (repealed or not), each with the
    version row in force. `structure` gives, at each structure change, whether the unit is in it; `ends`
    (the act's end) caps the last day, as for editions."""
    structure = sorted(structure, key=lambda x: x[0])
    rows = sorted(rows, key=lambda r: (r.valid_from, r.recorded_seq))
    by_day = [(r.valid_from, r) for r in rows]
    points = sorted({d for d, _ in structure} | {r.valid_from for r in rows})
    periods: list[VersionPeriod] = []
    for i, day in enumerate(points):
        present = _latest(structure, day)
        row = _latest(by_day, day)
        until = points[i + 1] - ONE_DAY if i + 1 < len(points) else None
        if not present or not isinstance(row, VersionRow):
            continue
        last = periods[-1] if periods else None
        if last is not None and last.version_from == row.valid_from and last.until is not None \
                and last.until + ONE_DAY == day:
            periods[-1] = replace(last, until=until)
        else:
            periods.append(VersionPeriod(day, until, row.version, row.valid_from, row.recorded_seq))
    if ends is not None:
        last_day = day_before(ends)
        periods = [replace(p, until=last_day) if p.until is None or p.until > last_day else p for p in periods]
    return periods


def version_at(periods: Sequence[VersionPeriod], day: date) -> VersionPeriod | None:
    return next((p for p in periods if p.since <= day and (p.until is None or day <= p.until)), None)


def presence_runs(periods: Sequence[VersionPeriod], *, reason_of: Callable[[VersionPeriod], Reason],
                  removed: Callable[[date], Reason]) -> tuple[Presence, ...]:
    """Runs covering every day: absent before the unit enters the text (with the reason it enters), in
    the text or repealed while its versions hold (a run keeps the reason it started with), absent after
    it leaves the structure (`removed(day)`)."""
    ordered = sorted((p for p in periods if p.until is None or p.since <= p.until), key=lambda p: p.since)
    if not ordered:
        return (Presence(None, None, ABSENT, Reason(note="never in the text")),)
    runs: list[Presence] = [Presence(None, ordered[0].since - ONE_DAY if ordered[0].since > date.min else None,
                                     ABSENT, reason_of(ordered[0]))]
    if runs[0].until is None:
        runs = []
    for p in ordered:
        state = REPEALED if p.version.repealed else IN_TEXT
        last = runs[-1] if runs else None
        if last is not None and last.until is not None and last.until + ONE_DAY < p.since:
            runs.append(Presence(last.until + ONE_DAY, p.since - ONE_DAY, ABSENT, removed(last.until + ONE_DAY)))
            last = runs[-1]
        if last is not None and last.state == state:
            runs[-1] = replace(last, until=p.until)
        else:
            runs.append(Presence(p.since, p.until, state, reason_of(p)))
    tail = runs[-1]
    if tail.until is not None and tail.until < date.max:
        runs.append(Presence(tail.until + ONE_DAY, None, ABSENT, removed(tail.until + ONE_DAY)))
    return tuple(runs)
