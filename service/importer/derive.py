"""From a parsed Adilet document to the facts it records: its own act with its entry into force, the acts
it names, typed dated relations (footnotes, clauses, citations, the status line) and its editions.

Where a footnote names the acting act but no date, the date is the acting act's own (`basis:
convention`); where it gives only a rule ("after ten calendar days after first official publication"), the
rule is kept and the earliest day it allows recorded, the date itself left unknown. Nothing is invented:
what the document does not say stays unknown, and is reported as such.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta

from service.domain.adilet.model import Clause, Effect, Expression, ParsedDocument, StatusNote
from service.domain.model import EntryIntoForce
from service.importer.model import SELF, ActRef, Change, DocumentFacts, Lines, RelationDraft, merge_lines
from service.importer.naming import adilet_code
from service.importer.refs import ActRefs
from service.importer.timeline import editions

_RELATION_OF = {
    "repeal_act": "repeals", "repeal_unit": "repeals", "new_edition": "amends", "amend": "amends",
    "insert": "amends", "exclude": "amends", "suspend": "suspends", "resume": "resumes",
}
_CHANGE_OF = {"new_edition": "new_edition", "amend": "amend", "insert": "insert", "exclude": "exclude",
              "repeal_unit": "exclude"}
_PREFERRED = ("ru", "kk")  # the language whose words a merged fact keeps as its note


def _preferred(expressions: Iterable[Expression]) -> list[Expression]:
    return sorted(expressions, key=lambda e: _PREFERRED.index(e.language) if e.language in _PREFERRED else 9)


class _Reader:
    """Reads one document's facts; collects what it could not place."""

    def __init__(self, doc: ParsedDocument, wid_of: dict[str, str], document_day: date) -> None:
        self.doc = doc
        self.wid_of = wid_of
        self.document_day = document_day
        self.refs = ActRefs(doc.act)
        self.relations: list[RelationDraft] = []
        self.changes: list[Change] = []
        self.uncertain: list[str] = []
        self.skipped: list[str] = []
        self.eif = self._entry_into_force()

    # -- units ---------------------------------------------------------------------------------------------

    def wid(self, expression: Expression, eid: str | None) -> str | None:
        if eid is None:
            return None
        unit = expression.unit(eid)
        parser_wid = unit.wid if unit is not None else eid
        return self.wid_of.get(parser_wid, parser_wid)

    def parser_wid(self, expression: Expression, eid: str) -> str:
        unit = expression.unit(eid)
        return unit.wid if unit is not None else eid

    # -- entry into force ----------------------------------------------------------------------------------

    def _entry_into_force(self) -> EntryIntoForce:
        found = [(e, e.entry_into_force) for e in _preferred(self.doc.expressions) if e.entry_into_force]
        if not found:
            return EntryIntoForce()
        _, eif = found[0]
        text = " ".join(eif.text.split())
        if eif.effective_date is not None:
            return EntryIntoForce(eif.effective_date, text, None)
        act = self.doc.act
        anchor = act.registration_date or act.adopted_on
        if eif.earliest_offset_days is not None and anchor is not None:
            return EntryIntoForce(None, text, anchor + timedelta(days=eif.earliest_offset_days))
        self.uncertain.append(f"the entry into force is a rule without a date: {text}")
        return EntryIntoForce(None, text, None)

    def in_force_by(self) -> date | None:
        """The first day the act is known to have been in force: its earliest change the footnotes date."""
        day = min((c.day for c in self.changes if c.day is not None and c.certain), default=None)
        start = self.eif.date or self.eif.earliest
        return day if day is not None and (start is None or day >= start) else None

    @property
    def commencement(self) -> date | None:
        return self.eif.date or self.eif.earliest or self.doc.act.adopted_on

    # -- footnotes -----------------------------------------------------------------------------------------

    def _dates(self, effect: Effect) -> tuple[date | None, str | None, date | None, str]:
        """(effective date, rule, earliest, basis) of an effect."""
        acting = effect.acting
        if effect.effective_date is not None:
            return effect.effective_date, effect.effective_rule, None, "stated"
        if effect.earliest_offset_days is not None and acting is not None and acting.date is not None:
            return None, effect.effective_rule, acting.date + timedelta(days=effect.earliest_offset_days), "stated"
        if acting is not None and acting.date is not None:
            return acting.date, None, None, "convention"
        return None, None, None, "stated"

    def _targets(self, expression: Expression, effect: Effect) -> list[tuple[str | None, bool]]:
        """The units an effect changes, by eId in this expression, each with whether only its heading changed."""
        named = [(ref.eid, ref.kind == "heading") for ref in effect.named_units if ref.eid is not None]
        if named:
            return list(dict.fromkeys(named))
        if any(ref.kind == "heading" for ref in effect.named_units):
            return [(effect.target, True)]
        if effect.named_units and effect.target is None:
            words = ", ".join(ref.text for ref in effect.named_units)
            self.uncertain.append(f"{expression.language} line {effect.line}: the footnote names {words}, "
                                  "which is not in the text; recorded against the whole act")
        return [(effect.target, False)]

    def footnotes(self, expression: Expression) -> None:
        for effect in expression.effects:
            if effect.kind == "note":
                continue
            acting = self.refs.key_of(effect.acting, expression.language, effect.line)
            day, rule, earliest, basis = self._dates(effect)
            if acting is None:
                self.uncertain.append(f"{expression.language} line {effect.line}: the footnote names no act "
                                      f"Lextime can identify: {effect.raw}")
            for eid, heading_only in self._targets(expression, effect):
                self._change(expression, effect, eid, heading_only, acting, day or earliest, day is not None)
                if acting is not None and acting != SELF:
                    self._footnote_relation(expression, effect, self.wid(expression, eid), acting, day, rule,
                                            earliest, basis)

    def _change(self, expression: Expression, effect: Effect, eid: str | None, heading_only: bool,
                acting: int | None, day: date | None, certain: bool) -> None:
        kind = _CHANGE_OF.get(effect.kind)
        if kind is None:
            return
        # Changes name units by the parser's wId: the key the timeline looks them up by in every language.
        unit = self.parser_wid(expression, eid) if eid is not None else None
        self.changes.append(Change("heading" if heading_only else kind, unit, acting, day, certain, effect.raw))
        if day is None:
            self.uncertain.append(f"{expression.language} line {effect.line}: the date of this change is not "
                                  f"given: {effect.raw}")
        elif not certain:
            self.uncertain.append(f"{expression.language} line {effect.line}: the change takes effect on a "
                                  f"day not known, no earlier than {day.isoformat()}: {effect.raw}")

    def _footnote_relation(self, expression: Expression, effect: Effect, unit: str | None, acting: int,
                           day: date | None, rule: str | None, earliest: date | None, basis: str) -> None:
        kind = _RELATION_OF.get(effect.kind)
        if kind is None:
            return
        latest = None
        if kind == "repeals" and unit is None and day is None and self._says_repealed():
            latest = self.document_day
        ends = effect.suspended_until if kind == "suspends" else None
        if ends is not None and day is not None and ends <= day:
            ends = None
        # "С изменениями, внесенными …" under the title sums up the unit-level footnotes of the same acts.
        origin = "summary" if effect.kind == "amend" and unit is None else "footnote"
        self.relations.append(RelationDraft(
            kind, acting, None, SELF, unit, day, rule, earliest, latest, ends, basis, effect.raw,
            ((expression.language, effect.line, effect.line),), origin))

    def _says_repealed(self) -> bool:
        return self.doc.status is not None and self.doc.status.status == "repealed"

    # -- clauses and citations -----------------------------------------------------------------------------

    def clauses(self, expression: Expression) -> None:
        for clause in expression.clauses:
            if clause.kind == "entry_into_force":
                continue
            target = self.refs.key_of(clause.target, expression.language, clause.line)
            if target is None or target == SELF:
                self.skipped.append(f"{expression.language} line {clause.line}: a {clause.kind} clause whose act "
                                    f"cannot be identified: {clause.text[:160]}")
                continue
            self.relations.append(self._clause_relation(expression, clause, target))

    def _clause_relation(self, expression: Expression, clause: Clause, target: int) -> RelationDraft:
        lines: Lines = ((expression.language, clause.line, clause.line),)
        unit = self.wid(expression, clause.unit)
        text = " ".join(clause.text.split())
        if self.eif.date is not None:
            return RelationDraft(clause.kind, SELF, unit, target, None, self.eif.date, self.eif.rule, None, None,
                                 None, "stated", text, lines, "clause")
        if self.eif.earliest is not None:
            return RelationDraft(clause.kind, SELF, unit, target, None, None, self.eif.rule, self.eif.earliest,
                                 self.in_force_by(), None, "stated", text, lines, "clause")
        return RelationDraft(clause.kind, SELF, unit, target, None, self.doc.act.adopted_on, None, None, None, None,
                             "convention", text, lines, "clause")

    def references(self, expression: Expression) -> None:
        notes = {f.target for f in expression.footnotes if f.inline}  # "4. Исключен приказом …" cites nothing
        for ref in expression.references:
            if ref.unit in notes:
                continue
            target = self.refs.key_of(ref.citation, expression.language, ref.line)
            if target is None or target == SELF:
                continue
            self.relations.append(RelationDraft(
                "cites", SELF, self.wid(expression, ref.unit), target, None, None, None, None, None, None,
                "stated", ref.citation.text or None, ((expression.language, ref.line, ref.line),), "reference"))

    # -- the status line -----------------------------------------------------------------------------------

    def status(self, expression: Expression) -> None:
        note = expression.status
        if note is None or note.status == "in_force":
            return
        lines: Lines = ((expression.language, note.line, note.line),) if note.line else ()
        if note.status != "repealed":
            self.uncertain.append(f"the document says the act is {note.status.replace('_', ' ')} "
                                  f"({note.text}); Lextime records no date for it")
            return
        by = self.refs.key_of(note.by, expression.language, note.line or 0)
        self.relations.append(self._status_relation(note, by, lines))

    def _status_relation(self, note: StatusNote, by: int | None, lines: Lines) -> RelationDraft:
        text = " ".join(note.text.split())
        if by is not None and by != SELF:
            ref_date = note.by.date if note.by is not None else None
            if note.effective_date is not None:
                return RelationDraft("repeals", by, None, SELF, None, note.effective_date, None, None, None, None,
                                     "stated", text, lines, "status")
            return RelationDraft("repeals", by, None, SELF, None, ref_date, None, None, None, None, "convention",
                                 text, lines, "status")
        if note.effective_date is not None:
            return RelationDraft("repeals", SELF, None, SELF, None, note.effective_date, None, None, None, None,
                                 "stated", text, lines, "status")
        self.uncertain.append(f"the document says the act lost force ({text}) without saying when or by which "
                              f"act: repealed no later than {self.document_day.isoformat()}")
        # In force on the day of every change the document records, so repealed only after the last one.
        changed = [c.day for c in self.changes if c.day is not None and c.certain]
        earliest = max([d for d in (self.commencement, max(changed, default=None)) if d is not None], default=None)
        if earliest is not None and changed and earliest == max(changed):
            earliest += timedelta(days=1)
        return RelationDraft("repeals", SELF, None, SELF, None, None, None, earliest, self.document_day,
                             None, "stated", text, lines, "status")


