"""From an act and its relations to the facts its status depends on (service/domain/facts.py), and the
answers those facts give — DESIGN.md's Concept (Decree 148) and Decree 552 among them."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from service.domain.facts import PRESUMED_FROM_ADOPTION, commencement, status_facts
from service.domain.model import Act, EntryIntoForce, Relation
from service.domain.status import (
    Boundary,
    Reason,
    Status,
    StatusCode,
    Suspension,
    Termination,
    Window,
    status_at,
    status_periods,
)

D = timedelta(days=1)

D148, D552, D824, D1014, LAW2008 = "01D148", "01D552", "01D824", "01D1014", "01LAW2008"


def act(id: str = "A", *, adopted_on: date | None = date(2000, 1, 1), eif: EntryIntoForce | None = None,
        expires_on: date | None = None, number: str | None = "1") -> Act:
    return Act(
        id=id, jurisdiction="kz", type="decree", number=number, adopted_on=adopted_on,
        issuing_body="President of the Republic of Kazakhstan", titles={"ru": "Указ"}, languages=("kk", "ru"),
        publication_date=None, publication_source=None, entry_into_force=eif or EntryIntoForce(),
        expires_on=expires_on, akn_uri=None,
    )


_ids = itertools.count(1)


def rel(type: str, target: str = "A", *, source: str = "B", on: date | None = None, unit: str | None = None,
        earliest: date | None = None, latest: date | None = None, ends_on: date | None = None,
        basis: str = "stated", note: str | None = None, id: str | None = None) -> Relation:
    return Relation(
        id=id or f"rel-{next(_ids)}", type=type, source_act=source, source_unit=None, target_act=target,
        target_unit=unit, effective_date=on, effective_rule=None, effective_earliest=earliest,
        effective_latest=latest, ends_on=ends_on, basis=basis, note=note,
    )


def brief(s: Status) -> tuple[StatusCode, date | None, date | None, bool]:
    return s.code, s.since, s.until, s.certain


# ---------------------------------------------------------------------------------------------------------
# The Concept, worked through (DESIGN.md)

REPEAL_148_NOTE = "Сноска. Утратил силу Указом Президента РК от 15.09.2022 № 1014."


def concept_relations() -> list[Relation]:
    return [
        rel("amends", D148, source=D824, on=date(2019, 1, 9), unit="att_1", basis="convention",
            note="Концепция в редакции Указа Президента РК от 09.01.2019 № 824", id="rel-824-148"),
        rel("repeals", D148, source=D1014, on=date(2022, 9, 15), basis="convention", note=REPEAL_148_NOTE,
            id="rel-1014-148"),
        rel("repeals", D552, source=D148, on=date(2015, 12, 28), basis="stated",
            note="4. Признать утратившим силу Указ Президента Республики Казахстан от 18 апреля 2013 года № 552.",
            id="rel-148-552"),
        rel("cites", LAW2008, source=D148, id="rel-148-law"),
    ]


DECREE_148 = act(D148, adopted_on=date(2015, 12, 28), number="148", eif=EntryIntoForce(
    date(2015, 12, 28), "вводится в действие со дня его подписания"))
DECREE_552 = act(D552, adopted_on=date(2013, 4, 18), number="552")


def test_decree_148() -> None:
    facts = status_facts(DECREE_148, concept_relations())
    own = Reason(act=D148, note="вводится в действие со дня его подписания", basis="stated")
    repealed = Reason(relation="rel-1014-148", act=D1014, note=REPEAL_148_NOTE, basis="convention")

    assert status_at(facts, date(2015, 12, 27)) == Status(
        StatusCode.NOT_YET_IN_FORCE, None, date(2015, 12, 27), True, None, own)
    for day in (date(2015, 12, 28), date(2016, 6, 1), date(2019, 6, 1), date(2022, 9, 14)):
        assert status_at(facts, day) == Status(
            StatusCode.IN_FORCE, date(2015, 12, 28), date(2022, 9, 14), True, None, own), day
    for day in (date(2022, 9, 15), date(2030, 1, 1)):
        assert status_at(facts, day) == Status(StatusCode.REPEALED, date(2022, 9, 15), None, True, None, repealed)
    assert [(p.code, p.since, p.until) for p in status_periods(facts)] == [
        (StatusCode.NOT_YET_IN_FORCE, None, date(2015, 12, 27)),
        (StatusCode.IN_FORCE, date(2015, 12, 28), date(2022, 9, 14)),
        (StatusCode.REPEALED, date(2022, 9, 15), None),
    ]


def test_decree_552_presumed_in_force_from_adoption() -> None:
    facts = status_facts(DECREE_552, concept_relations())
    assert facts.commencement == Boundary(date(2013, 4, 18), date(2015, 12, 27),
                                          Reason(act=D552, note=PRESUMED_FROM_ADOPTION, basis="convention"))
    window = Window(date(2013, 4, 18), date(2015, 12, 27))

    s = status_at(facts, date(2013, 4, 17))
    assert (s.code, s.certain, s.window) == (StatusCode.NOT_YET_IN_FORCE, True, None)
    for day in (date(2013, 4, 18), date(2014, 1, 1), date(2015, 12, 26)):
        s = status_at(facts, day)
        assert (s.code, s.certain, s.window) == (StatusCode.IN_FORCE, False, window), day
        assert (s.since, s.until) == (date(2013, 4, 18), date(2015, 12, 27))
        assert s.reason.note == PRESUMED_FROM_ADOPTION and s.reason.basis == "convention"
    s = status_at(facts, date(2015, 12, 27))
    assert (s.code, s.certain, s.window) == (StatusCode.IN_FORCE, True, None)
    s = status_at(facts, date(2015, 12, 28))
    assert brief(s) == (StatusCode.REPEALED, date(2015, 12, 28), None, True)
    assert s.reason == Reason(relation="rel-148-552", act=D148, note=concept_relations()[2].note, basis="stated")


def test_acts_known_only_by_reference() -> None:
    """Decree 1014 is known only from a footnote: its adoption date is all there is."""
    d1014 = act(D1014, adopted_on=date(2022, 9, 15), number="1014")
    facts = status_facts(d1014, concept_relations())
    assert facts.terminations == () and facts.suspensions == ()
    assert status_at(facts, date(2022, 9, 14)).code is StatusCode.NOT_YET_IN_FORCE
    s = status_at(facts, date(2023, 1, 1))
    assert (s.code, s.certain, s.window) == (StatusCode.IN_FORCE, False, Window(date(2022, 9, 15), None))
    # Nothing known at all (the 1995 decree, no number, no date): presumed in force, never certain.
    nothing = status_facts(act("X", adopted_on=None, number=None), [])
    s = status_at(nothing, date(2000, 1, 1))
    assert (s.code, s.certain, s.window) == (StatusCode.IN_FORCE, False, Window(None, None))


# ---------------------------------------------------------------------------------------------------------
# Commencement


def test_entry_into_force_date_is_stated() -> None:
    b = commencement(act(eif=EntryIntoForce(date(2001, 1, 1))), [])
    assert b == Boundary(date(2001, 1, 1), date(2001, 1, 1),
                         Reason(act="A", note="entry into force on record", basis="stated"))


def test_commencing_relation_gives_the_date_when_the_act_has_none() -> None:
    r = rel("commences", on=date(2002, 3, 4), basis="stated", note="enacted")
    b = commencement(act(), [r])
    assert b == Boundary(date(2002, 3, 4), date(2002, 3, 4), Reason(relation=r.id, act="B", note="enacted",
                                                                     basis="stated"))
    # The act's own date wins; a commencement of one unit or without a date does not decide.
    assert commencement(act(eif=EntryIntoForce(date(2001, 1, 1))), [r]).earliest == date(2001, 1, 1)
    assert not commencement(act(), [rel("commences", on=date(2002, 3, 4), unit="chp_2")]).certain
    assert not commencement(act(), [rel("commences")]).certain


def test_rule_with_earliest_day() -> None:
    a = act(adopted_on=date(2000, 1, 1), eif=EntryIntoForce(None, "ten days after publication", date(2000, 1, 20)))
    b = commencement(a, [])
    assert b == Boundary(date(2000, 1, 20), None, Reason(act="A", note="ten days after publication",
                                                         basis="convention"))
    # The earliest day never precedes adoption.
    a = act(adopted_on=date(2000, 2, 1), eif=EntryIntoForce(None, "rule", date(2000, 1, 20)))
    assert commencement(a, []).earliest == date(2000, 2, 1)


def test_later_facts_bound_the_commencement() -> None:
    """Amended effective E: in force on E. Repealed or expiring effective E: in force on E−1."""
    a = act(adopted_on=date(2000, 1, 1))
    assert commencement(a, [rel("amends", on=date(2005, 5, 5), unit="point_1")]).latest == date(2005, 5, 5)
    assert commencement(a, [rel("repeals", on=date(2004, 4, 4))]).latest == date(2004, 4, 3)
    assert commencement(replace(a, expires_on=date(2003, 3, 3)), []).latest == date(2003, 3, 2)
    three = [rel("amends", on=date(2005, 5, 5)), rel("repeals", on=date(2004, 4, 4))]
    assert commencement(replace(a, expires_on=date(2006, 1, 1)), three).latest == date(2004, 4, 3)
    # A repeal of one unit, or with no date, says nothing about the whole act's commencement.
    assert commencement(a, [rel("repeals", on=date(2004, 4, 4), unit="point_2")]).latest is None
    assert commencement(a, [rel("repeals", earliest=date(2004, 4, 4), latest=date(2004, 5, 5))]).latest is None
    # Never before the earliest day: repealed on its adoption day, it was never in force.
    b = commencement(a, [rel("repeals", on=date(2000, 1, 1))])
    assert (b.earliest, b.latest) == (date(2000, 1, 1), date(2000, 1, 1))


# ---------------------------------------------------------------------------------------------------------
# Terminations and suspensions


def test_only_relations_on_the_whole_act_that_target_it_count() -> None:
    a = act(eif=EntryIntoForce(date(2000, 1, 1)))
    facts = status_facts(a, [
        rel("repeals", target="other", on=date(2001, 1, 1)),
        rel("repeals", unit="chp_2", on=date(2001, 1, 1)),
        rel("suspends", unit="chp_2", on=date(2001, 1, 1)),
        rel("amends", on=date(2001, 1, 1)),
        rel("cites"),
    ])
    assert facts.terminations == () and facts.suspensions == ()
    assert status_at(facts, date(2050, 1, 1)).code is StatusCode.IN_FORCE


def test_repeal_with_a_window() -> None:
    r = rel("repeals", earliest=date(2010, 1, 1), latest=date(2010, 12, 31))
    facts = status_facts(act(eif=EntryIntoForce(date(2000, 1, 1))), [r])
    assert facts.terminations == (Termination(StatusCode.REPEALED, Boundary(
        date(2010, 1, 1), date(2010, 12, 31), Reason(relation=r.id, act="B", basis="stated"))),)
    s = status_at(facts, date(2010, 6, 1))
    assert (s.code, s.certain, s.window) == (StatusCode.IN_FORCE, False, Window(date(2010, 1, 1), date(2010, 12, 31)))
    assert brief(status_at(facts, date(2010, 12, 31))) == (StatusCode.REPEALED, date(2010, 12, 31), None, True)


def test_expiry() -> None:
    facts = status_facts(act(eif=EntryIntoForce(date(2000, 1, 1)), expires_on=date(2025, 1, 1)), [])
    assert brief(status_at(facts, date(2024, 12, 31))) == (StatusCode.IN_FORCE, date(2000, 1, 1),
                                                           date(2024, 12, 31), True)
    s = status_at(facts, date(2025, 1, 1))
    assert brief(s) == (StatusCode.EXPIRED, date(2025, 1, 1), None, True)
    assert s.reason == Reason(act="A", note="expiry date on record", basis="stated")


def test_suspensions_end_on_their_own_date_or_on_resumption() -> None:
    a = act(eif=EntryIntoForce(date(2000, 1, 1)))
    with_end = rel("suspends", on=date(2001, 1, 1), ends_on=date(2001, 7, 1))
    resumed = rel("suspends", on=date(2002, 1, 1))
    resumption = rel("resumes", on=date(2002, 3, 1))
    early_resumption = rel("resumes", on=date(2000, 6, 1))  # before any suspension: resumes nothing
    facts = status_facts(a, [resumed, resumption, with_end, early_resumption])
    assert facts.suspensions == (
        Suspension(date(2001, 1, 1), date(2001, 7, 1), Reason(relation=with_end.id, act="B", basis="stated")),
        Suspension(date(2002, 1, 1), date(2002, 3, 1), Reason(relation=resumed.id, act="B", basis="stated")),
    )
    expected = [
        (date(2000, 12, 31), StatusCode.IN_FORCE), (date(2001, 1, 1), StatusCode.SUSPENDED),
        (date(2001, 6, 30), StatusCode.SUSPENDED), (date(2001, 7, 1), StatusCode.IN_FORCE),
        (date(2002, 1, 1), StatusCode.SUSPENDED), (date(2002, 2, 28), StatusCode.SUSPENDED),
        (date(2002, 3, 1), StatusCode.IN_FORCE),
    ]
    assert [(d, status_at(facts, d).code) for d, _ in expected] == expected
    open_ended = status_facts(a, [rel("suspends", on=date(2001, 1, 1))])
    assert brief(status_at(open_ended, date(2090, 1, 1))) == (StatusCode.SUSPENDED, date(2001, 1, 1), None, True)


def test_partial_units_are_passed_through() -> None:
    facts = status_facts(act(eif=EntryIntoForce(date(2000, 1, 1))), [], partial_units=("chp_3",))
    assert status_at(facts, date(2000, 1, 1)).code is StatusCode.PARTIALLY_IN_FORCE


# ---------------------------------------------------------------------------------------------------------
# Properties

SOME_DAY = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1))


@given(SOME_DAY, st.lists(st.integers(1, 20_000), max_size=3), st.none() | st.integers(1, 20_000))
def test_known_dates_give_exact_boundaries(c: date, repeals: list[int], expiry: int | None) -> None:
    """Commencement C, repeals and an expiry all known: C−1 not yet in force, C..E−1 in force, E ended,
    for E the first of the ends — all certain."""
    relations = [rel("repeals", on=c + n * D, basis="convention") for n in repeals]
    a = act(adopted_on=c - 3 * D, eif=EntryIntoForce(c), expires_on=None if expiry is None else c + expiry * D)
    facts = status_facts(a, relations)
    ends = [(c + n * D, StatusCode.REPEALED) for n in repeals]
    if expiry is not None:
        ends.append((c + expiry * D, StatusCode.EXPIRED))

    assert brief(status_at(facts, c - D)) == (StatusCode.NOT_YET_IN_FORCE, None, c - D, True)
    s = status_at(facts, c)
    if not ends:
        assert brief(s) == (StatusCode.IN_FORCE, c, None, True)
        return
    e = min(d for d, _ in ends)
    assert brief(s) == (StatusCode.IN_FORCE, c, e - D, True)
    assert brief(status_at(facts, e - D)) == (StatusCode.IN_FORCE, c, e - D, True)
    s = status_at(facts, e)
    assert (s.since, s.until, s.certain) == (e, None, True)
    assert s.code in {code for d, code in ends if d == e}
    assert status_at(facts, date.max).code is s.code


@given(SOME_DAY, st.lists(st.integers(0, 5000), max_size=3), st.lists(st.integers(1, 5000), max_size=2),
       st.integers(0, 5000))
def test_presumed_from_adoption_until_later_facts_say_otherwise(
        adopted: date, amendments: list[int], repeals: list[int], probe: int) -> None:
    """No entry into force on record: in force from adoption (uncertain), certainly so from the last day
    later facts allow (an amendment's day, the day before a repeal)."""
    a = act(adopted_on=adopted)
    relations = [rel("amends", on=adopted + n * D) for n in amendments]
    relations += [rel("repeals", on=adopted + n * D) for n in repeals]
    facts = status_facts(a, relations)
    bounds = [adopted + n * D for n in amendments] + [adopted + (n - 1) * D for n in repeals]
    latest = min(bounds, default=None)
    end = min((adopted + n * D for n in repeals), default=None)
    assert facts.commencement.earliest == adopted and facts.commencement.latest == latest

    assert brief(status_at(facts, adopted - D)) == (StatusCode.NOT_YET_IN_FORCE, None, adopted - D, True)
    day = adopted + probe * D
    s = status_at(facts, day)
    if end is not None and day >= end:
        assert (s.code, s.certain) == (StatusCode.REPEALED, True)
    elif latest is None or day < latest:
        assert (s.code, s.certain, s.window) == (StatusCode.IN_FORCE, False, Window(adopted, latest))
    else:
        assert (s.code, s.certain) == (StatusCode.IN_FORCE, True)


RELATION_TYPES = ["amends", "repeals", "suspends", "resumes", "commences", "extends", "cites"]


@st.composite
def acts_and_relations(draw: st.DrawFn) -> tuple[Act, list[Relation]]:
    """Anything the API accepts, anywhere in the calendar (0001-01-01 included)."""
    days = st.dates() | st.sampled_from([date.min, date.min + D, date.max - D, date.max])
    eif_date = draw(st.none() | days)
    a = act(adopted_on=draw(st.none() | days),
            eif=EntryIntoForce(eif_date, draw(st.none() | st.just("rule")), draw(st.none() | days)),
            expires_on=draw(st.none() | days))
    relations = []
    for _ in range(draw(st.integers(0, 5))):
        on = draw(st.none() | days)
        earliest, latest = (None, None) if on is not None else sorted(
            (draw(st.none() | days), draw(st.none() | days)), key=lambda d: (d is None, d))
        if earliest is None and latest is not None and draw(st.booleans()):
            earliest, latest = latest, None
        ends = draw(st.none() | days)
        if ends is not None and on is not None and ends <= on:
            ends = None
        relations.append(rel(draw(st.sampled_from(RELATION_TYPES)), target=draw(st.sampled_from(["A", "Z"])),
                             on=on, unit=draw(st.sampled_from([None, None, "chp_1"])), earliest=earliest,
                             latest=latest, ends_on=ends, basis=draw(st.sampled_from(["stated", "convention"]))))
    return a, relations


@given(acts_and_relations(), st.lists(st.dates(), max_size=5))
def test_any_act_gets_a_timeline_covering_every_day(case: tuple[Act, list[Relation]], days: list[date]) -> None:
    a, relations = case
    facts = status_facts(a, relations)
    c = facts.commencement
    assert c.earliest is None or c.latest is None or c.earliest <= c.latest
    periods = status_periods(facts)
    assert periods[0].since is None and periods[-1].until is None
    for x, y in itertools.pairwise(periods):
        assert x.until is not None and y.since is not None and x.until + D == y.since
    for day in days:
        s = status_at(facts, day)
        (p,) = [p for p in periods if (p.since is None or p.since <= day) and (p.until is None or day <= p.until)]
        assert (s.code, s.since, s.until, s.reason) == (p.code, p.since, p.until, p.reason)


def test_ends_on_the_first_day_of_the_calendar_do_not_overflow() -> None:
    """The API takes any YYYY-MM-DD, 0001-01-01 included: a repeal or expiry then must not crash."""
    for a, relations in ((act(adopted_on=None), [rel("repeals", on=date.min)]),
                         (act(adopted_on=None, expires_on=date.min), []),
                         (act(adopted_on=date.min), [rel("repeals", on=date.min)])):
        facts = status_facts(a, relations)
        assert status_at(facts, date.min).code in (StatusCode.REPEALED, StatusCode.EXPIRED)
        assert status_at(facts, date.max).code in (StatusCode.REPEALED, StatusCode.EXPIRED)


@given(SOME_DAY, st.integers(1, 5000))
def test_relations_to_other_acts_change_nothing(c: date, n: int) -> None:
    a = act(eif=EntryIntoForce(c))
    mine = status_facts(a, [])
    others = [replace(r, target_act="Z") for r in (
        rel("repeals", on=c + n * D), rel("suspends", on=c + n * D), rel("commences", on=c - n * D))]
    assert status_facts(a, others) == mine
