"""What the Adilet parser returns: frozen values describing one document, its expressions and their facts.

Unit kinds map onto Akoma Ntoso elements (eId prefix in brackets): Раздел / бөлім → part (`part_N`),
Глава / тарау → chapter (`chp_N`), Параграф / параграф → subchapter (`subchp_N`), Статья / бап → article
(`art_N`), пункт → point (`point_N`), подпункт / тармақша → subpoint (`subpoint_N`), приложение / the
approval stamp → annex (`att_N`), Содержание / Мазмұны → toc (`toc`), the text before the first numbered
unit → preamble (`preamble`), the signature block → signature (`signature`), an unnumbered paragraph →
paragraph (`para_N`, positional within its parent). eIds join the path with `__`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Language = Literal["kk", "ru"]
Layout = Literal["text", "html", "markdown"]
UnitKind = Literal[
    "part", "chapter", "subchapter", "article", "point", "subpoint",
    "annex", "toc", "signature", "preamble", "paragraph",
]
EffectKind = Literal[
    "repeal_act", "repeal_unit", "new_edition", "amend", "insert", "exclude", "suspend", "resume", "note",
]
ClauseKind = Literal["amends", "repeals", "entry_into_force"]
StatusCode = Literal["in_force", "repealed", "expired", "suspended", "not_yet_in_force"]
RuleKind = Literal["on_date", "on_signing", "on_first_publication", "after_first_publication", "other"]

ACT_TYPES = ("law", "code", "decree", "resolution", "order", "constitutional_law", "normative_resolution")


@dataclass(frozen=True)
class Citation:
    """An act as a text names it. Any part may be missing; `text` is the words it was read from."""

    act_type: str | None
    date: dt.date | None
    number: str | None
    issuer: str | None
    issuer_name: str | None = None
    title: str | None = None
    registration_number: str | None = None
    registration_date: dt.date | None = None
    text: str = ""

    def same_act(self, other: Citation) -> bool:
        """Whether both name one act: same type and date, and same number when both give one."""
        if self.act_type != other.act_type or self.date != other.date or self.date is None:
            return False
        return self.number is None or other.number is None or self.number == other.number


@dataclass(frozen=True)
class EntryIntoForce:
    """When something takes effect, as the text states it: a date, or a rule relative to an anchor."""

    text: str
    rule: RuleKind
    effective_date: dt.date | None
    effective_rule: str | None
    earliest_offset_days: int | None
    anchor: Literal["signing", "first_official_publication"] | None


@dataclass(frozen=True)
class Unit:
    """A structural part of one expression. `text` is the unit's own lines joined with "\\n"."""

    eid: str
    wid: str
    kind: UnitKind
    num: str | None
    heading: str | None
    text: str | None
    parent: str | None
    line: int
    language: str


@dataclass(frozen=True)
class UnitRef:
    """A unit a footnote names ("пункт 4", "8-1-бап"); `eid` when it was found in the expression."""

    kind: str
    num: str | None
    text: str
    eid: str | None


@dataclass(frozen=True)
class Effect:
    """One typed, dated effect read from a footnote: what happened, to what, by which act, when."""

    kind: EffectKind
    target: str | None
    named_units: tuple[UnitRef, ...]
    acting: Citation | None
    effective_date: dt.date | None
    effective_rule: str | None
    earliest_offset_days: int | None
    suspended_until: dt.date | None
    raw: str
    line: int
    language: str


@dataclass(frozen=True)
class Footnote:
    """A "Сноска." / "Ескерту." note; `target` is the unit it is attached to, None for the whole act.
    `inline`: the note is the unit's own text, as an excluded point reads ("5. Исключен Указом …")."""

    text: str
    line: int
    target: str | None
    effects: tuple[Effect, ...]
    language: str
    inline: bool = False


@dataclass(frozen=True)
class EditorialNote:
    """An editor's remark ("Примечание ИЗПИ!", "ЗҚАИ-ның ескертпесі!"): not text of the act."""

    text: str
    line: int
    target: str | None
    language: str


