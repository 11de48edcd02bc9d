"""What a legal date becomes (no database): units cut back from the export's description of them
(hypothesis), what a version changed, text_state, and how Lextime's acts are named and dated in a repository."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.domain.model import Act, EntryIntoForce, Unit
from service.domain.units import text_of, with_hashes
from service.legalize.commits import parse_message
from service.legalize.errors import LegalizeError
from service.legalize.frontmatter import law_meta
from service.legalize.mapping import act_type, number_of
from service.legalize.publish import git_date, identifier_of
from service.legalize.versions import (
    body_units,
    changed_units,
    named_units,
    other_expressions,
    text_units,
    unit_spec,
    units_from_spec,
)

texts = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40).map(
    lambda t: "\n".join(line.strip() for line in t.replace("\r", "").split("\n")).strip("\n")).filter(
    lambda t: t and " " * 2 not in t and "\xa0" not in t)


@st.composite
def expressions(draw: st.DrawFn) -> list[Unit]:
    n = draw(st.integers(0, 8))
    units = []
    for i in range(n):
        available = draw(st.booleans()) or i == 0
        units.append(Unit(eid=f"point_{i + 1}", wid=f"point_{i + 1}", kind="point", num=str(i + 1), heading=None,
                          text=draw(texts) if available else None, text_available=available,
                          breaks=draw(st.one_of(st.none(), st.integers(1, 4)))))
    return with_hashes(units)


@given(expressions())
def test_units_cut_back_from_their_description(units: list[Unit]) -> None:
    body = text_of(units) or ""
    again = with_hashes(units_from_spec(body, unit_spec(units)))
    assert [(u.eid, u.text, u.text_available, u.sha256) for u in again] == \
        [(u.eid, u.text, u.text_available, u.sha256) for u in units]
    carried = other_expressions({"expressions": {"ru": [{**s, "text": u.text if u.text_available else None}
                                                        for s, u in zip(unit_spec(units), units)]}})
    assert [(u.eid, u.text, u.sha256) for u in carried.get("ru", [])] == [(u.eid, u.text, u.sha256) for u in units]


def test_a_description_that_does_not_fit_is_refused() -> None:
    spec = [{"eId": "point_1", "kind": "point", "lines": 2}]
    with pytest.raises(LegalizeError, match="fit"):
        units_from_spec("one line", spec)
    with pytest.raises(LegalizeError, match="cover"):
        units_from_spec("one\n\ntwo", [{"eId": "point_1", "kind": "point", "lines": 1}])
    with pytest.raises(LegalizeError, match="record"):
        units_from_spec("x", [{"eId": "Not An Id", "kind": "point", "lines": 1}])


def test_what_a_version_changed_and_what_its_subject_names() -> None:
    def unit(eid: str, text: str) -> Unit:
        return with_hashes([Unit(eid, eid, "article", None, None, text, True)])[0]
    before = [unit("art_1", "a"), unit("art_2", "b"), unit("art_3", "c")]
    after = [unit("art_1", "a"), unit("art_2", "B"), unit("art_4", "d")]
    assert changed_units(None, after) == ()
    assert changed_units(before, after) == ("art_2", "art_4", "art_3")
    message = parse_message("[reform] C arts. 1, 7")
    assert named_units(message, after) == ("art_1",)


def test_text_state() -> None:
    front = {"identifier": "L", "country": "pe"}
    units = body_units("Artículo 1. x", lextime_edition=None)
    assert [u.eid for u in units] == ["art_1"] and units[0].sha256
    assert text_units(law_meta({**front, "text_state": "current"}), units, original=True).units == []
    enacted = law_meta({**front, "text_state": "as_enacted"})
    assert text_units(enacted, units, original=True).units == units
    withheld = text_units(enacted, units, original=False)
    assert withheld.units == [] and withheld.withheld and "as_enacted" in withheld.withheld
    assert text_units(law_meta(front), units, original=False).units == units


def test_ranks_numbers_identifiers_and_dates() -> None:
    assert [act_type(r) for r in ("constitucion", "ley_organica", "decreto_legislativo", "resolucion_ministerial",
                                  "ordenanza_regional", "acuerdo_regional", "", "decree", "lag")] == [
        "constitution", "law", "decree", "resolution", "regulation", "decision", "other", "decree", "law"]
    meta = law_meta({"identifier": "X", "country": "pe", "title": "Decreto Legislativo N.° 1669"})
    assert number_of(meta, None) == "1669" and number_of(meta, "Nº 0361-2012-AG") == "0361-2012-AG"
    cited = law_meta({"identifier": "X", "country": "pe", "title": "RAP 135 (RESOLUCION DIRECTORAL N&ordm; 110-98)"})
    assert number_of(cited, "-139") is None  # the number in parentheses is another act's
    act = Act("01M89SW1E0TJYSC8T949SKSD2X", "kz", "decree", "148", date(2015, 12, 28), None, {"ru": "x"}, ("ru",),
              None, None, EntryIntoForce(), None, None, ("U1500000148",))
    assert identifier_of(act) == "U1500000148"
    assert identifier_of(Act(**{**act.__dict__, "external_ids": ()})) == "decree-148-2015-12-28"
    assert identifier_of(Act(**{**act.__dict__, "external_ids": ("a/b",)})) == "a-b"
    assert git_date(date(1964, 7, 18)) == date(1970, 1, 2) and git_date(None) == date(1970, 1, 2)
    assert git_date(date(2030, 12, 31)) == date(2030, 12, 31)
