"""Commit messages (no database): the sample's subjects, trailers, the Spanish types of older repositories,
dates that are not dates, and (hypothesis) that what format_message writes parse_message reads."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from service.legalize.commits import CommitType, affected_articles, format_message, parse_message

SAME_DAY = """[reform] Constitución Política del Perú arts. 7, 23

Ley de Reforma Constitucional que sustituye el término 'persona incapacitada' por 'persona con discapacidad'

Source-Id: LEY-REFORMA-32188-2024
Source-Date: 2024-12-11
Norm-Id: CON-1993
"""


def test_a_reform_of_the_sample() -> None:
    m = parse_message(SAME_DAY)
    assert m.kind is CommitType.REFORM and m.kind.opens_version
    assert (m.source_id, m.source_date, m.norm_id) == ("LEY-REFORMA-32188-2024", date(2024, 12, 11), "CON-1993")
    assert m.title == "Constitución Política del Perú arts. 7, 23" and m.affected is None
    assert m.description.startswith("Ley de Reforma Constitucional que sustituye")
    assert affected_articles(m) == ("7", "23")


def test_subject_with_a_dash_and_spanish_types() -> None:
    m = parse_message("[bootstrap] Constitución Política del Perú — versión original 1993\n\nSource-Id: CON-1993")
    assert (m.kind, m.title, m.affected) == (CommitType.BOOTSTRAP, "Constitución Política del Perú",
                                             "versión original 1993")
    assert m.source_date is None  # no Source-Date: undated, never a floor value
    for raw, kind in (("reforma", CommitType.REFORM), ("nueva", CommitType.NEW), ("derogacion", CommitType.REPEAL),
                      ("correccion", CommitType.CORRECTION), ("fix-pipeline", CommitType.FIX_PIPELINE)):
        assert parse_message(f"[{raw}] X").kind is kind
    assert not CommitType.CORRECTION.opens_version and not CommitType.FIX_PIPELINE.opens_version
    unknown = parse_message("Update README")
    assert unknown.kind is None and unknown.title == "Update README"


def test_a_date_that_is_not_one_is_kept_as_unknown_with_the_reason() -> None:
    m = parse_message("[reform] X\n\nSource-Id: A\nSource-Date: 2024-02-30\n")
    assert m.source_date is None and m.source_date_error and "Source-Date" in m.source_date_error


def test_a_last_paragraph_that_is_not_all_trailers_is_description() -> None:
    m = parse_message("[new] X\n\nSource-Id: A\nthis line is prose\n")
    assert m.trailers == () and m.source_id is None and "prose" in m.description


def test_articles_named_by_the_subject() -> None:
    def arts(s: str) -> tuple[str, ...]:
        return affected_articles(parse_message(s))
    assert arts("[reform] C arts. 11, 103, Primera Disposición Final y Transitoria") == (
        "11", "103", "Primera Disposición Final y Transitoria")
    assert arts("[reform] C arts. 2, 14-A") == ("2", "14-A")
    assert arts("[reform] Ley — artículos 74 y 191") == ("74", "191")
    assert arts("[reform] Constitución Política del Perú") == ()


words = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40).filter(
    lambda s: s.strip() and "—" not in s and not s.strip().startswith("[") and s.split() == s.strip().split())
ids = st.from_regex(r"[A-Z][A-Z0-9\-]{0,20}", fullmatch=True)


@given(kind=st.sampled_from(list(CommitType)), title=words, source=st.one_of(st.none(), ids),
       day=st.one_of(st.none(), st.dates()), norm=st.one_of(st.none(), ids),
       description=st.one_of(st.just(""), words.filter(lambda s: ":" not in s)))
def test_what_is_written_is_read(kind: CommitType, title: str, source: str | None, day: date | None,
                                 norm: str | None, description: str) -> None:
    m = parse_message(format_message(kind, title, source_id=source, source_date=day, norm_id=norm,
                                     description=description))
    assert (m.kind, m.title, m.source_id, m.source_date, m.norm_id) == (kind, " ".join(title.split()), source, day,
                                                                         norm)
    assert m.description == " ".join(description.split()) or m.description == description.strip()
