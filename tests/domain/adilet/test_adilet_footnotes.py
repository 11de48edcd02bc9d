"""Footnotes read into typed, dated effects: every kind, in Russian and Kazakh, in all three layouts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from service.domain.adilet import Effect, parse_document
from service.domain.adilet.footnotes import footnote_body, read_effects

from .adilet_docgen import Act, Doc, U, render_html, render_markdown, render_text

D = dt.date
TEN_DAYS = "вводится в действие по истечении десяти календарных дней после дня его первого официального опубликования"
TEN_DAYS_KK = "алғашқы ресми жарияланған күнінен кейін күнтізбелік он күн өткен соң қолданысқа енгізіледі"


@dataclass(frozen=True)
class Want:
    kind: str
    number: str | None
    date: dt.date | None
    act_type: str | None = "decree"
    effective: dt.date | None = None
    rule_days: int | None = None
    until: dt.date | None = None
    named: tuple[tuple[str, str | None], ...] = ()


# (footnote text, attached to, expected effects)
CASES: list[tuple[str, str | None, list[Want]]] = [
    ("Сноска. Утратил силу Указом Президента РК от 15.09.2022 № 1014.", None,
     [Want("repeal_act", "1014", D(2022, 9, 15))]),
    ("Ескерту. Күші жойылды – ҚР Президентінің 15.09.2022 № 1014 Жарлығымен.", None,
     [Want("repeal_act", "1014", D(2022, 9, 15))]),
    ("Сноска. Указ в редакции Указа Президента РК от 09.01.2019 № 824.", None,
     [Want("new_edition", "824", D(2019, 1, 9))]),
    ("Сноска. Концепция в редакции Указа Президента РК от 09.01.2019 № 824.", "att_1",
     [Want("new_edition", "824", D(2019, 1, 9))]),
    ("Ескерту. Тұжырымдама жаңа редакцияда - ҚР Президентінің 09.01.2019 № 824 Жарлығымен.", "att_1",
     [Want("new_edition", "824", D(2019, 1, 9))]),
    ("Сноска. Пункт 4 в редакции Указа Президента РК от 01.02.2020 № 250.", "point_4",
     [Want("new_edition", "250", D(2020, 2, 1), named=(("point", "4"),))]),
    ("Ескерту. 4-тармақ жаңа редакцияда - ҚР Президентінің 01.02.2020 № 250 Жарлығымен.", "point_4",
     [Want("new_edition", "250", D(2020, 2, 1), named=(("point", "4"),))]),
    ("Сноска. Заголовок в редакции Указа Президента РК от 01.02.2020 № 250.", None,
     [Want("new_edition", "250", D(2020, 2, 1), named=(("heading", None),))]),
    ("Сноска. Пункт 4 с изменением, внесенным Указом Президента РК от 01.02.2020 № 250.", "point_4",
     [Want("amend", "250", D(2020, 2, 1), named=(("point", "4"),))]),
    ((f"Сноска. Статья 5 с изменениями, внесенными Законом РК от 19.04.2019 № 249-VI ({TEN_DAYS}); "
      "от 25.11.2019 № 272-VI (вводится в действие с 01.01.2020)."), "art_5",
     [Want("amend", "249-VI", D(2019, 4, 19), "law", rule_days=11, named=(("article", "5"),)),
      Want("amend", "272-VI", D(2019, 11, 25), "law", effective=D(2020, 1, 1), named=(("article", "5"),))]),
    ((f"Ескерту. 5-бапқа өзгерістер енгізілді - ҚР 19.04.2019 № 249-VI ({TEN_DAYS_KK}); "
      "25.11.2019 № 272-VI (01.01.2020 бастап қолданысқа енгізіледі) Заңдарымен."), "art_5",
     [Want("amend", "249-VI", D(2019, 4, 19), "law", rule_days=11, named=(("article", "5"),)),
      Want("amend", "272-VI", D(2019, 11, 25), "law", effective=D(2020, 1, 1), named=(("article", "5"),))]),
    ("Ескерту. Өзгерістер енгізілді – ҚР Президентінің 07.10.2019 № 180 Жарлығымен.", None,
     [Want("amend", "180", D(2019, 10, 7))]),
    ("Сноска. Указ дополнен пунктом 4-1 в соответствии с Указом Президента РК от 20.10.2020 № 440.", None,
     [Want("insert", "440", D(2020, 10, 20), named=(("point", "4-1"),))]),
    (("Сноска. Закон дополнен статьей 8-1 в соответствии с Законом РК от 10.01.2018 № 132-VI "
      "(вводится в действие со дня его первого официального опубликования)."), None,
     [Want("insert", "132-VI", D(2018, 1, 10), "law", rule_days=0, named=(("article", "8-1"),))]),
    ("Ескерту. Заң 8-1-баппен толықтырылды - ҚР 10.01.2018 № 132-VI Заңымен.", None,
     [Want("insert", "132-VI", D(2018, 1, 10), "law", named=(("article", "8-1"),))]),
    ("Сноска. Пункт 3 исключен Указом Президента РК от 18.04.2019 № 15.", "point_3",
     [Want("exclude", "15", D(2019, 4, 18), named=(("point", "3"),))]),
    ("Сноска. Глава 2 исключена постановлением Правительства РК от 18.04.2019 № 215.", "chp_2",
     [Want("exclude", "215", D(2019, 4, 18), "resolution", named=(("chapter", "2"),))]),
    ("Ескерту. 3-тармақ алып тасталды - ҚР Президентінің 18.04.2019 № 15 Жарлығымен.", "point_3",
     [Want("exclude", "15", D(2019, 4, 18), named=(("point", "3"),))]),
    ("Сноска. Действие пункта 3 приостановлено до 01.01.2021 Законом РК от 10.01.2018 № 132-VI.", "point_3",
     [Want("suspend", "132-VI", D(2018, 1, 10), "law", until=D(2021, 1, 1), named=(("point", "3"),))]),
    ("Ескерту. 3-тармақтың қолданылуы 01.01.2021 дейін тоқтатыла тұрды - ҚР 10.01.2018 № 132-VI Заңымен.",
     "point_3",
     [Want("suspend", "132-VI", D(2018, 1, 10), "law", until=D(2021, 1, 1), named=(("point", "3"),))]),
    (("Сноска. Пункт 3 утратил силу постановлением Правительства РК от 20.05.2020 № 300 "
      "(вводится в действие с 1 июля 2020 года)."), "point_3",
     [Want("repeal_unit", "300", D(2020, 5, 20), "resolution", effective=D(2020, 7, 1), named=(("point", "3"),))]),
    (("Сноска. Утратил силу приказом Министра финансов РК от 12.02.2020 № 130 "
      "(вводится в действие со дня подписания)."), None,
     [Want("repeal_act", "130", D(2020, 2, 12), "order", effective=D(2020, 2, 12), rule_days=0)]),
    (("Ескерту. Күші жойылды - ҚР Үкіметінің 20.05.2020 № 300 қаулысымен "
      "(қол қойылған күнінен бастап қолданысқа енгізіледі)."), None,
     [Want("repeal_act", "300", D(2020, 5, 20), "resolution", effective=D(2020, 5, 20), rule_days=0)]),
]


def _resolve(kind: str, num: str | None, near: str | None) -> str | None:
    return f"{kind}:{num}"


def _assert_effects(effects: tuple[Effect, ...], want: list[Want], target: str | None) -> None:
    assert [e.kind for e in effects] == [w.kind for w in want]
    for effect, w in zip(effects, want):
        assert effect.acting is not None
        assert (effect.acting.act_type, effect.acting.number, effect.acting.date) == (w.act_type, w.number, w.date)
        assert effect.target == target
        assert effect.effective_date == w.effective
        assert effect.earliest_offset_days == w.rule_days
        assert effect.suspended_until == w.until
        assert tuple((r.kind, r.num) for r in effect.named_units) == w.named


@pytest.mark.parametrize(("text", "target", "want"), CASES, ids=[c[0][:50] for c in CASES])
def test_footnote_effects(text: str, target: str | None, want: list[Want]) -> None:
    effects = read_effects(text, target=target, line=7, language="ru", resolve=_resolve)
    _assert_effects(effects, want, target)
    assert all(e.raw == text and e.line == 7 for e in effects)


def test_rule_text_names_the_publication_anchor() -> None:
    (first, second) = read_effects(CASES[9][0], target="art_5", line=1, language="ru", resolve=_resolve)
    assert first.effective_rule == "after ten calendar days after first official publication"
    assert first.effective_date is None
    assert second.effective_rule is None


def test_kazakh_table_column_named_eskertu_is_not_a_footnote() -> None:
    assert footnote_body("Ескерту") is None
    assert footnote_body("Ескерту: аббревиатуралардың толық жазылуы") is None
    assert footnote_body("Ескерту. Аббревиатуралардың толық жазылуы: ҚР – Қазақстан Республикасы") is None
    assert footnote_body("Ескерту. Күші жойылды – ҚР Президентінің 15.09.2022 № 1014 Жарлығымен.") is not None
    assert footnote_body("Сноска. Порядок введения в действие см. ст. 2") is not None


def _doc(language: str, footnote: str, unit: str) -> Doc:
    act = Act("decree", D(2015, 12, 28), "148")
    point = "Утвердить прилагаемый план мероприятий." if language == "ru" else "Қоса беріліп отырған жоспар бекітілсін."
    other = "Правительству принять меры." if language == "ru" else "Үкімет шаралар қабылдасын."
    points = [U("point", "1", text=point), U("point", "2", text=other), U("point", "3", text=other),
              U("point", "4", text=point)]
    title = "Об утверждении плана мероприятий" if language == "ru" else "Іс-шаралар жоспарын бекіту туралы"
    doc = Doc(language, title, act, body=points)
    if unit == "act":
        doc.act_footnotes = [footnote]
    else:
        next(p for p in points if p.num == unit).footnote = footnote
    return doc


LAYOUT_CASES = [
    ("kk" if text.startswith("Ескерту") else "ru", "act" if target is None else target.removeprefix("point_"), text, want)
    for text, target, want in CASES
    if target is None or target.startswith("point_")
]


@pytest.mark.parametrize("layout", ["text", "html", "markdown-quote", "markdown-italic", "markdown-plain"])
@pytest.mark.parametrize(("language", "unit", "text", "want"), LAYOUT_CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[3][0].kind}-{i}" for i, c in enumerate(LAYOUT_CASES)])
def test_footnotes_in_every_layout(layout: str, language: str, unit: str, text: str, want: list[Want]) -> None:
    doc = _doc(language, text, unit)
    if layout == "text":
        rendered = render_text([doc])
    elif layout == "html":
        rendered = render_html([doc])
    else:
        rendered = render_markdown([doc], footnote_style=layout.split("-")[1])
    parsed = parse_document(rendered)
    (expression,) = parsed.expressions
    assert expression.language == language
    (footnote,) = expression.footnotes
    target = None if unit == "act" else f"point_{unit}"
    assert footnote.target == target and footnote.text == text
    _assert_effects(footnote.effects, want, target)
    points = {"1", "2", "3", "4"}
    for effect in footnote.effects:
        for ref in effect.named_units:
            if ref.kind == "point":
                assert ref.eid == (f"point_{ref.num}" if ref.num in points else None)


def test_footnote_under_a_subpoint_naming_its_point_belongs_to_the_point() -> None:
    body = [U("point", "5", text="Задачи:", children=[
        U("subpoint", "1", text="первая;"), U("subpoint", "2", text="вторая.",
                                               footnote="Сноска. Пункт 5 в редакции Указа Президента РК от 01.02.2020 № 250.")])]
    doc = Doc("ru", "Об утверждении плана мероприятий", Act("decree", D(2015, 12, 28), "148"), body=body)
    (footnote,) = parse_document(render_text([doc])).expressions[0].footnotes
    assert footnote.target == "point_5"
    assert footnote.effects[0].named_units[0].eid == "point_5"


def test_excluded_point_whose_text_is_the_note() -> None:
    body = [U("point", "1", text="Утвердить план."), U("point", "2", text="Исключен Указом Президента РК от 18.04.2019 № 15.")]
    doc = Doc("ru", "Об утверждении плана мероприятий", Act("decree", D(2015, 12, 28), "148"), body=body)
    (footnote,) = parse_document(render_text([doc])).expressions[0].footnotes
    assert footnote.inline and footnote.target == "point_2"
    assert [(e.kind, e.acting.number if e.acting else None) for e in footnote.effects] == [("exclude", "15")]
