"""The real seed document: Decree No. 148 of 28 December 2015 (the Concept), Kazakh then Russian."""

from __future__ import annotations

import datetime as dt

import pytest

from service.domain.adilet import ParsedDocument, parse_document

D = dt.date


@pytest.fixture(scope="module")
def doc(sample_bytes: bytes) -> ParsedDocument:
    return parse_document(sample_bytes, filename="ukaz-2015-12-28-148-concept.txt")


def test_both_language_blocks_kazakh_first(doc: ParsedDocument) -> None:
    assert doc.layout == "text"
    assert doc.languages == ("kk", "ru")
    kk, ru = doc.expressions
    assert kk.first_line == 1 and kk.title.startswith("Қазақстан халқы Ассамблеясының")
    assert ru.first_line == 354 and ru.title == "Об утверждении Концепции развития Ассамблеи народа Казахстана (до 2025 года)"
    assert not doc.warnings


def test_act_requisites(doc: ParsedDocument) -> None:
    act = doc.act
    assert (act.act_type, act.number, act.adopted_on, act.issuer) == ("decree", "148", D(2015, 12, 28), "president")
    assert act.work_uri == "/akn/kz/act/decree/2015-12-28/148"
    for expression in doc.expressions:
        assert expression.citation is not None
        assert expression.citation.act_type == "decree"  # "ҚАУЛЫ ЕТЕМІН" does not make it a resolution


def test_entry_into_force_from_signing(doc: ParsedDocument) -> None:
    assert doc.entry_into_force is not None
    assert doc.entry_into_force.rule == "on_signing"
    assert doc.entry_into_force.effective_date == D(2015, 12, 28)
    for expression in doc.expressions:
        entry = [c for c in expression.clauses if c.kind == "entry_into_force"]
        assert [(c.unit, c.effective_date) for c in entry] == [("point_5", D(2015, 12, 28))]


def test_status_line_says_repealed_by_decree_1014(doc: ParsedDocument) -> None:
    for expression in doc.expressions:
        status = expression.status
        assert status is not None and status.status == "repealed" and status.source == "details"
        assert status.by is not None
        assert (status.by.act_type, status.by.number, status.by.date) == ("decree", "1014", D(2022, 9, 15))
        assert status.effective_date is None
    assert doc.status is not None and doc.status.status == "repealed"


def test_whole_act_footnote_repeals_by_1014_without_stated_date(doc: ParsedDocument) -> None:
    for expression in doc.expressions:
        act_level = [f for f in expression.footnotes if f.target is None]
        assert len(act_level) == 1
        (effect,) = act_level[0].effects
        assert effect.kind == "repeal_act" and effect.target is None
        assert effect.acting is not None
        assert (effect.acting.act_type, effect.acting.number, effect.acting.date) == ("decree", "1014", D(2022, 9, 15))
        assert effect.acting.issuer == "president"
        assert effect.effective_date is None and effect.effective_rule is None
    lines = sorted(f.line for e in doc.expressions for f in e.footnotes if f.target is None)
    assert lines == [5, 358]


def test_concept_footnote_is_a_new_edition_of_the_annex(doc: ParsedDocument) -> None:
    for expression in doc.expressions:
        annex = expression.unit("att_1")
        assert annex is not None and annex.kind == "annex" and annex.num == "1"
        (footnote,) = [f for f in expression.footnotes if f.target == "att_1"]
        (effect,) = footnote.effects
        assert effect.kind == "new_edition" and effect.target == "att_1"
        assert effect.acting is not None
        assert (effect.acting.act_type, effect.acting.number, effect.acting.date) == ("decree", "824", D(2019, 1, 9))
        assert effect.effective_date is None
    assert doc.expression("ru").unit("att_1").heading == "КОНЦЕПЦИЯ развития Ассамблеи народа Казахстана (до 2025 года)"  # type: ignore[union-attr]


