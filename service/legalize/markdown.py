"""A law's Markdown body as units, such that the units, joined with their line breaks, give back the body
exactly (in the normalised form every Lextime text takes: service.domain.texts.normalise_text).

What starts a unit, on any line:
- a container heading: LIBRO / PARTE (part), TÍTULO (title), CAPÍTULO (chapter), SUBCAPÍTULO (subchapter),
  SECCIÓN / SUBSECCIÓN (section), and Раздел / Глава / Параграф, each with its number; the unit holds the
  heading's lines up to the next blank line. eIds nest by level: `title_1__chp_2`.
- an article: `Artículo N.`, `Artículo N.-`, `ARTÍCULO PRIMERO.-`, `Artículo 90-A.`, `Artículo único.`,
  `Статья N.`, `N-бап.`; it holds every line up to the next unit start, blank lines included. eId
  `art_N`; a number met twice (an annex with its own articles) is scoped by its container.
- in a section of dispositions ("DISPOSICIONES FINALES …"), `Primera.`, `SEGUNDA.-`, …: a clause
  (`…__clause_2`), held like an article.
- any other heading: a Markdown heading line, or a block (lines between blank lines) written all in
  capitals: a generic container, `hcontainer_N`.
A citation at the start of a line ("Artículo 1 de la Ley 31878, …") is not an article: the number must be
followed by `.`, `.-`, `:` or a dash. Everything else is paragraphs, one per block, numbered within
their container (`chp_1__para_2`). Markdown markers (`#`, `**`, `>`) are part of the text; they are only
looked through when recognising a line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from service.domain.model import Unit
from service.domain.texts import normalise_text

# Markdown markers at the start of a line: headings' #s, quotes' >, emphasis' * and _ (see _plain).
_LEADING = re.compile(r"(?:#{1,6}(?:\s+|$)|>\s*|[*_]+\s*)+")
_ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
_NUM = r"(?P<num>[0-9]+(?:[-–]?[A-Za-z]{1,3}\b)?|[^\W\d_]+)"

_CONTAINERS: tuple[tuple[str, str, str, int], ...] = (
    # keyword, kind, eId prefix, level (smaller is higher)
    ("LIBRO", "part", "book", 0),
    ("PARTE", "part", "part", 0),
    ("РАЗДЕЛ", "part", "part", 0),
    ("T[ÍI]TULO", "title", "title", 1),
    ("SUBCAP[ÍI]TULO", "subchapter", "subchp", 3),
    ("CAP[ÍI]TULO", "chapter", "chp", 2),
    ("ГЛАВА", "chapter", "chp", 2),
    ("ПАРАГРАФ", "subchapter", "subchp", 3),
    ("SUBSECCI[ÓO]N", "section", "subsec", 5),
    ("SECCI[ÓO]N", "section", "sec", 4),
)
_CONTAINER = re.compile(
    r"(?P<key>" + "|".join(k for k, *_ in _CONTAINERS) + r")\s+" + _NUM + r"(?P<rest>.*)", re.IGNORECASE
)
_ARTICLE = re.compile(
    r"(?:ART[ÍI]CULO|ART\.|СТАТЬЯ)\s+" + _NUM + r"(?P<mark>\s?[°º])?\s?(?P<sep>\.-|\.–|\.—|\.|:|-|–|—)?(?P<rest>.*)",
    re.IGNORECASE,
)
_BAP = re.compile(r"(?P<num>[0-9]+(?:-[0-9]+)?)-бап(?P<sep>\.)?(?P<rest>.*)", re.IGNORECASE)
_CLAUSE = re.compile(r"(?P<num>[^\W\d_]+)\s?(?P<sep>\.-|\.–|\.|:|-|–)(?P<rest>.*)")
_ORDINALS = {
    "primero": 1, "segundo": 2, "tercero": 3, "cuarto": 4, "quinto": 5, "sexto": 6, "septimo": 7, "setimo": 7,
    "octavo": 8, "noveno": 9, "decimo": 10, "undecimo": 11, "decimoprimero": 11, "duodecimo": 12,
    "decimosegundo": 12, "decimotercero": 13, "decimocuarto": 14, "decimoquinto": 15, "decimosexto": 16,
    "decimoseptimo": 17, "decimosetimo": 17, "decimoctavo": 18, "decimonoveno": 19, "vigesimo": 20,
}
_WORDS = {"unico": "unico", "preliminar": "preliminar"}
_NOT_AN_EID = re.compile(r"[^0-9A-Za-z.\-]+")
_DISPOSITIONS = re.compile(r"DISPOSICI(?:ÓN|ON|ONES)(?:[ ,]+[A-ZÁÉÍÓÚÑ]+)*\*?")


def _plain(line: str) -> str:
    """The line without the Markdown markers around it, for recognising what it starts."""
    first, last = line[:1], line[-1:]
    if first and first not in "#>*_" and last not in "*_" and not first.isspace() and not last.isspace():
        return line  # nothing to take off: a marker starts with one of #>*_ or ends with one of *_ or a space
    # The leading markers, then the run of *, _ and spaces at the end (a trailing pattern tried by re at
    # every position of the line cost more than the rest of parsing it).
    leading = _LEADING.match(line)
    rest = line[leading.end():] if leading else line
    while True:
        trimmed = rest.rstrip().rstrip("*_")
        if trimmed == rest:
            return rest.strip()
        rest = trimmed


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word.lower()) if unicodedata.category(c) != "Mn")


def _word_number(word: str) -> str | None:
    """A number written as a word: ordinals (primero/primera → 1), único, preliminar; roman numerals."""
    if _ROMAN.fullmatch(word.upper()) and word.strip():
        return str(_roman(word.upper()))
    folded = _fold(word).replace(" ", "")
    if folded in _WORDS:
        return _WORDS[folded]
    masculine = folded[:-1] + "o" if folded.endswith("a") else folded
    value = _ORDINALS.get(masculine)
    return str(value) if value is not None else None


def _roman(text: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for i, c in enumerate(text):
        v = values[c]
        total += -v if i + 1 < len(text) and values[text[i + 1]] > v else v
    return total


def _eid_num(num: str) -> str:
    """A number as an eId component: digits and suffixes as written (lower case), words as their number."""
    if num[:1].isdigit():
        return _NOT_AN_EID.sub("-", num.replace("–", "-")).strip("-").lower()
    word = _word_number(num)
    return word if word is not None else (_NOT_AN_EID.sub("-", _fold(num)).strip("-") or "x")


def _heading(rest: str) -> str | None:
    text = _plain(rest).strip(" .-–—:[]*")
    return text[:500] or None


@dataclass(frozen=True)
class _Start:
    kind: str
    prefix: str
    num: str | None
    heading: str | None
    level: int | None = None  # containers only
    holds_following: bool = False  # articles and clauses hold every line up to the next start
    dispositions: bool = False


def _container(plain: str) -> _Start | None:
    m = _CONTAINER.fullmatch(plain)
    if m is None:
        return None
    num, rest = m.group("num"), m.group("rest")
    if not num[:1].isdigit() and _word_number(num) is None:
        return None
    if re.match(r"\s*[a-záéíóúñ]", rest):  # "Capítulo XIV del Título IV": a citation, not a heading
        return None
    key = m.group("key").upper()
    for pattern, kind, prefix, level in _CONTAINERS:
        if re.fullmatch(pattern, key, re.IGNORECASE):
            return _Start(kind, prefix, num, _heading(rest), level=level)
    return None  # pragma: no cover - every keyword of the pattern is in the table


def _article(plain: str) -> _Start | None:
    m = _ARTICLE.fullmatch(plain) or _BAP.fullmatch(plain)
    if m is None:
        return None
    num, sep, rest = m.group("num"), m.group("sep"), m.group("rest")
    if not num[:1].isdigit() and _word_number(num) is None:
        return None
    if sep is None and rest.strip() and not rest.lstrip().startswith(("[", "*")):
        return None  # "Artículo 1 de la Ley 31878": a citation
    return _Start("article", "art", num, _heading(rest), holds_following=True)


def _clause(plain: str) -> _Start | None:
    m = _CLAUSE.fullmatch(plain)
    if m is None or _word_number(m.group("num")) is None or _ROMAN.fullmatch(m.group("num").upper()):
        return None
    return _Start("clause", "clause", m.group("num"), _heading(m.group("rest")), holds_following=True)


_SHORT_BLOCK = 200


def _all_capitals(plains: list[str]) -> bool:
    """A short block (at most 200 characters) whose letters, three at least, are all capitals."""
    text = " ".join(plains)
    return len(text) <= _SHORT_BLOCK and text.isupper() and sum(1 for c in text if c.isalpha()) >= 3


@dataclass
class _Span:
    start: _Start | None  # None: a paragraph
    first: int
    last: int
    scope: str = ""  # the container eId a paragraph or scoped article belongs to


@dataclass
class _Parser:
    lines: list[str]
    spans: list[_Span] = field(default_factory=list)
    dispositions: bool = False
    plains: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.plains = [_plain(line) for line in self.lines]

    def block(self, i: int) -> list[str]:
        """The plain lines from i to the next blank line, or more than a short block's worth: enough to tell."""
        j, size = i, len(self.lines[i])
        while j + 1 < len(self.lines) and self.lines[j + 1] and size <= _SHORT_BLOCK:
            j += 1
            size += len(self.lines[j])
        return self.plains[i:j + 1]

    def start_at(self, i: int) -> _Start | None:
        line = self.lines[i]
        plain = self.plains[i]
        found = _container(plain) or _article(plain) or (_clause(plain) if self.dispositions else None)
        if found is not None:
            return found
        block_start = i == 0 or not self.lines[i - 1]
        heading = line.lstrip().startswith("#") or _DISPOSITIONS.fullmatch(plain) is not None or (
            block_start and _all_capitals(self.block(i)))
        if heading:
            return _Start("other", "hcontainer", None, plain[:500] or None,
                          dispositions=bool(re.search(r"DISPOSICI", plain, re.IGNORECASE)))
        return None

    def parse(self) -> list[_Span]:
        current: _Span | None = None
        blank_since = False
        for i, line in enumerate(self.lines):
            if not line:
                blank_since = True
                continue
            start = self.start_at(i)
            if start is not None:
                current = _Span(start, i, i)
                self.spans.append(current)
                if start.level is not None or start.kind == "other":
                    self.dispositions = start.dispositions or bool(
                        start.heading and re.search(r"DISPOSICI", start.heading, re.IGNORECASE))
            elif current is not None and (
                (current.start is not None and current.start.holds_following) or not blank_since
            ):
                current.last = i
            else:
                current = _Span(None, i, i)
                self.spans.append(current)
            blank_since = False
        return self.spans


