"""What an import adds to the store: the document's facts matched against what is recorded, and only what
is new kept. Runs inside the import's write transaction, so that what it read is what the entry follows.

- Acts: the document's own act and every act it names are found by citation (type, date, number, title)
  or created; a recorded act the document says more about (a title, a number, its entry into force, an
  identifier) gets a new version, never a second record.
- Editions: a date with no recorded edition gets the document's; the document's own text replaces a
  recorded edition of the same date that differs; an edition derived from a later text only fills gaps
  in a recorded one of the same structure, never overwrites words the store has.
- Relations: an effect already recorded is not recorded again; a recorded date by convention (or a window)
  gives way to a stated one, never the other way round.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import asyncpg

from service.domain import derived
from service.domain.adilet.model import ParsedDocument
from service.domain.errors import Conflict, Invalid
from service.domain.model import Act, Edition, EntryIntoForce, Relation, Unit
from service.domain.records import act_payload, akn_work_uri, edition_record, new_id, relation_payload
from service.domain.units import completeness
from service.importer.derive import derive
from service.importer.matching import Wanted, matching_acts, real_titles
from service.importer.model import SELF, ActRef, DocumentFacts, EditionDraft, RelationDraft, lines_json
from service.importer.naming import designation, issuing_body
from service.importer.wids import derive_wids
from service.store import acts as acts_store
from service.store import editions as editions_store
from service.store.db import LATEST

JURISDICTION = "kz"


class UnidentifiedAct(Invalid, slug="unidentified-act"):
    """The document does not say which act it is."""


class AmbiguousAct(Conflict, slug="ambiguous-act"):
    """Several recorded acts fit the document's own act; Lextime does not guess which one it completes."""


@dataclass
class Plan:
    """The facts of one import entry, the texts they reference, and the account of what was done."""

    act_id: str
    akn_uri: str | None
    facts: list[dict[str, Any]] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    acts_created: list[dict[str, Any]] = field(default_factory=list)
    acts_completed: list[dict[str, Any]] = field(default_factory=list)
    editions_created: list[dict[str, Any]] = field(default_factory=list)
    editions_revised: list[dict[str, Any]] = field(default_factory=list)
    relations_created: list[dict[str, Any]] = field(default_factory=list)
    relations_revised: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)
    derived: list[int] = field(default_factory=list)  # facts: editions derived from the document's own
    own_edition: int | None = None  # fact: the document's own edition, when recorded

    def compact_derived(self) -> None:
        """Derived editions written as the document's own edition less what they lack (see domain.derived)."""
        if self.own_edition is None:
            return
        base = self.facts[self.own_edition]
        for i in self.derived:
            short = derived.compact(self.facts[i], base, self.own_edition)
            if short is not None:
                self.facts[i] = short


def _wanted(ref: ActRef) -> Wanted:
    return Wanted(ref.act_type, ref.adopted_on, ref.number, ref.titles)


def _same_act_record(a: Act, b: Act) -> bool:
    return act_payload(a) == act_payload(b)


class _Planner:
    def __init__(self, conn: asyncpg.Connection, doc: ParsedDocument) -> None:
        self.conn = conn
        self.doc = doc
        self.ids: dict[int, str] = {}

    # -- the document's own act ----------------------------------------------------------------------------

    async def own_act(self, external_ids: Sequence[str]) -> Act | None:
        act = self.doc.act
        aliases = [*external_ids]
        if act.act_type and act.adopted_on:
            uri = akn_work_uri(JURISDICTION, act.act_type, act.adopted_on, act.number)
            aliases += [uri] if uri else []
        for alias in aliases:
            found = await acts_store.act_id_by_alias(self.conn, alias=alias, as_of=LATEST)
            if found is not None:
                return await acts_store.get_act(self.conn, act_id=found, as_of=LATEST)
        if not act.act_type or act.adopted_on is None:
            raise UnidentifiedAct("the document does not say which act it is: no act type or adoption date in its "
                                  "details line, title block or meta.yaml")
        matches = await matching_acts(self.conn, Wanted(act.act_type, act.adopted_on, act.number, act.titles))
        if len(matches) > 1:
            raise AmbiguousAct(f"{len(matches)} recorded acts fit the document's act ({act.act_type} of "
                               f"{act.adopted_on.isoformat()}); record which one it is with an external id",
                               candidates=[m.id for m in matches])
        return matches[0] if matches else None

    async def latest_units(self, act: Act | None) -> dict[str, list[Unit]]:
        if act is None:
            return {}
        editions = await editions_store.editions_of_act(self.conn, act_id=act.id, as_of=LATEST)
        if not editions:
            return {}
        last = editions[-1]
        return {lang: await editions_store.expression_at(self.conn, act_id=act.id, lang=lang, day=last.valid_from,
                                                         as_of=LATEST) for lang in last.languages}