def test_point_4_repeals_decree_552_when_the_act_enters_into_force(doc: ParsedDocument) -> None:
    for expression in doc.expressions:
        (repeal,) = [c for c in expression.clauses if c.kind == "repeals"]
        assert repeal.unit == "point_4"
        assert repeal.target is not None
        assert (repeal.target.act_type, repeal.target.number, repeal.target.date) == ("decree", "552", D(2013, 4, 18))
        assert repeal.effective_date == D(2015, 12, 28)
    ru_target = next(c for c in doc.expression("ru").clauses if c.kind == "repeals").target  # type: ignore[union-attr]
    assert ru_target is not None and ru_target.title is not None and "до 2020 года" in ru_target.title


def test_publication_reference_is_not_an_act_number(doc: ParsedDocument) -> None:
    numbers = {r.citation.number for r in doc.references} | {c.target.number for c in doc.clauses if c.target}
    assert "25" not in numbers and "397" not in numbers


def test_cites_the_law_of_2008_decree_149_and_the_decree_of_1995(doc: ParsedDocument) -> None:
    for expression in doc.expressions:
        cited = {(r.citation.act_type, r.citation.date, r.citation.number) for r in expression.references}
        assert ("law", D(2008, 10, 20), None) in cited
        assert ("decree", D(2011, 9, 7), "149") in cited
        assert ("decree", D(1995, 3, 1), None) in cited
        assert all(r.citation.number not in ("148", "552") for r in expression.references)
        assert all(r.citation.date is not None for r in expression.references)  # "в 2017 году" is no citation
    ru_law = [r for r in doc.expression("ru").references if r.citation.act_type == "law"]  # type: ignore[union-attr]
    assert ru_law[0].citation.title == "Об Ассамблее народа Казахстана"
    assert ru_law[0].unit == "att_1__chp_1__para_1"


def test_decree_points_one_to_five_then_signature(doc: ParsedDocument) -> None:
    for expression in doc.expressions:
        top = [u for u in expression.units if u.parent is None]
        assert [u.eid for u in top] == ["preamble", "point_1", "point_2", "point_3", "point_4", "point_5",
                                        "signature", "att_1"]
    ru = doc.expression("ru")
    assert ru is not None
    assert ru.unit("point_1").text.startswith("Утвердить прилагаемую Концепцию")  # type: ignore[union-attr]
    assert ru.unit("signature").text == "Президент\nРеспублики Казахстан\nН. НАЗАРБАЕВ"  # type: ignore[union-attr]
    assert ru.unit("preamble").text.endswith("ПОСТАНОВЛЯЮ:")  # type: ignore[union-attr]


def test_contents_list_is_a_toc_not_points(doc: ParsedDocument) -> None:
    for expression in doc.expressions:
        toc = expression.unit("att_1__toc")
        assert toc is not None and toc.kind == "toc" and toc.parent == "att_1"
        assert toc.text is not None and len(toc.text.split("\n")) == 7
        assert not [u for u in expression.units if u.kind == "point" and u.parent == "att_1"]
        chapters = [u.eid for u in expression.units if u.kind == "chapter"]
        assert chapters == [f"att_1__chp_{n}" for n in range(1, 8)]
    assert doc.expression("kk").unit("att_1__toc").heading == "Мазмұны"  # type: ignore[union-attr]
    assert doc.expression("ru").unit("att_1__chp_1").heading == "Введение"  # type: ignore[union-attr]


def test_concept_structure_subchapters_and_lists(doc: ParsedDocument) -> None:
    ru = doc.expression("ru")
    assert ru is not None
    assert ru.unit("att_1__chp_4__subchp_2").heading.startswith("В области содействия")  # type: ignore[union-attr]
    item = ru.unit("att_1__chp_4__subchp_3__para_2__subpoint_11")
    assert item is not None and item.num == "11" and item.text.startswith("повышение эффективности")  # type: ignore[union-attr]
    assert ru.unit("att_1__chp_3__para_2").text == "Основные задачи Концепции:"  # type: ignore[union-attr]


def test_kazakh_and_russian_units_are_paired(doc: ParsedDocument) -> None:
    kk, ru = doc.expressions
    assert [(u.wid, u.kind, u.num, u.parent) for u in kk.units] == [(u.wid, u.kind, u.num, u.parent) for u in ru.units]
    assert len(ru.units) > 150
    assert all(u.wid == u.eid for u in ru.units)
