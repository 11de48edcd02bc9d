"""The editions one document gives (no database): property tests over generated unit trees and changes,
and the cases DESIGN.md names."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from service.domain.adilet.model import Expression
from service.domain.adilet.model import Unit as ParsedUnit
from service.importer.model import Change
from service.importer.timeline import edition_days, editions, units_on

D = dt.date
START = D(2015, 12, 28)


def expression(units: list[tuple[str, str | None]], language: str = "ru") -> Expression:
    """Units given as (eid, parent eid), in document order; text is `text of <eid>`."""
    parsed = tuple(ParsedUnit(eid, eid, "point", eid.rsplit("_", 1)[-1], None, f"text of {eid}", parent, i + 1,
                              language) for i, (eid, parent) in enumerate(units))
    return Expression(language, "Title", 1, None, None, None, None, None, None, parsed, (), (), (), (), 1,
                      len(units) + 1)


@st.composite
def trees(draw: st.DrawFn) -> list[tuple[str, str | None]]:
    """A unit tree in document order: each unit's parent is an earlier unit whose subtree is still open."""
    units: list[tuple[str, str | None]] = []
    open_path: list[str] = []
    for i in range(draw(st.integers(1, 14))):
        depth = draw(st.integers(0, len(open_path)))
        open_path = open_path[:depth]
        parent = open_path[-1] if open_path else None
        eid = f"{parent}__u_{i}" if parent else f"u_{i}"
        units.append((eid, parent))
        open_path.append(eid)
    return units


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[tuple[str, str | None]], list[Change]]:
    units = draw(trees())
    eids = [eid for eid, _ in units]
    changes = [
        Change(draw(st.sampled_from(["new_edition", "amend", "insert", "exclude", "heading"])),
               draw(st.sampled_from(eids)), 1, draw(st.dates(D(2016, 1, 1), D(2024, 12, 31))), True, "note")
        for _ in range(draw(st.integers(0, 5)))
    ]
    return units, changes


def _ancestors(eid: str, parents: dict[str, str | None]) -> list[str]:
    chain, current = [], parents[eid]
    while current is not None:
        chain.append(current)
        current = parents[current]
    return chain


@given(cases())
def test_editions_derived_from_a_text_never_invent_words(case: tuple[list[tuple[str, str | None]], list[Change]]) -> None:
    units, changes = case
    expr = expression(units)
    parents = dict(units)
    days = edition_days(START, changes)
    assert days == sorted(set(days)) and days[0] == START
    drafts = editions([expr], changes, START, {}, (("ru", 1, 1),))
    assert [d.valid_from for d in drafts] == days
    assert [d.derived for d in drafts] == [True] * (len(days) - 1) + [False]
    latest = drafts[-1].expressions["ru"]
    assert [(u.eid, u.text) for u in latest] == [(eid, f"text of {eid}") for eid, _ in units]
    known_before: set[str] = set()
    for draft in drafts:
        day = draft.valid_from
        got = draft.expressions["ru"]
        order = [eid for eid, _ in units]
        assert [u.eid for u in got] == [e for e in order if e in {u.eid for u in got}]  # document order kept
        for u in got:
            own_later = [c for c in changes if c.unit == u.eid and c.day > day]
            assert u.text_available == (not own_later)
            assert u.text == (f"text of {u.eid}" if u.text_available else None)  # the document's words or none
            assert not any(c.kind == "insert" for c in own_later)  # not there before its insertion
        for eid, _ in units:
            hidden = any(c.unit in _ancestors(eid, parents) and c.kind != "heading" and c.day > day for c in changes) \
                or any(c.unit == eid and c.kind == "insert" and c.day > day for c in changes)
            assert (eid in {u.eid for u in got}) == (not hidden), (eid, day)
        known = {u.eid for u in got if u.text_available}
        assert known_before <= known  # what is known on one day stays known on later days
        known_before = known


def test_the_concept_annex_before_its_new_edition() -> None:
    expr = expression([("point_1", None), ("point_5", None), ("att_1", None), ("att_1__chp_1", "att_1"),
                       ("att_1__chp_1__para_1", "att_1__chp_1")])
    change = Change("new_edition", "att_1", 2, D(2019, 1, 9), True, "Сноска. Концепция в редакции …")
    signed, current = editions([expr], [change], START, {}, ())
    assert [(u.eid, u.text_available) for u in signed.expressions["ru"]] == [
        ("point_1", True), ("point_5", True), ("att_1", False)]
    assert signed.sources == () and "att_1" in (signed.note or "")
    assert current.sources == (2,) and current.note == "Сноска. Концепция в редакции …"
    assert all(u.text_available for u in current.expressions["ru"]) and len(current.expressions["ru"]) == 5


def test_a_change_of_the_whole_text_leaves_an_edition_without_units() -> None:
    expr = expression([("point_1", None), ("point_2", None)])
    change = Change("new_edition", None, 1, D(2018, 1, 1), True, "Сноска. Указ в редакции …")
    signed, current = editions([expr], [change], START, {}, ())
    assert signed.expressions == {"ru": []} and "the whole text" in (signed.note or "")
    assert len(current.expressions["ru"]) == 2
    # A new title ("Заголовок в редакции …") changes no unit.
    title = Change("heading", None, 1, D(2018, 1, 1), True, "Сноска. Заголовок в редакции …")
    assert len(units_on(START, expr, [title], D(2018, 1, 1), {})) == 2


def test_a_change_of_unknown_date_shows_in_the_latest_edition_only() -> None:
    expr = expression([("point_1", None), ("point_2", None)])
    dated = Change("amend", "point_1", 1, D(2018, 1, 1), True, "")
    undated = Change("exclude", "point_2", None, None, False, "Сноска. Пункт 2 исключен.")
    signed, current = editions([expr], [dated, undated], START, {}, ())
    assert [u.text_available for u in signed.expressions["ru"]] == [False, False]
    assert [u.text_available for u in current.expressions["ru"]] == [True, True]
    assert "date the source does not give" in (current.note or "")


def test_without_any_date_there_is_no_edition() -> None:
    assert editions([expression([("point_1", None)])], [], None, {}, ()) == []
    only = editions([expression([("point_1", None)])], [Change("amend", "point_1", 1, D(2020, 1, 1), True, "")],
                    None, {}, ())
    assert [d.valid_from for d in only] == [D(2020, 1, 1)] and not only[0].derived


def test_wids_of_the_store_name_the_units() -> None:
    expr = expression([("point_1", None), ("point_2", None)])
    [draft] = editions([expr], [], START, {"point_2": "point_2-old"}, ())
    assert [(u.eid, u.wid) for u in draft.expressions["ru"]] == [("point_1", "point_1"), ("point_2", "point_2-old")]
