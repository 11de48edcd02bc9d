"""Akoma Ntoso addresses: the work URI names the act; `/rus@D`, `/rus:D`, `/rus@` and `/rus` name its texts."""

from __future__ import annotations

import re
from datetime import date

from starlette.requests import Request
from starlette.responses import Response

from service.api.answers import act_state, choose_language, text_answer
from service.api.params import invalid, language, read_as_of
from service.api.reader import reader
from service.api.reads import read_response
from service.api.render import act_json
from service.domain.dates import parse_date
from service.domain.editions import edition_on
from service.errors import Problem
from service.store import acts as acts_store

_EXPRESSION = re.compile(r"^(?P<lang>[a-z]{3})(?:(?P<op>[@:])(?P<date>[0-9-]*))?$")


def _split(path: str) -> tuple[str, str | None]:
    parts = path.strip("/").split("/")
    if len(parts) not in (5, 6) or parts[1] != "act" or len(path) > 500 or not path.isprintable():
        raise Problem(404, "not-found", "not an AKN act address: expected /akn/{country}/act/{type}/{date}/{number}"
                      "[/{lang}[@date|:date|@]]")
    return "/akn/" + "/".join(parts[:5]), (parts[5] if len(parts) == 6 else None)


async def resolve(request: Request) -> Response:
    work, expression = _split(request.path_params["path"])
    pool = request.app.state.pool
    as_of = await read_as_of(request)
    act_id = await acts_store.act_id_by_alias(pool, alias=work, as_of=as_of.seq)
    if act_id is None:
        raise Problem(404, "not-found", f"no act is known by the AKN work URI {work}")
    reads = reader(request, as_of.seq)
    act = await reads.act(act_id)
    if expression is None:
        return read_response(as_of, act_json(act), headers={"Content-Location": f"/v1/acts/{act.id}"})
    m = _EXPRESSION.match(expression)
    if m is None:
        raise invalid(f"{expression!r} is not an AKN expression: use rus, rus@YYYY-MM-DD, rus:YYYY-MM-DD or rus@",
                      name="expression")
    lang = language(m.group("lang"), field="language")
    state = await act_state(reads, act, as_of=as_of.seq)
    lang = choose_language(state, lang)
    op, raw_date = m.group("op"), m.group("date") or ""
    if op == ":":
        answer = await text_answer(reads, state, day=parse_date(raw_date, field="date"), lang=lang, as_of=as_of.seq)
    elif op == "@":
        edition = (edition_on(state.editions, parse_date(raw_date, field="date")) if raw_date
                   else (state.editions[0] if state.editions else None))
        if edition is None:
            what = f"starting on {raw_date}" if raw_date else "on record"
            raise Problem(404, "edition-not-found", f"the act has no edition {what}")
        answer = await text_answer(reads, state, day=edition.valid_from, lang=lang, as_of=as_of.seq,
                                   edition=edition)
    else:
        day: date = as_of.today(act.jurisdiction)
        answer = await text_answer(reads, state, day=day, lang=lang, as_of=as_of.seq)
    return read_response(as_of, answer)
