"""The unit tree: sections, chapters, paragraphs, articles, points, subpoints, annexes, toc, eIds."""

from __future__ import annotations

from service.domain.adilet import ParsedDocument, parse_document

NB = "\u00a0" * 5 + " "


def _parse(*blocks: str) -> ParsedDocument:
    return parse_document("\n\n".join(blocks))


def _tree(parsed: ParsedDocument, language: str | None = None) -> list[tuple[str, str, str | None]]:
    expression = parsed.expression(language) if language else parsed.expressions[0]
    assert expression is not None
    return [(u.eid, u.kind, u.num) for u in expression.units]


def test_law_with_sections_chapters_articles_points_subpoints() -> None:
    parsed = _parse(
        "Об Ассамблее народа Казахстана",
        "Закон Республики Казахстан от 20 октября 2008 года № 70-IV.",
        f"{NB}Настоящий Закон определяет правовое положение Ассамблеи.",
        "Раздел 1. ОБЩИЕ ПОЛОЖЕНИЯ",
        "Глава 1. Основы",
        "Статья 1. Основные понятия",
        f"{NB}В настоящем Законе используются следующие понятия:",
        f"{NB}1) ассамблея – институт;",
        f"{NB}1-1) совет – орган;",
        "Статья 1-1. Цели",
        f"{NB}1. Цели Ассамблеи:",
        f"{NB}1) согласие;",
        f"{NB}2) единство.",
        f"{NB}Абзац после перечня.",
        f"{NB}14-1. Вставленный пункт.",
        "Глава 2\nСТРУКТУРА",
        "Статья 2. Органы",
        f"{NB}Органами являются сессия и совет.",
        "Раздел 2. ЗАКЛЮЧИТЕЛЬНЫЕ ПОЛОЖЕНИЯ",
        "Статья 3. Введение в действие",
        f"{NB}Настоящий Закон вводится в действие по истечении десяти календарных дней после дня его первого "
        "официального опубликования.",
        "Президент\nРеспублики Казахстан",
    )
    assert _tree(parsed) == [
        ("preamble", "preamble", None),
        ("part_1", "part", "1"),
        ("part_1__chp_1", "chapter", "1"),
        ("part_1__chp_1__art_1", "article", "1"),
        ("part_1__chp_1__art_1__subpoint_1", "subpoint", "1"),
        ("part_1__chp_1__art_1__subpoint_1-1", "subpoint", "1-1"),
        ("part_1__chp_1__art_1-1", "article", "1-1"),
        ("part_1__chp_1__art_1-1__point_1", "point", "1"),
        ("part_1__chp_1__art_1-1__point_1__subpoint_1", "subpoint", "1"),
        ("part_1__chp_1__art_1-1__point_1__subpoint_2", "subpoint", "2"),
        ("part_1__chp_1__art_1-1__point_1__para_1", "paragraph", None),
        ("part_1__chp_1__art_1-1__point_14-1", "point", "14-1"),
        ("part_1__chp_2", "chapter", "2"),
        ("part_1__chp_2__art_2", "article", "2"),
        ("part_2", "part", "2"),
        ("part_2__art_3", "article", "3"),
        ("signature", "signature", None),
    ]
    expression = parsed.expressions[0]
    assert expression.unit("part_1").heading == "ОБЩИЕ ПОЛОЖЕНИЯ"  # type: ignore[union-attr]
    assert expression.unit("part_1__chp_2").heading == "СТРУКТУРА"  # type: ignore[union-attr]
    article = expression.unit("part_1__chp_1__art_1")
    assert article is not None and article.heading == "Основные понятия"
    assert article.text == "В настоящем Законе используются следующие понятия:"
    assert expression.unit("part_1__chp_1").text is None
    assert parsed.act.act_type == "law" and parsed.act.number == "70-IV" and parsed.act.issuer == "parliament"
    assert parsed.entry_into_force is not None
    assert (parsed.entry_into_force.rule, parsed.entry_into_force.earliest_offset_days) == ("after_first_publication", 11)
    assert parsed.entry_into_force.effective_date is None


