"""Property: documents generated as structures and rendered to each layout parse back to the structure."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.domain.adilet import parse_document

from .adilet_docgen import (
    Doc,
    annotated,
    bilingual,
    expected,
    render_html,
    render_markdown,
    render_text,
    units_of,
)

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LAYOUTS = st.sampled_from(["text", "text-crlf", "html", "markdown"])


def render(docs: list[Doc], layout: str) -> str:
    if layout == "text-crlf":
        return render_text(docs, crlf=True, final_newline=True)
    return {"text": render_text, "html": render_html, "markdown": render_markdown}[layout](docs)


def check(doc: Doc, expression: Any) -> None:
    want_units, want_footnotes = expected(doc)
    assert units_of(expression.units) == want_units
    assert [(f.target, f.text) for f in expression.footnotes] == want_footnotes
    assert expression.title == doc.title
    for footnote in expression.footnotes:
        assert footnote.effects, footnote.text
        assert all(e.acting is not None and e.acting.act_type == "decree" for e in footnote.effects)


def check_requisites(doc: Doc, parsed: Any) -> None:
    assert (parsed.act.act_type, parsed.act.adopted_on, parsed.act.number) == (
        doc.act.act_type, doc.act.date, doc.act.number)


@SETTINGS
@given(doc=annotated("ru"), layout=LAYOUTS)
def test_russian_document_round_trips(doc: Doc, layout: str) -> None:
    parsed = parse_document(render([doc], layout))
    assert parsed.layout == layout.split("-")[0]
    assert parsed.languages == ("ru",)
    check(doc, parsed.expressions[0])
    check_requisites(doc, parsed)


@SETTINGS
@given(doc=annotated("kk"), layout=LAYOUTS)
def test_kazakh_document_round_trips(doc: Doc, layout: str) -> None:
    parsed = parse_document(render([doc], layout))
    assert parsed.languages == ("kk",)
    check(doc, parsed.expressions[0])
    check_requisites(doc, parsed)


@SETTINGS
@given(pair=bilingual(), layout=LAYOUTS)
def test_bilingual_document_splits_and_pairs(pair: tuple[Doc, Doc], layout: str) -> None:
    kk, ru = pair
    parsed = parse_document(render([kk, ru], layout))
    assert parsed.languages == ("kk", "ru")
    check(kk, parsed.expressions[0])
    check(ru, parsed.expressions[1])
    assert [u.wid for u in parsed.expressions[0].units] == [u.wid for u in parsed.expressions[1].units]
    assert not parsed.warnings
    check_requisites(kk, parsed)
