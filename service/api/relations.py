"""Relations: record a typed, dated effect of one act on another; list an act's relations both ways."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from service import commands
from service.api.acts import load_act
from service.api.auth import require_key
from service.api.params import Fields, invalid, read_as_of, read_json
from service.api.reads import read_response
from service.api.render import json_response, relation_json
from service.domain.model import BASES, RELATION_INVERSES, Relation
from service.domain.records import new_id
from service.domain.units import check_eid
from service.store import acts as acts_store
from service.store import sources as sources_store

_FIELDS = {"type", "source_act", "source_unit", "target_act", "target_unit", "effective_date", "effective_rule",
           "effective_window", "ends_on", "basis", "note"}


def parse_relation(body: object) -> Relation:
    f = Fields(body, allowed=_FIELDS)
    kind = f.required_string("type", identifier=True, max_len=40)
    if kind not in RELATION_INVERSES:
        raise invalid(f"body.type must be one of {', '.join(RELATION_INVERSES)}", name="body.type")
    basis = f.string("basis", identifier=True, max_len=20) or "stated"
    if basis not in BASES:
        raise invalid("body.basis must be stated or convention", name="body.basis")
    window = f.obj("effective_window", allowed={"earliest", "latest"})
    effective = f.date("effective_date")
    earliest = window.date("earliest") if window else None
    latest = window.date("latest") if window else None
    if effective is not None and window is not None:
        raise invalid("body takes effective_date or effective_window, not both", name="body.effective_window")
    if earliest and latest and latest < earliest:
        raise invalid("body.effective_window.latest is before its earliest", name="body.effective_window")
    ends_on = f.date("ends_on")
    if ends_on is not None and effective is not None and ends_on <= effective:
        raise invalid("body.ends_on must be after effective_date", name="body.ends_on")
    units = {k: f.string(k, identifier=True, max_len=300) for k in ("source_unit", "target_unit")}
    for k, v in units.items():
        if v is not None:
            check_eid(v, field=f"body.{k}")
    return Relation(
        id=new_id(), type=kind, source_act=f.required_string("source_act", identifier=True, max_len=64),
        source_unit=units["source_unit"], target_act=f.required_string("target_act", identifier=True, max_len=64),
        target_unit=units["target_unit"], effective_date=effective,
        effective_rule=f.string("effective_rule", max_len=2000), effective_earliest=earliest,
        effective_latest=latest, ends_on=ends_on, basis=basis, note=f.string("note", max_len=8000),
    )


async def create_relation(request: Request) -> Response:
    key = await require_key(request)
    pool = request.app.state.pool
    relation = parse_relation(await read_json(request))
    entry = await commands.add_relation(pool, actor=key.name, relation=relation)
    stored = next(r for r in await acts_store.relations_of_act(pool, act_id=relation.target_act, as_of=entry.seq)
                  if r.id == relation.id)
    return json_response(relation_json(stored), status=201,
                         headers={"Location": f"/v1/acts/{relation.target_act}/relations",
                                  "X-Lextime-Seq": str(entry.seq)})


async def list_relations(request: Request) -> Response:
    as_of = await read_as_of(request)
    act = await load_act(request, as_of.seq)
    relations = await acts_store.relations_of_act(request.app.state.pool, act_id=act.id, as_of=as_of.seq)
    sources = await sources_store.relation_sources(request.app.state.pool,
                                                   versions=[(r.id, r.recorded_seq) for r in relations])
    items = [relation_json(r, from_act=act.id, source=sources.get((r.id, r.recorded_seq))) for r in relations]
    return read_response(as_of, {"act": act.id, "items": items})
