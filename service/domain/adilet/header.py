"""The head of one language block: the title, the details line ("Указ Президента … № 148. Утратил силу
…"), and a web page's status badge. A details line or badge saying the act lost force is authoritative
about its status even when the date of the loss is not given."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .citations import CitationMatch, find_citations
from .dates import find_dates
from .errors import AdiletParseError
from .footnotes import footnote_body
from .lines import Line, block_text, blocks
from .markers import heading_of, point_of, stamp_of, subpoint_of
from .model import Citation, StatusCode, StatusNote
from .text import cyrillic_count

_STATUS_PATTERNS: tuple[tuple[StatusCode, str], ...] = (
    ("repealed", r"утратил[^\W\d_]{0,3}\s+силу|күші\s+жойыл"),
    ("expired", r"срок[^\W\d_]{0,2}\s+действия\s+истек|истек[^\W\d_]{0,2}\s+срок|мерзімі\s+(?:өтті|аяқталды)"),
    ("suspended", r"приостановлен|тоқтатыла\s+тұр"),
    ("not_yet_in_force", r"не\s+введен|не\s+вступил|қолданысқа\s+енгізілмеген"),
)
_BADGE_PATTERNS: tuple[tuple[StatusCode, str], ...] = (
    ("repealed", r"недейств|утрат|күш[^\W\d_]{0,3}\s+жой"),
    ("expired", r"истек|мерзімі\s+өт"),
    ("suspended", r"приостанов|тоқтатыл"),
    ("not_yet_in_force", r"не\s+вступ|не\s+введ|енгізілмеген|күшіне\s+енбеген"),
    ("in_force", r"действующ|қолданыстағы|в\s+силе|күшінде"),
)
_STATUS_WORDS = tuple((status, re.compile(p, re.IGNORECASE)) for status, p in _STATUS_PATTERNS)
_BADGE_WORDS = tuple((status, re.compile(p, re.IGNORECASE)) for status, p in _BADGE_PATTERNS)
_FROM = re.compile(r"(?:^|\s)со?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Header:
    title: str
    title_line: int
    details: str | None
    details_line: int | None
    citation: Citation | None
    status: StatusNote | None
    body: list[Line]


def details_citation(text: str) -> CitationMatch | None:
    """The act a details line names first, when the line opens with that citation ("Указ …",
    "Қазақстан Республикасы Президентінің …", "Совместный приказ …") — never a title's lower-case tail."""
    if not text[:1].isupper():
        return None
    found = find_citations(text)
    if not found:
        return None
    first = found[0]
    if first.citation.act_type is None or len(text[: first.start].split()) > 3:
        return None
    return first


def looks_like_details(text: str) -> bool:
    return details_citation(text) is not None and footnote_body(text) is None


def status_in(text: str, source: str, line: int | None) -> StatusNote | None:
    """What a details line (after its first citation) or meta requisite says of the act's status."""
    for status, pattern in _STATUS_WORDS:
        match = pattern.search(text)
        if match is None:
            continue
        rest = text[match.end() :]
        by = next((c.citation for c in find_citations(rest) if c.citation.act_type), None)
        stated = next((d.date for d in find_dates(rest) if _FROM.search(rest[max(0, d.start - 4) : d.start])), None)
        return StatusNote(status, source, text[match.start() :].strip(), by, stated, line)  # type: ignore[arg-type]
    return None


def badge_status(text: str, line: int) -> StatusNote | None:
    for status, pattern in _BADGE_WORDS:
        if pattern.search(text):
            return StatusNote(status, "badge", text, None, None, line)
    return None


def _check_title(title: str, line: int) -> None:
    if cyrillic_count(title) < 3:
        raise AdiletParseError(f"no recognisable title (found {title[:60]!r})", line=line)
    marked = footnote_body(title) is not None or point_of(title) or subpoint_of(title) or heading_of(title)
    if marked or stamp_of([title]) is not None:
        raise AdiletParseError(f"no recognisable title: the document opens with body text {title[:60]!r}", line=line)


def _split_title_block(block: list[Line]) -> tuple[list[Line], list[Line]]:
    """Title lines of the first block, and the rest of it (a details line written right under it)."""
    for i, line in enumerate(block[1:], start=1):
        if looks_like_details(line.text) or footnote_body(line.text) is not None:
            return block[:i], block[i:]
    return block, []


def _marked_title(grouped: list[list[Line]]) -> tuple[list[Line], list[list[Line]]]:
    """The title the layout marks (<h1>, `#`) — a badge inside it may split it — and the blocks after it."""
    title = list(grouped[0])
    rest = list(grouped[1:])
    badges: list[list[Line]] = []
    while rest and rest[0][0].role in ("title", "badge"):
        block = rest.pop(0)
        if block[0].role == "title":
            title += block
        else:
            badges.append(block)
    return title, badges + rest


def read_header(lines: list[Line], *, meta_title: str | None = None, meta_requisite: str | None = None) -> Header:
    """Split one language block into its header and body lines."""
    if not lines:
        raise AdiletParseError("no text in this language block", line=0)
    badge: StatusNote | None = None
    titled = [i for i, line in enumerate(lines) if line.role == "title"]
    grouped = blocks(lines[titled[0] :] if titled else lines)
    first = grouped[0]
    if meta_title and not titled and block_text(first).lower() != " ".join(meta_title.split()).lower():
        title, title_line, rest = " ".join(meta_title.split()), 0, grouped
    elif titled:
        marked, rest = _marked_title(grouped)
        title, title_line = " ".join(line.text for line in marked), marked[0].no
    else:
        title_lines, tail = _split_title_block(first)
        title, title_line = block_text(title_lines), title_lines[0].no
        rest = ([tail] if tail else []) + grouped[1:]
    _check_title(title, title_line)
    details: tuple[str, int | None] | None = None
    while rest and rest[0][0].role in ("header", "badge", "title"):
        block = rest.pop(0)
        text = block_text(block)
        if block[0].role == "badge":
            badge = badge or badge_status(text, block[0].no)
        elif details is None and looks_like_details(text):
            details = (text, block[0].no)
    if details is None and rest and looks_like_details(block_text(rest[0])):
        block = rest.pop(0)
        details = (block_text(block), block[0].no)
    if details is None and meta_requisite:
        details = (" ".join(meta_requisite.split()), None)
    return _header(title, title_line, details, badge, [line for block in rest for line in block])


def _header(title: str, title_line: int, details: tuple[str, int | None] | None, badge: StatusNote | None,
            body: list[Line]) -> Header:
    if details is None:
        return Header(title, title_line, None, None, None, badge, body)
    text, line = details
    first = details_citation(text)
    citation = first.citation if first else None
    after = text[first.end :] if first else text
    source = "details" if line is not None else "meta"
    status = status_in(after, source, line) or badge
    if status is not None and badge is not None and status.by is None and status.status == badge.status:
        status = badge
    return Header(title, title_line, text, line, citation, status, body)
