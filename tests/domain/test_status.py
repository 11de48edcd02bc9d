"""Status at a date (service/domain/status.py), pure: the timeline of periods, the boundaries DESIGN.md
fixes ("Point-in-time semantics"), and what `certain`/`window` promise when a date is unknown.

The uncertainty properties compare the code with an independent model: a *world* is one choice of every
unknown date within the window the facts give (a commencement C, a day T for each termination), with a
termination never before the commencement (C <= T). In a world the status on day d is: terminated if some
termination has taken effect (T <= d; the first one decides, ties allow either), else not yet in force if
d < C, else suspended, else in force (partially when units are pending). A termination with neither end
of its window known ("not yet appointed") is taken as not having happened.

- `certain=True` must hold in every world (soundness);
- the answer given is the *presumed* world's: in force from the earliest possible commencement, until
  the latest possible termination (DESIGN.md: "presumes the act valid").
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from service.domain.status import (
    LABELS,
    Boundary,
    Period,
    Reason,
    Status,
    StatusCode,
    StatusFacts,
    Suspension,
    Termination,
    Window,
    in_force_on,
    status_at,
    status_periods,
)

D = timedelta(days=1)
C_REASON = Reason(act="act", note="commencement", basis="stated")


def certain(day: date, reason: Reason = C_REASON) -> Boundary:
    return Boundary(day, day, reason)


def repeal(day: date, rel: str = "rel-repeal", by: str = "repealer", basis: str = "stated") -> Termination:
    return Termination(StatusCode.REPEALED, Boundary(day, day, Reason(relation=rel, act=by, basis=basis)))


def expiry(day: date) -> Termination:
    return Termination(StatusCode.EXPIRED, Boundary(day, day, Reason(act="act", note="expiry", basis="stated")))


def periods_contain(periods: list[Period], day: date) -> list[Period]:
    return [p for p in periods if (p.since is None or p.since <= day) and (p.until is None or day <= p.until)]


# ---------------------------------------------------------------------------------------------------------
# Strategies: facts anywhere in the calendar, and facts on a small grid of days where every world can be
# enumerated.

def _reason(tag: str, i: int) -> Reason:
    return Reason(relation=f"{tag}-{i}", act=f"act-{tag}-{i}", note=f"{tag} {i}", basis="stated")


@st.composite
def windows(draw: st.DrawFn, days: st.SearchStrategy[date]) -> tuple[date | None, date | None]:
    """(earliest, latest): both known and equal (certain), a proper window, or one or both ends unknown."""
    kind = draw(st.sampled_from(["certain", "certain", "window", "no_earliest", "no_latest", "none"]))
    a, b = sorted((draw(days), draw(days)))
    return {"certain": (a, a), "window": (a, b), "no_earliest": (None, b), "no_latest": (a, None),
            "none": (None, None)}[kind]


@st.composite
def status_facts(draw: st.DrawFn, days: st.SearchStrategy[date], *, max_terminations: int = 4,
                 max_suspensions: int = 3) -> StatusFacts:
    ce, cl = draw(windows(days))
    terminations = []
    for i in range(draw(st.integers(0, max_terminations))):
        e, l = draw(windows(days))
        code = draw(st.sampled_from([StatusCode.REPEALED, StatusCode.EXPIRED]))
        terminations.append(Termination(code, Boundary(e, l, _reason(code.value, i))))
    suspensions = []
    for i in range(draw(st.integers(0, max_suspensions))):
        starts = draw(days)
        ends = draw(st.none() | days)
        if ends is not None and ends <= starts:
            ends = None
        suspensions.append(Suspension(starts, ends, _reason("suspends", i)))
    partial = draw(st.sampled_from([(), ("chp_2",)]))
    return StatusFacts(Boundary(ce, cl, C_REASON), tuple(terminations), tuple(suspensions), partial)


ANY_DAY = st.dates()
# Realistic days, closer together so that facts interact.
NEAR_DAY = st.dates(min_value=date(2010, 1, 1), max_value=date(2012, 12, 31))

GRID_BASE = date(2020, 1, 1)
GRID = range(-1, 11)  # days tested, as offsets from GRID_BASE; facts fall on offsets 0..8
GRID_DAY = st.integers(0, 8).map(lambda n: GRID_BASE + n * D)


def interesting_days(facts: StatusFacts, periods: list[Period]) -> set[date]:
    days: set[date] = {date.min, date.max}
    for p in periods:
        for d in (p.since, p.until):
            if d is not None:
                days.update(x for x in (d - D if d > date.min else d, d, d + D if d < date.max else d))
    return days


# ---------------------------------------------------------------------------------------------------------
# The timeline


def check_timeline(facts: StatusFacts, extra_days: list[date]) -> None:
    periods = status_periods(facts)
    assert periods, "the timeline covers every day, so it has at least one period"
    assert periods[0].since is None, "the first period reaches back without end"
    assert periods[-1].until is None, "the last period reaches forward without end"
    for p in periods[1:]:
        assert p.since is not None, "only the first period may be open at its start"
    for p in periods[:-1]:
        assert p.until is not None, "`until: None` only for the open-ended last period"
    for p in periods:
        if p.since is not None and p.until is not None:
            assert p.since <= p.until, "no empty periods"
    for a, b in itertools.pairwise(periods):
        assert a.until is not None and b.since is not None
        assert a.until + D == b.since, "consecutive: no gap and no overlap"
        assert (a.code, a.reason) != (b.code, b.reason), "maximal: neighbours differ"

    for day in sorted(interesting_days(facts, periods) | set(extra_days)):
        holding = periods_contain(periods, day)
        assert len(holding) == 1, f"{day} lies in exactly one period"
        (p,) = holding
        s = status_at(facts, day)
        assert (s.code, s.reason, s.since, s.until) == (p.code, p.reason, p.since, p.until), day
        assert s.certain == (s.window is None), "a window exactly when uncertain"
        assert (s.until is None) == (p is periods[-1])


@given(status_facts(ANY_DAY), st.lists(ANY_DAY, max_size=8))
def test_timeline_covers_every_day_once_anywhere_in_the_calendar(facts: StatusFacts, days: list[date]) -> None:
    check_timeline(facts, days)


@given(status_facts(NEAR_DAY), st.lists(NEAR_DAY, max_size=8))
def test_timeline_covers_every_day_once_for_interacting_facts(facts: StatusFacts, days: list[date]) -> None:
    check_timeline(facts, days)


@given(status_facts(GRID_DAY, max_terminations=3))
def test_timeline_on_every_day_of_a_small_calendar(facts: StatusFacts) -> None:
    check_timeline(facts, [GRID_BASE + n * D for n in range(-3, 13)])


@given(status_facts(NEAR_DAY))
def test_status_changes_only_where_a_period_starts(facts: StatusFacts) -> None:
    """Walking day by day across a period boundary changes the answer; inside a period it does not."""
    periods = status_periods(facts)
    for a, b in itertools.pairwise(periods):
        assert b.since is not None
        before, on = status_at(facts, b.since - D), status_at(facts, b.since)
        assert (before.code, before.reason) == (a.code, a.reason)
        assert (on.code, on.reason) == (b.code, b.reason)


def test_an_act_with_no_facts_but_a_commencement_has_two_periods() -> None:
    facts = StatusFacts(certain(date(2015, 12, 28)))
    assert status_periods(facts) == [
        Period(StatusCode.NOT_YET_IN_FORCE, None, date(2015, 12, 27), C_REASON),
        Period(StatusCode.IN_FORCE, date(2015, 12, 28), None, C_REASON),
    ]


# ---------------------------------------------------------------------------------------------------------
# Boundaries (DESIGN.md, "Point-in-time semantics")

SOME_DAY = st.dates(min_value=date(1900, 1, 2), max_value=date(2099, 12, 30))


@given(SOME_DAY)
def test_commencement_on_c_means_in_force_from_the_start_of_c(c: date) -> None:
    facts = StatusFacts(certain(c))
    before, on = status_at(facts, c - D), status_at(facts, c)
    assert before == Status(StatusCode.NOT_YET_IN_FORCE, None, c - D, True, None, C_REASON)
    assert on == Status(StatusCode.IN_FORCE, c, None, True, None, C_REASON)


@given(SOME_DAY, st.integers(1, 20_000), st.sampled_from([StatusCode.REPEALED, StatusCode.EXPIRED]))
def test_termination_effective_e_means_in_force_up_to_e_minus_1(c: date, gap: int, code: StatusCode) -> None:
    e = c + gap * D
    assume(e < date.max)
    end = repeal(e) if code is StatusCode.REPEALED else expiry(e)
    facts = StatusFacts(certain(c), (end,))
    last, first = status_at(facts, e - D), status_at(facts, e)
    assert last == Status(StatusCode.IN_FORCE, c, e - D, True, None, C_REASON)
    assert first == Status(code, e, None, True, None, end.boundary.reason)
    assert status_at(facts, date.max).code is code
    assert status_at(facts, c - D).code is StatusCode.NOT_YET_IN_FORCE


@given(SOME_DAY, st.integers(1, 5000), st.integers(1, 5000))
def test_suspension_from_s_until_e(c: date, lead: int, length: int) -> None:
    s = c + lead * D
    e = s + length * D
    assume(e < date.max)
    reason = Reason(relation="rel-suspends", act="suspender", basis="stated")
    facts = StatusFacts(certain(c), suspensions=(Suspension(s, e, reason),))
    assert status_at(facts, s - D) == Status(StatusCode.IN_FORCE, c, s - D, True, None, C_REASON)
    assert status_at(facts, s) == Status(StatusCode.SUSPENDED, s, e - D, True, None, reason)
    assert status_at(facts, e - D).code is StatusCode.SUSPENDED
    assert status_at(facts, e) == Status(StatusCode.IN_FORCE, e, None, True, None, C_REASON)


def test_open_ended_suspension_lasts() -> None:
    reason = Reason(relation="rel-suspends")
    facts = StatusFacts(certain(date(2000, 1, 1)), suspensions=(Suspension(date(2001, 1, 1), None, reason),))
    s = status_at(facts, date(2050, 1, 1))
    assert (s.code, s.since, s.until, s.reason) == (StatusCode.SUSPENDED, date(2001, 1, 1), None, reason)


def test_suspended_act_keeps_its_text_and_a_repealed_one_has_none() -> None:
    assert [c for c in StatusCode if in_force_on(Status(c, None, None, True, None, Reason()))] == [
        StatusCode.IN_FORCE, StatusCode.PARTIALLY_IN_FORCE, StatusCode.SUSPENDED]


def test_repeal_during_a_suspension_ends_it() -> None:
    rep = repeal(date(2005, 1, 1))
    sus = Suspension(date(2004, 1, 1), date(2006, 1, 1), Reason(relation="rel-suspends"))
    facts = StatusFacts(certain(date(2000, 1, 1)), (rep,), (sus,))
    assert status_at(facts, date(2004, 12, 31)).code is StatusCode.SUSPENDED
    assert status_at(facts, date(2005, 1, 1)).code is StatusCode.REPEALED
    assert status_at(facts, date(2006, 1, 1)).code is StatusCode.REPEALED


def test_pending_units_make_the_act_partially_in_force() -> None:
    facts = StatusFacts(certain(date(2000, 1, 1)), (repeal(date(2010, 1, 1)),), partial_units=("chp_4",))
    assert status_at(facts, date(1999, 12, 31)).code is StatusCode.NOT_YET_IN_FORCE
    assert status_at(facts, date(2000, 1, 1)).code is StatusCode.PARTIALLY_IN_FORCE
    assert status_at(facts, date(2010, 1, 1)).code is StatusCode.REPEALED


def test_the_earliest_termination_wins() -> None:
    first, later = repeal(date(2010, 1, 1), rel="r1"), expiry(date(2012, 1, 1))
    for order in ((first, later), (later, first)):
        facts = StatusFacts(certain(date(2000, 1, 1)), order)
        s = status_at(facts, date(2013, 1, 1))
        assert (s.code, s.since, s.until, s.reason) == (StatusCode.REPEALED, date(2010, 1, 1), None,
                                                         first.boundary.reason)


@given(SOME_DAY, st.integers(1, 5000), st.integers(1, 5000))
def test_repeal_before_commencement_repeals_from_its_own_date(e: date, gap: int, rest: int) -> None:
    """An act repealed before it was to enter into force is repealed from the repeal's effective date E:
    it never will be in force, and its repeal does not move to the commencement day."""
    c = e + gap * D
    assume(c + rest * D < date.max)
    end = repeal(e)
    facts = StatusFacts(certain(c), (end,))
    assert status_at(facts, e - D).code is StatusCode.NOT_YET_IN_FORCE
    for day in (e, c - D, c, c + rest * D):
        s = status_at(facts, day)
        assert (s.code, s.since, s.until, s.certain) == (StatusCode.REPEALED, e, None, True), day


# ---------------------------------------------------------------------------------------------------------
# Unknown dates: certain=False with the window the facts allow


def test_presumed_from_adoption_until_a_known_repeal() -> None:
    """DESIGN.md's Decree 552: no entry into force on record, adopted 2013-04-18, repealed effective
    2015-12-28 (so in force by 2015-12-27 at the latest)."""
    commencement = Boundary(date(2013, 4, 18), date(2015, 12, 27), Reason(act="d552", note="presumed"))
    end = repeal(date(2015, 12, 28), rel="rel-148-552", by="d148")
    facts = StatusFacts(commencement, (end,))
    window = Window(date(2013, 4, 18), date(2015, 12, 27))

    s = status_at(facts, date(2013, 4, 17))
    assert (s.code, s.certain, s.window) == (StatusCode.NOT_YET_IN_FORCE, True, None)
    for day in (date(2013, 4, 18), date(2014, 1, 1), date(2015, 12, 26)):
        s = status_at(facts, day)
        assert (s.code, s.certain, s.window) == (StatusCode.IN_FORCE, False, window), day
    s = status_at(facts, date(2015, 12, 27))
    assert (s.code, s.certain, s.window, s.until) == (StatusCode.IN_FORCE, True, None, date(2015, 12, 27))
    s = status_at(facts, date(2015, 12, 28))
    assert (s.code, s.certain, s.window, s.since, s.until) == (StatusCode.REPEALED, True, None,
                                                               date(2015, 12, 28), None)
    assert s.reason == end.boundary.reason


@given(SOME_DAY, st.integers(1, 3000), st.integers(1, 3000), st.integers(0, 3000))
def test_repeal_known_only_within_a_window(c: date, lead: int, width: int, probe: int) -> None:
    """A repeal effective some day in [e, l]: certainly in force before e, uncertain on e..l−1 (presumed in
    force, window [e, l]), certainly repealed from l."""
    e = c + lead * D
    l = e + width * D
    assume(l + probe * D < date.max)
    reason = Reason(relation="rel-r", act="repealer", basis="stated")
    facts = StatusFacts(certain(c), (Termination(StatusCode.REPEALED, Boundary(e, l, reason)),))
    before = status_at(facts, e - D)
    assert (before.code, before.certain) == (StatusCode.IN_FORCE, True)
    for day in {e, e + (probe % width) * D, l - D}:
        s = status_at(facts, day)
        assert (s.code, s.certain, s.window) == (StatusCode.IN_FORCE, False, Window(e, l)), day
        assert s.until == l - D
    for day in (l, l + probe * D):
        s = status_at(facts, day)
        assert (s.code, s.certain, s.window, s.since, s.until) == (StatusCode.REPEALED, True, None, l, None)
        assert s.reason == reason


@given(SOME_DAY, st.integers(1, 3000), st.integers(0, 3000))
def test_repeal_known_only_by_its_latest_day(c: date, width: int, probe: int) -> None:
    """A repeal known to have taken effect by l, earliest unknown: from the commencement to l−1 the act may
    already be repealed."""
    l = c + width * D
    assume(l + probe * D < date.max)
    facts = StatusFacts(certain(c), (Termination(StatusCode.REPEALED, Boundary(None, l, Reason("rel-r"))),))
    assert status_at(facts, c - D).certain
    for day in {c, c + (probe % width) * D, l - D}:
        s = status_at(facts, day)
        assert (s.code, s.certain, s.window) == (StatusCode.IN_FORCE, False, Window(None, l)), day
    assert status_at(facts, l + probe * D).code is StatusCode.REPEALED
    assert status_at(facts, l + probe * D).certain


@given(SOME_DAY, st.integers(1, 3000), st.integers(0, 3000))
def test_repeal_known_only_by_its_earliest_day(c: date, lead: int, probe: int) -> None:
    e = c + lead * D
    assume(e + probe * D < date.max)
    facts = StatusFacts(certain(c), (Termination(StatusCode.REPEALED, Boundary(e, None, Reason("rel-r"))),))
    assert status_at(facts, e - D).certain
    s = status_at(facts, e + probe * D)
    assert (s.code, s.certain, s.window, s.until) == (StatusCode.IN_FORCE, False, Window(e, None), None)


def test_commencement_known_by_neither_end_is_uncertain_everywhere() -> None:
    facts = StatusFacts(Boundary(None, None, C_REASON))
    for day in (date.min, date(2020, 1, 1), date.max):
        s = status_at(facts, day)
        assert (s.code, s.certain, s.window, s.since, s.until) == (StatusCode.IN_FORCE, False,
                                                                   Window(None, None), None, None)


def test_expiry_with_a_repeal_that_may_have_come_first() -> None:
    """Expires 2020-01-01; also repealed on some day in 2019-06-01..2020-06-01. From 2020-01-01 the act is
    certainly not in force, but whether it expired or was repealed first is not known."""
    rep = Termination(StatusCode.REPEALED, Boundary(date(2019, 6, 1), date(2020, 6, 1), Reason("rel-r")))
    facts = StatusFacts(certain(date(2010, 1, 1)), (expiry(date(2020, 1, 1)), rep))
    s = status_at(facts, date(2020, 3, 1))
    assert s.code is StatusCode.EXPIRED
    assert (s.certain, s.window) == (False, Window(date(2019, 6, 1), date(2020, 6, 1)))
    # A repeal that can only come after the expiry changes nothing.
    late = Termination(StatusCode.REPEALED, Boundary(date(2020, 2, 1), date(2020, 6, 1), Reason("rel-r")))
    facts = StatusFacts(certain(date(2010, 1, 1)), (expiry(date(2020, 1, 1)), late))
    s = status_at(facts, date(2020, 3, 1))
    assert (s.code, s.certain, s.window) == (StatusCode.EXPIRED, True, None)


# --- the model of worlds --------------------------------------------------------------------------------

NEVER = 10**6  # an offset after every day tested
BEFORE = -(10**6)  # an offset before every day tested


def _off(d: date | None) -> int | None:
    return None if d is None else (d - GRID_BASE).days


def _candidates(earliest: int | None, latest: int | None) -> list[int]:
    lo = BEFORE if earliest is None else earliest
    hi = NEVER if latest is None else latest
    return sorted({lo, hi, *(x for x in GRID if lo <= x <= hi)})


def _world_codes(c: int, ts: list[tuple[int, StatusCode]], susp: list[tuple[int, int]], partial: bool,
                 d: int) -> set[StatusCode]:
    first = min((t for t, _ in ts), default=NEVER)
    if first <= d:
        return {code for t, code in ts if t == first}
    if d < c:
        return {StatusCode.NOT_YET_IN_FORCE}
    if any(s <= d < e for s, e in susp):
        return {StatusCode.SUSPENDED}
    return {StatusCode.PARTIALLY_IN_FORCE if partial else StatusCode.IN_FORCE}


def _model(facts: StatusFacts) -> tuple[list[int], list[list[tuple[int, StatusCode]]], list[tuple[int, int]]]:
    c = facts.commencement
    cs = _candidates(_off(c.earliest), _off(c.latest))
    per_t = []
    for t in facts.terminations:
        b = t.boundary
        if b.earliest is None and b.latest is None:
            per_t.append([(NEVER, t.code)])  # not yet appointed: taken as not having happened
        else:
            per_t.append([(x, t.code) for x in _candidates(_off(b.earliest), _off(b.latest))])
    susp = [((s.starts - GRID_BASE).days, NEVER if s.ends is None else (s.ends - GRID_BASE).days)
            for s in facts.suspensions]
    return cs, per_t, susp


@settings(max_examples=150)
@given(status_facts(GRID_DAY, max_terminations=2, max_suspensions=2))
def test_certain_answers_hold_in_every_world_the_facts_allow(facts: StatusFacts) -> None:
    cs, per_t, susp = _model(facts)
    partial = bool(facts.partial_units)
    answers = {d: status_at(facts, GRID_BASE + d * D) for d in GRID}
    sure = [d for d in GRID if answers[d].certain]
    worlds = 0
    for c in cs:
        for ts in itertools.product(*per_t):
            if any(t < c for t, _ in ts):
                continue
            worlds += 1
            for d in sure:
                codes = _world_codes(c, list(ts), susp, partial, d)
                assert answers[d].code in codes, (
                    f"day {d}: answered {answers[d].code} as certain, but with commencement {c} and "
                    f"terminations {ts} it is {codes}")
    assume(worlds > 0)


@given(status_facts(GRID_DAY, max_terminations=3, max_suspensions=2))
def test_the_answer_presumes_the_act_valid(facts: StatusFacts) -> None:
    """In force from the earliest possible commencement until the latest possible termination."""
    c = facts.commencement
    presumed_c = BEFORE if c.earliest is None else _off(c.earliest)
    ts = [(NEVER if t.boundary.latest is None else _off(t.boundary.latest), t.code) for t in facts.terminations]
    _, _, susp = _model(facts)
    for d in GRID:
        codes = _world_codes(presumed_c, ts, susp, bool(facts.partial_units), d)  # type: ignore[arg-type]
        assert status_at(facts, GRID_BASE + d * D).code in codes, d


@given(status_facts(GRID_DAY, max_terminations=3, max_suspensions=2))
def test_an_uncertain_answer_names_a_window_of_the_facts(facts: StatusFacts) -> None:
    windows_of_facts = {facts.commencement.window(), *(t.boundary.window() for t in facts.terminations)}
    for d in GRID:
        s = status_at(facts, GRID_BASE + d * D)
        if not s.certain:
            assert s.window in windows_of_facts
            assert s.window is not None
            assert s.window.earliest is None or s.window.earliest != s.window.latest, "a known day is no window"


@given(SOME_DAY, st.integers(1, 3000), st.integers(0, 6000))
def test_uncertain_commencement_window(e: date, width: int, probe: int) -> None:
    """Commencement some day in [e, l]: not yet in force before e, uncertain on e..l−1, certain from l."""
    l = e + width * D
    assume(l + probe * D < date.max)
    facts = StatusFacts(Boundary(e, l, C_REASON))
    assert status_at(facts, e - D) == Status(StatusCode.NOT_YET_IN_FORCE, None, e - D, True, None, C_REASON)
    inside = e + (probe % width) * D
    s = status_at(facts, inside)
    assert (s.code, s.certain, s.window, s.since, s.until) == (StatusCode.IN_FORCE, False, Window(e, l), e, None)
    assert status_at(facts, l + probe * D).certain


# ---------------------------------------------------------------------------------------------------------
# Labels


def test_every_status_has_labels_in_kk_ru_en() -> None:
    for code in StatusCode:
        assert set(LABELS[code]) == {"kk", "ru", "en"} and all(LABELS[code].values())
    assert LABELS[StatusCode.IN_FORCE]["ru"] == "Действующий"
    assert LABELS[StatusCode.REPEALED]["ru"] == "Утративший силу"


def test_calendar_ends() -> None:
    facts = StatusFacts(certain(date.min), (repeal(date.max),))
    assert status_at(facts, date.min).code is StatusCode.IN_FORCE
    assert status_at(facts, date.max).code is StatusCode.REPEALED
