"""Unit-level amendments: record one (replace, insert, repeal, renumber, suspend, resume, commence units, or
bring a prospective amendment into effect); list an act's amendments."""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import Response

from service import commands
from service.api.acts import load_act
from service.api.answers import act_state
from service.api.auth import require_key
from service.api.params import ACT_ID, Fields, invalid, language, read_as_of, read_json
from service.api.reads import read_response
from service.api.render import edition_json, json_response
from service.api.render_units import amendment_json
from service.domain.amendment_requests import AmendmentRequest, OperationRequest
from service.domain.model import BASES
from service.domain.texts import normalise_text
from service.domain.units import UNIT_KINDS, check_eid
from service.store import units as units_store

_FIELDS = {"amending_act", "amending_unit", "effective_date", "effective_window", "effective_rule", "basis", "note",
           "operations"}
_OPERATION_FIELDS = {
    "replace": {"op", "unit", "texts", "heading"},
    "insert": {"op", "eId", "wId", "kind", "num", "heading", "after", "before", "parent", "texts"},
    "repeal": {"op", "unit"},
    "renumber": {"op", "unit", "eId", "num"},
    "suspend": {"op", "unit", "until"},
    "resume": {"op", "unit"},
    "commence": {"op", "unit", "amendment"},
}
MAX_OPERATIONS = 2000


def _texts(f: Fields, where: str) -> dict[str, str | None]:
    raw = f.get("texts")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise invalid(f"{where}.texts must be an object of texts by language", name=f"{where}.texts")
    texts = Fields(raw, allowed=set(raw), where=f"{where}.texts")
    out: dict[str, str | None] = {}
    for key in raw:
        lang = language(key, field=f"{where}.texts.{key}")
        value = texts.string(key, max_len=1_000_000)
        if value is not None:
            value = normalise_text(value)
            if not value:
                raise invalid(f"{where}.texts.{key} is blank: give null when the words are not known",
                              name=f"{where}.texts.{key}")
        out[lang] = value
    return out


def _unit_ref(f: Fields, key: str, *, required: bool = True) -> str | None:
    value = f.string(key, identifier=True, max_len=300, required=required)
    return check_eid(value, field=f"{f.where}.{key}") if value is not None else None


def _insert(f: Fields, where: str) -> OperationRequest:
    kind = f.required_string("kind", identifier=True, max_len=40)
    if kind not in UNIT_KINDS:
        raise invalid(f"{where}.kind must be one of {', '.join(UNIT_KINDS)}", name=f"{where}.kind")
    anchors = [k for k in ("after", "before", "parent") if f.get(k) is not None]
    if len(anchors) > 1:
        raise invalid(f"{where} takes at most one of after, before and parent", name=f"{where}.{anchors[1]}")
    anchor_key = anchors[0] if anchors else None
    return OperationRequest(
        op="insert", eid=_unit_ref(f, "eId", required=False), wid=_unit_ref(f, "wId", required=False), kind=kind,
        num=f.string("num", identifier=True, max_len=50), heading=f.string("heading", max_len=4000),
        where={"after": "after", "before": "before", "parent": "end_of", None: "end"}[anchor_key],
        anchor=_unit_ref(f, anchor_key) if anchor_key else None, texts=_texts(f, where),
    )