def _own_record(facts: DocumentFacts, existing: Act | None) -> Act:
    ref = facts.own
    titles = dict(facts.titles)
    eif = facts.entry_into_force
    if existing is None:
        return Act(
            id=new_id(), jurisdiction=JURISDICTION, type=ref.act_type, number=ref.number, adopted_on=ref.adopted_on,
            issuing_body=issuing_body(ref.issuer, ref.issuer_name), titles=titles, languages=facts.languages,
            publication_date=None, publication_source=None, entry_into_force=eif, expires_on=None,
            akn_uri=akn_work_uri(JURISDICTION, ref.act_type, ref.adopted_on, ref.number),
            external_ids=facts.external_ids,
        )
    number = existing.number or ref.number
    return replace(
        existing, number=number, issuing_body=existing.issuing_body or issuing_body(ref.issuer, ref.issuer_name),
        titles={**existing.titles, **titles}, languages=tuple(dict.fromkeys([*existing.languages, *facts.languages])),
        entry_into_force=_entry_into_force(existing.entry_into_force, eif),
        akn_uri=existing.akn_uri or akn_work_uri(JURISDICTION, existing.type, existing.adopted_on, number),
        external_ids=tuple(sorted({*existing.external_ids, *facts.external_ids})),
    )


def _entry_into_force(recorded: EntryIntoForce, given: EntryIntoForce) -> EntryIntoForce:
    """The document's entry into force, unless it says nothing or only words the same dates in another language."""
    if given.date is None and given.rule is None and given.earliest is None:
        return recorded
    if (recorded.date, recorded.earliest) == (given.date, given.earliest) and recorded.rule:
        return recorded
    return given


def _by_reference(ref: ActRef, languages: Sequence[str]) -> Act:
    """An act known only from a citation: what the citation gives, a designation for a title, no text."""
    seen = [lang for lang in languages if lang in dict(ref.words) or lang in dict(ref.titles)]
    titles = {lang: ref.title(lang) or designation(ref.act_type, ref.adopted_on, ref.number, ref.issuer, lang,
                                                   ref.issuer_words(lang)) or ""
              for lang in seen or ["ru"]}
    return Act(
        id=new_id(), jurisdiction=JURISDICTION, type=ref.act_type, number=ref.number, adopted_on=ref.adopted_on,
        issuing_body=issuing_body(ref.issuer, ref.issuer_name), titles={k: v for k, v in titles.items() if v},
        languages=tuple(titles), publication_date=None, publication_source=None,
        entry_into_force=EntryIntoForce(), expires_on=None,
        akn_uri=akn_work_uri(JURISDICTION, ref.act_type, ref.adopted_on, ref.number), external_ids=(),
    )


def _completed(existing: Act, ref: ActRef) -> Act:
    """A recorded act with what a citation adds: its number, real titles in place of designations."""
    number = existing.number or ref.number
    real = real_titles(existing)
    titles = dict(existing.titles)
    for lang, title in ref.titles:
        if lang not in real:
            titles[lang] = title
    return replace(existing, number=number, titles=titles,
                   languages=tuple(dict.fromkeys([*existing.languages, *titles])),
                   akn_uri=existing.akn_uri or akn_work_uri(JURISDICTION, existing.type, existing.adopted_on, number))


def _act_note(act: Act) -> dict[str, Any]:
    return {"id": act.id, "type": act.type, "number": act.number,
            "adopted_on": act.adopted_on.isoformat() if act.adopted_on else None, "akn_uri": act.akn_uri}


