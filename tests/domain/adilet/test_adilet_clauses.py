"""Clauses acting on acts (amends, repeals, entry into force) and the acts the text cites."""

from __future__ import annotations

import datetime as dt

from service.domain.adilet import parse_document

D = dt.date
NB = "\u00a0" * 5 + " "


def _parse(*blocks: str):  # type: ignore[no-untyped-def]
    return parse_document("\n\n".join(blocks))


def test_russian_order_amends_another_order_and_starts_after_ten_days() -> None:
    parsed = _parse(
        "О внесении изменения в приказ Министра юстиции Республики Казахстан от 27 января 2016 года № 30",
        "Приказ Министра юстиции Республики Казахстан от 3 марта 2020 года № 101. Зарегистрирован в Министерстве "
        "юстиции Республики Казахстан 5 марта 2020 года № 20100",
        f"{NB}ПРИКАЗЫВАЮ:",
        f"{NB}1. Внести в приказ Министра юстиции Республики Казахстан от 27 января 2016 года № 30 \"Об утверждении "
        "Правил регистрации\" (зарегистрирован в Реестре государственной регистрации нормативных правовых актов за "
        "№ 13160) следующее изменение:",
        f"{NB}пункт 5 изложить в следующей редакции.",
        f"{NB}2. Настоящий приказ вводится в действие по истечении десяти календарных дней после дня его первого "
        "официального опубликования.",
    )
    (amends, entry) = parsed.expressions[0].clauses
    assert amends.kind == "amends" and amends.unit == "point_1"
    assert amends.target is not None
    assert (amends.target.act_type, amends.target.date, amends.target.number, amends.target.issuer) == (
        "order", D(2016, 1, 27), "30", "minister")
    assert amends.target.registration_number == "13160"
    assert amends.target.title == "Об утверждении Правил регистрации"
    assert amends.effective_date is None  # the act enters into force by a rule, not on a known date
    assert entry.kind == "entry_into_force" and entry.entry_into_force is not None
    assert entry.entry_into_force.earliest_offset_days == 11
    assert parsed.act.registration_number == "20100" and parsed.act.registration_date == D(2020, 3, 5)
    assert parsed.references == ()  # the amended order is a clause's target, not a citation


def test_kazakh_order_amends_another_order() -> None:
    parsed = _parse(
        "Қазақстан Республикасы Әділет министрінің 2016 жылғы 27 қаңтардағы № 30 бұйрығына өзгеріс енгізу туралы",
        "Қазақстан Республикасы Әділет министрінің 2020 жылғы 3 наурыздағы № 101 бұйрығы. Қазақстан Республикасының "
        "Әділет министрлігінде 2020 жылғы 5 наурызда № 20100 болып тіркелді",
        f"{NB}БҰЙЫРАМЫН:",
        f"{NB}1. \"Тіркеу қағидаларын бекіту туралы\" Қазақстан Республикасы Әділет министрінің 2016 жылғы "
        "27 қаңтардағы № 30 бұйрығына (Нормативтік құқықтық актілерді мемлекеттік тіркеу тізілімінде № 13160 болып "
        "тіркелген) мынадай өзгеріс енгізілсін:",
        f"{NB}2. Осы бұйрық алғашқы ресми жарияланған күнінен кейін күнтізбелік он күн өткен соң қолданысқа енгізіледі.",
    )
    (amends, entry) = parsed.expressions[0].clauses
    assert amends.kind == "amends" and amends.target is not None
    assert (amends.target.act_type, amends.target.date, amends.target.number) == ("order", D(2016, 1, 27), "30")
    assert amends.target.title == "Тіркеу қағидаларын бекіту туралы"
    assert entry.entry_into_force is not None and entry.entry_into_force.earliest_offset_days == 11
    assert parsed.act.act_type == "order"


