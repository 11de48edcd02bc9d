"""Which edition applies on a day, and the period each edition holds for."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from service.domain.dates import ONE_DAY, day_before
from service.domain.model import Edition


@dataclass(frozen=True)
class EditionPeriod:
    edition: Edition
    valid_to: date | None  # the last day it applies; None while no later edition or end is known


def edition_periods(editions: Sequence[Edition], *, ends: date | None = None) -> list[EditionPeriod]:
    """Each edition with its last day: the day before the next edition, or before the act's end."""
    ordered = sorted(editions, key=lambda e: e.valid_from)
    periods = []
    for i, edition in enumerate(ordered):
        nxt = ordered[i + 1].valid_from - ONE_DAY if i + 1 < len(ordered) else None
        # Never past the act's end, even for an edition recorded as starting on or after it (no days).
        last = day_before(ends) if ends is not None else None
        candidates = [d for d in (nxt, last) if d is not None]
        periods.append(EditionPeriod(edition, min(candidates, default=None)))
    return periods


def edition_in_force(editions: Sequence[Edition], day: date) -> Edition | None:
    """The latest edition whose valid_from is on or before `day` (the end of that day counts)."""
    ordered = sorted(editions, key=lambda e: e.valid_from)
    i = bisect.bisect_right([e.valid_from for e in ordered], day)
    return ordered[i - 1] if i else None


def edition_on(editions: Sequence[Edition], day: date) -> Edition | None:
    """The edition that starts exactly on `day` (AKN `@date`)."""
    return next((e for e in editions if e.valid_from == day), None)


def nearest_editions(editions: Sequence[Edition], day: date) -> tuple[date | None, date | None]:
    """The valid_from of the last edition on or before `day` and of the first one after it."""
    starts = sorted(e.valid_from for e in editions)
    i = bisect.bisect_right(starts, day)
    return (starts[i - 1] if i else None, starts[i] if i < len(starts) else None)
