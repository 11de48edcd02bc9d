"""Unit-level amendments: the operations ("пункт 4 изложить в следующей редакции", "дополнить подпунктом
3-1)", "приложение 3 исключить", …), their ledger form, and how they turn one day's state of every language
into the next. Pure: the store folds them over the recorded history, the command validates with them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from service.domain.dates import iso
from service.domain.errors import InvalidOperation, UnitNotInForce
from service.domain.expressions import ExpressionState, UnitVersion

# A language's new words for a unit: its sha256, or None when the source does not give them.
Texts = Mapping[str, str | None]
POSITIONS = ("after", "before", "end_of", "end")


@dataclass(frozen=True)
class Position:
    """Where an inserted unit goes: after a unit (and its sub-units), before one, last inside a parent,
    or at the end of the text."""

    where: str
    anchor: str | None = None  # a wId; None only for "end"


@dataclass(frozen=True)
class Replace:
    wid: str
    eid: str
    texts: Texts
    heading: str | None = None  # None keeps the heading
    relation: str = ""


@dataclass(frozen=True)
class Insert:
    wid: str
    eid: str
    kind: str
    num: str | None
    heading: str | None
    position: Position
    texts: Texts
    relation: str = ""


@dataclass(frozen=True)
class Repeal:
    wid: str
    eid: str
    relation: str = ""


@dataclass(frozen=True)
class Renumber:
    wid: str
    eid: str
    new_eid: str
    num: str | None
    relation: str = ""


@dataclass(frozen=True)
class Suspend:
    wid: str
    eid: str
    until: date | None  # the day it stops applying; None: until resumed
    relation: str = ""


@dataclass(frozen=True)
class Resume:
    wid: str
    eid: str
    relation: str = ""


@dataclass(frozen=True)
class Commence:
    """A unit enters into force on the amendment's day (before it, the unit is in the text, not in force)."""

    wid: str
    eid: str
    relation: str = ""


@dataclass(frozen=True)
class Target:
    wid: str
    eid: str
    relation: str


@dataclass(frozen=True)
class CommenceAmendment:
    """A prospective amendment (recorded without a day) takes effect on this amendment's day."""

    amendment: str
    targets: tuple[Target, ...] = ()


TextOperation = Replace | Insert | Repeal | Renumber
StatusOperation = Suspend | Resume | Commence
Operation = TextOperation | StatusOperation | CommenceAmendment
TEXT_OPERATIONS = (Replace, Insert, Repeal, Renumber)
STATUS_OPERATIONS = (Suspend, Resume, Commence)
OP_NAMES: dict[type, str] = {Replace: "replace", Insert: "insert", Repeal: "repeal", Renumber: "renumber",
                             Suspend: "suspend", Resume: "resume", Commence: "commence",
                             CommenceAmendment: "commence"}
# The relation each operation records on its target unit.
RELATION_OF: dict[type, str] = {Replace: "amends", Insert: "amends", Renumber: "amends", Repeal: "repeals",
                                Suspend: "suspends", Resume: "resumes", Commence: "commences",
                                CommenceAmendment: "commences"}


@dataclass(frozen=True)
class Amendment:
    id: str
    act_id: str
    amending_act: str
    amending_unit: str | None
    effective_date: date | None
    effective_rule: str | None
    effective_earliest: date | None
    effective_latest: date | None
    basis: str
    note: str | None
    operations: tuple[Operation, ...]
    commenced_by: str | None = None
    flags: Mapping[str, Any] = field(default_factory=dict)
    recorded_seq: int = 0

    @property
    def prospective(self) -> bool:
        """Recorded without a day (a window at most): its text operations apply nowhere yet."""
        return self.effective_date is None

    def text_operations(self) -> list[TextOperation]:
        return [op for op in self.operations if isinstance(op, TEXT_OPERATIONS)]

    def changes_text(self) -> bool:
        return any(isinstance(op, (*TEXT_OPERATIONS, CommenceAmendment)) for op in self.operations)


# ---- the ledger form -------------------------------------------------------------------------------------