def test_kazakh_headings() -> None:
    parsed = _parse(
        "Қазақстан халқы Ассамблеясы туралы",
        "Қазақстан Республикасының 2008 жылғы 20 қазандағы № 70-IV Заңы.",
        "1-бөлім. ЖАЛПЫ ЕРЕЖЕЛЕР",
        "1-тарау. Негіздер",
        "1-параграф. Мақсаттар",
        "1-бап. Негізгі ұғымдар",
        f"{NB}Осы Заңда мынадай негізгі ұғымдар пайдаланылады:",
        f"{NB}1) ассамблея – институт;",
        "8-1-бап. Кеңес",
        f"{NB}1. Кеңес құрылады.",
    )
    assert _tree(parsed) == [
        ("part_1", "part", "1"),
        ("part_1__chp_1", "chapter", "1"),
        ("part_1__chp_1__subchp_1", "subchapter", "1"),
        ("part_1__chp_1__subchp_1__art_1", "article", "1"),
        ("part_1__chp_1__subchp_1__art_1__subpoint_1", "subpoint", "1"),
        ("part_1__chp_1__subchp_1__art_8-1", "article", "8-1"),
        ("part_1__chp_1__subchp_1__art_8-1__point_1", "point", "1"),
    ]
    assert parsed.languages == ("kk",)
    assert parsed.expressions[0].unit("part_1__chp_1__subchp_1__art_8-1").heading == "Кеңес"  # type: ignore[union-attr]


def test_order_with_annexes_to_the_order_and_to_the_rules() -> None:
    parsed = _parse(
        "Об утверждении Правил регистрации",
        "Приказ Министра юстиции Республики Казахстан от 27 января 2016 года № 30. Зарегистрирован в Министерстве "
        "юстиции Республики Казахстан 5 февраля 2016 года № 13160",
        f"{NB}ПРИКАЗЫВАЮ:",
        f"{NB}1. Утвердить прилагаемые Правила регистрации.",
        f"{NB}2. Настоящий приказ вводится в действие по истечении десяти календарных дней после дня его первого "
        "официального опубликования.",
        "Министр юстиции\nРеспублики Казахстан\nБ. Имашев",
        "Приложение 1\nк приказу Министра юстиции\nРеспублики Казахстан\nот 27 января 2016 года № 30",
        "Правила регистрации",
        "Глава 1. Общие положения",
        f"{NB}1. Настоящие Правила определяют порядок.",
        "Приложение 1\nк Правилам регистрации",
        "Форма заявления",
        f"{NB}Заявитель указывает сведения.",
        "Приложение 2\nк приказу Министра юстиции\nРеспублики Казахстан\nот 27 января 2016 года № 30",
        "Перечень документов",
        f"{NB}1. Заявление.",
    )
    assert _tree(parsed) == [
        ("preamble", "preamble", None),
        ("point_1", "point", "1"),
        ("point_2", "point", "2"),
        ("signature", "signature", None),
        ("att_1", "annex", "1"),
        ("att_1__chp_1", "chapter", "1"),
        ("att_1__chp_1__point_1", "point", "1"),
        ("att_1__att_1", "annex", "1"),
        ("att_1__att_1__para_1", "paragraph", None),
        ("att_2", "annex", "2"),
        ("att_2__point_1", "point", "1"),
    ]
    expression = parsed.expressions[0]
    assert expression.unit("att_1").heading == "Правила регистрации"  # type: ignore[union-attr]
    assert expression.unit("att_1__att_1").heading == "Форма заявления"  # type: ignore[union-attr]
    assert (parsed.act.act_type, parsed.act.issuer, parsed.act.registration_number) == ("order", "minister", "13160")
    assert expression.unit("signature").text == "Министр юстиции\nРеспублики Казахстан\nБ. Имашев"  # type: ignore[union-attr]


def test_table_of_contents_listing_headings_ends_where_the_body_repeats_them() -> None:
    parsed = _parse(
        "Кодекс о здоровье",
        "Кодекс Республики Казахстан от 7 июля 2020 года № 360-VI.",
        "Содержание",
        "Глава 1. Общие положения",
        "Статья 1. Понятия",
        "Глава 2. Полномочия",
        "Глава 1. Общие положения",
        "Статья 1. Понятия",
        f"{NB}1. В настоящем Кодексе используются понятия.",
        "Глава 2. Полномочия",
        "Статья 2. Правительство",
        f"{NB}Правительство разрабатывает политику.",
    )
    assert _tree(parsed) == [
        ("toc", "toc", None),
        ("chp_1", "chapter", "1"),
        ("chp_1__art_1", "article", "1"),
        ("chp_1__art_1__point_1", "point", "1"),
        ("chp_2", "chapter", "2"),
        ("chp_2__art_2", "article", "2"),
    ]
    toc = parsed.expressions[0].unit("toc")
    assert toc is not None and toc.text == "Глава 1. Общие положения\nСтатья 1. Понятия\nГлава 2. Полномочия"


