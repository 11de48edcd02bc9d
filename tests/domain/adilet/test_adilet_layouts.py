"""The three layouts (plain text, web page, Markdown + meta.yaml), language blocks and header facts."""

from __future__ import annotations

import datetime as dt

from service.domain.adilet import parse_document
from service.domain.adilet.layouts import detect_layout

from .adilet_docgen import Act, Doc, U, render_html, render_markdown, render_text, signature_lines

D = dt.date
DECREE = Act("decree", D(2015, 12, 28), "148")


def _ru() -> Doc:
    body = [U("point", "1", text="Утвердить прилагаемую Концепцию развития Ассамблеи народа Казахстана."),
            U("point", "2", text="Настоящий Указ вводится в действие со дня его подписания.")]
    doc = Doc("ru", "Об утверждении Концепции развития Ассамблеи народа Казахстана (до 2025 года)", DECREE, body=body,
              preamble="В целях обеспечения развития Ассамблеи народа Казахстана ПОСТАНОВЛЯЮ:")
    doc.signature = signature_lines("ru")
    doc.annexes = [("КОНЦЕПЦИЯ развития Ассамблеи народа Казахстана (до 2025 года)",
                    [U("chapter", "1", heading="Введение", children=[
                        U("paragraph", text="Концепция разработана в соответствии с программой \"Рухани жаңғыру\".")])])]
    return doc


def _kk() -> Doc:
    body = [U("point", "1", text="Қоса беріліп отырған Қазақстан халқы Ассамблеясының даму тұжырымдамасы бекітілсін."),
            U("point", "2", text="Осы Жарлық қол қойылған күнінен бастап қолданысқа енгізіледі.")]
    doc = Doc("kk", "Қазақстан халқы Ассамблеясының (2025 жылға дейінгі) даму тұжырымдамасын бекіту туралы", DECREE,
              body=body, preamble="Қазақстан халқы Ассамблеясының дамуын қамтамасыз ету мақсатында ҚАУЛЫ ЕТЕМІН:")
    doc.signature = signature_lines("kk")
    doc.annexes = [("Қазақстан халқы Ассамблеясының даму ТҰЖЫРЫМДАМАСЫ",
                    [U("chapter", "1", heading="Кіріспе", children=[
                        U("paragraph", text="Тұжырымдама Қазақстан халқы Ассамблеясы туралы заңға сәйкес әзірленді.")])])]
    return doc


def test_layout_detection() -> None:
    assert detect_layout("Заголовок\n\nТекст", None) == "text"
    assert detect_layout("<!DOCTYPE html><html>", None) == "html"
    assert detect_layout("  <h1>Заголовок</h1>", None) == "html"
    assert detect_layout("# Заголовок\n\nТекст", None) == "markdown"
    assert detect_layout("Заголовок", "rus.md") == "markdown"
    assert detect_layout("# not markdown for a .txt", "doc.txt") == "text"
    assert detect_layout("Заголовок", None, has_meta=True) == "markdown"


def test_only_russian_with_kazakh_names_quoted() -> None:
    parsed = parse_document(render_text([_ru()]))
    assert parsed.languages == ("ru",)
    assert parsed.expressions[0].unit("att_1__chp_1__para_1") is not None
    assert parsed.act.act_type == "decree"
    assert parsed.status is None  # "(до 2025 года)" in the title is a horizon, not an expiry


def test_only_kazakh_enacting_formula_keeps_the_decree() -> None:
    parsed = parse_document(render_text([_kk()]))
    assert parsed.languages == ("kk",)
    (expression,) = parsed.expressions
    assert expression.unit("preamble").text.endswith("ҚАУЛЫ ЕТЕМІН:")  # type: ignore[union-attr]
    assert (parsed.act.act_type, parsed.act.number, parsed.act.adopted_on) == ("decree", "148", D(2015, 12, 28))
    assert parsed.entry_into_force is not None and parsed.entry_into_force.effective_date == D(2015, 12, 28)


def test_whitespace_variants_parse_the_same() -> None:
    base = render_text([_kk(), _ru()])
    variants = [
        base.replace("\n", "\r\n"),
        base + "\n\n\n",
        "\ufeff" + base.replace("\u00a0", " "),
        base.replace("\n", "   \n").replace("\u00a0", "\u202f"),
        base.encode("utf-8"),
        base.encode("utf-16"),
    ]
    reference = parse_document(base)
    for variant in variants:
        parsed = parse_document(variant)
        assert parsed.languages == ("kk", "ru")
        for got, want in zip(parsed.expressions, reference.expressions):
            assert [(u.eid, u.text, u.heading) for u in got.units] == [(u.eid, u.text, u.heading) for u in want.units]