def test_repeal_of_a_list_of_acts_in_subpoints() -> None:
    parsed = _parse(
        "О признании утратившими силу некоторых решений Правительства Республики Казахстан",
        "Постановление Правительства Республики Казахстан от 10 января 2020 года № 2.",
        f"{NB}1. Признать утратившими силу:",
        f"{NB}1) постановление Правительства Республики Казахстан от 1 февраля 2010 года № 50 \"О плане\";",
        f"{NB}2) постановление Правительства Республики Казахстан от 2 марта 2011 года № 60 \"О мерах\".",
        f"{NB}2. Настоящее постановление вводится в действие с 1 января 2020 года.",
    )
    repeals = [c for c in parsed.clauses if c.kind == "repeals"]
    assert [(c.unit, c.target.number if c.target else None) for c in repeals] == [
        ("point_1__subpoint_1", "50"), ("point_1__subpoint_2", "60")]
    assert all(c.effective_date == D(2020, 1, 1) for c in repeals)
    assert parsed.entry_into_force is not None and parsed.entry_into_force.rule == "on_date"


def test_repeal_listed_in_an_annex() -> None:
    parsed = _parse(
        "О признании утратившими силу некоторых решений Правительства Республики Казахстан",
        "Постановление Правительства Республики Казахстан от 10 января 2020 года № 2.",
        f"{NB}1. Признать утратившими силу некоторые решения Правительства Республики Казахстан согласно приложению "
        "к настоящему постановлению.",
        f"{NB}2. Настоящее постановление вводится в действие со дня его подписания.",
        "Приложение\nк постановлению Правительства\nРеспублики Казахстан\nот 10 января 2020 года № 2",
        "Перечень утративших силу некоторых решений Правительства Республики Казахстан",
        f"{NB}1. Постановление Правительства Республики Казахстан от 1 февраля 2010 года № 50 \"О плане\".",
        f"{NB}2. Постановление Правительства Республики Казахстан от 2 марта 2011 года № 60 \"О мерах\".",
    )
    repeals = [c for c in parsed.clauses if c.kind == "repeals"]
    assert [(c.unit, c.target.number if c.target else None) for c in repeals] == [("att_1__point_1", "50"),
                                                                                 ("att_1__point_2", "60")]
    assert all(c.effective_date == D(2020, 1, 10) for c in repeals)


def test_kazakh_repeal_clause_and_entry_from_signing() -> None:
    parsed = _parse(
        "Жоспарды бекіту туралы",
        "Қазақстан Республикасы Президентінің 2020 жылғы 1 наурыздағы № 5 Жарлығы.",
        f"{NB}1. \"Жоспар туралы\" Қазақстан Республикасы Президентінің 2013 жылғы 18 сәуірдегі № 552 Жарлығының "
        "күші жойылды деп танылсын.",
        f"{NB}2. Осы Жарлық қол қойылған күнінен бастап қолданысқа енгізіледі.",
    )
    (repeal, entry) = parsed.expressions[0].clauses
    assert repeal.kind == "repeals" and repeal.target is not None and repeal.target.number == "552"
    assert repeal.effective_date == D(2020, 3, 1)
    assert entry.entry_into_force is not None and entry.entry_into_force.effective_date == D(2020, 3, 1)


def test_references_with_titles_numbers_and_units() -> None:
    parsed = _parse(
        "О мерах",
        "Указ Президента Республики Казахстан от 1 марта 2020 года № 5.",
        f"{NB}1. В соответствии с Законом Республики Казахстан от 6 апреля 2016 года № 480-V \"О правовых актах\" "
        "и постановлением Правительства Республики Казахстан от 7 октября 2019 года № 740 принять меры.",
        f"{NB}2. Указом от 1 марта 2020 года № 5 предусмотрено, в 2017 году принято.",
    )
    cited = [(r.unit, r.citation.act_type, r.citation.number, r.citation.title) for r in parsed.references]
    assert cited == [("point_1", "law", "480-V", "О правовых актах"), ("point_1", "resolution", "740", None)]