def _operation(raw: object, where: str, effective: date | None) -> OperationRequest:
    if not isinstance(raw, dict):
        raise invalid(f"{where} must be a JSON object", name=where)
    op = raw.get("op")
    if op not in _OPERATION_FIELDS:
        raise invalid(f"{where}.op must be one of {', '.join(_OPERATION_FIELDS)}", name=f"{where}.op")
    f = Fields(raw, allowed=_OPERATION_FIELDS[op], where=where)
    if op == "insert":
        return _insert(f, where)
    if op == "commence" and f.get("amendment") is not None:
        if f.get("unit") is not None:
            raise invalid(f"{where} commences a unit or an amendment, not both", name=f"{where}.amendment")
        amendment = f.required_string("amendment", identifier=True, max_len=26)
        if not ACT_ID.match(amendment):
            raise invalid(f"{where}.amendment must be an amendment id (a ULID)", name=f"{where}.amendment")
        if effective is None:
            raise invalid("bringing an amendment into effect needs the day: body.effective_date",
                          name="body.effective_date")
        return OperationRequest(op="commence", amendment=amendment)
    unit = _unit_ref(f, "unit")
    if op == "replace":
        texts, heading = _texts(f, where), f.string("heading", max_len=4000)
        if not texts and heading is None:
            raise invalid(f"{where} gives no texts and no heading", name=f"{where}.texts")
        return OperationRequest(op=op, unit=unit, texts=texts, heading=heading)
    if op == "renumber":
        eid, num = _unit_ref(f, "eId", required=False), f.string("num", identifier=True, max_len=50)
        if eid is None and num is None:
            raise invalid(f"{where} gives neither the new eId nor the new num", name=f"{where}.eId")
        return OperationRequest(op=op, unit=unit, eid=eid, num=num)
    if op == "suspend":
        until = f.date("until")
        if until is not None and effective is not None and until <= effective:
            raise invalid(f"{where}.until must be after effective_date", name=f"{where}.until")
        return OperationRequest(op=op, unit=unit, until=until)
    return OperationRequest(op=op, unit=unit)


def parse_amendment(act_id: str, body: object) -> AmendmentRequest:
    f = Fields(body, allowed=_FIELDS)
    basis = f.string("basis", identifier=True, max_len=20) or "stated"
    if basis not in BASES:
        raise invalid("body.basis must be stated or convention", name="body.basis")
    effective = f.date("effective_date")
    window = f.obj("effective_window", allowed={"earliest", "latest"})
    if effective is not None and window is not None:
        raise invalid("body takes effective_date or effective_window, not both", name="body.effective_window")
    earliest = window.date("earliest") if window else None
    latest = window.date("latest") if window else None
    if earliest and latest and latest < earliest:
        raise invalid("body.effective_window.latest is before its earliest", name="body.effective_window")
    raw_ops = f.get("operations")
    if not isinstance(raw_ops, list) or not raw_ops:
        raise invalid("body.operations must be a non-empty list", name="body.operations")
    if len(raw_ops) > MAX_OPERATIONS:
        raise invalid(f"body.operations has more than {MAX_OPERATIONS} operations", name="body.operations")
    operations = tuple(_operation(raw, f"body.operations[{i}]", effective) for i, raw in enumerate(raw_ops))
    amending_unit = f.string("amending_unit", identifier=True, max_len=300)
    if amending_unit is not None:
        check_eid(amending_unit, field="body.amending_unit")
    return AmendmentRequest(
        act_id=act_id, amending_act=f.required_string("amending_act", identifier=True, max_len=64),
        amending_unit=amending_unit, effective_date=effective,
        effective_rule=f.string("effective_rule", max_len=2000), effective_earliest=earliest,
        effective_latest=latest, basis=basis, note=f.string("note", max_len=8000), operations=operations,
    )


async def create_amendment(request: Request) -> Response:
    key = await require_key(request)
    pool = request.app.state.pool
    act = await load_act(request)
    amendment = parse_amendment(act.id, await read_json(request))
    entry = await commands.amend_units(pool, actor=key.name, request=amendment)
    recorded_id = entry.payload["amendment"]["id"]
    stored = await units_store.amendment(pool, amendment_id=recorded_id, as_of=entry.seq)
    assert stored is not None
    body = amendment_json(stored)
    state = await act_state(pool, act, as_of=entry.seq)
    edition = next((e for e in state.editions if stored.changes_text() and e.valid_from == stored.effective_date),
                   None)
    body["edition"] = edition_json(state.period_of(edition)) if edition is not None else None
    return json_response(body, status=201, headers={"Location": f"/v1/acts/{act.id}/amendments"})


async def list_amendments(request: Request) -> Response:
    as_of = await read_as_of(request)
    act = await load_act(request, as_of.seq)
    items = await units_store.amendments_of_act(request.app.state.pool, act_id=act.id, as_of=as_of.seq)
    return read_response(as_of, {"act": act.id, "items": [amendment_json(a) for a in items]})
