"""A Markdown body as units (no database): the units joined give back the body exactly, in Lextime's
normalised form (hypothesis); their eIds are valid and unique; articles, containers and clauses are found
where the body has them, and citations are not taken for articles."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from service.domain.texts import normalise_text
from service.domain.units import check_eid, text_of
from service.legalize.markdown import _plain, article_eid, units_from_markdown

CONSTITUTION = """
# Constitución Política del Perú

PREÁMBULO

El Congreso Constituyente Democrático ... ha resuelto dar la siguiente Constitución:

TÍTULO I
DE LA PERSONA Y DE LA SOCIEDAD
CAPÍTULO I
DERECHOS FUNDAMENTALES DE LA PERSONA
Artículo 1. [Defensa de la persona humana]

La defensa de la persona humana y el respeto de su dignidad son el fin supremo de la sociedad y del Estado.


Artículo 2. [Derechos fundamentales de la persona]

Toda persona tiene derecho:

* Párrafo incorporado por el artículo 1 de la Ley 31878, publicada el 23 de setiembre de 2023.

Artículo 1 de la Ley 31988, publicada el 20 de marzo de 2024.


Artículo 90-A. [Prohibición de reelección inmediata] (Derogado)*\xa0

DISPOSICIONES FINALES Y TRANSITORIAS
Primera. [Regímenes pensionarios]*

Texto.

Decimotercera. [Consejos Transitorios]
"""


def test_the_constitutions_structure() -> None:
    units = units_from_markdown(CONSTITUTION)
    assert [(u.eid, u.kind) for u in units] == [
        ("hcontainer_1", "other"), ("hcontainer_2", "other"), ("hcontainer_2__para_1", "paragraph"),
        ("title_1", "title"), ("title_1__chp_1", "chapter"), ("art_1", "article"), ("art_2", "article"),
        ("art_90-a", "article"), ("hcontainer_3", "other"), ("hcontainer_3__clause_1", "clause"),
        ("hcontainer_3__clause_13", "clause")]
    art_2 = units[6]
    assert art_2.text is not None and art_2.text.endswith("publicada el 20 de marzo de 2024.")  # a citation, kept
    assert [u.breaks for u in units][3:8] == [2, 1, 1, 3, 3]
    assert units[5].heading == "Defensa de la persona humana" and units[5].num == "1"
    assert text_of(units) == normalise_text(CONSTITUTION)


def test_spij_and_other_article_forms() -> None:
    body = ("**TÍTULO I  \n**\n\n**GENERALIDADES  \n**\n\n\xa0 \xa0 \xa0 **Artículo 1.- Personería jurídica**\n\n"
            "Texto.\n\nARTÍCULO TERCERO.- TRANSCRIBIR\n\nArtículo único.- Apruébese.\n\nСтатья 5. Русский\n\n"
            "12-бап. Қазақша\n\nArtículo 2° de la Ley 27444, citada.")
    units = units_from_markdown(body)
    assert [u.eid for u in units] == ["title_1", "hcontainer_1", "art_1", "art_3", "art_unico", "art_5",
                                      "art_12"]
    assert units[-1].text is not None and units[-1].text.endswith("citada.")
    assert text_of(units) == normalise_text(body)


def test_a_number_met_twice_is_scoped_by_its_container() -> None:
    units = units_from_markdown("Artículo 1.- Apruébese el reglamento.\n\nANEXO\n\nArtículo 1.- Objeto.")
    assert [u.eid for u in units] == ["art_1", "hcontainer_1", "hcontainer_1__art_1"]
    assert article_eid("90-A") == "art_90-a"


def test_nothing_is_no_units() -> None:
    assert units_from_markdown("") == [] and units_from_markdown(" \n\xa0\n") == []


LINES = st.one_of(
    st.sampled_from(["TÍTULO I", "TITULO PRELIMINAR", "CAPÍTULO II", "**CAPÍTULO IX*", "Capítulo XIV del Título IV",
                     "SECCIÓN 1", "LIBRO PRIMERO", "Artículo 1. [Objeto]", "Artículo 2.- Texto",
                     "ARTÍCULO PRIMERO.- X", "Artículo 1 de la Ley 27", "Artículo 14-A.", "Art. 3.-",
                     "# Título", "## ", "**", "DISPOSICIONES FINALES", "DISPOSICIÓN COMPLEMENTARIA FINAL",
                     "Primera. [X]", "ÚNICA. Vigencia", "Статья 5.", "3-бап.", "Глава 2", "* nota",
                     "> cita", "POR TANTO:", "1. Punto.", " ", "\xa0\xa0", "\t"]),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.just(""),
)


@given(st.lists(LINES, max_size=40).map("\n".join))
def test_the_units_give_back_the_body(body: str) -> None:
    units = units_from_markdown(body)
    assert text_of(units) == (normalise_text(body) or None)
    assert len({u.eid for u in units}) == len(units)
    for u in units:
        check_eid(u.eid, field="eId")
        assert u.text and u.text == normalise_text(u.text)  # a unit neither starts nor ends with a blank line
        assert u.wid == u.eid and (u.breaks or 0) >= 0


@given(st.lists(LINES, max_size=30).map("\n".join))
def test_reading_the_text_again_gives_the_same_units(body: str) -> None:
    units = units_from_markdown(body)
    again = units_from_markdown(text_of(units) or "")
    assert [(u.eid, u.kind, u.text, u.breaks) for u in again] == [(u.eid, u.kind, u.text, u.breaks) for u in units]


MARKERS = re.compile(r"^(?:#{1,6}(?:\s+|$)|>\s*|[*_]+\s*)+|[*_\s]+$")


@given(st.text(alphabet=st.sampled_from([" ", "\t", "\xa0", "\x85", "#", ">", "*", "_", "a", "Á", "1", ".", "\n"]),
               max_size=16) | st.text())
def test_plain_takes_off_the_markers_around_a_line(line: str) -> None:
    """_plain is the markers' definition as one pattern (leading #, >, * and _ runs; trailing *, _ and
    spaces) and a strip, computed without trying the pattern at every position."""
    assert _plain(line) == MARKERS.sub("", line).strip()
