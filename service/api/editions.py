"""Editions: record an act's text as it applies from a date; list the act's editions."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from service import commands
from service.api.acts import load_act
from service.api.answers import act_state
from service.api.auth import require_key
from service.api.params import Fields, invalid, language, read_as_of, read_json
from service.api.reads import read_response
from service.api.render import edition_json, json_response
from service.commands import NewEdition
from service.domain.model import Unit
from service.domain.units import UNIT_KINDS, check_eid, check_unique, units_from_plain_text, with_hashes

_UNIT_FIELDS = {"eId", "wId", "kind", "num", "heading", "text", "text_available"}


def _unit(raw: object, where: str) -> Unit:
    f = Fields(raw, allowed=_UNIT_FIELDS, where=where)
    eid = check_eid(f.required_string("eId", identifier=True, max_len=300), field=f"{where}.eId")
    wid = check_eid(f.string("wId", identifier=True, max_len=300) or eid, field=f"{where}.wId")
    kind = f.required_string("kind", identifier=True, max_len=40)
    if kind not in UNIT_KINDS:
        raise invalid(f"{where}.kind must be one of {', '.join(UNIT_KINDS)}", name=f"{where}.kind")
    text = f.string("text", max_len=1_000_000)
    available = f.boolean("text_available", default=text is not None)
    if available and text is None:
        raise invalid(f"{where}: a unit with text_available true needs its text", name=f"{where}.text")
    if not available and text is not None:
        raise invalid(f"{where}: a unit with text_available false must not carry text", name=f"{where}.text")
    return Unit(eid=eid, wid=wid, kind=kind, num=f.string("num", identifier=True, max_len=50),
                heading=f.string("heading", max_len=4000), text=text, text_available=available)


def _expression(raw: object, where: str) -> list[Unit]:
    f = Fields(raw, allowed={"text", "units", "text_available"}, where=where)
    given = [k for k in ("text", "units") if f.get(k) is not None]
    if len(given) > 1:
        raise invalid(f"{where} takes either text or units, not both", name=where)
    if not f.boolean("text_available", default=True):
        if given:
            raise invalid(f"{where}: text_available false goes without text or units", name=where)
        return []
    if not given:
        raise invalid(f"{where} needs text, units, or text_available: false", name=where)
    if given == ["text"]:
        return units_from_plain_text(f.required_string("text", max_len=10_000_000))
    raw_units = f.get("units")
    if not isinstance(raw_units, list) or not raw_units:
        raise invalid(f"{where}.units must be a non-empty list", name=f"{where}.units")
    if len(raw_units) > 20_000:
        raise invalid(f"{where}.units has more than 20000 units", name=f"{where}.units")
    units = [_unit(u, f"{where}.units[{i}]") for i, u in enumerate(raw_units)]
    check_unique(units, where=f"{where}.units")
    return units


def parse_edition(act_id: str, body: object) -> NewEdition:
    f = Fields(body, allowed={"valid_from", "source_acts", "note", "expressions"})
    valid_from = f.date("valid_from", required=True)
    assert valid_from is not None
    raw_expressions = f.get("expressions")
    if not isinstance(raw_expressions, dict) or not raw_expressions:
        raise invalid("body.expressions must be an object of expressions by language", name="body.expressions")
    expressions = {
        language(lang, field=f"body.expressions.{lang}"): with_hashes(_expression(raw, f"body.expressions.{lang}"))
        for lang, raw in raw_expressions.items()
    }
    return NewEdition(act_id=act_id, valid_from=valid_from,
                      source_acts=tuple(dict.fromkeys(f.string_list("source_acts", max_items=100))),
                      note=f.string("note", max_len=4000), expressions=expressions)


async def create_edition(request: Request) -> Response:
    key = await require_key(request)
    pool = request.app.state.pool
    act = await load_act(request)
    edition = parse_edition(act.id, await read_json(request))
    entry = await commands.add_edition(pool, actor=key.name, edition=edition)
    state = await act_state(pool, act, as_of=entry.seq)
    stored = next(e for e in state.editions if e.valid_from == edition.valid_from)
    return json_response(edition_json(state.period_of(stored)), status=201,
                         headers={"Location": f"/v1/acts/{act.id}/editions", "X-Lextime-Seq": str(entry.seq)})


async def list_editions(request: Request) -> Response:
    as_of = await read_as_of(request)
    act = await load_act(request, as_of.seq)
    state = await act_state(request.app.state.pool, act, as_of=as_of.seq)
    items = [edition_json(p, source=state.source_of(p.edition)) for p in state.periods()]
    return read_response(as_of, {"act": act.id, "items": items})



