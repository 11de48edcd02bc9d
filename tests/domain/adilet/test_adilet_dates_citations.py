"""Date forms and citations of acts, in both languages, with the traps of the seed document."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain.adilet import find_citations, find_dates, format_date, parse_citation, parse_date

D = dt.date


@pytest.mark.parametrize(("text", "want"), [
    ("28 декабря 2015 года", D(2015, 12, 28)),
    ("28 декабря 2015 г.", D(2015, 12, 28)),
    ("от 7 октября 2019 года", D(2019, 10, 7)),
    ("2015 жылғы 28 желтоқсандағы", D(2015, 12, 28)),
    ("2022 жылғы 15 қыркүйектегі", D(2022, 9, 15)),
    ("2013 жылғы 18 сәуірдегі", D(2013, 4, 18)),
    ("2011 жылғы 7 қыркүйектегі", D(2011, 9, 7)),
    ("2008 жылғы 20 қазандағы", D(2008, 10, 20)),
    ("1995 жылғы 1 наурыздағы", D(1995, 3, 1)),
    ("2016 жылғы 5 ақпанда", D(2016, 2, 5)),
    ("2020 жылғы 1 шілдедегі", D(2020, 7, 1)),
    ("15.09.2022", D(2022, 9, 15)),
    ("01.01.2020.", D(2020, 1, 1)),
    ("2022-09-15", D(2022, 9, 15)),
])
def test_date_forms(text: str, want: dt.date) -> None:
    assert parse_date(text) == want
    (match,) = find_dates(f"Текст {text} далее")
    assert match.date == want


@pytest.mark.parametrize("text", [
    "31.02.2020", "29.02.2019", "32 декабря 2015 года", "2015 жылғы 31 қыркүйектегі", "в 2017 году",
    "2017 жылы", "2013 ж., № 25", "САПП Республики Казахстан, 2013 г., № 25, ст. 397", "15 қыркүйектегі",
    "(до 2025 года)", "1.15.09.2022",
])
def test_not_dates(text: str) -> None:
    assert parse_date(text) is None
    assert find_dates(text) == []


@settings(max_examples=60, deadline=None)
@given(day=st.dates(dt.date(1900, 1, 1), dt.date(2199, 12, 31)),
       form=st.sampled_from(["ru_long", "kk_long", "numeric", "iso"]))
def test_dates_round_trip(day: dt.date, form: str) -> None:
    written = format_date(day, form)  # type: ignore[arg-type]
    assert parse_date(written) == day
    (match,) = find_dates(f"Сөз {written} сөз")
    assert (match.date, match.form) == (day, form)


@pytest.mark.parametrize(("text", "want"), [
    ("Указ Президента РК от 15.09.2022 № 1014", ("decree", D(2022, 9, 15), "1014", "president")),
    ("Указ Президента Республики Казахстан от 28 декабря 2015 года № 148", ("decree", D(2015, 12, 28), "148", "president")),
    ("ҚР Президентінің 15.09.2022 № 1014 Жарлығы", ("decree", D(2022, 9, 15), "1014", "president")),
    ("Закон Республики Казахстан от 20 октября 2008 года № 70-IV", ("law", D(2008, 10, 20), "70-IV", "parliament")),
    ("Қазақстан Республикасының 2008 жылғы 20 қазандағы № 70-IV Заңы", ("law", D(2008, 10, 20), "70-IV", "parliament")),
    ("Кодекс Республики Казахстан от 4 июля 2003 года № 2002", ("code", D(2003, 7, 4), "2002", "parliament")),
    ("Қазақстан Республикасының 2003 жылғы 4 шілдедегі № 2002 Кодексі", ("code", D(2003, 7, 4), "2002", "parliament")),
    ("Конституционный закон Республики Казахстан от 25 декабря 2000 года № 132-II",
     ("constitutional_law", D(2000, 12, 25), "132-II", "parliament")),
    ("Қазақстан Республикасының 2000 жылғы 25 желтоқсандағы № 132-II Конституциялық заңы",
     ("constitutional_law", D(2000, 12, 25), "132-II", "parliament")),
    ("постановление Правительства Республики Казахстан от 1 февраля 2020 года № 12",
     ("resolution", D(2020, 2, 1), "12", "government")),
    ("Қазақстан Республикасы Үкіметінің 2020 жылғы 1 ақпандағы № 12 қаулысы", ("resolution", D(2020, 2, 1), "12", "government")),
    ("Нормативное постановление Верховного Суда Республики Казахстан от 10 июля 2008 года № 1",
     ("normative_resolution", D(2008, 7, 10), "1", "supreme_court")),
    ("Қазақстан Республикасы Жоғарғы Сотының 2008 жылғы 10 шілдедегі № 1 нормативтік қаулысы",
     ("normative_resolution", D(2008, 7, 10), "1", "supreme_court")),
    ("Приказ Министра юстиции Республики Казахстан от 27 января 2016 года № 30", ("order", D(2016, 1, 27), "30", "minister")),
    ("Қазақстан Республикасы Әділет министрінің 2016 жылғы 27 қаңтардағы № 30 бұйрығы", ("order", D(2016, 1, 27), "30", "minister")),
    ("Указом от 7 октября 2019 года № 180", ("decree", D(2019, 10, 7), "180", "president")),
    ("Указ Президента РК № 1014", ("decree", None, "1014", "president")),
])
def test_parse_citation(text: str, want: tuple[str, dt.date | None, str, str]) -> None:
    citation = parse_citation(text)
    assert citation is not None
    assert (citation.act_type, citation.date, citation.number, citation.issuer) == want


@pytest.mark.parametrize("text", ["", "   ", "в 2017 году", "Концепция развития (до 2025 года)", "hello",
                                  "САПП Республики Казахстан, 2013 г., № 25, ст. 397", "ҚАУЛЫ ЕТЕМІН:"])
def test_parse_citation_none(text: str) -> None:
    assert parse_citation(text) is None


def test_order_registration_in_the_justice_ministry() -> None:
    ru = parse_citation("Приказ Министра юстиции Республики Казахстан от 27 января 2016 года № 30. "
                        "Зарегистрирован в Министерстве юстиции Республики Казахстан 5 февраля 2016 года № 13160")
    kk = parse_citation("Қазақстан Республикасы Әділет министрінің 2016 жылғы 27 қаңтардағы № 30 бұйрығы. "
                        "Қазақстан Республикасының Әділет министрлігінде 2016 жылғы 5 ақпанда № 13160 болып тіркелді")
    for citation in (ru, kk):
        assert citation is not None
        assert (citation.registration_number, citation.registration_date) == ("13160", D(2016, 2, 5))


def test_titles_in_quotes_after_russian_and_before_kazakh_citations() -> None:
    (ru,) = find_citations('Законом Республики Казахстан от 20 октября 2008 года "Об Ассамблее народа Казахстана", и')
    (kk,) = find_citations('"Қазақстан халқы Ассамблеясы туралы" 2008 жылғы 20 қазандағы Қазақстан Республикасының Заңына')
    assert ru.citation.title == "Об Ассамблее народа Казахстана"
    assert kk.citation.title == "Қазақстан халқы Ассамблеясы туралы"
    (nested,) = find_citations("Указ Президента РК от 18 апреля 2013 года № 552 «Об утверждении «Концепции» (до 2020 года)»")
    assert nested.citation.title == "Об утверждении «Концепции» (до 2020 года)"


def test_publication_reference_does_not_lend_its_number() -> None:
    text = ("Указ Президента Республики Казахстан от 18 апреля 2013 года № 552 (САПП Республики Казахстан, "
            "2013 г., № 25, ст. 397); Қазақстан Республикасы Президентінің 2013 жылғы 18 сәуірдегі № 552 "
            "Жарлығының (Қазақстан Республикасының ПҮАЖ-ы, 2013 ж., № 25, 397-құжат)")
    assert [m.citation.number for m in find_citations(text)] == ["552", "552"]


def test_year_only_mentions_are_not_citations() -> None:
    assert find_citations("В 2008 году принят Закон Республики Казахстан \"Об Ассамблее народа Казахстана\".") == []
    assert find_citations("2007 жылы Қазақстан Республикасы Президентінің Жарлығына сәйкес") == []


def test_enacting_formula_is_not_a_resolution() -> None:
    assert find_citations("2015 жылғы 28 желтоқсандағы ҚАУЛЫ ЕТЕМІН:") == []