@dataclass
class _Ids:
    """eIds in document order: containers nest by level, paragraphs count within their container."""

    stack: list[tuple[int, str]] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    counters: dict[str, int] = field(default_factory=dict)
    scope: str = ""

    def _count(self, key: str) -> int:
        self.counters[key] = self.counters.get(key, 0) + 1
        return self.counters[key]

    def _unique(self, eid: str) -> str:
        candidate, n = eid, 1
        while candidate in self.used:
            n += 1
            candidate = f"{eid}__dup_{n}"
        self.used.add(candidate)
        return candidate

    def _scoped(self, local: str) -> str:
        return f"{self.scope}__{local}" if self.scope else local

    def of(self, start: _Start | None) -> str:
        if start is None:
            return self._unique(self._scoped(f"para_{self._count('para:' + self.scope)}"))
        if start.kind == "other":
            eid = self._unique(f"hcontainer_{self._count('hcontainer')}")
            self.scope = eid
            return eid
        if start.level is not None:
            self.stack = [(lvl, e) for lvl, e in self.stack if lvl < start.level]
            parent = self.stack[-1][1] if self.stack else ""
            local = f"{start.prefix}_{_eid_num(start.num or 'x')}"
            eid = self._unique(f"{parent}__{local}" if parent else local)
            self.stack.append((start.level, eid))
            self.scope = eid
            return eid
        local = f"{start.prefix}_{_eid_num(start.num or 'x')}"
        if start.kind == "article" and local not in self.used:
            return self._unique(local)
        return self._unique(self._scoped(local))


def units_from_markdown(body: str) -> list[Unit]:
    """The units of a Markdown body, each with the line breaks before it; joined (units.text_of) they give
    back normalise_text(body)."""
    text = normalise_text(body)
    if not text:
        return []
    lines = text.split("\n")
    ids = _Ids()
    units = []
    previous_last = None
    for span in _Parser(lines).parse():
        eid = ids.of(span.start)
        s = span.start
        units.append(Unit(
            eid=eid, wid=eid, kind=s.kind if s else "paragraph", num=s.num if s else None,
            heading=s.heading if s else None, text="\n".join(lines[span.first:span.last + 1]), text_available=True,
            breaks=0 if previous_last is None else span.first - previous_last,
        ))
        previous_last = span.last
    return units


def article_eid(num: str) -> str:
    """The eId an article numbered `num` gets when its number is met once (`7` → `art_7`, `90-A` → `art_90-a`)."""
    return f"art_{_eid_num(num)}"
