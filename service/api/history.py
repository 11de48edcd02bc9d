"""An act's transaction-time log: every ledger entry that concerns it — who recorded what and when,
corrections and retractions with their reasons. (Not the valid-time versions of its units.)"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from service.api.feed import query_seq
from service.api.params import ACT_ID, query_int, read_as_of
from service.api.reads import read_response
from service.domain.exchange import entry_json
from service.domain.feed import reason_of, summary
from service.domain.ledger import LedgerEntry
from service.errors import Problem
from service.store import feed as feed_store


def _item(e: LedgerEntry) -> dict[str, object]:
    return {**entry_json(e), "summary": summary(e.operation, e.payload), "reason": reason_of(e.operation, e.payload)}


async def act_ledger(request: Request) -> Response:
    act_id = request.path_params["act_id"]
    if not ACT_ID.fullmatch(act_id):
        raise Problem(404, "not-found", "no act has this id: act ids are ULIDs such as 01HZX4Q5J8M2V7N3K9P6R1T0WB")
    after = query_seq(request, "after")
    limit = query_int(request, "limit", default=100, low=1, high=1000)
    as_of = await read_as_of(request)
    pool = request.app.state.pool
    if not await feed_store.act_ever_recorded(pool, act_id=act_id, as_of=as_of.seq):
        raise Problem(404, "not-found", f"no act with id {act_id!r}", act_id=act_id)
    entries = await feed_store.changes(pool, after=after, upto=as_of.seq, operations=None, act=act_id,
                                       limit=limit + 1)
    more = len(entries) > limit
    entries = entries[:limit]
    body: dict[str, object] = {"act": act_id, "items": [_item(e) for e in entries], "next": None}
    headers = {}
    if more:
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "after"]
        body["next"] = f"/v1/acts/{act_id}/ledger?" + urlencode([*params, ("after", str(entries[-1].seq))])
        headers["Link"] = f'<{body["next"]}>; rel="next"'
    return read_response(as_of, body, headers=headers)
