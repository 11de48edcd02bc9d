"""From an amendment as a client states it (units named by wId or eId, new units by kind and number, texts
in words) to the amendment as recorded: every unit resolved to its wId on the effective day, new eIds and
wIds assigned, texts referenced by their hashes, one relation id per operation."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from service.domain.amendments import (
    Amendment,
    Commence,
    CommenceAmendment,
    Insert,
    Operation,
    Position,
    Renumber,
    Repeal,
    Replace,
    Resume,
    Suspend,
    Target,
)
from service.domain.errors import Invalid, InvalidOperation, UnitNotInForce, Unprocessable
from service.domain.expressions import ExpressionState
from service.domain.texts import text_sha256
from service.domain.unit_operations import Maker, apply_operations, insertion_wid, on_day
from service.domain.units import check_eid, eid_from_numbering

States = Mapping[str, ExpressionState]


@dataclass(frozen=True)
class OperationRequest:
    """One operation as asked: `unit` names an existing unit (wId or eId); texts are normalised words by
    language (None: the words are not known)."""

    op: str
    unit: str | None = None
    amendment: str | None = None
    texts: Mapping[str, str | None] = field(default_factory=dict)
    heading: str | None = None
    eid: str | None = None
    wid: str | None = None
    kind: str | None = None
    num: str | None = None
    where: str | None = None  # insert: after, before, end_of, end
    anchor: str | None = None
    until: date | None = None


@dataclass(frozen=True)
class AmendmentRequest:
    act_id: str
    amending_act: str
    amending_unit: str | None
    effective_date: date | None
    effective_rule: str | None
    effective_earliest: date | None
    effective_latest: date | None
    basis: str
    note: str | None
    operations: tuple[OperationRequest, ...]


@dataclass(frozen=True)
class Resolved:
    amendment: Amendment
    texts: dict[str, str]  # sha256 → normalised text, to store


def find_unit(states: States, ref: str, day: date | None) -> tuple[str, str]:
    """(wId, eId) of the unit `ref` names: a wId in some language's structure, else an eId there."""
    for s in states.values():
        if ref in s.positions:
            return ref, s.units[ref].eid
    for s in states.values():
        wid = s.wid_of_eid(ref)
        if wid is not None:
            return wid, ref
    raise UnitNotInForce(f"the act has no unit {ref} {on_day(day)}", unit=ref)


def _hashes(texts: Mapping[str, str | None], store: dict[str, str]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for lang, text in texts.items():
        if text is None:
            out[lang] = None
            continue
        sha = text_sha256(text)
        store[sha] = text
        out[lang] = sha
    return out


def _parent_prefix(eid: str) -> str | None:
    parts = eid.split("__")
    return "__".join(parts[:-1]) or None


@dataclass
class _Context:
    states: dict[str, ExpressionState]
    day: date | None
    taken: set[str]
    new_id: Callable[[], str]
    texts: dict[str, str]


def _insert(r: OperationRequest, c: _Context) -> Insert:
    where = r.where or "end"
    anchor_wid, anchor_eid = find_unit(c.states, r.anchor, c.day) if r.anchor is not None else (None, None)
    if r.eid is not None:
        eid = r.eid
    else:
        if r.kind is None:
            raise Invalid("an inserted unit needs its kind", field="kind")
        parent = anchor_eid if where == "end_of" else (_parent_prefix(anchor_eid) if anchor_eid else None)
        eid = eid_from_numbering(r.kind, r.num, parent)
    if r.wid is not None:
        wid = check_eid(r.wid, field="wId")
        if wid in c.taken:
            raise InvalidOperation(f"wId {wid} names another unit of the act: a wId is never reused", unit=eid)
    else:
        wid = insertion_wid(eid, c.taken)
    c.taken.add(wid)
    return Insert(wid, eid, r.kind or "other", r.num, r.heading, Position(where, anchor_wid),
                  _hashes(r.texts, c.texts), c.new_id())


def _renumber(r: OperationRequest, c: _Context, wid: str, eid: str) -> Renumber:
    kind = next(s.units[wid].kind for s in c.states.values() if wid in s.positions)
    new_eid = r.eid or eid_from_numbering(kind, r.num, _parent_prefix(eid))
    num = r.num if r.num is not None else new_eid.rsplit("__", 1)[-1].partition("_")[2] or None
    return Renumber(wid, eid, new_eid, num, c.new_id())


def _operation(r: OperationRequest, c: _Context) -> Operation:
    if r.op == "insert":
        return _insert(r, c)
    if r.unit is None:
        raise Invalid(f"a {r.op} operation names its unit", field="unit")
    wid, eid = find_unit(c.states, r.unit, c.day)
    if r.op == "replace":
        return Replace(wid, eid, _hashes(r.texts, c.texts), r.heading, c.new_id())
    if r.op == "repeal":
        return Repeal(wid, eid, c.new_id())
    if r.op == "renumber":
        return _renumber(r, c, wid, eid)
    if r.op == "suspend":
        return Suspend(wid, eid, r.until, c.new_id())
    if r.op == "resume":
        return Resume(wid, eid, c.new_id())
    if r.op == "commence":
        return Commence(wid, eid, c.new_id())
    raise Invalid(f"unknown operation {r.op!r}", field="op")


def _commence_amendment(r: OperationRequest, pending: Amendment, c: _Context) -> CommenceAmendment:
    c.states = apply_operations(c.states, [op for op in pending.operations if not isinstance(op, CommenceAmendment)],
                                by=Maker(pending.amending_act, pending.id), day=c.day)
    targets = tuple(Target(op.wid, op.eid, c.new_id()) for op in pending.operations
                    if not isinstance(op, CommenceAmendment))
    return CommenceAmendment(pending.id, targets)


def resolve(request: AmendmentRequest, states: States, *, taken: set[str], new_id: Callable[[], str],
            pending: Mapping[str, Amendment]) -> Resolved:
    """The amendment as recorded, each operation resolved against the state the ones before it leave
    (the prospective amendments it brings into effect apply first). Raises, naming the operation, when
    one cannot apply on the effective day."""
    c = _Context(dict(states), request.effective_date, set(taken), new_id, {})
    resolved: dict[int, Operation] = {}
    order = sorted(range(len(request.operations)), key=lambda i: request.operations[i].amendment is None)
    for i in order:
        r = request.operations[i]
        try:
            if r.amendment is not None:
                resolved[i] = _commence_amendment(r, pending[r.amendment], c)
                continue
            op = _operation(r, c)
            c.states = apply_operations(c.states, [op], by=Maker(request.amending_act, None), day=c.day)
            resolved[i] = op
        except (Unprocessable, Invalid) as exc:
            name = f"body.operations[{i}]"
            field_name = exc.extra.get("field")
            extra = {k: v for k, v in exc.extra.items() if k != "field"}
            raise type(exc)(f"{name}: {exc.detail}", field=f"{name}.{field_name}" if field_name else name,
                            **extra) from None
    a = Amendment(
        id=new_id(), act_id=request.act_id, amending_act=request.amending_act, amending_unit=request.amending_unit,
        effective_date=request.effective_date, effective_rule=request.effective_rule,
        effective_earliest=request.effective_earliest, effective_latest=request.effective_latest,
        basis=request.basis, note=request.note, operations=tuple(resolved[i] for i in range(len(resolved))),
    )
    return Resolved(a, c.texts)
