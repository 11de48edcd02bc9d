"""Unit-level operations on the states of every language (service/domain/amendments.py), pure: what each
operation changes and leaves alone, how both languages move together, the ledger form round-trips, and the
request resolution (amendment_requests.py) names units by wId or eId and assigns eIds and wIds."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.domain.amendment_requests import AmendmentRequest, OperationRequest, find_unit, resolve
from service.domain.amendments import (
    Amendment,
    Commence,
    CommenceAmendment,
    Insert,
    Position,
    Renumber,
    Repeal,
    Replace,
    Resume,
    Suspend,
    Target,
    amendment_from_payload,
    amendment_payload,
    op_from_payload,
    op_payload,
)
from service.domain.errors import InvalidOperation, UnitNotInForce
from service.domain.expressions import ExpressionState, UnitVersion
from service.domain.unit_operations import Flags, Maker, apply_operations, insertion_wid
from service.domain.units import EID, EID_PREFIXES

DAY = date(2020, 1, 1)
BY = Maker("amending", "a-1")
EIDS = ["chp_1", "chp_1__point_1", "chp_1__point_1__subpoint_1", "chp_1__point_2", "chp_2", "att_1"]


KIND_OF = {prefix: kind for kind, prefix in EID_PREFIXES.items()}


def state(lang: str, eids: list[str] = EIDS) -> ExpressionState:
    units = {e: UnitVersion(e, KIND_OF[e.rsplit("__", 1)[-1].split("_")[0]], e.rsplit("_", 1)[-1], None,
                            f"{lang}-{e}", True) for e in eids}
    return ExpressionState(tuple(eids), units)


def both() -> dict[str, ExpressionState]:
    return {"ru": state("ru"), "kk": state("kk")}


def apply(*ops: object, states: dict[str, ExpressionState] | None = None, flags: Flags | None = None
          ) -> dict[str, ExpressionState]:
    return apply_operations(states or both(), list(ops), by=BY, day=DAY, flags=flags)  # type: ignore[arg-type]


def test_replace_changes_its_unit_only_and_flags_a_language_without_words() -> None:
    flags = Flags()
    out = apply(Replace("chp_1__point_2", "chp_1__point_2", {"ru": "new-ru"}), flags=flags)
    assert out["ru"].units["chp_1__point_2"].sha256 == "new-ru"
    kk = out["kk"].units["chp_1__point_2"]
    assert kk.sha256 is None and kk.text_available is False, "never the old words"
    assert (kk.source_act, kk.amendment) == ("amending", "a-1")
    assert flags.as_json() == {"missing_languages": {"chp_1__point_2": ["kk"]}}
    for lang in ("ru", "kk"):
        assert {w: v for w, v in out[lang].units.items() if w != "chp_1__point_2"} == {
            w: v for w, v in both()[lang].units.items() if w != "chp_1__point_2"}
    explicit = Flags()
    out = apply(Replace("chp_1__point_2", "chp_1__point_2", {"ru": "new-ru", "kk": None}), flags=explicit)
    assert out["kk"].units["chp_1__point_2"].text_available is False and explicit.as_json() == {}


def test_insert_after_goes_past_the_sub_units_before_and_end_of_parent() -> None:
    after = apply(Insert("chp_1__point_1-1", "chp_1__point_1-1", "point", "1-1", None,
                         Position("after", "chp_1__point_1"), {"ru": "x", "kk": "y"}))
    assert after["ru"].wids.index("chp_1__point_1-1") == 3, "after point 1's subpoint"
    before = apply(Insert("chp_1__point_0", "chp_1__point_0", "point", "0", None, Position("before", "chp_1__point_1"),
                          {"ru": "x", "kk": "y"}))
    assert before["kk"].wids[1] == "chp_1__point_0"
    last = apply(Insert("chp_1__point_3", "chp_1__point_3", "point", "3", None, Position("end_of", "chp_1"),
                        {"ru": "x", "kk": "y"}))
    assert last["ru"].wids[4] == "chp_1__point_3" and last["ru"].wids[5] == "chp_2"
    end = apply(Insert("att_2", "att_2", "annex", "2", None, Position("end"), {}))
    assert end["ru"].wids[-1] == "att_2" and end["ru"].units["att_2"].text_available is False


def test_repeal_and_renumber_carry_the_sub_units() -> None:
    out = apply(Repeal("chp_1__point_1", "chp_1__point_1"))
    for lang in ("ru", "kk"):
        gone = [w for w in out[lang].wids if out[lang].units[w].repealed]
        assert gone == ["chp_1__point_1", "chp_1__point_1__subpoint_1"]
        assert out[lang].wids == both()[lang].wids, "repealed units stay addressable"
        assert all(out[lang].units[w].sha256 is None for w in gone)
    with pytest.raises(UnitNotInForce, match="repealed"):
        apply(Replace("chp_1__point_1__subpoint_1", "x", {"ru": "a"}), states=out)
    moved = apply(Renumber("chp_1", "chp_1", "chp_3", "3"))
    assert [moved["ru"].units[w].eid for w in moved["ru"].wids] == [
        "chp_3", "chp_3__point_1", "chp_3__point_1__subpoint_1", "chp_3__point_2", "chp_2", "att_1"]
    assert moved["ru"].units["chp_1"].num == "3" and moved["ru"].units["chp_1__point_1"].num == "1"
    with pytest.raises(InvalidOperation, match="chp_2"):
        apply(Renumber("chp_1", "chp_1", "chp_2", "2"))


def test_units_not_in_force_and_eids_in_use_are_refused() -> None:
    with pytest.raises(UnitNotInForce, match="no unit point_9 in force on 2020-01-01"):
        apply(Suspend("point_9", "point_9", None))
    for op in (Insert("new", "chp_2", "chapter", "2", None, Position("end"), {}),
               Insert("chp_2", "chp_9", "chapter", "9", None, Position("end"), {}),
               Replace("chp_2", "chp_2", {"en": "words"})):
        with pytest.raises(InvalidOperation):
            apply(op)
    with pytest.raises(UnitNotInForce, match="no unit point_9"):
        apply(Insert("p", "p", "point", None, None, Position("after", "point_9"), {}))


@pytest.mark.parametrize(("day", "on"), [(DAY, "on 2020-01-01"), (None, "in the latest text")])
def test_refusals_name_the_day_or_else_the_latest_text(day: date | None, on: str) -> None:
    def run(op: object, states: dict[str, ExpressionState] | None = None) -> None:
        apply_operations(states or both(), [op], by=BY, day=day)  # type: ignore[list-item]

    with pytest.raises(UnitNotInForce, match=f"^unit chp_2 is repealed {on}$"):
        run(Suspend("chp_2", "chp_2", None), apply(Repeal("chp_2", "chp_2")))
    with pytest.raises(UnitNotInForce, match=f"^the act has no unit point_9 in force {on}$"):
        run(Repeal("point_9", "point_9"))
    with pytest.raises(InvalidOperation, match=f"^chp_2: the act has no text in en {on}; record an edition"):
        run(Replace("chp_2", "chp_2", {"en": "words"}))
    with pytest.raises(UnitNotInForce, match=f"^cannot insert p: the act has no unit point_9 {on}$"):
        run(Insert("p", "p", "point", None, None, Position("after", "point_9"), {}))
    with pytest.raises(UnitNotInForce, match=f"^the act has no unit point_9 {on}$"):
        find_unit(both(), "point_9", day)


def test_languages_that_lack_a_unit_are_left_alone_and_flagged() -> None:
    states = {"ru": state("ru"), "kk": state("kk", ["chp_1", "chp_2"])}
    flags = Flags()
    out = apply(Replace("chp_1__point_2", "chp_1__point_2", {"ru": "a", "kk": "b"}), states=states, flags=flags)
    assert out["kk"] == states["kk"] and flags.not_in_language == {"chp_1__point_2": ["kk"]}
    empty = {"ru": state("ru"), "kk": ExpressionState()}  # known without its words
    out = apply(Insert("chp_3", "chp_3", "chapter", "3", None, Position("end"), {"ru": "a"}), states=empty,
                flags=(flags := Flags()))
    assert out["kk"].wids == () and "chp_3" in flags.not_in_language


def test_status_operations_only_check_the_unit() -> None:
    assert apply(Suspend("chp_2", "chp_2", date(2021, 1, 1)), Resume("chp_2", "chp_2"),
                 Commence("att_1", "att_1")) == both()


OPS = st.one_of(
    st.builds(Replace, st.from_regex(EID, fullmatch=True), st.just("point_1"),
              st.dictionaries(st.sampled_from(["kk", "ru"]), st.none() | st.text(min_size=64, max_size=64)),
              st.none() | st.text(max_size=5), st.text(max_size=5)),
    st.builds(Insert, st.just("point_1-1"), st.just("point_1-1"), st.just("point"), st.none() | st.just("1-1"),
              st.none(), st.builds(Position, st.sampled_from(["after", "before", "end_of"]), st.just("point_1")),
              st.just({"ru": "a" * 64}), st.just("r")),
    st.builds(Renumber, st.just("a"), st.just("b"), st.just("c"), st.none() | st.just("4"), st.just("r")),
    st.builds(Suspend, st.just("a"), st.just("a"), st.none() | st.dates(), st.just("r")),
    st.builds(Repeal, st.just("a"), st.just("a"), st.just("r")),
    st.builds(Resume, st.just("a"), st.just("a"), st.just("r")),
    st.builds(Commence, st.just("a"), st.just("a"), st.just("r")),
    st.builds(CommenceAmendment, st.just("01M89SWTRWRXSYS4BPAN57GSNZ"),
              st.lists(st.builds(Target, st.just("a"), st.just("b"), st.just("r")), max_size=2).map(tuple)),
)


@given(OPS)
def test_operations_round_trip_through_their_ledger_form(op: object) -> None:
    assert op_from_payload(op_payload(op)) == op  # type: ignore[arg-type]


@given(st.lists(OPS, min_size=1, max_size=4), st.none() | st.dates(), st.sampled_from(["stated", "convention"]))
def test_amendments_round_trip_through_their_ledger_form(ops: list[object], day: date | None, basis: str) -> None:
    a = Amendment("01M89SWTRWRXSYS4BPAN57GSNZ", "act", "amending", None, day, None, None, None, basis, "note",
                  tuple(ops))  # type: ignore[arg-type]
    assert amendment_from_payload(amendment_payload(a)) == a


@given(st.sets(st.sampled_from(["point_5", "point_5-w2", "point_5-w3", "preamble", "preamble_w2", "x"])),
       st.sampled_from(["point_5", "preamble", "chp_1__point_5"]))
def test_inserted_wids_are_never_reused_and_stay_ids(taken: set[str], eid: str) -> None:
    wid = insertion_wid(eid, taken)
    assert wid not in taken and EID.fullmatch(wid)
    assert wid == eid or eid in taken


def test_requests_resolve_units_by_wid_or_eid_and_build_eids() -> None:
    states = {"ru": state("ru"), "kk": state("kk")}
    renumbered = apply(Renumber("chp_2", "chp_2", "chp_5", "5"), states=states)
    assert find_unit(renumbered, "chp_5", DAY) == ("chp_2", "chp_5")
    assert find_unit(renumbered, "chp_2", DAY) == ("chp_2", "chp_5"), "a wId first"
    ids = iter(f"01M89SWTRWRXSYS4BPAN57GS{n:02d}" for n in range(40))
    request = AmendmentRequest("act", "amending", None, DAY, None, None, None, "stated", None, (
        OperationRequest("insert", kind="subpoint", num="1-1)", where="after", anchor="chp_1__point_1__subpoint_1",
                         texts={"ru": "Новый подпункт."}),
        OperationRequest("insert", kind="point", num="3", where="end_of", anchor="chp_1"),
        OperationRequest("replace", unit="chp_1__point_1__subpoint_1-1", texts={"ru": "Уже другой."}),
        OperationRequest("renumber", unit="chp_2", num="7"),
    ))
    done = resolve(request, states, taken={"chp_1__point_3"}, new_id=lambda: next(ids), pending={})
    insert_sub, insert_point, replace, renumber = done.amendment.operations
    assert isinstance(insert_sub, Insert) and insert_sub.eid == "chp_1__point_1__subpoint_1-1"
    assert isinstance(insert_point, Insert) and insert_point.eid == "chp_1__point_3"
    assert insert_point.wid == "chp_1__point_3-w2", "the act once had that wId"
    assert isinstance(replace, Replace) and replace.wid == "chp_1__point_1__subpoint_1-1"
    assert isinstance(renumber, Renumber) and (renumber.new_eid, renumber.num) == ("chp_7", "7")
    assert sorted(done.texts.values()) == ["Новый подпункт.", "Уже другой."]
    with pytest.raises(UnitNotInForce) as caught:
        resolve(AmendmentRequest("act", "amending", None, DAY, None, None, None, "stated", None,
                                 (OperationRequest("repeal", unit="att_1"), OperationRequest("repeal", unit="att_1"))),
                states, taken=set(), new_id=lambda: next(ids), pending={})
    assert caught.value.extra["field"] == "body.operations[1]"


def test_a_commenced_amendment_applies_before_the_operations_beside_it() -> None:
    pending = Amendment("01M89SWTRWRXSYS4BPAN57GSNZ", "act", "amending", None, None, None, None, None, "stated", None,
                        (Insert("art_9", "art_9", "article", "9", None, Position("end"), {"ru": "h" * 64}, "r1"),))
    ids = iter(f"01M89SWTRWRXSYS4BPAN57GS{n:02d}" for n in range(40))
    request = AmendmentRequest("act", "commencing", None, DAY, None, None, None, "stated", None, (
        OperationRequest("suspend", unit="art_9"), OperationRequest("commence", amendment=pending.id)))
    done = resolve(request, both(), taken=set(), new_id=lambda: next(ids), pending={pending.id: pending})
    suspend, commence = done.amendment.operations
    assert isinstance(suspend, Suspend) and suspend.wid == "art_9"
    assert isinstance(commence, CommenceAmendment) and [t.wid for t in commence.targets] == ["art_9"]
