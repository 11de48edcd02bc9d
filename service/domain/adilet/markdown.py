"""Markdown conversions of the official texts: `#` title, `##`/`###` headings, footnotes as plain,
italic or `>`-quoted "Сноска." paragraphs, soft-wrapped paragraphs, optional YAML front matter."""

from __future__ import annotations

import re

from .lines import Line, Role
from .text import fold, indent_of

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_QUOTE = re.compile(r"^(?:>\s?)+")
_RULE = re.compile(r"^(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")
_BULLET = re.compile(r"^[-*+]\s+")
_EMPHASIS = re.compile(r"^(\*{1,3}|_{1,3})(?P<inner>\S(?:.*\S)?)\1$")
_IMAGE = re.compile(r"!\[[^\]]{0,500}\]\([^)]{0,2000}\)")
_LINK = re.compile(r"\[([^\]]{0,2000})\]\([^)]{0,2000}\)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|\"])")
_STRONG = re.compile(r"\*\*|__(?=\S)|(?<=\S)__")
_STARTS_ITEM = re.compile(r"^(?:\d{1,4}(?:[-.]\d{1,4}){0,3}[.)](?:\s|$)|Сноска\s*\.|Ескерту\s*\.|[-*+]\s)", re.IGNORECASE)


def _inline(text: str) -> str:
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    match = _EMPHASIS.match(text.strip())
    if match is not None:
        text = match.group("inner")
    text = _STRONG.sub("", text)
    match = _EMPHASIS.match(text.strip())
    if match is not None:
        text = match.group("inner")
    return _ESCAPE.sub(r"\1", text)


def _front_matter(raw: list[str]) -> tuple[str | None, int]:
    """YAML front matter between `---` lines at the very top: (text, number of lines it takes)."""
    if not raw or raw[0].strip() != "---":
        return None, 0
    for i in range(1, len(raw)):
        if raw[i].strip() in ("---", "..."):
            return "\n".join(raw[1:i]), i + 1
    return None, 0


class _Reader:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.block = 0
        self.open = False
        self.hard_break = False
        self.quoted = False

    def close(self) -> None:
        if self.open:
            self.block += 1
        self.open = False
        self.hard_break = False

    def add(self, no: int, text: str, role: Role, indent: int, *, joinable: bool, quoted: bool = False) -> None:
        text = fold(text)
        if not text:
            return
        if self.open and quoted != self.quoted:
            self.close()
        if self.open and joinable and not self.hard_break and self.lines and self.lines[-1].role == role == "text":
            prev = self.lines[-1]
            self.lines[-1] = Line(prev.no, f"{prev.text} {text}", prev.block, prev.role, prev.indent)
        else:
            self.lines.append(Line(no, text, self.block, role, indent))
        self.open, self.quoted = True, quoted

    def read(self, no: int, raw: str) -> None:
        stripped = raw.strip()
        if not stripped or _RULE.match(stripped):
            self.close()
            return
        heading = _HEADING.match(stripped)
        if heading is not None:
            self.close()
            role: Role = "title" if len(heading.group(1)) == 1 else "heading"
            self.add(no, _inline(heading.group(2)), role, 0, joinable=False)
            self.close()
            return
        if stripped.startswith("|"):
            if not _TABLE_SEPARATOR.match(stripped):
                cells = [_inline(c) for c in stripped.strip("|").split("|")]
                self.add(no, " | ".join(c.strip() for c in cells), "table", 0, joinable=False)
            return
        quote = _QUOTE.match(stripped)
        body = stripped[quote.end() :] if quote else stripped
        body = _BULLET.sub("", body) if not body.startswith(("**", "*Сноска", "*Ескерту")) else body
        joinable = not _STARTS_ITEM.match(_inline(body))
        self.add(no, _inline(body.rstrip("\\")), "text", indent_of(raw), joinable=joinable, quoted=quote is not None)
        self.hard_break = raw.endswith(("  ", "\\"))


def markdown_lines(text: str) -> tuple[list[Line], str | None, int]:
    """Lines of a Markdown document, and its front matter (text and first line) when it has one."""
    raw = text.split("\n")
    front, skip = _front_matter(raw)
    reader = _Reader()
    for no, line in enumerate(raw[skip:], start=skip + 1):
        if line.strip().startswith("```"):
            reader.close()
            continue
        reader.read(no, line)
    return reader.lines, front, 2 if front is not None else 0
