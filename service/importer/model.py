"""What one document says, before it is matched against the store: the acts it names, the relations and
editions it gives, each with the lines it was read from. Frozen values, free of I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from service.domain.model import EntryIntoForce, Unit

SELF = 0  # the ActRef key of the document's own act
Lines = tuple[tuple[str, int, int], ...]  # (language, first line, last line)


def merge_lines(*spans: Lines) -> Lines:
    """Spans by language, one per language: the smallest first line and largest last line seen."""
    merged: dict[str, tuple[int, int]] = {}
    for span in spans:
        for lang, first, last in span:
            lo, hi = merged.get(lang, (first, last))
            merged[lang] = (min(lo, first), max(hi, last))
    return tuple((lang, lo, hi) for lang, (lo, hi) in merged.items())


def lines_json(lines: Lines) -> dict[str, list[int]]:
    return {lang: [first, last] for lang, first, last in lines}


@dataclass(frozen=True)
class ActRef:
    """An act the document names: its own act (key SELF) or one it cites, with what the words give."""

    key: int
    act_type: str
    adopted_on: date | None
    number: str | None
    issuer: str | None
    issuer_name: str | None
    titles: tuple[tuple[str, str], ...]  # real titles, by language, as the citations give them
    words: tuple[tuple[str, str], ...]  # the citation's own words, by language
    lines: Lines
    issuer_names: tuple[tuple[str, str], ...] = ()  # the issuer as the citation words it, by language

    def issuer_words(self, language: str) -> str | None:
        return next((t for lang, t in self.issuer_names if lang == language), None)

    def title(self, language: str) -> str | None:
        return next((t for lang, t in self.titles if lang == language), None)

    @property
    def label(self) -> str:
        number = f" № {self.number}" if self.number else ""
        day = f" of {self.adopted_on.isoformat()}" if self.adopted_on else ""
        return f"{self.act_type}{day}{number}"


@dataclass(frozen=True)
class RelationDraft:
    """A typed, dated effect between two ActRefs; units by wId."""

    type: str
    source: int
    source_unit: str | None
    target: int
    target_unit: str | None
    effective_date: date | None
    effective_rule: str | None
    effective_earliest: date | None
    effective_latest: date | None
    ends_on: date | None
    basis: str
    note: str | None
    lines: Lines
    origin: str  # footnote | clause | reference | status


@dataclass(frozen=True)
class Change:
    """A footnote's change of the text: a unit (by wId; None: the whole text) changed on `day`."""

    kind: str  # new_edition | amend | insert | exclude | heading
    unit: str | None
    acting: int | None
    day: date | None
    certain: bool
    note: str


@dataclass(frozen=True)
class EditionDraft:
    """An edition the document gives: its own text (the latest) or an earlier one derived from it."""

    valid_from: date
    expressions: dict[str, list[Unit]]  # hashed units, document order
    sources: tuple[int, ...]  # ActRef keys of the acts that produced it
    note: str | None
    derived: bool
    lines: Lines


@dataclass(frozen=True)
class DocumentFacts:
    """Everything the importer takes from one parsed document."""

    own: ActRef
    titles: tuple[tuple[str, str], ...]
    languages: tuple[str, ...]
    external_ids: tuple[str, ...]
    entry_into_force: EntryIntoForce
    cited: tuple[ActRef, ...]
    relations: tuple[RelationDraft, ...]
    editions: tuple[EditionDraft, ...]
    own_lines: Lines
    uncertain: tuple[str, ...] = field(default=())
    skipped: tuple[str, ...] = field(default=())

    def ref(self, key: int) -> ActRef:
        return self.own if key == SELF else next(r for r in self.cited if r.key == key)
