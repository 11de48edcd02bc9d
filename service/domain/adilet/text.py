"""Text helpers shared by the Adilet parser: whitespace folding, letters, quoted titles, parentheses."""

from __future__ import annotations

import re
import unicodedata

KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
UPPER = "А-ЯЁӘҒҚҢӨҰҮҺІ"
LOWER = "а-яёәғқңөұүһі"
CYRILLIC = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")

_SPACES = re.compile(r"[^\S\n]+|\n+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_MAX_TITLE = 600


def fold(text: str) -> str:
    """One line of text as the parser compares it: NFC, invisible marks gone, spaces folded, trimmed."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()


def indent_of(raw: str) -> int:
    """How many whitespace characters (non-breaking ones included) open a raw line."""
    return len(raw) - len(raw.lstrip())


def cyrillic_count(text: str) -> int:
    return len(CYRILLIC.findall(text))


def paren_depths(text: str) -> list[int]:
    """The parenthesis nesting depth at each character (unbalanced closers clamp at zero)."""
    depths: list[int] = []
    depth = 0
    for ch in text:
        if ch == ")":
            depth = max(0, depth - 1)
        depths.append(depth)
        if ch == "(":
            depth += 1
    return depths


def paren_group_at(text: str, pos: int) -> tuple[int, int] | None:
    """The span of the balanced parenthesised group opening at `pos`, when one does."""
    if pos >= len(text) or text[pos] != "(":
        return None
    depth = 0
    for i in range(pos, min(len(text), pos + 2000)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return pos, i + 1
    return None


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


def _opens(text: str, i: int) -> bool:
    ch = text[i]
    if ch in "«„":
        return True
    if ch not in "\"“":
        return False
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not _is_word_char(before) and (_is_word_char(after) or after in "«\"“(")


def quoted_after(text: str, pos: int) -> tuple[str, int, int] | None:
    """A quoted title starting at `pos` (after spaces): (title, start, end). Nested quotes are kept."""
    i = pos
    while i < len(text) and text[i] == " ":
        i += 1
    if i >= len(text) or not _opens(text, i):
        return None
    start, depth = i, 0
    for j in range(i, min(len(text), i + _MAX_TITLE)):
        ch = text[j]
        if ch == "»" or (ch in "\"”“" and not _opens(text, j)):
            depth -= 1
        elif _opens(text, j):
            depth += 1
        if depth == 0:
            return text[start + 1 : j].strip(), start, j + 1
    return None


def quoted_before(text: str, end: int) -> tuple[str, int, int] | None:
    """A quoted title ending right before `end` (spaces allowed): (title, start, end)."""
    j = end
    while j > 0 and text[j - 1] == " ":
        j -= 1
    if j == 0 or text[j - 1] not in "»\"”":
        return None
    for i in range(j - 2, max(-1, j - _MAX_TITLE), -1):
        if _opens(text, i):
            found = quoted_after(text, i)
            if found is not None and found[2] == j:
                return found
    return None