def _merge(drafts: list[RelationDraft], languages: tuple[str, ...]) -> list[RelationDraft]:
    """One relation per fact, whichever languages and places state it; a convention date gives way to a
    stated one for the same effect, an act-level summary footnote to the unit-level ones it sums up."""
    groups: dict[tuple[object, ...], list[RelationDraft]] = {}
    for d in drafts:
        key = (d.type, d.source, d.source_unit, d.target, d.target_unit, d.effective_date, d.effective_earliest,
               d.ends_on)
        groups.setdefault(key, []).append(d)
    merged = []
    for group in groups.values():
        best = min(group, key=lambda d: (d.origin not in ("footnote", "summary", "clause"),
                                         _rank(d.lines, languages)))
        latest = max((d.effective_latest for d in group if d.effective_latest), default=None)
        merged.append(replace(best, lines=merge_lines(*(d.lines for d in group)), effective_latest=latest))
    stated = {(d.type, d.source, d.target, d.target_unit) for d in merged if d.basis == "stated"
              and (d.effective_date or d.effective_earliest)}
    unit_level = {(d.type, d.source, d.target) for d in merged if d.target_unit is not None}
    kept = []
    for d in merged:
        if d.basis == "convention" and (d.type, d.source, d.target, d.target_unit) in stated:
            continue
        if d.origin == "summary" and (d.type, d.source, d.target) in unit_level:
            continue
        if d.source == SELF and d.target == SELF and any(
                x.type == "repeals" and x.target == SELF and x.target_unit is None and x.source != SELF
                for x in merged):
            continue  # the status line's undated repeal, when a footnote or header names the act that did it
        kept.append(d)
    return kept


