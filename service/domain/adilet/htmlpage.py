"""Adilet's web page: the title in <h1>, the details line in a block under it, a status badge, the body
inside <article> with paragraphs indented by &nbsp;, tables whose cells are never footnotes."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

from .lines import Line, Role
from .text import fold

_BLOCK_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "table", "blockquote", "section",
    "article", "header", "footer", "main", "body", "pre", "dd", "dt", "dl", "center", "form", "nav", "aside",
})
_SKIPPED = frozenset({"script", "style", "noscript", "template", "head", "title", "svg", "button", "select"})
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "wbr", "col", "area", "base", "source"})
_BADGE_CLASS = re.compile(r"status|badge|label-|state", re.IGNORECASE)
_BADGE_TAGS = frozenset({"span", "div", "p", "a", "b", "strong", "em", "i"})
_SUBHEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})


class _Page(HTMLParser):
    def __init__(self, has_article: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[Line] = []
        self.block = 0
        self.buffer: list[str] = []
        self.buffer_line = 0
        self.stack: list[tuple[str, bool]] = []  # (tag, is a status badge)
        self.open: Counter[str] = Counter()
        self.badges = 0
        self.skipping = 0
        self.has_article = has_article
        self.after_article = False
        self.cells: list[str] = []
        self.row_line = 0

    def _inside(self, *tags: str) -> bool:
        return any(self.open[t] > 0 for t in tags)

    def _push(self, tag: str, badge: bool) -> None:
        self.stack.append((tag, badge))
        self.open[tag] += 1
        self.badges += badge

    def _pop(self) -> str:
        tag, badge = self.stack.pop()
        self.open[tag] -= 1
        self.badges -= badge
        return tag

    def _role(self) -> Role | None:
        if self.badges:
            return "badge"
        if self._inside("h1"):
            return "title"
        if self._inside("table"):
            return "table"
        if self.has_article and not self._inside("article"):
            return None if self.after_article else "header"
        return "heading" if self._inside(*_SUBHEADINGS) else "text"

    def _flush(self, role: Role | None = None) -> None:
        role = role or self._role()
        text, self.buffer = "".join(self.buffer), []
        if role is None or not text.strip():
            return
        for raw in text.split("\n"):
            folded = fold(raw)
            if folded:
                self.lines.append(Line(self.buffer_line, folded, self.block, role, len(raw) - len(raw.lstrip())))
        self.block += 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
            return
        if tag in _VOID:
            if tag == "br":
                self.buffer.append("\n")
            return
        classes = " ".join(v or "" for k, v in attrs if k in ("class", "id"))
        badge = tag in _BADGE_TAGS and _BADGE_CLASS.search(classes) is not None
        if tag in ("td", "th"):
            self._cell_end()
        elif tag in _BLOCK_TAGS or badge:
            self._flush()
        if tag == "h1":
            self.after_article = False
        self._push(tag, badge)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.buffer.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
            return
        if tag in _VOID or not self._inside(tag):
            return
        if tag in ("td", "th"):
            self._cell_end()
        elif tag == "tr":
            self._row_end()
        elif tag in _BLOCK_TAGS or (self.badges and any(t == tag and badge for t, badge in self.stack)):
            self._flush()
        while self.stack and self._pop() != tag:
            pass
        if tag == "article":
            self.after_article = True

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if not "".join(self.buffer).strip():
            self.buffer_line = self.getpos()[0] + data[: len(data) - len(data.lstrip())].count("\n")
        self.buffer.append(data if self._inside("pre") else data.replace("\n", " "))

    def _cell_end(self) -> None:
        text = fold("".join(self.buffer).replace("\n", " "))
        if text:
            self.row_line = self.row_line if self.cells else self.buffer_line
            self.cells.append(text)
        self.buffer = []

    def _row_end(self) -> None:
        self._cell_end()
        if self.cells:
            self.buffer, self.buffer_line = [" | ".join(self.cells)], self.row_line
            self._flush("table")
        self.cells = []


def html_lines(text: str) -> list[Line]:
    """Lines of an Adilet web page; roles mark the title, the header blocks, the badge and table rows."""
    page = _Page(has_article=re.search(r"<article[\s>]", text, re.IGNORECASE) is not None)
    page.feed(text)
    page.close()
    page._flush()
    return page.lines