def test_editorial_note_and_duplicate_numbers() -> None:
    parsed = _parse(
        "О мерах",
        "Указ Президента Республики Казахстан от 1 марта 2020 года № 5.",
        f"{NB}1. Принять меры.",
        f"{NB}Примечание ИЗПИ! Порядок введения в действие см. п. 3.",
        f"{NB}1. Повторный номер.",
    )
    expression = parsed.expressions[0]
    assert [u.eid for u in expression.units] == ["point_1", "point_1_2"]
    assert parsed.warnings and "duplicate unit point_1" in parsed.warnings[0]
    (note,) = expression.notes
    assert note.target == "point_1" and note.text.startswith("Примечание ИЗПИ!")
    assert expression.unit("point_1").text == "Принять меры."  # type: ignore[union-attr]


def test_unpaired_units_are_reported_and_keep_distinct_wids() -> None:
    kk = ["Жоспарды бекіту туралы", "Қазақстан Республикасы Президентінің 2020 жылғы 1 наурыздағы № 5 Жарлығы.",
          "1-тарау. Жалпы ережелер", f"{NB}Жоспар бекітілсін.", f"{NB}Қосымша абзац мәтіні.",
          f"{NB}1-1. Жаңа тармақ.", f"{NB}2. Осы Жарлық қол қойылған күнінен бастап қолданысқа енгізіледі."]
    ru = ["Об утверждении плана", "Указ Президента Республики Казахстан от 1 марта 2020 года № 5.",
          "Глава 1. Общие положения", f"{NB}Утвердить план.", f"{NB}2. Настоящий Указ вводится в действие со дня его подписания."]
    parsed = _parse(*kk, *ru)
    assert parsed.languages == ("kk", "ru")
    kk_units, ru_units = parsed.expressions[0].units, parsed.expressions[1].units
    assert [u.eid for u in ru_units] == ["chp_1", "chp_1__para_1", "chp_1__point_2"]
    assert [u.eid for u in kk_units] == ["chp_1", "chp_1__para_1", "chp_1__para_2", "chp_1__point_1-1", "chp_1__point_2"]
    assert [u.wid for u in kk_units] == ["chp_1", "chp_1__para_1", "chp_1__para_2", "chp_1__point_1-1", "chp_1__point_2"]
    assert len({u.wid for u in kk_units}) == len(kk_units)
    assert len(parsed.warnings) == 2 and all("no ru twin" in w for w in parsed.warnings)


def test_a_large_bilingual_code_parses_in_linear_time() -> None:
    import time

    def block(language: str, extra: bool) -> list[str]:
        out = ["Салық кодексі туралы" if language == "kk" else "О налогах и других обязательных платежах",
               "Қазақстан Республикасының 2017 жылғы 25 желтоқсандағы № 120-VI Кодексі." if language == "kk"
               else "Кодекс Республики Казахстан от 25 декабря 2017 года № 120-VI."]
        for a in range(1, 200):
            out.append(f"{a}-бап. Мақсаттар" if language == "kk" else f"Статья {a}. Цели")
            out.append(NB + ("Ескерту. 5-бапқа өзгерістер енгізілді - ҚР 19.04.2019 № 249-VI Заңымен." if language == "kk"
                             else "Сноска. Статья 5 с изменениями, внесенными Законом РК от 19.04.2019 № 249-VI."))
            for p in range(1, 8):
                out.append(NB + f"{p}. " + ("Осы Кодексте мынадай ұғымдар пайдаланылады:" if language == "kk"
                                             else "В настоящем Кодексе используются следующие понятия:"))
                out += [NB + f"{s}) " + ("салық төлеуші – тұлға;" if language == "kk" else "плательщик – лицо;")
                        for s in range(1, 5)]
                if extra and p == 3:
                    out.append(NB + "Қосымша абзац мәтіні.")
        return out

    started = time.monotonic()
    parsed = _parse(*block("kk", True), *block("ru", False))
    assert time.monotonic() - started < 20
    kk, ru = parsed.expressions
    assert len(ru.units) == 199 * (1 + 7 * 5) and len(kk.units) == len(ru.units) + 199
    assert len(parsed.warnings) == 199
    assert {u.wid for u in kk.units} >= {u.wid for u in ru.units}
