"""Units of an expression (service/domain/units.py): AKN-style ids, plain text as units, hashes,
uniqueness and completeness."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.domain.errors import Invalid
from service.domain.model import Unit
from service.domain.texts import normalise_text, text_sha256
from service.domain.units import check_eid, check_unique, completeness, units_from_plain_text, with_hashes

# ---------------------------------------------------------------------------------------------------------
# eId / wId


@pytest.mark.parametrize("eid", [
    "chp_4__subchp_3__subpoint_7", "point_14-1", "att_1__chp_2__point_3", "preamble", "att_1", "point_1",
    "para_12", "sec_IV", "art_5.1", "chp_4__subchp_3", "annex_A", "p_1-1-2", "x", "a1_b",
])
def test_check_eid_accepts_akn_style_ids(eid: str) -> None:
    assert check_eid(eid, field="eId") == eid


@pytest.mark.parametrize("junk", [
    "", " ", "chp_4 ", " chp_4", "chp_4\n", "chp_4__subchp_3__subpoint_7\n", "\nchp_4", "chp_4\t",
    "Chp_4", "CHP_4", "4_chp", "_chp_4", "chp_", "chp__4", "chp_4__", "__chp_4", "chp_4___point_1",
    "chp_4__Point_1", "chp-4", "chp_4/point_1", "chp_4__point 1", "chp_-1", "chp_.1", "глава_1", "chp_ü",
    "chp_4;drop table", "chp_4\x00", "a" * 301, "chp_" + "1" * 297,
])
def test_check_eid_rejects_junk(junk: str) -> None:
    with pytest.raises(Invalid) as caught:
        check_eid(junk, field="body.units[0].eId")
    assert caught.value.extra == {"field": "body.units[0].eId"}


def test_check_eid_length_limit_is_inclusive() -> None:
    assert check_eid("a" * 300, field="x") == "a" * 300


NAME = st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True)
NUM = st.from_regex(r"[0-9A-Za-z][0-9A-Za-z.\-]{0,5}", fullmatch=True)
COMPONENT = st.builds(lambda n, num: n if num is None else f"{n}_{num}", NAME, st.none() | NUM)


@given(st.lists(COMPONENT, min_size=1, max_size=6))
def test_ids_built_from_components_are_accepted(components: list[str]) -> None:
    eid = "__".join(components)
    assert check_eid(eid, field="eId") == eid


@given(st.lists(COMPONENT, min_size=1, max_size=4), st.data())
def test_any_foreign_character_makes_an_id_junk(components: list[str], data: st.DataObject) -> None:
    eid = "__".join(components)
    bad = data.draw(st.characters(blacklist_characters="abcdefghijklmnopqrstuvwxyz"
                                                       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"))
    at = data.draw(st.integers(0, len(eid)))
    with pytest.raises(Invalid):
        check_eid(eid[:at] + bad + eid[at:], field="eId")


# ---------------------------------------------------------------------------------------------------------
# Plain text


def test_units_from_plain_text_splits_paragraphs_on_blank_lines() -> None:
    nbsp = "\u00a0"
    text = (f"{nbsp * 5} 1. Утвердить Концепцию.\r\n{nbsp * 5} (далее – Концепция).\r\n  \r\n"
            f"2. Правительству принять меры.\n\n\n\n{nbsp} Президент  Республики Казахстан \n")
    units = units_from_plain_text(text)
    assert units == [
        Unit("para_1", "para_1", "paragraph", None, None, "1. Утвердить Концепцию.\n(далее – Концепция).", True),
        Unit("para_2", "para_2", "paragraph", None, None, "2. Правительству принять меры.", True),
        Unit("para_3", "para_3", "paragraph", None, None, "Президент Республики Казахстан", True),
    ]


@pytest.mark.parametrize("text", ["", " ", "\n\n", "\u00a0\r\n\t"])
def test_empty_plain_text_has_no_units(text: str) -> None:
    assert units_from_plain_text(text) == []


PARAGRAPH = st.lists(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1, max_size=10),
    min_size=1, max_size=3,
).map(lambda words: normalise_text(" ".join(words)))


@given(st.lists(PARAGRAPH, min_size=1, max_size=6), st.sampled_from(["\n\n", "\r\n\r\n", "\n \u00a0\n\n"]))
def test_plain_text_round_trips_paragraphs(paragraphs: list[str], sep: str) -> None:
    units = units_from_plain_text(sep.join(paragraphs))
    assert [u.text for u in units] == paragraphs
    assert [u.eid for u in units] == [f"para_{i}" for i in range(1, len(paragraphs) + 1)]
    for u in units:
        assert u.eid == u.wid and u.kind == "paragraph" and u.text_available and u.sha256 is None
        assert check_eid(u.eid, field="eId") == u.eid
    check_unique(units, where="body")


@given(st.text())
def test_plain_text_units_are_normalised_and_cover_the_text(text: str) -> None:
    units = units_from_plain_text(text)
    for u in units:
        assert u.text and normalise_text(u.text) == u.text and "\n\n" not in u.text
    words = normalise_text(text).split()
    assert [w for u in units for w in (u.text or "").split()] == words


# ---------------------------------------------------------------------------------------------------------
# Hashes, uniqueness, completeness


def unit(eid: str, text: str | None, available: bool | None = None) -> Unit:
    return Unit(eid, eid, "point", None, None, text, text is not None if available is None else available)


def test_with_hashes() -> None:
    raw = "\u00a0\u00a0 4. Признать утратившим силу\r\nУказ № 552.  "
    hashed = with_hashes([unit("point_4", raw), unit("att_1", None), unit("point_5", "stray", available=False)])
    body = "4. Признать утратившим силу\nУказ № 552."
    assert hashed[0] == Unit("point_4", "point_4", "point", None, None, body, True, text_sha256(body))
    assert hashed[1] == Unit("att_1", "att_1", "point", None, None, None, False, None)
    assert hashed[2] == Unit("point_5", "point_5", "point", None, None, None, False, None), \
        "a unit without its words carries no text, never an invented one"


@given(st.text(), st.text())
def test_equal_texts_get_equal_hashes_whatever_their_spacing(a: str, b: str) -> None:
    ha, hb = with_hashes([unit("point_1", a), unit("point_2", b)])
    assert ha.sha256 == text_sha256(normalise_text(a))
    assert (ha.sha256 == hb.sha256) == (normalise_text(a) == normalise_text(b))
    assert with_hashes([ha]) == [ha], "hashing twice changes nothing"


def test_check_unique() -> None:
    check_unique([unit("point_1", "a"), unit("point_2", "b")], where="ru")
    with pytest.raises(Invalid, match="eid 'point_1' occurs twice"):
        check_unique([unit("point_1", "a"), unit("point_1", "b")], where="ru")
    same_wid = [Unit("point_1", "w1", "point", None, None, "a", True),
                Unit("point_2", "w1", "point", None, None, "b", True)]
    with pytest.raises(Invalid, match="wid 'w1' occurs twice"):
        check_unique(same_wid, where="kk")


def test_completeness_examples() -> None:
    points, annex = [unit("point_1", "a"), unit("point_2", "b")], unit("att_1", None)
    assert completeness({"kk": points, "ru": points}) == "full"
    # The Concept in 2015: the decree's points, the annex's wording unknown.
    assert completeness({"kk": [*points, annex], "ru": [*points, annex]}) == "partial"
    assert completeness({"kk": [annex], "ru": [annex]}) == "none"
    assert completeness({"kk": points, "ru": []}) == "partial", "one language without units is not full"
    assert completeness({"kk": [], "ru": []}) == "none"
    assert completeness({}) == "none"


@given(st.dictionaries(st.sampled_from(["kk", "ru", "en"]), st.lists(st.booleans(), max_size=4), max_size=3))
def test_completeness(shape: dict[str, list[bool]]) -> None:
    expressions = {lang: [unit(f"point_{i}", "t" if has else None) for i, has in enumerate(flags)]
                   for lang, flags in shape.items()}
    flags = [f for fs in shape.values() for f in fs]
    got = completeness(expressions)
    if flags and all(flags) and all(shape.values()):
        assert got == "full"
    elif not any(flags):
        assert got == "none"
    else:
        assert got == "partial"
