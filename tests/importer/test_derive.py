"""From parsed documents to the facts an import records (no database): entry into force, relations from
footnotes, clauses, citations and the status line, in both languages, with their dates and bases."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.domain.adilet import parse_document
from service.domain.adilet.dates import format_date
from service.domain.model import Unit
from service.domain.texts import text_sha256
from service.importer.derive import derive
from service.importer.model import SELF, DocumentFacts, RelationDraft
from service.importer.naming import adilet_code, designation, fold_number, same_title
from service.importer.wids import derive_wids
from tests.domain.adilet.adilet_docgen import Act, Doc, U, render_text

from .conftest import sample_bytes
from .documents import DECREE_KK, ORDER_RU, I

D = dt.date
TODAY = D(2026, 1, 1)


def _facts(text: str, **kwargs: object) -> DocumentFacts:
    return derive(parse_document(text), document_day=TODAY, **kwargs)  # type: ignore[arg-type]


def _by_type(facts: DocumentFacts, kind: str) -> list[RelationDraft]:
    return [r for r in facts.relations if r.type == kind]


@given(st.dates(D(1995, 1, 1), D(2030, 12, 31)), st.integers(0, 40))
def test_an_order_registered_on_d_is_in_force_no_earlier_than_d_plus_11(signed: dt.date, delay: int) -> None:
    registered = signed + dt.timedelta(days=delay)
    text = "\n".join([
        "Об утверждении Правил", "",
        (f"Приказ Министра финансов Республики Казахстан от {format_date(signed, 'ru_long')} № 7. Зарегистрирован "
        f"в Министерстве юстиции Республики Казахстан {format_date(registered, 'ru_long')} № 101."), "",
        I + "1. Утвердить Правила.", "",
        I + "2. Настоящий приказ вводится в действие по истечении десяти календарных дней после дня его первого "
            "официального опубликования.",
    ])
    facts = _facts(text)
    eif = facts.entry_into_force
    assert eif.date is None and eif.earliest == registered + dt.timedelta(days=11)
    assert eif.rule is not None and eif.rule.startswith("Настоящий приказ вводится в действие по истечении")
    assert [d.valid_from for d in facts.editions] == [registered + dt.timedelta(days=11)]
    assert any("without a date" not in u for u in facts.uncertain) or not facts.uncertain


@pytest.mark.parametrize("language", ["ru", "kk"])
@pytest.mark.parametrize("kind, relation, unit_kind", [
    ("new_edition", "amends", "point"), ("amend", "amends", "point"), ("exclude", "amends", "point"),
    ("repeal_unit", "repeals", "point"),
])
def test_unit_footnotes_in_both_languages(language: str, kind: str, relation: str, unit_kind: str) -> None:
    from tests.domain.adilet.adilet_docgen import footnote_for

    point = U("point", "2", text="Текст второго пункта." if language == "ru" else "Екінші тармақтың мәтіні.")
    point.footnote = footnote_for(point, language, kind, D(2019, 4, 18), 15)
    body = [U("point", "1", text="Текст." if language == "ru" else "Мәтін."), point]
    doc = Doc(language, "Об утверждении Правил" if language == "ru" else "Ережелерді бекіту туралы",
              Act("decree", D(2015, 12, 28), "148"), body=body)
    facts = _facts(render_text([doc]))
    [r] = [r for r in facts.relations if r.target == SELF]
    assert (r.type, r.target_unit, r.effective_date, r.basis) == (relation, "point_2", D(2019, 4, 18), "convention")
    assert facts.ref(r.source).number == "15" and facts.ref(r.source).adopted_on == D(2019, 4, 18)
    assert {lang: first for lang, first, _ in r.lines}[language] > 0
    # Before the change, point 2's words are not in the document; point 1 keeps its own from the start.
    signed = facts.editions[0].expressions[language]
    assert [(u.eid, u.text_available) for u in signed] == [("point_1", True), ("point_2", False)]


def test_every_kind_of_footnote_in_the_russian_order() -> None:
    facts = _facts(ORDER_RU)
    kinds = sorted((r.type, r.target_unit or "", r.basis) for r in facts.relations if r.target == SELF)
    assert kinds == [("amends", "", "stated"), ("amends", "point_2", "stated"), ("amends", "point_3", "stated"),
                     ("amends", "point_3", "stated"), ("amends", "point_3-1", "stated"),
                     ("amends", "point_4", "stated"), ("suspends", "point_6", "convention")]
    [suspension] = _by_type(facts, "suspends")
    assert (suspension.effective_date, suspension.ends_on) == (D(2020, 1, 10), D(2021, 1, 1))
    window = next(r for r in facts.relations if r.target_unit == "point_3" and r.effective_date is None)
    assert window.effective_earliest == D(2019, 10, 18) and window.effective_rule is not None


def test_a_summary_footnote_gives_way_to_the_unit_footnotes_it_sums_up() -> None:
    head = "Сноска. Указ с изменениями, внесенными Указом Президента РК от 01.02.2020 № 250."
    unit = "Сноска. Пункт 2 в редакции Указа Президента РК от 01.02.2020 № 250."
    doc = Doc("ru", "Об утверждении Правил", Act("decree", D(2015, 12, 28), "148"), act_footnotes=[head],
              body=[U("point", "1", text="Текст."), U("point", "2", text="Новый текст.", footnote=unit)])
    facts = _facts(render_text([doc]))
    assert [(r.type, r.target_unit) for r in facts.relations] == [("amends", "point_2")]
    assert [u.text_available for u in facts.editions[0].expressions["ru"]] == [True, False]
    alone = Doc("ru", "Об утверждении Правил", Act("decree", D(2015, 12, 28), "148"), act_footnotes=[head],
                body=[U("point", "1", text="Текст.")])
    facts = _facts(render_text([alone]))
    assert [(r.type, r.target_unit) for r in facts.relations] == [("amends", None)]
    assert facts.editions[0].expressions == {"ru": []}  # where the change fell is unknown: no words before it


def test_the_status_line_is_authoritative_without_a_date() -> None:
    facts = _facts(DECREE_KK)
    [repeal] = [r for r in facts.relations if r.type == "repeals"]
    assert (repeal.source, repeal.target, repeal.origin) == (SELF, SELF, "status")
    assert (repeal.effective_earliest, repeal.effective_latest) == (D(2019, 6, 6), TODAY)
    with_act = DECREE_KK.replace("Жарлығы. Күші жойылды",
                                 "Жарлығы. Күші жойылды - ҚР Президентінің 2021 жылғы 1 ақпандағы № 500 Жарлығымен")
    facts = _facts(with_act)
    [repeal] = [r for r in facts.relations if r.type == "repeals"]
    assert facts.ref(repeal.source).number == "500"
    assert (repeal.effective_date, repeal.basis) == (D(2021, 2, 1), "convention")


def test_the_sample_without_a_database() -> None:
    facts = derive(parse_document(sample_bytes()), document_day=TODAY)
    assert [(r.act_type, r.number, r.adopted_on) for r in facts.cited] == [
        ("decree", "1014", D(2022, 9, 15)), ("decree", "824", D(2019, 1, 9)), ("decree", "552", D(2013, 4, 18)),
        ("law", None, D(2008, 10, 20)), ("decree", "149", D(2011, 9, 7)), ("decree", None, D(1995, 3, 1))]
    assert [(r.type, r.origin) for r in facts.relations][:3] == [
        ("repeals", "footnote"), ("amends", "footnote"), ("repeals", "clause")]
    assert facts.relations[0].lines == (("ru", 356, 358), ("kk", 3, 5))
    assert not facts.uncertain and not facts.skipped


def test_names_and_numbers() -> None:
    assert designation("decree", D(2022, 9, 15), "1014", "president", "ru") == \
        "Указ Президента Республики Казахстан от 15 сентября 2022 года № 1014"
    assert designation("law", D(2008, 10, 20), None, "parliament", "kk") == \
        "Қазақстан Республикасының 2008 жылғы 20 қазандағы Заңы"
    assert fold_number("272-VI") == fold_number("272-VІ") == fold_number(" 272 - VI")
    assert same_title("«Об Ассамблее народа Казахстана»", "об ассамблее  народа казахстана")
    assert not same_title("Об Ассамблее", "О другом")
    assert adilet_code("https://adilet.zan.kz/rus/docs/U1500000148") == "U1500000148"
    assert adilet_code("Z080000070_.html") == "Z080000070_"
    assert adilet_code("ukaz-2015-12-28-148-concept.txt") is None


def test_wids_follow_the_store_across_editions() -> None:
    expr = parse_document(render_text([Doc("ru", "Об утверждении Правил", Act("decree", D(2015, 12, 28), "148"),
                                           body=[U("point", "1", text="Первый."), U("point", "2", text="Второй."),
                                                 U("point", "3", text="Третий.")])])).expressions
    stored = {"ru": [Unit("point_1", "p-one", "point", "1", None, "Первый.", True, None),
                     Unit("point_9", "point_9", "point", "9", None, "Второй.", True, text_sha256("Второй.")),
                     Unit("point_7", "point_3", "point", "7", None, "Другое.", True, text_sha256("Другое."))]}
    mapping = derive_wids(expr, stored)
    assert mapping["point_1"] == "p-one"  # the same eId keeps the recorded wId
    assert mapping["point_2"] == "point_9"  # renumbered: new eId, the words of an unmatched recorded unit
    assert mapping["point_3"] == "point_3-2"  # new, but its own wId is taken by another recorded unit


def test_a_new_wid_stays_akn_shaped() -> None:
    from service.domain.units import EID
    from service.importer.wids import _free

    assert _free("point_3", {"point_3-2"}) == "point_3-3"
    assert _free("preamble", set()) == "preamble_2" and EID.fullmatch("preamble_2")
    assert _free("att_1__toc", set()) == "att_1__toc_2" and EID.fullmatch("att_1__toc_2")
