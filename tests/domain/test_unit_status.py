"""A unit's status on a day (service/domain/unit_status.py) and the act's `partially_in_force` from its
pending units (status.py, facts.py), pure: every day maps to exactly one unit status; the day before and
the day of each change (entering the text, repeal, commencement, suspension and its end) fall on the right
sides; the act's own status decides on the days it is not in force; repealed units never make an act
partial."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from service.domain.facts import pending_units, status_facts, unit_facts
from service.domain.model import Act, EntryIntoForce, Relation
from service.domain.status import (
    Boundary,
    Reason,
    StatusCode,
    StatusFacts,
    Suspension,
    Termination,
    UnitPending,
    status_at,
    status_periods,
)
from service.domain.unit_status import ABSENT, IN_TEXT, REPEALED, Presence, UnitFacts, unit_periods, unit_status_at

D = timedelta(days=1)
INSERTED = Reason(act="amending", note="inserted", basis="stated")
REMOVED = Reason(act="amending", note="repealed", basis="stated")


def presence(enters: date, repealed: date | None = None) -> tuple[Presence, ...]:
    runs = [Presence(None, enters - D, ABSENT, INSERTED),
            Presence(enters, None if repealed is None else repealed - D, IN_TEXT, INSERTED)]
    if repealed is not None:
        runs.append(Presence(repealed, None, REPEALED, REMOVED))
    return tuple(runs)


def reason(tag: str) -> Reason:
    return Reason(relation=f"rel-{tag}", act=f"act-{tag}", note=tag, basis="stated")


# ---- strategies ------------------------------------------------------------------------------------------------

DAY = st.dates(min_value=date(2000, 1, 1), max_value=date(2003, 12, 31))


@st.composite
def unit_facts_strategy(draw: st.DrawFn) -> UnitFacts:
    enters = draw(DAY)
    repealed = draw(st.none() | st.integers(1, 800).map(lambda n: enters + n * D))
    kind = draw(st.sampled_from(["none", "dated", "window", "no_earliest", "no_latest", "unappointed"]))
    a, b = sorted((draw(DAY), draw(DAY)))
    commencement = None if kind == "none" else Boundary(*{
        "dated": (a, a), "window": (a, b), "no_earliest": (None, b), "no_latest": (a, None),
        "unappointed": (None, None)}[kind], reason("commences"))
    suspensions = []
    for i in range(draw(st.integers(0, 3))):
        starts = draw(DAY)
        ends = draw(st.none() | st.integers(1, 300).map(lambda n, s=starts: s + n * D))
        suspensions.append(Suspension(starts, ends, reason(f"suspends-{i}")))
    return UnitFacts("point_1", "point_1", presence(enters, repealed), commencement, tuple(suspensions))


@st.composite
def act_facts(draw: st.DrawFn) -> StatusFacts:
    start = draw(DAY)
    ends = draw(st.none() | st.integers(1, 1500).map(lambda n: start + n * D))
    terminations = () if ends is None else (Termination(StatusCode.REPEALED, Boundary(ends, ends, reason("act"))),)
    suspended = draw(st.none() | DAY)
    suspensions = () if suspended is None else (Suspension(suspended, suspended + 30 * D, reason("act-suspends")),)
    return StatusFacts(Boundary(start, start, reason("act-commences")), terminations, suspensions)


def some_days(periods: list, extra: list[date]) -> list[date]:
    days = {date.min, date.max, *extra}
    for p in periods:
        for d in (p.since, p.until):
            if d is not None:
                days |= {d, d - D if d > date.min else d, d + D if d < date.max else d}
    return sorted(days)


# ---- the timeline ------------------------------------------------------------------------------------------------

@given(unit_facts_strategy(), st.none() | act_facts(), st.lists(DAY, max_size=6))
def test_every_day_maps_to_exactly_one_unit_status(f: UnitFacts, act: StatusFacts | None, extra: list[date]) -> None:
    periods = unit_periods(f, act)
    assert periods[0].since is None and periods[-1].until is None
    for a, b in itertools.pairwise(periods):
        assert a.until is not None and b.since is not None and a.until + D == b.since
        assert (a.code, a.reason, a.pending) != (b.code, b.reason, b.pending), "neighbours differ"
    for day in some_days(periods, extra):
        holding = [p for p in periods if (p.since is None or p.since <= day) and (p.until is None or day <= p.until)]
        assert len(holding) == 1, day
        s = unit_status_at(f, day, act)
        assert (s.code, s.reason, s.since, s.until) == (holding[0].code, holding[0].reason, holding[0].since,
                                                        holding[0].until)
        assert s.certain == (s.window is None)


@given(DAY, st.integers(1, 900))
def test_entering_the_text_and_repeal_day_before_and_day_of(enters: date, n: int) -> None:
    repealed = enters + n * D
    f = UnitFacts("point_1", "point_1", presence(enters, repealed))
    assert unit_status_at(f, enters - D).code is StatusCode.NOT_YET_IN_FORCE
    assert unit_status_at(f, enters - D).until == enters - D
    s = unit_status_at(f, enters)
    assert (s.code, s.since, s.until) == (StatusCode.IN_FORCE, enters, repealed - D)
    assert unit_status_at(f, repealed - D).code is StatusCode.IN_FORCE
    s = unit_status_at(f, repealed)
    assert (s.code, s.since, s.until, s.reason) == (StatusCode.REPEALED, repealed, None, REMOVED)


@given(DAY, st.integers(1, 900), st.none() | st.integers(1, 300))
def test_commencement_and_suspension_day_before_and_day_of(enters: date, n: int, length: int | None) -> None:
    c = enters + n * D
    f = UnitFacts("art_12", "art_12", presence(enters), Boundary(c, c, reason("commences")))
    before, on = unit_status_at(f, c - D), unit_status_at(f, c)
    assert (before.code, before.until, before.reason) == (StatusCode.NOT_YET_IN_FORCE, c - D, reason("commences"))
    assert (on.code, on.since, on.reason) == (StatusCode.IN_FORCE, c, reason("commences"))
    ends = None if length is None else c + length * D
    f = UnitFacts("point_2", "point_2", presence(enters), None, (Suspension(c, ends, reason("suspends")),))
    assert unit_status_at(f, c - D).code is StatusCode.IN_FORCE
    s = unit_status_at(f, c)
    assert (s.code, s.since, s.until) == (StatusCode.SUSPENDED, c, None if ends is None else ends - D)
    if ends is not None:
        assert unit_status_at(f, ends - D).code is StatusCode.SUSPENDED
        assert unit_status_at(f, ends).code is StatusCode.IN_FORCE


def test_not_yet_appointed_and_a_window() -> None:
    enters = date(2020, 1, 1)
    never = UnitFacts("art_9", "art_9", presence(enters), Boundary(None, None, reason("unappointed")))
    s = unit_status_at(never, date(2090, 1, 1))
    assert (s.code, s.since, s.until, s.certain) == (StatusCode.NOT_YET_IN_FORCE, enters, None, True)
    windowed = UnitFacts("art_9", "art_9", presence(enters), Boundary(date(2021, 1, 1), date(2021, 6, 30),
                                                                        reason("window")))
    assert unit_status_at(windowed, date(2020, 12, 31)).certain is True
    s = unit_status_at(windowed, date(2021, 3, 1))
    assert (s.code, s.certain, s.window.earliest, s.window.latest) == (  # type: ignore[union-attr]
        StatusCode.IN_FORCE, False, date(2021, 1, 1), date(2021, 6, 30))
    assert unit_status_at(windowed, date(2021, 6, 30)).certain is True


@given(unit_facts_strategy(), act_facts(), DAY)
def test_the_act_decides_when_it_is_not_in_force(f: UnitFacts, act: StatusFacts, day: date) -> None:
    whole = status_at(act, day)
    s = unit_status_at(f, day, act)
    own = unit_status_at(f, day)
    if own.code is StatusCode.REPEALED:
        assert s.code is StatusCode.REPEALED and s.reason == own.reason, "the unit's repeal came first"
    elif whole.code in (StatusCode.NOT_YET_IN_FORCE, StatusCode.REPEALED, StatusCode.SUSPENDED):
        assert (s.code, s.reason) == (whole.code, whole.reason)
    else:
        assert (s.code, s.reason) == (own.code, own.reason)


# ---- the act's partially_in_force ---------------------------------------------------------------------------------

@given(st.lists(unit_facts_strategy(), max_size=4), st.lists(DAY, min_size=1, max_size=8))
def test_partially_in_force_exactly_when_some_unit_in_the_text_is_pending(units: list[UnitFacts],
                                                                           days: list[date]) -> None:
    units = [UnitFacts(f"point_{i}", f"point_{i}", f.presence, f.commencement, f.suspensions)
             for i, f in enumerate(units, 1)]
    facts = StatusFacts(Boundary(date(1999, 1, 1), date(1999, 1, 1), reason("act")),
                        pending_units=pending_units(units))
    periods = status_periods(facts)
    for day in days:
        pending = {f.wid for f in units if unit_status_at(f, day).code in
                   (StatusCode.NOT_YET_IN_FORCE, StatusCode.SUSPENDED)
                   and next(p for p in f.presence if p.covers(day)).state == IN_TEXT}
        s = status_at(facts, day)
        assert s.code is (StatusCode.PARTIALLY_IN_FORCE if pending else StatusCode.IN_FORCE), day
        assert {u.wid for u in s.units} == pending
        (p,) = [p for p in periods if (p.since is None or p.since <= day) and (p.until is None or day <= p.until)]
        assert (p.code, p.since, p.until) == (s.code, s.since, s.until)


def test_a_repealed_or_excluded_unit_does_not_make_the_act_partial() -> None:
    enters, gone = date(2020, 1, 1), date(2021, 1, 1)
    suspended_then_repealed = UnitFacts("att_3", "att_3", presence(enters, gone), None,
                                        (Suspension(date(2020, 6, 1), None, reason("suspends")),))
    found = pending_units([suspended_then_repealed])
    assert found == (UnitPending("att_3", "att_3", StatusCode.SUSPENDED, date(2020, 6, 1), gone - D,
                                 reason("suspends")),)
    facts = StatusFacts(Boundary(enters, enters, reason("act")), pending_units=found)
    assert status_at(facts, gone - D).code is StatusCode.PARTIALLY_IN_FORCE
    assert status_at(facts, gone).code is StatusCode.IN_FORCE
    assert status_at(facts, gone).until is None


def test_whole_act_states_take_precedence_over_partial() -> None:
    pending = (UnitPending("p", "p", StatusCode.SUSPENDED, date(2020, 1, 1), None, reason("s")),)
    facts = StatusFacts(Boundary(date(2019, 1, 1), date(2019, 1, 1), reason("act")),
                        (Termination(StatusCode.REPEALED, Boundary(date(2022, 1, 1), date(2022, 1, 1), reason("r"))),),
                        (Suspension(date(2021, 1, 1), date(2021, 2, 1), reason("act-s")),), pending_units=pending)
    assert status_at(facts, date(2020, 6, 1)).code is StatusCode.PARTIALLY_IN_FORCE
    assert status_at(facts, date(2021, 1, 15)).code is StatusCode.SUSPENDED
    assert status_at(facts, date(2021, 1, 15)).units == ()
    assert status_at(facts, date(2022, 1, 1)).code is StatusCode.REPEALED


# ---- unit facts from relations -------------------------------------------------------------------------------------

def rel(type: str, *, on: date | None = None, ends_on: date | None = None, earliest: date | None = None,
        latest: date | None = None, commenced: str | None = None, id: str | None = None,
        rule: str | None = None) -> Relation:
    return Relation(id=id or f"{type}-{on}", type=type, source_act="B", source_unit=None, target_act="A",
                    target_unit="point_1", effective_date=on, effective_rule=rule, effective_earliest=earliest,
                    effective_latest=latest, ends_on=ends_on, basis="stated", note=None, target_wid="point_1",
                    commenced_amendment=commenced)


def test_unit_facts_from_relations() -> None:
    runs = presence(date(2020, 1, 1))
    f = unit_facts("point_1", "point_1", runs, [
        rel("commences", rule="со дня, определяемого Правительством"), rel("commences", on=date(2023, 1, 1)),
        rel("commences", on=date(2022, 1, 1), commenced="a-1"),  # brings an amendment's words in: not the unit
        rel("suspends", on=date(2024, 1, 1)), rel("resumes", on=date(2024, 6, 1)), rel("amends", on=date(2021, 1, 1)),
    ])
    assert f.commencement == Boundary(date(2023, 1, 1), date(2023, 1, 1),
                                      Reason(relation="commences-2023-01-01", act="B", basis="stated"))
    assert [(s.starts, s.ends) for s in f.suspensions] == [(date(2024, 1, 1), date(2024, 6, 1))]
    unappointed = unit_facts("point_1", "point_1", runs, [rel("commences", rule="со дня, определяемого Правительством")])
    assert unappointed.commencement is not None and unappointed.commencement.reason.note == (
        "со дня, определяемого Правительством")
    assert unit_status_at(unappointed, date(2090, 1, 1)).code is StatusCode.NOT_YET_IN_FORCE


def test_relations_on_units_do_not_touch_the_act_status() -> None:
    act = Act(id="A", jurisdiction="kz", type="law", number="1", adopted_on=date(2020, 1, 1), issuing_body=None,
              titles={"ru": "Закон"}, languages=("ru",), publication_date=None, publication_source=None,
              entry_into_force=EntryIntoForce(date(2020, 1, 1)), expires_on=None, akn_uri=None)
    relations = [rel("repeals", on=date(2021, 1, 1)), rel("suspends", on=date(2021, 1, 1)),
                 rel("commences", on=date(2022, 1, 1))]
    facts = status_facts(act, relations)
    assert facts.terminations == () and facts.suspensions == () and facts.pending_units == ()
    assert status_at(facts, date(2021, 6, 1)).code is StatusCode.IN_FORCE
