"""Normalised text and its content address (DESIGN.md: NFC, spaces folded, line ends trimmed, LF)."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Every horizontal space character Unicode knows (NBSP, thin space, ideographic space, tabs, …) but not LF.
_SPACES = re.compile(r"[^\S\n]+")
_ODD_SPACE = re.compile(r"[^\S \n]")  # a space other than U+0020: a run to fold even alone
# Once runs of spaces are one space, what trims every line: a space before or after a line break.
_AROUND_BREAK = re.compile(r" \n ?|\n ")


def normalise_text(text: str) -> str:
    """The canonical form of a text: NFC, CRLF/CR as LF, runs of spaces as one space, lines trimmed.

    Line by line, this is `"\\n".join(fold(line).strip() for line in lines).strip("\\n")`; it is done on the
    whole text at once (a run of spaces never crosses a line break, so folding the whole text folds each line,
    and one space is all that can be left at either end of a line), which costs a few regex passes over the
    text instead of two calls per line, and a text already normal is only searched, not rebuilt
    (tests/domain/test_texts.py checks both give the same)."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "  " in text or _ODD_SPACE.search(text):  # else every run of spaces is one U+0020 already
        text = _SPACES.sub(" ", text)
    if " \n" in text or "\n " in text:
        text = _AROUND_BREAK.sub("\n", text)
    return text.strip(" ").strip("\n")


def text_sha256(normalised: str) -> str:
    """The content address of an already normalised text."""
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()
