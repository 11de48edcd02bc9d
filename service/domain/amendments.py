"""Unit-level amendments: the operations ("пункт 4 изложить в следующей редакции", "дополнить подпунктом
3-1)", "приложение 3 исключить", …) and their ledger form (units by wId, texts by hash). How they change
the text: unit_operations.py."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from service.domain.dates import iso

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
