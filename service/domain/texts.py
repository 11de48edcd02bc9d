"""Normalised text and its content address (DESIGN.md: NFC, spaces folded, line ends trimmed, LF)."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Every horizontal space character Unicode knows (NBSP, thin space, ideographic space, tabs, …) but not LF.
_SPACES = re.compile(r"[^\S\n]+")


def normalise_text(text: str) -> str:
    """The canonical form of a text: NFC, CRLF/CR as LF, runs of spaces as one space, lines trimmed."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(lines).strip("\n")


def text_sha256(normalised: str) -> str:
    """The content address of an already normalised text."""
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()