async def _plan_acts(p: _Planner, plan: Plan, facts: DocumentFacts, own: Act | None) -> None:
    record = _own_record(facts, own)
    p.ids[SELF] = record.id
    lines = lines_json(facts.own_lines)
    if own is None:
        plan.facts.append({"op": "create_act", **act_payload(record), "lines": lines})
        plan.acts_created.append({**_act_note(record), "by_reference": False})
    elif not _same_act_record(own, record):
        plan.facts.append({"op": "revise_act", **act_payload(record), "lines": lines})
        plan.acts_completed.append(_act_note(record))
    planned = {record.id}
    for ref in facts.cited:
        matches = [m for m in await matching_acts(p.conn, _wanted(ref)) if m.id != record.id]
        if len(matches) > 1:
            plan.skipped.append(f"{ref.label}: {len(matches)} recorded acts fit the citation; its relations are "
                                "not recorded")
            continue
        if not matches:
            act = _by_reference(ref, facts.languages)
            plan.facts.append({"op": "create_act", **act_payload(act), "lines": lines_json(ref.lines)})
            plan.acts_created.append({**_act_note(act), "by_reference": True})
            p.ids[ref.key] = act.id
            continue
        found = matches[0]
        p.ids[ref.key] = found.id
        completed = _completed(found, ref)
        if found.id not in planned and not _same_act_record(found, completed):
            plan.facts.append({"op": "revise_act", **act_payload(completed), "lines": lines_json(ref.lines)})
            plan.acts_completed.append(_act_note(completed))
        planned.add(found.id)


# -- editions ----------------------------------------------------------------------------------------------

def _unit_key(u: Unit) -> tuple[object, ...]:
    return (u.eid, u.wid, u.kind, u.num, u.heading, u.sha256 if u.text_available else None, u.text_available)


def _fill(stored: list[Unit], new: list[Unit]) -> list[Unit]:
    """A derived expression merged into a recorded one of the same structure: words the store has are kept,
    words it lacks are taken from the document."""
    if [u.wid for u in stored] != [u.wid for u in new]:
        return stored
    return [s if s.text_available or not n.text_available else n for s, n in zip(stored, new, strict=True)]


async def _plan_edition(p: _Planner, plan: Plan, draft: EditionDraft, recorded: dict[date, Edition]) -> None:
    act_id = p.ids[SELF]
    expressions = {lang: list(units) for lang, units in draft.expressions.items()}
    existing = recorded.get(draft.valid_from)
    op = "add_edition"
    if existing is not None:
        stored = {lang: await editions_store.expression_at(p.conn, act_id=act_id, lang=lang, day=draft.valid_from,
                                                           as_of=LATEST) for lang in existing.languages}
        if not draft.derived:
            merged = {**stored, **expressions}
        else:
            merged = {**stored, **{lang: _fill(stored[lang], units) if lang in stored else units
                                   for lang, units in expressions.items()}}
        if all(lang in stored and [_unit_key(u) for u in stored[lang]] == [_unit_key(u) for u in units]
               for lang, units in merged.items()):
            return
        expressions, op = merged, "replace_edition"
    sources = [p.ids[k] for k in draft.sources if k in p.ids]
    rec = edition_record(act_id=act_id, valid_from=draft.valid_from, source_acts=sources, note=draft.note,
                         completeness=completeness(expressions), expressions=expressions)
    plan.facts.append({"op": op, **rec.payload, "lines": lines_json(draft.lines)})
    if draft.derived and op == "add_edition":
        plan.derived.append(len(plan.facts) - 1)
    elif not draft.derived:
        plan.own_edition = len(plan.facts) - 1
    plan.texts.update(rec.texts)
    note = {"valid_from": draft.valid_from.isoformat(), "text_completeness": rec.payload["text_completeness"],
            "derived": draft.derived}
    (plan.editions_created if op == "add_edition" else plan.editions_revised).append(note)


# -- relations ---------------------------------------------------------------------------------------------

def _effect(r: Relation) -> tuple[object, ...]:
    return (r.type, r.source_act, r.source_unit, r.target_act, r.target_unit)


def _dates(r: Relation) -> tuple[object, ...]:
    return (r.effective_date, r.effective_rule, r.effective_earliest, r.effective_latest, r.ends_on, r.basis)


def _strength(r: Relation) -> int:
    """How much a relation says about when: a stated date, a stated window, a date by convention, nothing."""
    if r.effective_date is not None:
        return 3 if r.basis == "stated" else 1
    return 2 if r.effective_earliest is not None or r.effective_latest is not None else 0


def _says_more(new: Relation, old: Relation) -> bool:
    """Whether `new` dates the same effect better than the recorded `old` (a narrower window counts)."""
    if _strength(new) != _strength(old):
        return _strength(new) > _strength(old)
    if _strength(new) != 2 or new.effective_earliest != old.effective_earliest:
        return False
    return new.effective_latest is not None and (old.effective_latest is None
                                                 or new.effective_latest < old.effective_latest)


