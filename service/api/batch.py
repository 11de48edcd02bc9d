"""Many point-in-time lookups in one request, for systems that show many documents at once.

The items are answered in order, all at one ledger seq (the request's `as_of`, default the head): one
consistent picture, however many acts. An item the client got wrong (unknown act or language, a
malformed date) is answered with its own problem document and does not fail the others; a malformed batch
(not an object, no items, too many) fails as a whole, and so does a database that cannot answer.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from service.api.answers import act_state, choose_language, text_answer
from service.api.params import ACT_ID, AsOf, Fields, invalid, language, read_as_of, read_json
from service.api.reader import Reader, reader
from service.api.reads import read_response
from service.domain.errors import DomainError
from service.errors import Problem, from_domain, problem_body
from service.store.errors import Timeout, Unavailable

MAX_ITEMS = 100
_ITEM_FIELDS = {"act", "date", "lang"}


async def batch_text(request: Request) -> Response:
    f = Fields(await read_json(request), allowed={"items"})
    items = f.get("items")
    if not isinstance(items, list) or not items:
        raise invalid("body.items must be a non-empty list of {act, date, lang} lookups", name="body.items")
    if len(items) > MAX_ITEMS:
        raise invalid(f"body.items has {len(items)} lookups; a batch takes at most {MAX_ITEMS}", name="body.items")
    as_of = await read_as_of(request)
    reads = reader(request, as_of.seq)
    outcomes = [await _item(reads, as_of, i, raw, request.url.path) for i, raw in enumerate(items)]
    # A POST is not kept by HTTP caches whatever it says; the seq it answers at is in the body and header.
    return read_response(as_of, {"items": outcomes}, cacheable=False)


async def _item(reads: Reader, as_of: AsOf, index: int, raw: object, path: str) -> dict[str, Any]:
    try:
        answer = await _answer(reads, as_of, raw, f"body.items[{index}]")
        return {"index": index, "status": 200, "answer": answer}
    except (Unavailable, Timeout):
        raise  # the database, not the item: the whole batch is a 503
    except DomainError as err:
        problem = from_domain(err)
    except Problem as err:
        problem = err
    return {"index": index, "status": problem.status, "problem": problem_body(problem, instance=path)}


async def _answer(reads: Reader, as_of: AsOf, raw: object, where: str) -> dict[str, Any]:
    f = Fields(raw, allowed=_ITEM_FIELDS, where=where)
    act_id = f.required_string("act", identifier=True, max_len=64)
    day = f.date("date")
    raw_lang = f.string("lang", identifier=True, max_len=10)
    wanted = language(raw_lang, field=f"{where}.lang") if raw_lang is not None else None
    if not ACT_ID.match(act_id):
        raise Problem(404, "not-found", f"no act with id {act_id!r}: act ids are ULIDs", act_id=act_id)
    act = await reads.act(act_id)
    state = await act_state(reads, act, as_of=as_of.seq)
    lang = choose_language(state, wanted)
    return await text_answer(reads, state, day=day or as_of.today(act.jurisdiction), lang=lang, as_of=as_of.seq)