def _texts_payload(texts: Texts) -> dict[str, str | None]:
    return {lang: sha for lang, sha in sorted(texts.items())}


def op_payload(op: Operation) -> dict[str, Any]:
    name = OP_NAMES[type(op)]
    if isinstance(op, CommenceAmendment):
        return {"op": name, "amendment": op.amendment,
                "targets": [{"wid": t.wid, "eid": t.eid, "relation": t.relation} for t in op.targets]}
    body: dict[str, Any] = {"op": name, "wid": op.wid, "eid": op.eid, "relation": op.relation}
    if isinstance(op, Replace):
        body |= {"texts": _texts_payload(op.texts), "heading": op.heading}
    elif isinstance(op, Insert):
        body |= {"kind": op.kind, "num": op.num, "heading": op.heading, "texts": _texts_payload(op.texts),
                 "position": {"where": op.position.where, "anchor": op.position.anchor}}
    elif isinstance(op, Renumber):
        body |= {"new_eid": op.new_eid, "num": op.num}
    elif isinstance(op, Suspend):
        body |= {"until": iso(op.until)}
    return body


def op_from_payload(p: Mapping[str, Any]) -> Operation:
    name = p["op"]
    if name == "commence" and "amendment" in p:
        return CommenceAmendment(p["amendment"], tuple(Target(t["wid"], t["eid"], t["relation"])
                                                       for t in p.get("targets", [])))
    wid, eid, rel = p["wid"], p["eid"], p.get("relation", "")
    if name == "replace":
        return Replace(wid, eid, dict(p["texts"]), p.get("heading"), rel)
    if name == "insert":
        pos = p["position"]
        return Insert(wid, eid, p["kind"], p.get("num"), p.get("heading"), Position(pos["where"], pos.get("anchor")),
                      dict(p["texts"]), rel)
    if name == "repeal":
        return Repeal(wid, eid, rel)
    if name == "renumber":
        return Renumber(wid, eid, p["new_eid"], p.get("num"), rel)
    if name == "suspend":
        return Suspend(wid, eid, date.fromisoformat(p["until"]) if p.get("until") else None, rel)
    if name == "resume":
        return Resume(wid, eid, rel)
    if name == "commence":
        return Commence(wid, eid, rel)
    raise ValueError(f"unknown operation {name!r}")


def amendment_payload(a: Amendment) -> dict[str, Any]:
    return {"amendment": {
        "id": a.id, "act_id": a.act_id, "amending_act": a.amending_act, "amending_unit": a.amending_unit,
        "effective_date": iso(a.effective_date), "effective_rule": a.effective_rule,
        "effective_earliest": iso(a.effective_earliest), "effective_latest": iso(a.effective_latest),
        "basis": a.basis, "note": a.note, "operations": [op_payload(op) for op in a.operations],
    }}


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def amendment_from_payload(p: Mapping[str, Any], *, recorded_seq: int = 0) -> Amendment:
    a = p["amendment"]
    return Amendment(
        id=a["id"], act_id=a["act_id"], amending_act=a["amending_act"], amending_unit=a.get("amending_unit"),
        effective_date=_day(a.get("effective_date")), effective_rule=a.get("effective_rule"),
        effective_earliest=_day(a.get("effective_earliest")), effective_latest=_day(a.get("effective_latest")),
        basis=a["basis"], note=a.get("note"), operations=tuple(op_from_payload(o) for o in a["operations"]),
        recorded_seq=recorded_seq,
    )


# ---- applying operations ---------------------------------------------------------------------------------

States = Mapping[str, ExpressionState]


@dataclass
class Flags:
    """What an amendment left open: languages it gave no words in, languages lacking the unit it names."""

    missing_languages: dict[str, list[str]] = field(default_factory=dict)
    not_in_language: dict[str, list[str]] = field(default_factory=dict)

    def note(self, which: dict[str, list[str]], eid: str, lang: str) -> None:
        langs = which.setdefault(eid, [])
        if lang not in langs:
            langs.append(lang)

    def as_json(self) -> dict[str, dict[str, list[str]]]:
        out = {}
        if self.missing_languages:
            out["missing_languages"] = {k: sorted(v) for k, v in self.missing_languages.items()}
        if self.not_in_language:
            out["not_in_language"] = {k: sorted(v) for k, v in self.not_in_language.items()}
        return out