def _relation(p: _Planner, d: RelationDraft) -> Relation | None:
    if d.source not in p.ids or d.target not in p.ids:
        return None
    return Relation(new_id(), d.type, p.ids[d.source], d.source_unit, p.ids[d.target], d.target_unit,
                    d.effective_date, d.effective_rule, d.effective_earliest, d.effective_latest, d.ends_on, d.basis,
                    d.note)


def _relation_note(r: Relation) -> dict[str, Any]:
    return {"id": r.id, "type": r.type, "source_act": r.source_act, "target_act": r.target_act,
            "target_unit": r.target_unit, "effective_date": r.effective_date.isoformat() if r.effective_date else None,
            "basis": r.basis}


def _undated_repeal(r: Relation) -> bool:
    return r.type == "repeals" and r.source_act == r.target_act and r.target_unit is None


def _same_source(a: Relation, b: Relation) -> bool:
    """The same acting act, and the same unit of it where both name one (a footnote names none)."""
    return a.source_act == b.source_act and (a.source_unit == b.source_unit or None in (a.source_unit, b.source_unit))


def _same_effect(new: Relation, recorded: list[Relation]) -> list[Relation]:
    """Recorded relations stating the same effect; an undated repeal read from a status line and a repeal
    of the whole act by a named act are the same effect."""
    same = [r for r in recorded if (r.type, r.target_act, r.target_unit) == (new.type, new.target_act, new.target_unit)
            and _same_source(r, new)]
    if new.type == "repeals" and new.target_unit is None:
        same += [r for r in recorded if r.type == "repeals" and r.target_act == new.target_act
                 and r.target_unit is None and _undated_repeal(r) != _undated_repeal(new)]
    return same


def _plan_relation(p: _Planner, plan: Plan, d: RelationDraft, recorded: list[Relation]) -> None:
    new = _relation(p, d)
    if new is None:
        return
    same = _same_effect(new, recorded)
    if any(_dates(r) == _dates(new) for r in same if _effect(r) == _effect(new)) or (same and new.type == "cites"):
        return
    if _undated_repeal(new) and any(not _undated_repeal(r) for r in same):
        return
    weaker = [r for r in same if _undated_repeal(r) and not _undated_repeal(new) or _says_more(new, r)]
    if same and not weaker:
        if any(_strength(r) == _strength(new) == 3 for r in same):
            plan.uncertain.append(f"{new.type} of {new.target_unit or 'the act'}: the document states "
                                  f"{new.effective_date}, the store another date; the recorded one is kept")
        return
    payload: dict[str, Any] = {"op": "add_relation", **relation_payload(new), "lines": lines_json(d.lines)}
    if weaker:
        payload = {**payload, "op": "supersede_relation", "supersedes": weaker[0].id}
        plan.relations_revised.append(_relation_note(new))
        recorded.remove(weaker[0])
    else:
        plan.relations_created.append(_relation_note(new))
    plan.facts.append(payload)
    recorded.append(new)


async def plan_import(conn: asyncpg.Connection, doc: ParsedDocument, *, document_day: date, name: str | None,
                      external_ids: Sequence[str] = ()) -> Plan:
    """The import entry one parsed document calls for, against the store as it is now."""
    p = _Planner(conn, doc)
    probe = derive(doc, document_day=document_day, name=name, given_ids=external_ids)
    own = await p.own_act(probe.external_ids)
    facts = derive(doc, document_day=document_day, wid_of=derive_wids(doc.expressions, await p.latest_units(own)),
                   name=name, given_ids=external_ids)
    plan = Plan(act_id="", akn_uri=None, skipped=list(facts.skipped), uncertain=list(facts.uncertain))
    await _plan_acts(p, plan, facts, own)
    plan.act_id = p.ids[SELF]
    recorded_editions = {} if own is None else {
        e.valid_from: e for e in await editions_store.editions_of_act(conn, act_id=own.id, as_of=LATEST)}
    for draft in facts.editions:
        await _plan_edition(p, plan, draft, recorded_editions)
    plan.compact_derived()
    recorded = [] if own is None else await acts_store.relations_of_act(conn, act_id=own.id, as_of=LATEST)
    for d in facts.relations:
        _plan_relation(p, plan, d, recorded)
    created = [f for f in plan.facts if f["op"] in ("create_act", "revise_act") and f["act"]["id"] == plan.act_id]
    plan.akn_uri = created[0]["act"]["akn_uri"] if created else (own.akn_uri if own else None)
    return plan
