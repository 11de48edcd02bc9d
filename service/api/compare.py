"""Comparing an act's text on two days: which units were added, repealed, changed or renumbered, by which
acts, with a word-level diff of each changed unit; as JSON or as a readable HTML page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg
import orjson
from starlette.requests import Request
from starlette.responses import Response

from service.api.acts import path_act_id
from service.api.answers import choose_language
from service.api.compare_html import compare_page
from service.api.params import invalid, language, query_date, read_as_of
from service.api.reader import CachedAct, Reader, reader, text_changed_on
from service.api.reads import read_response
from service.api.render import status_json
from service.api.render_units import by_json, segments_json
from service.domain.expressions import Change, ExpressionState, UnitChange, UnitVersion, diff_states, unchanged
from service.domain.worddiff import word_diff
from service.store import acts as acts_store
from service.store import history
from service.store import units as units_store

UNKNOWN_BEFORE = "the wording on the first day is not known (the source does not give it)"
UNKNOWN_AFTER = "the wording on the second day is not known (the source does not give it)"


def _required_day(request: Request, name: str) -> date:
    day = query_date(request, name)
    if day is None:
        raise invalid(f"{name} is required: a date YYYY-MM-DD", name=name)
    return day


@dataclass(frozen=True)
class Comparison:
    """Everything the answer is built from."""

    before: ExpressionState
    after: ExpressionState
    changes: list[UnitChange]
    same: list[str]
    makers: dict[str, list[tuple[date, UnitVersion]]]
    removed_by: dict[str, list[tuple[date, UnitVersion]]]
    texts: dict[str, str]


def _snapshot(v: UnitVersion | None, texts: dict[str, str]) -> dict[str, Any] | None:
    if v is None:
        return None
    text = texts.get(v.sha256) if v.sha256 and v.text_available else None
    return {"eId": v.eid, "num": v.num, "heading": v.heading, "text": text, "text_available": text is not None,
            "sha256": v.sha256 if text is not None else None, "repealed": v.repealed}


def _by(c: Comparison, wid: str) -> list[dict[str, Any]]:
    return by_json(c.makers.get(wid) or c.removed_by.get(wid, []))


def _changed(c: Comparison, ch: UnitChange) -> dict[str, Any]:
    assert ch.before is not None and ch.after is not None
    old, new = _snapshot(ch.before, c.texts), _snapshot(ch.after, c.texts)
    assert old is not None and new is not None
    diff, note = None, None
    if old["text"] is not None and new["text"] is not None:
        diff = word_diff(old["text"], new["text"])
    elif old["text"] is None and new["text"] is not None:
        note = UNKNOWN_BEFORE
    elif new["text"] is None and old["text"] is not None:
        note = UNKNOWN_AFTER
    return {"wId": ch.wid, "eId": ch.after.eid, "from": old, "to": new, "by": _by(c, ch.wid),
            "diff": segments_json(diff), "note": note}


def comparison_json(c: Comparison) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {"added": [], "repealed": [], "changed": [], "renumbered": []}
    for ch in c.changes:
        if Change.ADDED in ch.changes and ch.after is not None:
            out["added"].append({"wId": ch.wid, **(_snapshot(ch.after, c.texts) or {}), "by": _by(c, ch.wid)})
        if Change.REPEALED in ch.changes:
            last = ch.before or ch.after
            assert last is not None
            out["repealed"].append({"wId": ch.wid, "eId": last.eid, "num": last.num, "heading": last.heading,
                                    "by": _by(c, ch.wid)})
        if Change.CHANGED in ch.changes:
            out["changed"].append(_changed(c, ch))
        if Change.RENUMBERED in ch.changes and ch.before is not None and ch.after is not None:
            out["renumbered"].append({"wId": ch.wid, "from_eId": ch.before.eid, "to_eId": ch.after.eid,
                                      "from_num": ch.before.num, "to_num": ch.after.num, "by": _by(c, ch.wid)})
    return out


async def _compare(pool: asyncpg.Pool | asyncpg.Connection, act_id: str, lang: str, first: date, second: date,
                   as_of: int) -> Comparison:
    before = await history.state_of(pool, act_id=act_id, lang=lang, day=first, as_of=as_of) or ExpressionState()
    after = await history.state_of(pool, act_id=act_id, lang=lang, day=second, as_of=as_of) or ExpressionState()
    changes = diff_states(before, after)
    rows, structures = await units_store.rows_between(pool, act_id=act_id, lang=lang, after=first, upto=second,
                                                      as_of=as_of)
    makers: dict[str, list[tuple[date, UnitVersion]]] = {}
    for d, wid, v in rows:
        makers.setdefault(wid, []).append((d, v))
    removed_by: dict[str, list[tuple[date, UnitVersion]]] = {}
    editions = {e.valid_from: e for e in await units_store.edition_origins(pool, act_id=act_id, as_of=as_of)}
    for ch in changes:
        if ch.after is None and ch.before is not None:
            day = next((d for d, wids in structures if ch.wid not in wids), None)
            e = editions.get(day) if day is not None else None
            if day is not None and e is not None:
                removed_by[ch.wid] = [(day, ch.before.made_by(e.source_acts[0] if e.source_acts else act_id, None))]
    hashes = {v.sha256 for ch in changes for v in (ch.before, ch.after) if v is not None and v.sha256}
    texts = await units_store.texts(pool, hashes=sorted(hashes))
    return Comparison(before, after, changes, unchanged(before, after), makers, removed_by, texts)


Found = dict[str, list[dict[str, Any]]]
FOUND = ("added", "repealed", "changed", "renumbered")


@dataclass(frozen=True)
class Compared:
    """What a comparison answers (its four lists of changes and the unchanged units), each list kept as the
    JSON the answer embeds and its length: one buffer per list, not a dict per unit and segment (which
    took four times the bytes of their JSON: the same budget now keeps four times the comparisons)."""

    parts: dict[str, bytes]
    counts: dict[str, int]

    @classmethod
    def of(cls, found: Found, same: list[dict[str, str]]) -> Compared:
        lists: dict[str, list[Any]] = {**found, "unchanged": same}
        return cls({k: orjson.dumps(v, option=orjson.OPT_NON_STR_KEYS) for k, v in lists.items()},
                   {k: len(v) for k, v in lists.items()})

    @property
    def weight(self) -> int:
        return 600 + sum(len(b) + 150 for b in self.parts.values())

    def fragments(self) -> dict[str, orjson.Fragment]:
        return {k: orjson.Fragment(b) for k, b in self.parts.items()}

    def lists(self) -> dict[str, list[Any]]:
        """The lists themselves (the HTML page walks them)."""
        return {k: orjson.loads(b) for k, b in self.parts.items()}


async def _comparison(reads: Reader, entry: CachedAct, lang: str, first: date, second: date) -> Compared:
    """What the comparison answers (the changes, and the unchanged units), from the reader: the same for
    every two days with the same days on which the text last changed before them."""
    act_id = entry.state.act.id

    async def read() -> Compared:
        c = await _compare(reads.pool, act_id, lang, first, second, reads.seq)
        return Compared.of(comparison_json(c), [{"wId": w, "eId": c.after.units[w].eid} for w in c.same])

    key = (act_id, lang, text_changed_on(entry, lang, first), text_changed_on(entry, lang, second))
    return await reads.comparison(key, read, lambda compared: compared.weight)


async def compare(request: Request) -> Response:
    as_of = await read_as_of(request)
    reads = reader(request, as_of.seq)
    act = await reads.act(path_act_id(request))
    first, second = _required_day(request, "from"), _required_day(request, "to")
    if second < first:
        raise invalid("to must not be before from", name="to")
    fmt = request.query_params.get("format", "json")
    if fmt not in ("json", "html"):
        raise invalid("format must be json or html", name="format")
    raw_lang = request.query_params.get("lang")
    entry = await reads.entry(act.id)
    state = entry.state
    lang = choose_language(state, language(raw_lang) if raw_lang is not None else None)
    compared = await _comparison(reads, entry, lang, first, second)
    body = {
        "act": act.id, "lang": lang, "from": first.isoformat(), "to": second.isoformat(),
        "status_from": status_json(state.status(first)), "status_to": status_json(state.status(second)),
        "summary": compared.counts,
        **compared.fragments(),
    }
    if fmt == "html":
        found = compared.lists()
        body |= found
        names = {}
        for maker in {m["act"] for k in FOUND for x in found[k]
                      for m in x["by"] if m["act"]}:
            names[maker] = await acts_store.get_act(request.app.state.pool, act_id=maker, as_of=as_of.seq)
        return Response(compare_page(act, body, names), media_type="text/html; charset=utf-8")
    return read_response(as_of, body)
