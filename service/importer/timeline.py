"""The editions one document gives. Its text is the act's latest edition, valid from the latest change its
footnotes record; for every earlier change date, and for the act's entry into force, an earlier edition is
derived: a unit no footnote touches keeps the document's words, a unit a later change replaced, amended
or excluded is there without text (its earlier words are not in the document), a unit inserted later is
not there, and below a unit whose whole wording changed later nothing is known but the unit itself.
A change of the whole text leaves an earlier edition known only to exist (no units)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from service.domain.adilet.model import Expression
from service.domain.adilet.model import Unit as ParsedUnit
from service.domain.model import Unit
from service.domain.units import with_hashes
from service.importer.model import Change, EditionDraft, Lines

# Kinds of change after which nothing below the unit is known before the change.
_SUBTREE = ("new_edition", "amend", "exclude", "insert")


def edition_days(start: date | None, changes: Sequence[Change]) -> list[date]:
    """The days editions start on: the entry into force and every later dated change."""
    dated = sorted({c.day for c in changes if c.day is not None})
    if start is None:
        return dated
    return [start, *(d for d in dated if d > start)]


def _when(change: Change, last: date) -> date:
    """A change of unknown date is known only to precede the document: it shows in the latest edition only."""
    return change.day if change.day is not None else last


class _Index:
    """Parent links and the parser's wIds (what changes name) of one expression's units."""

    def __init__(self, expression: Expression) -> None:
        self.wid = {u.eid: u.wid for u in expression.units}
        self.parent = {u.eid: u.parent for u in expression.units}

    def ancestors(self, eid: str) -> list[str]:
        chain: list[str] = []
        current = self.parent.get(eid)
        while current is not None:
            chain.append(current)
            current = self.parent.get(current)
        return chain


def _unit(u: ParsedUnit, wid: str, known: bool) -> Unit:
    if known:
        return Unit(u.eid, wid, u.kind, u.num, u.heading, u.text if u.text is not None else "", True)
    return Unit(u.eid, wid, u.kind, u.num, None, None, False)


def units_on(day: date, expression: Expression, changes: Sequence[Change], last: date,
             wid_of: dict[str, str]) -> list[Unit]:
    """One language's units in the edition starting on `day`, hashed, in document order."""
    if any(c.unit is None and c.kind != "heading" and _when(c, last) > day for c in changes):
        return []
    by_unit: dict[str, list[Change]] = {}
    for c in changes:
        if c.unit is not None:
            by_unit.setdefault(c.unit, []).append(c)
    index = _Index(expression)
    out: list[Unit] = []
    for u in expression.units:
        later = [c for c in by_unit.get(u.wid, []) if _when(c, last) > day]
        above = [c for a in index.ancestors(u.eid) for c in by_unit.get(index.wid[a], [])
                 if c.kind in _SUBTREE and _when(c, last) > day]
        if above or any(c.kind == "insert" for c in later):
            continue
        out.append(_unit(u, wid_of.get(u.wid, u.wid), known=not later))
    return with_hashes(out)


def _note(day: date, changes: Sequence[Change], last: date, derived: bool, unknown: list[str]) -> str | None:
    notes = list(dict.fromkeys(c.note for c in changes if c.day == day and c.note))
    if derived and unknown:
        shown = ", ".join(unknown[:8]) + (", …" if len(unknown) > 8 else "")
        notes.append(f"Derived from a later text: the wording in force on {day.isoformat()} of {shown} "
                     "is not given by the source.")
    if not derived and any(c.day is None for c in changes):
        notes.append("Includes changes whose date the source does not give.")
    return " ".join(notes) or None


def editions(expressions: Sequence[Expression], changes: Sequence[Change], start: date | None,
             wid_of: dict[str, str], lines: Lines) -> list[EditionDraft]:
    """Every edition the document gives, oldest first; the last is the document's own text."""
    days = edition_days(start, changes)
    if not days:
        return []
    last = days[-1]
    drafts: list[EditionDraft] = []
    for day in days:
        derived = day != last
        langs = {e.language: units_on(day, e, changes, last, wid_of) for e in expressions}
        unknown = list(dict.fromkeys(u.wid for us in langs.values() for u in us if not u.text_available))
        if any(not us for us in langs.values()) and derived:
            unknown = ["the whole text"]
        sources = tuple(dict.fromkeys(c.acting for c in changes if c.day == day and c.acting is not None))
        drafts.append(EditionDraft(day, langs, sources, _note(day, changes, last, derived, unknown), derived,
                                   lines))
    return drafts