def test_html_page_with_badge_table_and_eskertu_in_text() -> None:
    doc = _kk()
    doc.body.insert(1, U("point", "1-1", text="Кестенің Ескерту бағанында түсініктеме беріледі."))
    page = render_html([doc], badge="Күші жойылған", table=True)
    parsed = parse_document(page, filename="U1500000148.html")
    assert parsed.layout == "html"
    (expression,) = parsed.expressions
    assert expression.title == doc.title
    assert expression.details is not None and expression.details.startswith("Қазақстан Республикасы Президентінің")
    assert parsed.status is not None and parsed.status.status == "repealed" and parsed.status.source == "badge"
    assert parsed.status.effective_date is None
    assert expression.footnotes == ()  # the table's "Ескерту" column and cell are not footnotes
    table_rows = [u for u in expression.units if u.text and "|" in u.text]
    assert table_rows and "Ескерту" in table_rows[0].text  # type: ignore[operator]
    assert expression.unit("point_1-1") is not None
    assert all("Басты бет" not in (u.text or "") and "©" not in (u.text or "") for u in expression.units)


def test_html_badge_in_force_and_details_status_wins_with_its_act() -> None:
    doc = _ru()
    doc.repealed_by = Act("decree", D(2022, 9, 15), "1014")
    parsed = parse_document(render_html([doc], badge="Утративший силу"))
    assert parsed.status is not None and parsed.status.source == "details"
    assert parsed.status.by is not None and parsed.status.by.number == "1014"
    in_force = parse_document(render_html([_ru()], badge="Действующий"))
    assert in_force.status is not None and (in_force.status.status, in_force.status.source) == ("in_force", "badge")


def test_html_bilingual_page() -> None:
    parsed = parse_document(render_html([_kk(), _ru()]))
    assert parsed.languages == ("kk", "ru")
    assert [u.wid for u in parsed.expressions[0].units] == [u.wid for u in parsed.expressions[1].units]


def test_html_line_numbers_point_into_the_page() -> None:
    page = render_html([_ru()])
    parsed = parse_document(page)
    lines = page.split("\n")
    point = parsed.expressions[0].unit("point_2")
    assert point is not None and "вводится в действие" in lines[point.line - 1]


META = """act_code: U1500000148
requisite: Указ Президента Республики Казахстан от 28 декабря 2015 года № 148. Утратил силу Указом Президента Республики Казахстан от 15 сентября 2022 года № 1014.
title:
  rus: Об утверждении Концепции развития Ассамблеи народа Казахстана (до 2025 года)
  kaz: Қазақстан халқы Ассамблеясының (2025 жылға дейінгі) даму тұжырымдамасын бекіту туралы
form: Указ
approved_on: 2015-12-28
version_date:
  kaz: 2019-01-09
  rus: 2019-01-09
source: https://adilet.zan.kz/rus/docs/U1500000148
"""


def test_markdown_with_meta_yaml_beside_rus_md() -> None:
    doc = _ru()
    doc.with_details = False
    parsed = parse_document(render_markdown([doc]), filename="rus.md", meta_yaml=META)
    assert parsed.layout == "markdown"
    (expression,) = parsed.expressions
    assert expression.language == "ru" and expression.title == doc.title
    assert expression.version_date == D(2019, 1, 9)
    assert (parsed.act.act_type, parsed.act.number, parsed.act.adopted_on, parsed.act.act_code) == (
        "decree", "148", D(2015, 12, 28), "U1500000148")
    assert parsed.status is not None and parsed.status.source == "meta" and parsed.status.by is not None
    assert parsed.meta is not None and parsed.meta.source == "https://adilet.zan.kz/rus/docs/U1500000148"
    assert expression.unit("att_1").text == "УТВЕРЖДЕНА\nУказом Президента\nРеспублики Казахстан\nот 28 декабря 2015 года № 148"  # type: ignore[union-attr]


def test_markdown_kaz_md_without_heading_takes_the_meta_title() -> None:
    doc = _kk()
    doc.with_details = False
    markdown = render_markdown([doc]).split("\n", 1)[1]  # no "# title" line
    parsed = parse_document(markdown, filename="kaz.md", meta_yaml=META)
    (expression,) = parsed.expressions
    assert expression.language == "kk"
    assert expression.title.startswith("Қазақстан халқы Ассамблеясының")
    assert expression.title_line == 0
    assert expression.unit("point_1") is not None and expression.unit("preamble") is not None


