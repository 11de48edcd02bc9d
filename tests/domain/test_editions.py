"""Which edition applies on a day, and the period each holds for (service/domain/editions.py)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from service.domain.editions import EditionPeriod, edition_in_force, edition_on, edition_periods, nearest_editions
from service.domain.model import Edition

D = timedelta(days=1)


def ed(day: date, *sources: str) -> Edition:
    return Edition(act_id="A", valid_from=day, source_acts=sources or ("A",), languages=("kk", "ru"),
                   text_completeness="full")


# Concept: the original of 2015-12-28 and the annex's new wording by Decree 824 of 2019-01-09.
ORIGINAL, BY_824 = ed(date(2015, 12, 28)), ed(date(2019, 1, 9), "824")
CONCEPT = [BY_824, ORIGINAL]  # in no particular order
REPEALED = date(2022, 9, 15)


def test_concept_editions_by_day() -> None:
    assert edition_in_force(CONCEPT, date(2015, 12, 27)) is None
    assert edition_in_force(CONCEPT, date(2015, 12, 28)) == ORIGINAL
    assert edition_in_force(CONCEPT, date(2016, 6, 1)) == ORIGINAL
    assert edition_in_force(CONCEPT, date(2019, 1, 8)) == ORIGINAL
    assert edition_in_force(CONCEPT, date(2019, 1, 9)) == BY_824
    assert edition_in_force(CONCEPT, date(2022, 9, 14)) == BY_824


def test_concept_edition_periods() -> None:
    assert edition_periods(CONCEPT, ends=REPEALED) == [
        EditionPeriod(ORIGINAL, date(2019, 1, 8)),
        EditionPeriod(BY_824, date(2022, 9, 14)),
    ]
    assert edition_periods(CONCEPT) == [EditionPeriod(ORIGINAL, date(2019, 1, 8)), EditionPeriod(BY_824, None)]


def test_edition_on_exact_date_only() -> None:
    assert edition_on(CONCEPT, date(2019, 1, 9)) == BY_824
    assert edition_on(CONCEPT, date(2015, 12, 28)) == ORIGINAL
    assert edition_on(CONCEPT, date(2019, 1, 10)) is None
    assert edition_on([], date(2019, 1, 10)) is None


def test_nearest_editions_of_the_concept() -> None:
    assert nearest_editions(CONCEPT, date(2015, 12, 27)) == (None, date(2015, 12, 28))
    assert nearest_editions(CONCEPT, date(2015, 12, 28)) == (date(2015, 12, 28), date(2019, 1, 9))
    assert nearest_editions(CONCEPT, date(2022, 9, 15)) == (date(2019, 1, 9), None)
    assert nearest_editions([], date(2022, 9, 15)) == (None, None)


def test_edition_starting_after_the_end_never_applies() -> None:
    """An edition recorded as taking effect on or after the act's end has no days: its valid_to is the
    day before the end, never open (None) and never past the end."""
    late = ed(date(2023, 1, 1), "later")
    on_end = ed(REPEALED, "same day")
    periods = edition_periods([*CONCEPT, late, on_end], ends=REPEALED)
    assert [p.valid_to for p in periods] == [date(2019, 1, 8), date(2022, 9, 14), date(2022, 9, 14),
                                             date(2022, 9, 14)]


# ---------------------------------------------------------------------------------------------------------
# Properties

DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))
# Editions have distinct valid_from days (DESIGN.md: changes on one date make one edition).
EDITIONS = st.lists(DAYS, unique=True, max_size=8).map(lambda ds: [ed(d, f"src-{d}") for d in ds])
ANY_EDITIONS = st.lists(st.dates(), unique=True, max_size=6).map(lambda ds: [ed(d) for d in ds])


@given(EDITIONS, DAYS)
def test_edition_in_force_is_the_latest_starting_on_or_before_the_day(editions: list[Edition], day: date) -> None:
    found = edition_in_force(editions, day)
    started = [e for e in editions if e.valid_from <= day]
    if not started:
        assert found is None
    else:
        assert found is not None and found.valid_from == max(e.valid_from for e in started)
        assert found in editions


@given(EDITIONS, st.permutations(range(8)), DAYS)
def test_edition_selection_ignores_order(editions: list[Edition], perm: list[int], day: date) -> None:
    shuffled = [editions[i] for i in perm if i < len(editions)]
    assert edition_in_force(shuffled, day) == edition_in_force(editions, day)
    assert nearest_editions(shuffled, day) == nearest_editions(editions, day)
    assert edition_periods(shuffled, ends=day) == edition_periods(editions, ends=day)


@given(EDITIONS, st.none() | DAYS)
def test_edition_periods(editions: list[Edition], ends: date | None) -> None:
    periods = edition_periods(editions, ends=ends)
    assert [p.edition for p in periods] == sorted(editions, key=lambda e: e.valid_from)
    for p, nxt in itertools.pairwise(periods):
        assert p.valid_to is not None, "an edition followed by another is not open-ended"
        assert p.valid_to <= nxt.edition.valid_from - D, "the day before the next edition at the latest"
        if ends is None or ends >= nxt.edition.valid_from:
            assert p.valid_to == nxt.edition.valid_from - D
    for p in periods:
        if ends is not None:
            assert p.valid_to is not None and p.valid_to < ends, "never past the act's end"
            if p.edition.valid_from < ends:
                assert p.valid_to >= p.edition.valid_from, "an edition before the end applies at least a day"
        if p.valid_to is None:
            assert ends is None and p is periods[-1], "`None` only for the open-ended last edition"
    if periods and ends is None:
        assert periods[-1].valid_to is None


@given(EDITIONS, st.none() | DAYS, DAYS)
def test_the_edition_in_force_is_the_one_whose_period_holds_the_day(
        editions: list[Edition], ends: date | None, day: date) -> None:
    """Periods and point lookup agree on every day before the end: exactly one period holds it."""
    if ends is not None and day >= ends:
        return
    holding = [p.edition for p in edition_periods(editions, ends=ends)
               if p.edition.valid_from <= day and (p.valid_to is None or day <= p.valid_to)]
    found = edition_in_force(editions, day)
    assert holding == ([] if found is None else [found])


@given(EDITIONS, DAYS)
def test_nearest_editions(editions: list[Edition], day: date) -> None:
    before, after = nearest_editions(editions, day)
    starts = sorted(e.valid_from for e in editions)
    assert before == max((d for d in starts if d <= day), default=None)
    assert after == min((d for d in starts if d > day), default=None)
    current = edition_in_force(editions, day)
    assert before == (current.valid_from if current else None)


@given(EDITIONS, DAYS)
def test_edition_on(editions: list[Edition], day: date) -> None:
    exact = edition_on(editions, day)
    assert exact == next((e for e in editions if e.valid_from == day), None)
    if exact is not None:
        assert edition_in_force(editions, day) == exact


@given(ANY_EDITIONS, st.none() | st.dates() | st.sampled_from([date.min, date.max]), st.dates())
def test_anywhere_in_the_calendar_nothing_overflows(editions: list[Edition], ends: date | None, day: date) -> None:
    for p in edition_periods(editions, ends=ends):
        if ends is not None and ends > date.min:
            assert p.valid_to is not None and p.valid_to < ends
    edition_in_force(editions, day)
    nearest_editions(editions, day)
