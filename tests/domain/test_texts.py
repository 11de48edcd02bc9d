"""Normalised text and its content address (service/domain/texts.py; DESIGN.md: NFC, non-breaking and
other spaces folded to one space, line ends trimmed, CRLF → LF)."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.domain.texts import normalise_text, text_sha256

NBSP = "\u00a0"
# Horizontal spaces a source may use: ASCII, tab, NBSP, thin, narrow NBSP, figure, ideographic, en/em
# quads (which NFC turns into en/em spaces), VT, FF.
SPACES = [" ", "\t", NBSP, "\u2009", "\u202f", "\u2007", "\u3000", "\u2000", "\u2001", "\u2003", "\x0b", "\x0c"]
LINE_ENDS = ["\n", "\r\n", "\r"]


def runs(pieces: list[str], min_size: int = 0, max_size: int = 4) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), min_size=min_size, max_size=max_size).map("".join)


def test_the_adilet_indent_and_line_ends() -> None:
    """Body lines of the Concept start with five NBSPs and a space; the file may come with CRLF."""
    raw = (f"{NBSP * 5} 1. Утвердить прилагаемую Концепцию.\r\n"
           f"{NBSP * 5} 2. Правительству{NBSP}Республики\tКазахстан  принять меры. \r\n"
           f"\r\n"
           f"{NBSP} Президент{NBSP * 3}Республики Казахстан   ")
    assert normalise_text(raw) == ("1. Утвердить прилагаемую Концепцию.\n"
                                   "2. Правительству Республики Казахстан принять меры.\n"
                                   "\n"
                                   "Президент Республики Казахстан")


@pytest.mark.parametrize(("raw", "normal"), [
    ("", ""),
    ("   ", ""),
    ("\n\n a \n\n", "a"),
    ("a\r\nb\rc\nd", "a\nb\nc\nd"),
    ("a\r\r\nb", "a\n\nb"),  # a lone CR, then a CRLF: two line breaks
    ("a\n \t\nb", "a\n\nb"),  # a line of spaces is an empty line
    ("a\n\n\nb", "a\n\n\nb"),  # blank lines inside are kept
    ("a\u2028b", "a b"),  # a Unicode line separator is a space, not a line break
    ("e\u0301", "\u00e9"),  # NFC
    ("\u212b", "\u00c5"),  # Angstrom sign → Å (canonical singleton)
    ("ﬁ", "ﬁ"),  # compatibility characters are kept (NFC, not NFKC)
    ("a\u200bb", "a\u200bb"),  # a zero-width space is not a space
])
def test_normalise_text_examples(raw: str, normal: str) -> None:
    assert normalise_text(raw) == normal


def _is_normal(text: str) -> None:
    assert unicodedata.is_normalized("NFC", text)
    assert "\r" not in text
    assert not text.startswith("\n") and not text.endswith("\n")
    for line in text.split("\n"):
        assert line == line.strip(), "lines trimmed"
        assert "  " not in line, "runs of spaces folded"
        assert all(ch == " " or not ch.isspace() for ch in line), "every space is U+0020"


@given(st.text())
def test_normalise_text_is_idempotent(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once
    _is_normal(once)


@given(runs([*SPACES, *LINE_ENDS, "a", "é", "e", "\u0301", "ж", "\u2028", "\x85"], max_size=40))
def test_normalise_text_is_idempotent_on_space_heavy_text(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once
    _is_normal(once)


def line_by_line(text: str) -> str:
    """The definition, one line at a time (DESIGN.md), which normalise_text computes over the whole text."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    folded = (re.sub(r"[^\S\n]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(folded).strip("\n")


@given(st.one_of(st.text(), runs([*SPACES, *LINE_ENDS, "a", "é", "e", "\u0301", "ж", "\u2028", "\x85", "\n\n"],
                                 max_size=60)))
def test_normalise_text_is_the_line_by_line_definition(text: str) -> None:
    assert normalise_text(text) == line_by_line(text)


WORD = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc")), min_size=1, max_size=8,
).map(lambda w: unicodedata.normalize("NFC", w))
# A document: lines of words; an empty line (paragraph break) only between non-empty ones.
LINES = st.lists(st.lists(WORD, min_size=1, max_size=5), min_size=1, max_size=6)


@st.composite
def canonical_and_variant(draw: st.DrawFn) -> tuple[str, str]:
    lines = draw(LINES)
    breaks = [draw(st.integers(1, 3)) for _ in lines[1:]]
    canonical_lines: list[str] = []
    variant = draw(runs([*SPACES, *LINE_ENDS]))  # leading junk
    for i, words in enumerate(lines):
        if i:
            canonical_lines.extend([""] * (breaks[i - 1] - 1))
            for n in range(breaks[i - 1]):
                if n:  # a blank line may carry spaces
                    variant += draw(runs(SPACES, max_size=3))
                # A CR straight before an LF is one CRLF line break, not two.
                after_cr = variant.endswith("\r")
                variant += draw(st.sampled_from(["\r"] if after_cr else LINE_ENDS))
        canonical_lines.append(" ".join(words))
        space = runs(SPACES, min_size=1)
        variant += draw(runs(SPACES, max_size=6))  # indentation
        variant += "".join(w + (draw(space) if j < len(words) - 1 else "") for j, w in enumerate(words))
        variant += draw(runs(SPACES, max_size=3))  # trailing spaces
    variant += draw(runs([*SPACES, *LINE_ENDS]))  # trailing junk
    if draw(st.booleans()):
        variant = unicodedata.normalize("NFD", variant)
    return "\n".join(canonical_lines), variant


@given(canonical_and_variant())
def test_differently_spaced_inputs_hash_the_same(case: tuple[str, str]) -> None:
    """The same provision from the HTML page and from the plain-text export has one content address."""
    canonical, variant = case
    assert normalise_text(canonical) == canonical
    assert normalise_text(variant) == canonical
    assert text_sha256(normalise_text(variant)) == text_sha256(canonical)


def test_text_sha256_is_the_sha256_of_the_utf8_bytes() -> None:
    assert text_sha256("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert text_sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    text = "Қазақстан халқы Ассамблеясы"
    assert text_sha256(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert len(text_sha256(text)) == 64