def test_markdown_without_details_or_meta_reads_the_act_from_the_approval_stamp() -> None:
    doc = _ru()
    doc.with_details = False
    parsed = parse_document(render_markdown([doc], footnote_style="italic"))
    assert (parsed.act.act_type, parsed.act.number, parsed.act.adopted_on) == ("decree", "148", D(2015, 12, 28))
    assert parsed.expressions[0].details is None


def test_markdown_front_matter_and_soft_wrapped_paragraphs() -> None:
    text = ("---\nact_code: Z080000070_\nform: Закон\napproved_on: 20.10.2008\n---\n"
            "# Об Ассамблее народа Казахстана\n\n"
            "## Статья 1. Основные понятия\n\n"
            "В настоящем Законе используются\nследующие понятия:\n\n"
            "1) ассамблея – **общественный** институт;\n\n"
            "2) [совет](http://example.org) – орган\\.\n")
    parsed = parse_document(text, filename="rus.md")
    (expression,) = parsed.expressions
    assert parsed.act.act_type == "law" and parsed.act.adopted_on == D(2008, 10, 20) and parsed.act.act_code == "Z080000070_"
    article = expression.unit("art_1")
    assert article is not None and article.heading == "Основные понятия"
    assert article.text == "В настоящем Законе используются следующие понятия:"
    assert expression.unit("art_1__subpoint_1").text == "ассамблея – общественный институт;"  # type: ignore[union-attr]
    assert expression.unit("art_1__subpoint_2").text == "совет – орган."  # type: ignore[union-attr]


def test_markdown_bilingual_split_at_headings() -> None:
    parsed = parse_document(render_markdown([_kk(), _ru()], footnote_style="plain"))
    assert parsed.languages == ("kk", "ru")


def test_details_line_status_in_both_languages() -> None:
    docs = [_kk(), _ru()]
    for doc in docs:
        doc.repealed_by = Act("decree", D(2022, 9, 15), "1014")
    parsed = parse_document(render_text(docs))
    for expression in parsed.expressions:
        assert expression.status is not None and expression.status.status == "repealed"
        assert expression.status.by is not None and expression.status.by.date == D(2022, 9, 15)


def test_expired_details_line() -> None:
    text = ("О плане мероприятий\n\nПостановление Правительства Республики Казахстан от 1 февраля 2020 года № 12. "
            "Срок действия истек\n\n1. Утвердить план.")
    parsed = parse_document(text)
    assert parsed.status is not None and parsed.status.status == "expired" and parsed.status.by is None
    assert parsed.act.issuer == "government"


def test_html_badge_inside_the_title() -> None:
    page = ('<html><body><h1>Об утверждении плана <span class="status">Утративший силу</span></h1>'
            '<div class="info">Указ Президента Республики Казахстан от 1 марта 2020 года № 5</div>'
            "<article><p>&nbsp;&nbsp;1. Утвердить план.</p></article></body></html>")
    parsed = parse_document(page)
    assert parsed.languages == ("ru",)
    assert parsed.expressions[0].title == "Об утверждении плана"
    assert parsed.status is not None and (parsed.status.status, parsed.status.source) == ("repealed", "badge")
    assert parsed.act.number == "5"


def test_markdown_second_heading_in_the_same_language_is_no_second_block() -> None:
    text = ("# Об утверждении плана\n\n1. Утвердить план.\n\nУТВЕРЖДЕН  \nУказом Президента  \n"
            "от 1 марта 2020 года № 5\n\n# План мероприятий\n\n1. Провести работу.\n")
    parsed = parse_document(text)
    assert parsed.languages == ("ru",)
    assert [(u.eid, u.heading) for u in parsed.expressions[0].units] == [
        ("point_1", None), ("att_1", "План мероприятий"), ("att_1__point_1", None)]


def test_meta_yaml_requisite_per_language() -> None:
    meta = ("requisite:\n"
            "  rus: Указ Президента Республики Казахстан от 28 декабря 2015 года № 148\n"
            "  kaz: Қазақстан Республикасы Президентінің 2015 жылғы 28 желтоқсандағы № 148 Жарлығы\n"
            "title: {kaz: Тұжырымдаманы бекіту туралы}\n")
    doc = _kk()
    doc.with_details = False
    parsed = parse_document(render_markdown([doc]).split("\n", 1)[1], filename="kaz.md", meta_yaml=meta)
    (expression,) = parsed.expressions
    assert expression.title == "Тұжырымдаманы бекіту туралы"
    assert expression.details is not None and expression.details.endswith("Жарлығы")
    assert expression.details_line is None
    assert (parsed.act.act_type, parsed.act.number) == ("decree", "148")
