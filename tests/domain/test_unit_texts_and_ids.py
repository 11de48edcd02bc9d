"""Word diffs (worddiff.py), eIds from numbering (units.py), states and their changes (expressions.py), and a
unit's versions and presence in valid time (unit_history.py), pure; docs/units.md says what the code does."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.domain.errors import Invalid
from service.domain.expressions import (
    Change,
    ExpressionState,
    UnitVersion,
    changes_by_day,
    depth_and_parent,
    diff_states,
    state_from_units,
    text_completeness,
    unchanged,
)
from service.domain.model import Unit
from service.domain.status import Reason
from service.domain.unit_history import VersionRow, presence_runs, version_at, version_periods
from service.domain.unit_status import ABSENT
from service.domain.units import EID, EID_PREFIXES, UNIT_KINDS, eid_from_numbering, eid_number
from service.domain.worddiff import new_text, old_text, tokens, word_diff

D = timedelta(days=1)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "units.md"

# ---- word diffs ------------------------------------------------------------------------------------------------

WORDS = st.text(alphabet=st.sampled_from(list("абв әқ xyz 12.,;()-\n")), max_size=60)


@given(WORDS, WORDS)
def test_a_diff_rebuilds_both_texts(old: str, new: str) -> None:
    segments = word_diff(old, new)
    assert (old_text(segments), new_text(segments)) == (old, new)
    assert all(s.text for s in segments), "no empty runs"
    assert all(a.op != b.op for a, b in itertools.pairwise(segments)), "runs of one kind are merged"


@given(WORDS)
def test_the_same_text_is_one_equal_run_and_tokens_cover_it(text: str) -> None:
    assert "".join(tokens(text)) == text
    assert [s.op for s in word_diff(text, text)] == (["equal"] if text else [])


def test_a_diff_is_by_words_not_characters() -> None:
    segments = word_diff("Срок составляет десять дней.", "Срок составляет пятнадцать рабочих дней.")
    assert [(s.op, s.text) for s in segments] == [
        ("equal", "Срок составляет "), ("delete", "десять"), ("insert", "пятнадцать рабочих"), ("equal", " дней.")]


# ---- eIds from numbering -----------------------------------------------------------------------------------------

@given(st.sampled_from(UNIT_KINDS), st.from_regex(r"[0-9]{1,3}(-[0-9]{1,2})?[).]?", fullmatch=True),
       st.none() | st.sampled_from(["chp_4", "chp_4__subchp_3", "att_1__chp_2"]))
def test_numbering_gives_a_valid_eid_inside_its_parent(kind: str, num: str, parent: str | None) -> None:
    eid = eid_from_numbering(kind, num, parent)
    assert EID.fullmatch(eid)
    own = eid.rsplit("__", 1)[-1]
    assert own == f"{EID_PREFIXES[kind]}_{num.rstrip(').')}"
    assert eid.startswith(f"{parent}__") if parent else "__" not in eid


@pytest.mark.parametrize("kind, num, parent, eid", [
    ("subpoint", "7", "chp_4__subchp_3", "chp_4__subchp_3__subpoint_7"), ("point", "14-1", None, "point_14-1"),
    ("subpoint", "3-1)", None, "subpoint_3-1"), ("subpoint", "а)", "point_2", "point_2__subpoint_a"),
    ("subpoint", "ә)", None, "subpoint_ae"), ("annex", "1", None, "att_1"), ("chapter", "IV.", None, "chp_IV"),
    ("article", "№ 12", None, "art_12"), ("preamble", None, None, "preamble"), ("part", "2", None, "part_2"),
])
def test_numbering_examples(kind: str, num: str | None, parent: str | None, eid: str) -> None:
    assert eid_from_numbering(kind, num, parent) == eid


@pytest.mark.parametrize("num", ["", " ", "а б", "1 2", "*", "1/2", "§"])
def test_numbering_that_cannot_be_an_eid(num: str) -> None:
    with pytest.raises(Invalid):
        eid_number(num)


def test_docs_units_md_documents_every_mapping_the_code_uses() -> None:
    text = DOCS.read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z]+)` \| `([a-z]+)_?N?`", text, flags=re.MULTILINE))
    assert rows == EID_PREFIXES, "docs/units.md lists each kind with its eId prefix"
    for kk_ru in ("Раздел", "бөлім", "Глава", "тарау", "Параграф", "Статья", "бап", "пункт", "подпункт",
                  "приложение", "қосымша"):
        assert kk_ru in text


# ---- states and their changes ------------------------------------------------------------------------------------

def v(eid: str, sha: str | None = "a", *, repealed: bool = False, by: str | None = None) -> UnitVersion:
    return UnitVersion(eid, "point", eid.rsplit("_", 1)[-1], None, sha, sha is not None, repealed, by)


def test_diff_states_classifies_every_kind_of_change() -> None:
    before = ExpressionState(("p1", "p2", "p3", "p4"), {"p1": v("point_1"), "p2": v("point_2"), "p3": v("point_3"),
                                                       "p4": v("point_4")})
    after = ExpressionState(("p1", "p2", "p3", "p5"), {"p1": v("point_1"), "p2": v("point_2", "b"),
                                                       "p3": v("point_7", "c"), "p5": v("point_5")})
    found = {c.wid: c.changes for c in diff_states(before, after)}
    assert found == {"p2": (Change.CHANGED,), "p3": (Change.CHANGED, Change.RENUMBERED), "p5": (Change.ADDED,),
                     "p4": (Change.REPEALED,)}
    assert unchanged(before, after) == ["p1"]
    repealed = ExpressionState(("p1",), {"p1": v("point_1", None, repealed=True)})
    assert [c.changes for c in diff_states(ExpressionState(("p1",), {"p1": v("point_1")}), repealed)] == [
        (Change.REPEALED,)]
    assert diff_states(after, after) == []


def test_a_full_expression_keeps_the_attribution_of_what_it_does_not_change() -> None:
    previous = ExpressionState(("p1",), {"p1": v("point_1", "a", by="old")})
    units = [Unit("point_1", "p1", "point", "1", None, None, True, "a"), Unit("point_2", "p2", "point", "2", None,
                                                                            None, True, "b")]
    s = state_from_units(units, previous, source_act="new")
    assert (s.units["p1"].source_act, s.units["p2"].source_act) == ("old", "new")


def test_depth_parents_and_completeness() -> None:
    s = ExpressionState(("c", "a", "p", "s", "x"), {"c": v("chp_1"), "a": v("chp_1__art_1"),
                                                    "p": v("chp_1__art_1__point_1"), "s": v("att_1__point_1"),
                                                    "x": v("chp_1__art_2", None)})
    shape = depth_and_parent(s)
    assert shape == {"c": (0, None), "a": (1, "c"), "p": (2, "a"), "s": (0, None), "x": (1, "c")}
    assert text_completeness({"ru": s}) == "partial"
    assert text_completeness({"ru": s, "kk": ExpressionState()}) == "partial"
    full = ExpressionState(("c",), {"c": v("chp_1")})
    assert text_completeness({"ru": full}) == "full" and text_completeness({"ru": ExpressionState()}) == "none"


DAYS = st.integers(0, 40).map(lambda n: date(2020, 1, 1) + n * D)


@given(st.lists(st.tuples(DAYS, st.sampled_from(["p1", "p2", "p3"]), st.sampled_from(["a", "b", None])), max_size=8),
       st.lists(st.tuples(DAYS, st.lists(st.sampled_from(["p1", "p2", "p3"]), unique=True).map(tuple)), max_size=4))
def test_changes_by_day_are_the_differences_from_one_day_to_the_next(
        rows: list[tuple[date, str, str | None]], structures: list[tuple[date, tuple[str, ...]]]) -> None:
    versions = [(d, w, v(f"point_{w[1]}", sha)) for d, w, sha in sorted(rows, key=lambda r: r[0])]
    structures = sorted(structures, key=lambda s: s[0])

    def state_at(day: date) -> ExpressionState:
        wids: tuple[str, ...] = ()
        for d, w in structures:
            if d <= day:
                wids = w
        units = {}
        for d, w, x in versions:
            if d <= day:
                units[w] = x
        kept = tuple(w for w in wids if w in units)
        return ExpressionState(kept, {w: units[w] for w in kept})

    deltas, previous = [], ()
    for d, wids in structures:
        deltas.append((d, tuple(w for w in wids if w not in previous), tuple(w for w in previous if w not in wids)))
        previous = wids
    reported = dict(changes_by_day(versions, deltas))
    for day in {d for d, _, _ in versions} | {d for d, _ in structures}:
        got = {c.wid: (c.changes, c.before, c.after) for c in reported.get(day, [])}
        assert got == {c.wid: (c.changes, c.before, c.after) for c in diff_states(state_at(day - D), state_at(day))}
    assert set(reported) <= {d for d, _, _ in versions} | {d for d, _ in structures}


# ---- one unit's versions and presence ----------------------------------------------------------------------------

@given(st.lists(st.tuples(DAYS, st.booleans()), max_size=5), st.lists(st.tuples(DAYS, st.booleans()), max_size=5),
       st.lists(DAYS, max_size=5))
def test_versions_and_presence_cover_the_days_they_should(structure: list[tuple[date, bool]],
                                                          rows: list[tuple[date, bool]], probes: list[date]) -> None:
    version_rows = [VersionRow(d, v("point_1", None if gone else f"{d}", repealed=gone), seq)
                    for seq, (d, gone) in enumerate(sorted(rows, key=lambda r: r[0]), 1)]
    periods = version_periods(structure, version_rows)
    for a, b in itertools.pairwise(periods):
        assert a.until is not None and a.until < b.since, "in order, not overlapping"
    runs = presence_runs(periods, reason_of=lambda p: Reason(note=str(p.since)), removed=lambda d: Reason(note="gone"))
    for a, b in itertools.pairwise(runs):
        assert a.until is not None and b.since is not None and a.until + D == b.since
    assert runs[0].since is None and runs[-1].until is None
    for day in probes:
        p = version_at(periods, day)
        (run,) = [r for r in runs if r.covers(day)]
        assert (run.state == ABSENT) == (p is None)
        if p is not None:
            assert (run.state == "repealed") == p.version.repealed
    ends = date(2020, 1, 20)
    for p in version_periods(structure, version_rows, ends=ends):
        assert p.until is not None and p.until <= ends - D
