"""Law files: front matter and body (no database). Absent dates are unknown, bad ones are refused by name,
and what the export writes is what the import reads (hypothesis)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.legalize.errors import LegalizeError
from service.legalize.frontmatter import law_meta, render_document, split_document

LAW = "---\ntitle: Ley\nidentifier: L-1\ncountry: PE\nrank: ley\nstatus: in_force\nsource: x\n"


def test_split() -> None:
    assert split_document("no front matter\n") == (None, "no front matter\n")
    front, body = split_document("\ufeff---\ntitle: T\n---\n\n# T\n")
    assert front == {"title": "T"} and body == "\n# T\n"
    assert split_document("---\n---\nbody") == ({}, "body")
    assert split_document("---\na: 1\n...\nbody") == ({"a": 1}, "body")


@pytest.mark.parametrize(("text", "error"), [("---\ntitle: x\n", "never closed"), ("---\n[\n---\n", "YAML"),
                                             ("---\n- a\n---\n", "mapping")])
def test_split_refuses(text: str, error: str) -> None:
    with pytest.raises(LegalizeError, match=error):
        split_document(text)


def test_dates_absent_empty_given_and_wrong() -> None:
    meta = law_meta(split_document(LAW + "publication_date: ''\n---\n")[0] or {})
    assert meta.publication_date is None and meta.last_updated is None  # unknown, never filled in
    meta = law_meta(split_document(LAW + "publication_date: 1993-12-30\nlast_updated: '2024-12-11'\n---\n")[0] or {})
    assert (meta.publication_date, meta.last_updated) == (date(1993, 12, 30), date(2024, 12, 11))
    assert meta.country == "pe" and meta.text_state == "point_in_time" and meta.directory == "pe"
    for bad in ("'2024-02-30'", "'30/12/1993'", "2024-01-01T10:00:00Z", "'1993-12-30 '"):
        front = split_document(LAW + f"publication_date: {bad}\n---\n")[0] or {}
        if bad == "'1993-12-30 '":
            assert law_meta(front).publication_date == date(1993, 12, 30)
            continue
        with pytest.raises(LegalizeError, match="publication_date"):
            law_meta(front)


@pytest.mark.parametrize(("extra", "error"), [("status: vigente\n", "status"), ("text_state: draft\n", "text_state"),
                                              ("amends: LEY-1\n", "amends")])
def test_values_outside_the_vocabulary_are_refused(extra: str, error: str) -> None:
    with pytest.raises(LegalizeError, match=error):
        law_meta(split_document(LAW + extra + "---\n")[0] or {})


def test_identifier_and_country_are_required() -> None:
    with pytest.raises(LegalizeError, match="identifier"):
        law_meta({"country": "pe"})
    with pytest.raises(LegalizeError, match="country"):
        law_meta({"identifier": "X"})


titles = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60).filter(str.strip)
days = st.one_of(st.none(), st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))


@given(title=titles, identifier=titles, published=days, body=st.text(max_size=200),
       extra=st.dictionaries(st.sampled_from(["notes", "applied_reforms", "scope"]),
                             st.one_of(titles, st.lists(titles, max_size=3)), max_size=2))
def test_what_is_written_is_read(title: str, identifier: str, published: date | None, body: str,
                                 extra: dict[str, Any]) -> None:
    front: dict[str, Any] = {"title": title, "identifier": identifier, "country": "pe", **extra}
    if published is not None:
        front["publication_date"] = published
    read, read_body = split_document(render_document(front, body))
    assert read is not None
    meta = law_meta(read)
    assert (meta.title, meta.identifier, meta.publication_date) == (title.strip(), identifier.strip(), published)
    assert read_body == (body + "\n" if body else "")
    assert {k: read[k] for k in extra} == extra