def _rank(lines: Lines, languages: tuple[str, ...]) -> int:
    langs = [lang for lang, _, _ in lines]
    return min((_PREFERRED.index(lang) if lang in _PREFERRED else 9 for lang in langs), default=9)


def _whole_text_changes(changes: list[Change]) -> list[Change]:
    """An act-level "with amendments by X" footnote sums up X's unit-level footnotes when there are any."""
    unit_level = {c.acting for c in changes if c.unit is not None}
    merged: dict[tuple[object, ...], Change] = {}
    for c in changes:
        if c.unit is None and c.kind == "amend" and c.acting in unit_level:
            continue
        merged.setdefault((c.kind, c.unit, c.acting, c.day), c)
    return list(merged.values())


def external_ids(doc: ParsedDocument, name: str | None, given: Iterable[str]) -> tuple[str, ...]:
    """The identifiers the document carries: the caller's, the meta's act code, an Adilet code in its name."""
    found = [*given]
    if doc.meta is not None and doc.meta.act_code:
        found.append(doc.meta.act_code)
    code = adilet_code(name)
    if code:
        found.append(code)
    return tuple(dict.fromkeys(found))


def derive(doc: ParsedDocument, *, document_day: date, wid_of: dict[str, str] | None = None,
           name: str | None = None, given_ids: Iterable[str] = ()) -> DocumentFacts:
    """The facts one parsed document records. `wid_of` maps the parser's wIds to the store's (renumbering)."""
    reader = _Reader(doc, wid_of or {}, document_day)
    for expression in _preferred(doc.expressions):
        reader.footnotes(expression)
    for expression in _preferred(doc.expressions):
        reader.status(expression)
        reader.clauses(expression)
        reader.references(expression)
    changes = _whole_text_changes(reader.changes)
    act = doc.act
    own = ActRef(SELF, act.act_type or "", act.adopted_on, act.number, act.issuer, act.issuer_name, act.titles,
                 tuple((e.language, e.details) for e in doc.expressions if e.details),
                 tuple((e.language, e.title_line, e.details_line or e.title_line) for e in doc.expressions))
    edition_lines = tuple((e.language, e.first_line, e.last_line) for e in doc.expressions)
    drafts = editions(doc.expressions, changes, reader.commencement, reader.wid_of, edition_lines)
    if not drafts:
        reader.uncertain.append("the document gives no date from which its text applies: no edition recorded")
    return DocumentFacts(
        own=own, titles=act.titles, languages=doc.languages, external_ids=external_ids(doc, name, given_ids),
        entry_into_force=reader.eif, cited=reader.refs.cited(),
        relations=tuple(_merge(reader.relations, doc.languages)), editions=tuple(drafts),
        own_lines=own.lines, uncertain=tuple(dict.fromkeys(reader.uncertain)),
        skipped=tuple(dict.fromkeys(reader.skipped)),
    )
