"""Acts: record one, list them, read one, ask its status or text at a date."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from service import commands
from service.api.answers import act_state, choose_language, text_answer
from service.api.auth import require_key
from service.api.params import (
    ACT_ID,
    AsOf,
    Fields,
    decode_cursor,
    encode_cursor,
    invalid,
    language,
    query_date,
    query_int,
    query_string,
    read_as_of,
    read_json,
)
from service.api.reader import reader
from service.api.reads import read_headers, read_response
from service.api.render import act_json, json_response, status_json
from service.domain.dates import JURISDICTION_ZONES
from service.domain.model import ACT_TYPES, Act, EntryIntoForce
from service.domain.records import akn_work_uri, new_id
from service.domain.status import StatusCode
from service.errors import Problem
from service.store import acts as acts_store
from service.store.db import LATEST

_ACT_FIELDS = {"id", "jurisdiction", "type", "number", "adopted_on", "issuing_body", "titles", "languages",
               "publication", "entry_into_force", "expires_on", "external_ids"}


def _act_id(f: Fields) -> str:
    given = f.string("id", identifier=True, max_len=26)
    if given is None:
        return new_id()
    if not ACT_ID.match(given):
        raise invalid("id must be a ULID (26 characters of Crockford base32)", name="body.id")
    return given


def _titles(f: Fields) -> dict[str, str]:
    raw = f.get("titles")
    if not isinstance(raw, dict) or not raw:
        raise invalid("body.titles must be an object of titles by language, e.g. {\"ru\": \"…\"}",
                      name="body.titles")
    titles = Fields(raw, allowed=set(raw), where="body.titles")
    return {language(k, field=f"body.titles.{k}"): titles.required_string(k, max_len=4000) for k in raw}


def parse_act(body: object) -> Act:
    f = Fields(body, allowed=_ACT_FIELDS)
    act_type = f.required_string("type", identifier=True, max_len=40)
    if act_type not in ACT_TYPES:
        raise invalid(f"body.type must be one of {', '.join(ACT_TYPES)}", name="body.type")
    jurisdiction = f.required_string("jurisdiction", identifier=True, max_len=10).lower()
    if not jurisdiction.replace("-", "").isalpha():
        raise invalid("body.jurisdiction must be an ISO 3166 code such as 'kz'", name="body.jurisdiction")
    titles = _titles(f)
    languages = [language(x, field="body.languages") for x in f.string_list("languages")] or list(titles)
    publication = f.obj("publication", allowed={"date", "source"})
    eif = f.obj("entry_into_force", allowed={"date", "rule", "earliest"})
    number = f.string("number", identifier=True, max_len=100)
    adopted = f.date("adopted_on")
    return Act(
        id=_act_id(f), jurisdiction=jurisdiction, type=act_type, number=number, adopted_on=adopted,
        issuing_body=f.string("issuing_body", max_len=500), titles=titles, languages=tuple(languages),
        publication_date=publication.date("date") if publication else None,
        publication_source=publication.string("source", max_len=2000) if publication else None,
        entry_into_force=EntryIntoForce(eif.date("date"), eif.string("rule", max_len=2000), eif.date("earliest"))
        if eif else EntryIntoForce(),
        expires_on=f.date("expires_on"),
        akn_uri=akn_work_uri(jurisdiction, act_type, adopted, number),
        external_ids=tuple(dict.fromkeys(f.string_list("external_ids", max_items=100))),
    )


async def create_act(request: Request) -> Response:
    key = await require_key(request)
    act = parse_act(await read_json(request))
    entry = await commands.create_act(request.app.state.pool, actor=key.name, act=act)
    stored = await acts_store.get_act(request.app.state.pool, act_id=act.id, as_of=entry.seq)
    return json_response(act_json(stored), status=201,
                         headers={"Location": f"/v1/acts/{act.id}", "X-Lextime-Seq": str(entry.seq)})


def path_act_id(request: Request) -> str:
    act_id: str = request.path_params["act_id"]
    if not ACT_ID.match(act_id):
        raise Problem(404, "not-found", "no act has this id: act ids are ULIDs such as 01HZX4Q5J8M2V7N3K9P6R1T0WB")
    return act_id


async def load_act(request: Request, as_of: int = LATEST) -> Act:
    return await acts_store.get_act(request.app.state.pool, act_id=path_act_id(request), as_of=as_of)


async def get_act(request: Request) -> Response:
    as_of = await read_as_of(request)
    act = await reader(request, as_of.seq).act(path_act_id(request))  # the cached act, as the text reads it
    return read_response(as_of, act_json(act))


def _asked_day(request: Request, act: Act, as_of: AsOf) -> date:
    return query_date(request) or as_of.today(act.jurisdiction)


async def act_status(request: Request) -> Response:
    as_of = await read_as_of(request)
    reads = reader(request, as_of.seq)
    act = await reads.act(path_act_id(request))
    state = await act_state(reads, act, as_of=as_of.seq)
    day = _asked_day(request, act, as_of)
    return read_response(as_of, {"act": act.id, "date": day.isoformat(), "status": status_json(state.status(day))})


async def act_text(request: Request) -> Response:
    as_of = await read_as_of(request)
    reads = reader(request, as_of.seq)
    act = await reads.act(path_act_id(request))
    raw_lang = request.query_params.get("lang")
    fmt = request.query_params.get("format", "json")
    if fmt not in ("json", "text"):
        raise invalid("format must be json or text", name="format")
    state = await act_state(reads, act, as_of=as_of.seq)
    lang = choose_language(state, language(raw_lang) if raw_lang is not None else None)
    answer = await text_answer(reads, state, day=_asked_day(request, act, as_of), lang=lang, as_of=as_of.seq)
    if fmt == "text":
        return Response(answer["text"] or "", media_type="text/plain; charset=utf-8",
                        headers={"X-Lextime-Status": answer["status"]["code"], **read_headers(as_of)})
    return read_response(as_of, answer)


async def list_acts(request: Request) -> Response:
    pool = request.app.state.pool
    as_of = await read_as_of(request)
    limit = query_int(request, "limit", default=50, low=1, high=500)
    after = decode_cursor(request.query_params.get("cursor"))
    wanted_status = query_string(request, "status", max_len=40)
    if wanted_status is not None and wanted_status not in StatusCode.__members__.values():
        raise invalid(f"status must be one of {', '.join(s.value for s in StatusCode)}", name="status")
    day = query_date(request)
    q_text = query_string(request, "q")
    filters: dict[str, Any] = {"type": query_string(request, "type", max_len=40), "number": query_string(request, "number"),
                               "adopted": query_date(request, "adopted"),
                               "title_pattern": f"%{_escape_like(q_text)}%" if q_text else None,
                               "external_id": query_string(request, "external_id")}
    status = None if wanted_status is None else _status_on(wanted_status, day, as_of)
    items = await acts_store.list_acts(pool, as_of=as_of.seq, after=after, limit=limit + 1, status=status,
                                       **filters)
    more = len(items) > limit
    items = items[:limit]
    body: dict[str, Any] = {"items": [act_json(a) for a in items], "next": None}
    headers = {}
    if more:
        cursor = encode_cursor(items[-1].id)
        body["next"] = f"/v1/acts?{_next_query(request, cursor)}"
        headers["Link"] = f'<{body["next"]}>; rel="next"'
    return read_response(as_of, body, headers=headers)


# No jurisdiction has this code: its day is the day in UTC, as for every jurisdiction with no zone on record.
_UNZONED = ""


def _status_on(code: str, day: date | None, as_of: AsOf) -> acts_store.StatusOn:
    """The filter for status `code` on `day`, or on the default day of each act's jurisdiction."""
    return acts_store.StatusOn(code, day, {j: as_of.today(j) for j in JURISDICTION_ZONES},
                               as_of.today(_UNZONED))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _next_query(request: Request, cursor: str) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
    return urlencode([*params, ("cursor", cursor)])

