"""Audit: verify the whole ledger, prove an answer, the signed checkpoints and the key that signs them."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from service.api.answers import act_state, choose_language, text_answer
from service.api.auth import require_key
from service.api.feed import query_seq
from service.api.params import ACT_ID, AsOf, invalid, language, query_date, query_int, read_as_of
from service.api.reads import read_response
from service.api.render import json_response
from service.domain.audit import text_digest
from service.domain.checkpoints import ALGORITHM, Signer
from service.domain.exchange import entry_json
from service.domain.ledger import LedgerEntry
from service.domain.proof import text_source
from service.store import acts as acts_store
from service.store import audit as audit_store
from service.store import checkpoints as checkpoints_store
from service.store import feed as feed_store


def _signer(request: Request) -> Signer:
    signer: Signer = request.app.state.signer
    return signer


async def verify(request: Request) -> Response:
    as_of = await read_as_of(request)
    report = await audit_store.verify(request.app.state.pool, upto=as_of.seq,
                                      public_key=_signer(request).public_key)
    # Never cached: the point of asking again is to learn whether anything was rewritten since.
    return read_response(as_of, report.as_json(), cacheable=False)


def _checkpoint_json(entry: LedgerEntry) -> dict[str, object]:
    return {**checkpoints_store.checkpoint_of(entry).as_json(), "entry_seq": entry.seq}


async def list_checkpoints(request: Request) -> Response:
    after = query_seq(request, "after")
    limit = query_int(request, "limit", default=100, low=1, high=1000)
    as_of = await read_as_of(request)
    entries = await checkpoints_store.checkpoints(request.app.state.pool, after=after, upto=as_of.seq,
                                                  limit=limit + 1)
    more = len(entries) > limit
    entries = entries[:limit]
    body: dict[str, object] = {"items": [_checkpoint_json(e) for e in entries], "next": None}
    headers = {}
    if more:
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "after"]
        body["next"] = "/v1/audit/checkpoints?" + urlencode([*params, ("after", str(entries[-1].seq))])
        headers["Link"] = f'<{body["next"]}>; rel="next"'
    return read_response(as_of, body, headers=headers)


async def create_checkpoint(request: Request) -> Response:
    await require_key(request)
    entry, created = await checkpoints_store.sign_head(request.app.state.pool, _signer(request))
    return json_response(_checkpoint_json(entry), status=201 if created else 200,
                         headers={"X-Lextime-Seq": str(entry.seq),
                                  "Location": f"/v1/audit/checkpoints?after={entry.seq - 1}&limit=1"})


async def public_key(request: Request) -> Response:
    signer = _signer(request)
    return json_response({"algorithm": ALGORITHM, "key_id": signer.key_id, "public_key": signer.public_key,
                          "pem": signer.public_pem})


async def proof(request: Request) -> Response:
    raw_act = request.query_params.get("act_id")
    if raw_act is None or not ACT_ID.fullmatch(raw_act):
        raise invalid("act_id must be an act id (a ULID)", name="act_id")
    raw_lang = request.query_params.get("lang")
    asked_lang = language(raw_lang) if raw_lang is not None else None
    asked_day = query_date(request)
    as_of = await read_as_of(request)
    pool = request.app.state.pool
    act = await acts_store.get_act(pool, act_id=raw_act, as_of=as_of.seq)
    state = await act_state(pool, act, as_of=as_of.seq)
    lang = choose_language(state, asked_lang)
    day = asked_day or as_of.today(act.jurisdiction)
    answer = await text_answer(pool, state, day=day, lang=lang, as_of=as_of.seq)
    return read_response(as_of, await _proof_body(request, as_of, answer, day, lang))


async def _proof_body(request: Request, as_of: AsOf, answer: dict[str, object], day: date,
                      lang: str) -> dict[str, object]:
    pool = request.app.state.pool
    act_id = str(answer["act"])
    act = await acts_store.get_act(pool, act_id=act_id, as_of=as_of.seq)
    produced = {act.recorded_seq}
    relations = await acts_store.relations_of_act(pool, act_id=act_id, as_of=as_of.seq)
    produced.update(r.recorded_seq for r in relations if r.target_act == act_id and r.on_whole_act)
    edition = answer["edition"]
    units: list[dict[str, object]] = []
    if isinstance(edition, dict):
        produced.add(int(edition["recorded_seq"]))
        valid_from = date.fromisoformat(str(edition["valid_from"]))
        structure, sources = await audit_store.expression_sources(pool, act_id=act_id, lang=lang,
                                                                  day=max(day, valid_from), as_of=as_of.seq)
        history = await feed_store.changes(pool, after=0, upto=as_of.seq, operations=None, act=act_id,
                                           limit=1_000_000)
        if structure is not None:
            produced.add(structure)
        for s in sources:
            origin = text_source(history, wid=s.wid, sha256=s.sha256, upto=s.recorded_seq) if s.sha256 else None
            produced.update(x for x in (s.recorded_seq, origin) if x is not None)
            unit: dict[str, object] = {"eId": s.eid, "wId": s.wid, "sha256": s.sha256,
                                       "text_available": s.text_available, "valid_from": s.valid_from.isoformat(),
                                       "recorded_seq": s.recorded_seq, "text_source_seq": origin}
            if s.breaks is not None:
                unit["breaks"] = s.breaks
            units.append(unit)
    covering = await checkpoints_store.checkpoint_covering(pool, seq=max(produced), upto=as_of.seq)
    last = covering.seq if covering is not None else as_of.seq
    chain = await feed_store.entries_between(pool, first=min(produced), last=last)
    texts = {u["sha256"]: u["text"] for u in answer["units"] if u["text_available"]}  # type: ignore[attr-defined]
    text = answer["text"]
    return {
        "act": act_id, "date": day.isoformat(), "lang": lang,
        "answer": answer,
        "text_sha256": text_digest(text) if isinstance(text, str) else None,
        "units": units,
        "texts": texts,
        "produced_by": sorted(produced),
        "chain": [entry_json(e) for e in chain],
        "checkpoint": checkpoints_store.checkpoint_of(covering).as_json() if covering is not None else None,
        "chain_end": {"seq": chain[-1].seq, "hash": chain[-1].hash} if chain else None,
    }