def _in_text(states: States, wid: str) -> list[str]:
    """The languages in which the unit is in the text (present and not repealed)."""
    return [lang for lang, s in states.items() if (u := s.get(wid)) is not None and u.in_text]


def require_in_text(states: States, wid: str, eid: str, day: date | None) -> list[str]:
    """The languages the unit is in force in; UnitNotInForce when none."""
    langs = _in_text(states, wid)
    if langs:
        return langs
    on = f"on {day.isoformat()}" if day is not None else "in the latest text"
    if any(s.get(wid) is not None for s in states.values()):
        raise UnitNotInForce(f"unit {eid} is repealed {on}", unit=eid)
    raise UnitNotInForce(f"the act has no unit {eid} in force {on}", unit=eid)


def _known_languages(op: Replace | Insert, states: States, context: States, day: date | None) -> None:
    """Words in a language the act has no text in cannot be placed anywhere: refused, not dropped."""
    unknown = sorted(set(op.texts) - set(states) - set(context))
    if unknown:
        on = f"on {day.isoformat()}" if day is not None else "in the latest text"
        raise InvalidOperation(f"{op.eid}: the act has no text in {', '.join(unknown)} {on}; record an edition "
                               "in that language first", unit=op.eid)


def _words(op: Replace | Insert, lang: str, flags: Flags) -> tuple[str | None, bool]:
    if lang not in op.texts:
        flags.note(flags.missing_languages, op.eid, lang)
        return None, False
    sha = op.texts[lang]
    return sha, sha is not None


def _with(state: ExpressionState, changes: Mapping[str, UnitVersion], wids: tuple[str, ...] | None = None
          ) -> ExpressionState:
    units = dict(state.units)
    units.update(changes)
    return ExpressionState(wids if wids is not None else state.wids, units)


@dataclass(frozen=True)
class Maker:
    source_act: str | None
    amendment: str | None


def _replace(states: dict[str, ExpressionState], op: Replace, by: Maker, day: date | None, flags: Flags,
             context: States) -> None:
    langs = require_in_text({**context, **states}, op.wid, op.eid, day)
    _known_languages(op, states, context, day)
    for lang, s in states.items():
        if lang not in langs:
            flags.note(flags.not_in_language, op.eid, lang)
            continue
        sha, available = _words(op, lang, flags)
        old = s.units[op.wid]
        new = replace(old, sha256=sha, text_available=available,
                      heading=op.heading if op.heading is not None else old.heading,
                      source_act=by.source_act, amendment=by.amendment)
        states[lang] = _with(s, {op.wid: new})


def _descendants_and_self(s: ExpressionState, wid: str) -> list[str]:
    return [wid, *s.descendants(wid)]


def _repeal(states: dict[str, ExpressionState], op: Repeal, by: Maker, day: date | None, flags: Flags,
            context: States) -> None:
    langs = require_in_text({**context, **states}, op.wid, op.eid, day)
    for lang, s in states.items():
        if lang not in langs:
            flags.note(flags.not_in_language, op.eid, lang)
            continue
        gone = {w: replace(s.units[w], sha256=None, text_available=False, repealed=True,
                           source_act=by.source_act, amendment=by.amendment)
                for w in _descendants_and_self(s, op.wid) if s.units[w].in_text}
        states[lang] = _with(s, gone)


