"""Malformed documents raise AdiletParseError naming the line; arbitrary input never raises anything else
and never hangs."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.domain.adilet import AdiletParseError, parse_citation, parse_document
from service.domain.adilet.parser import _parse

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize(("data", "line", "words"), [
    (b"", 1, "empty document"),
    ("   \n\n \u00a0 \n", 1, "empty document"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 1, "not UTF-8"),
    ("Об утверждении плана\n\nУказ Президента\n\x00\x01garbage", 4, "binary data"),
    (b"\xd0\x9e\xd0\xb1 \xd1\x83\xd1\x82\xd0\xb2\n\n\xff\xfe broken", 3, "not UTF-8"),
    ("12345 67890\n\n1. Пункт первый.", 1, "no recognisable title"),
    ("\n\n     Сноска. Утратил силу Указом Президента РК от 15.09.2022 № 1014.\n", 3, "no recognisable title"),
    ("\n\n1. Утвердить план.\n\n2. Исполнить.", 3, "no recognisable title"),
    ("<html><body><h1>***</h1><article><p>1. Текст</p></article></body></html>", 1, "no recognisable title"),
])
def test_malformed_documents_name_the_line(data: bytes | str, line: int, words: str) -> None:
    with pytest.raises(AdiletParseError) as caught:
        parse_document(data)
    assert caught.value.line == line
    assert words in str(caught.value)
    assert f"line {line}" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_invalid_meta_yaml_names_its_line() -> None:
    with pytest.raises(AdiletParseError) as caught:
        parse_document("# Об утверждении плана\n\n1. Утвердить.\n", filename="rus.md",
                       meta_yaml="act_code: U1500000148\ntitle: {rus: [unclosed\n")
    assert caught.value.source == "meta.yaml"
    assert caught.value.line == 3
    assert str(caught.value).startswith("meta.yaml line 3:")


def test_front_matter_that_is_not_a_mapping() -> None:
    with pytest.raises(AdiletParseError) as caught:
        parse_document("---\n- a\n- b\n---\n# Об утверждении плана\n\n1. Утвердить.\n", filename="rus.md")
    assert caught.value.line == 2


LINE_PARTS = st.sampled_from([
    "Глава 1. Общие положения", "2-тарау. Ахуалды талдау", "Статья 5.", "5-бап. Мақсаты", "Раздел 2", "1.",
    "14-1. Текст пункта", "3-1) подпункт;", "1)", "Сноска.", "Сноска. Утратил силу", "Ескерту. Күші жойылды",
    "Ескерту", "Содержание", "Мазмұны", "УТВЕРЖДЕНА", "Указом Президента", "БЕКІТІЛГЕН", "Приложение 1 к приказу",
    "от 28 декабря 2015 года № 148", "2015 жылғы 28 желтоқсандағы", "№ 148 Жарлығымен", "15.09.2022", "31.02.2020",
    "Президент", "Н. НАЗАРБАЕВ", "(вводится в действие с 01.01.2020)", "«Об", "\"", "»", "(", ")", ";", "–",
    "Указ Президента Республики Казахстан от 28 декабря 2015 года № 148. Утратил силу",
    "Қазақстан Республикасы Президентінің 2015 жылғы 28 желтоқсандағы № 148 Жарлығы.",
    "Признать утратившим силу", "Внести в приказ", "мынадай өзгеріс енгізілсін", "қолданысқа енгізіледі",
    "Настоящий Указ вводится в действие", "<h1>", "</h1>", "<article>", "<p>", "<table><tr><td>", "# ", "## ", "> ",
    "*", "\\.", "---", "\u00a0\u00a0\u00a0", "\t", "ҚАУЛЫ ЕТЕМІН:", "Примечание ИЗПИ!", "пункт 4", "4-тармақ",
])
DOCUMENTS = st.lists(st.lists(st.one_of(LINE_PARTS, st.text(max_size=12)), max_size=6).map(" ".join),
                     max_size=40).map("\n".join)


def _only_parse_errors(data: bytes | str, **kwargs: str) -> None:
    try:
        _parse(data, kwargs.get("filename"), kwargs.get("meta_yaml"))
    except AdiletParseError:
        pass


@FUZZ
@given(text=DOCUMENTS, filename=st.sampled_from([None, "doc.txt", "page.html", "rus.md", "kaz.md"]))
def test_structured_garbage_never_raises_anything_else(text: str, filename: str | None) -> None:
    _only_parse_errors(text, filename=filename) if filename else _only_parse_errors(text)


@FUZZ
@given(text=st.text(max_size=400))
def test_arbitrary_text_never_raises_anything_else(text: str) -> None:
    _only_parse_errors(text)
    assert parse_citation(text) is None or parse_citation(text) is not None


@FUZZ
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_never_raise_anything_else(data: bytes) -> None:
    _only_parse_errors(data)


@FUZZ
@given(meta=st.text(max_size=200))
def test_arbitrary_meta_yaml_never_raises_anything_else(meta: str) -> None:
    _only_parse_errors("# Об утверждении плана\n\n1. Утвердить план.\n", filename="rus.md", meta_yaml=meta)


@pytest.mark.parametrize("text", [
    "Об утверждении\n\n" + "(" * 20000,
    "Об утверждении\n\n" + "\"" * 20000 + " от 28 декабря 2015 года № 1",
    "Об утверждении\n\n" + "Указом " * 5000 + "от 28 декабря 2015 года",
    "Об утверждении\n\n" + "1" * 30000 + ".",
    "Об утверждении\n\n" + "№ " * 10000,
    "Об утверждении\n\n" + "28 декабря 2015 года № 1 Жарлығымен; " * 2000,
    "Об утверждении\n\n" + "Сноска. Пункт 1, 2, 3 и " * 2000,
    "Об утверждении\n\n" + "\n\n".join(f"{i}) подпункт;" for i in range(3000)),
    "# Об утверждении\n\n" + "> " * 5000 + "Сноска.",
    "<h1>Об утверждении</h1><article>" + "<div>" * 3000 + "текст" + "</div>" * 3000 + "</article>",
])
def test_pathological_input_does_not_hang(text: str) -> None:
    started = time.monotonic()
    try:
        parse_document(text)
    except AdiletParseError:
        pass
    assert time.monotonic() - started < 10