@dataclass(frozen=True)
class Clause:
    """A provision of this act acting on an act: amends, repeals, or sets this act's entry into force."""

    kind: ClauseKind
    unit: str | None
    target: Citation | None
    entry_into_force: EntryIntoForce | None
    effective_date: dt.date | None
    text: str
    line: int
    language: str


@dataclass(frozen=True)
class Reference:
    """A citation of another act in the text (a `cites` relation), with the unit it occurs in."""

    citation: Citation
    unit: str | None
    line: int
    language: str


@dataclass(frozen=True)
class StatusNote:
    """The act's status as the document itself says it (details line, badge or meta)."""

    status: StatusCode
    source: Literal["details", "badge", "meta"]
    text: str
    by: Citation | None
    effective_date: dt.date | None
    line: int | None


@dataclass(frozen=True)
class DocumentMeta:
    """Requisites given beside a Markdown conversion (meta.yaml or front matter)."""

    act_code: str | None
    requisite: str | None
    titles: tuple[tuple[str, str], ...]
    form: str | None
    approved_on: dt.date | None
    version_dates: tuple[tuple[str, dt.date], ...]
    source: str | None
    requisites: tuple[tuple[str, str], ...] = ()

    def requisite_for(self, language: str) -> str | None:
        """The details line for one language: its own when the meta gives one per language."""
        return next((text for lang, text in self.requisites if lang == language), self.requisite)


@dataclass(frozen=True)
class Expression:
    """One language block of the document: its header, units and the facts read from them."""

    language: str
    title: str
    title_line: int
    details: str | None
    details_line: int | None
    citation: Citation | None
    status: StatusNote | None
    entry_into_force: EntryIntoForce | None
    version_date: dt.date | None
    units: tuple[Unit, ...]
    footnotes: tuple[Footnote, ...]
    notes: tuple[EditorialNote, ...]
    clauses: tuple[Clause, ...]
    references: tuple[Reference, ...]
    first_line: int
    last_line: int

    def unit(self, eid: str) -> Unit | None:
        return next((u for u in self.units if u.eid == eid), None)

    def children(self, eid: str | None) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if u.parent == eid)

    @property
    def effects(self) -> tuple[Effect, ...]:
        return tuple(e for f in self.footnotes for e in f.effects)


@dataclass(frozen=True)
class ActRequisites:
    """The act the document is: type, number, adoption date, issuer, titles, external ids."""

    act_type: str | None
    number: str | None
    adopted_on: dt.date | None
    issuer: str | None
    issuer_name: str | None
    registration_number: str | None
    registration_date: dt.date | None
    act_code: str | None
    titles: tuple[tuple[str, str], ...]

    def title(self, language: str) -> str | None:
        return next((t for lang, t in self.titles if lang == language), None)

    @property
    def work_uri(self) -> str | None:
        """The AKN work URI, e.g. /akn/kz/act/decree/2015-12-28/148, when type and date are known."""
        if self.act_type is None or self.adopted_on is None:
            return None
        tail = f"/{self.number}" if self.number else ""
        return f"/akn/kz/act/{self.act_type}/{self.adopted_on.isoformat()}{tail}"


@dataclass(frozen=True)
class ParsedDocument:
    """Everything one Adilet document says, per language, with its warnings."""

    layout: Layout
    act: ActRequisites
    status: StatusNote | None
    entry_into_force: EntryIntoForce | None
    expressions: tuple[Expression, ...]
    meta: DocumentMeta | None
    warnings: tuple[str, ...]

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(e.language for e in self.expressions)

    def expression(self, language: str) -> Expression | None:
        return next((e for e in self.expressions if e.language == language), None)

    @property
    def effects(self) -> tuple[Effect, ...]:
        return tuple(x for e in self.expressions for x in e.effects)

    @property
    def clauses(self) -> tuple[Clause, ...]:
        return tuple(c for e in self.expressions for c in e.clauses)

    @property
    def references(self) -> tuple[Reference, ...]:
        return tuple(r for e in self.expressions for r in e.references)