def _renumber(states: dict[str, ExpressionState], op: Renumber, by: Maker, day: date | None, flags: Flags,
              context: States) -> None:
    langs = require_in_text({**context, **states}, op.wid, op.eid, day)
    for lang, s in states.items():
        if lang not in langs:
            flags.note(flags.not_in_language, op.eid, lang)
            continue
        moving = _descendants_and_self(s, op.wid)
        old_eid = s.units[op.wid].eid
        renamed = {w: op.new_eid + s.units[w].eid[len(old_eid):] for w in moving}
        taken = {s.units[w].eid for w in s.wids if w not in renamed}
        clash = sorted(set(renamed.values()) & taken)
        if clash:
            raise InvalidOperation(f"renumbering {op.eid} as {op.new_eid} gives eId {clash[0]}, which another "
                                   f"unit has in {lang}", unit=op.eid)
        changes = {w: replace(s.units[w], eid=e, num=op.num if w == op.wid else s.units[w].num,
                              source_act=by.source_act, amendment=by.amendment) for w, e in renamed.items()}
        states[lang] = _with(s, changes)


def _insertion_index(s: ExpressionState, position: Position) -> int | None:
    """Where in `s.wids` the new unit goes; None when the anchor is not in this language."""
    if position.where == "end":
        return len(s.wids)
    anchor = position.anchor
    if anchor is None or anchor not in s.positions:
        return None
    if position.where == "before":
        return s.positions[anchor]
    return s.positions[s.last_inside(anchor)] + 1


def _insert(states: dict[str, ExpressionState], op: Insert, by: Maker, day: date | None, flags: Flags,
            context: States) -> None:
    if any(op.wid in s.positions for s in states.values()):
        raise InvalidOperation(f"the act already has a unit with wId {op.wid}", unit=op.eid)
    _known_languages(op, states, context, day)
    if any(s.wid_of_eid(op.eid) is not None for s in states.values()):
        raise InvalidOperation(f"the act already has a unit {op.eid} (repealed units keep their number); "
                               "insert under another eId, e.g. with a '-1' suffix", unit=op.eid)
    placed = 0
    for lang, s in states.items():
        at = _insertion_index(s, op.position) if s.wids else None
        if at is None:
            flags.note(flags.not_in_language, op.position.anchor or op.eid, lang)
            continue
        sha, available = _words(op, lang, flags)
        unit = UnitVersion(op.eid, op.kind, op.num, op.heading, sha, available, False, by.source_act, by.amendment)
        states[lang] = _with(s, {op.wid: unit}, s.wids[:at] + (op.wid,) + s.wids[at:])
        placed += 1
    anchored_elsewhere = any(_insertion_index(c, op.position) is not None for c in context.values() if c.wids)
    if not placed and not anchored_elsewhere:
        where = op.position.anchor or "the text"
        on = f"on {day.isoformat()}" if day is not None else "in the latest text"
        raise UnitNotInForce(f"cannot insert {op.eid}: the act has no unit {where} {on}", unit=op.eid)


def apply_operations(states: States, ops: Sequence[Operation], *, by: Maker, day: date | None,
                     flags: Flags | None = None, context: States | None = None) -> dict[str, ExpressionState]:
    """The states after the operations, in order; status operations only have to name a unit in force.
    `context` holds languages that are not changed here but in which a named unit may be found."""
    out = dict(states)
    flags = flags if flags is not None else Flags()
    ctx = context or {}
    for op in ops:
        if isinstance(op, Replace):
            _replace(out, op, by, day, flags, ctx)
        elif isinstance(op, Insert):
            _insert(out, op, by, day, flags, ctx)
        elif isinstance(op, Repeal):
            _repeal(out, op, by, day, flags, ctx)
        elif isinstance(op, Renumber):
            _renumber(out, op, by, day, flags, ctx)
        elif isinstance(op, STATUS_OPERATIONS):
            require_in_text({**ctx, **out}, op.wid, op.eid, day)
    return out


def insertion_wid(eid: str, taken: set[str]) -> str:
    """A wId for a new unit: its eId, unless some unit of the act ever had that wId (wIds are never reused)."""
    if eid not in taken:
        return eid
    # `point_5` → `point_5-w2`; a component without a number (`preamble`) → `preamble_w2`.
    glue = "-w" if "_" in eid.rsplit("__", 1)[-1] else "_w"
    n = 2
    while f"{eid}{glue}{n}" in taken:
        n += 1
    return f"{eid}{glue}{n}"
