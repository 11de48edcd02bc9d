"""Reads pinned to one ledger seq for the whole request, served from the worker's cache where it can be.

`reader(request)` pins the request once (service/store/cache.py: one small query shared by the requests
that arrive together) and every read of the request then answers as known at that seq, so an answer
never mixes facts from before and after a write. Without a cache (or for an explicit `as_of`), the same
reads go to the database.
"""

from __future__ import annotations

import bisect
import sys
from dataclasses import dataclass
from datetime import date

import asyncpg
from starlette.requests import Request

from service.api.answers import ActState
from service.domain.facts import status_facts
from service.domain.model import Act, Unit
from service.store import acts as acts_store
from service.store import editions as editions_store
from service.store.cache import ReadCache
from service.store.db import LATEST


@dataclass(frozen=True)
class CachedAct:
    state: ActState
    change_days: dict[str, tuple[date, ...]]  # per language, the days its text changes


@dataclass
class Reader:
    pool: asyncpg.Pool
    seq: int
    cache: ReadCache | None

    async def _entry(self, act_id: str) -> CachedAct:
        if self.cache is not None:
            found = self.cache.states.get(act_id)
            if found is not None:
                return found  # type: ignore[no-any-return]
        e = await acts_store.act_entry(self.pool, act_id=act_id, as_of=self.seq)  # one round trip
        entry = CachedAct(ActState(e.act, status_facts(e.act, e.relations), e.editions), e.change_days)
        if self.cache is not None:
            # Roughly what the objects take in memory (dataclasses, dates and strings included), calibrated
            # on worker RSS with the synthetic corpus.
            weight = 6000 + 1400 * (len(e.relations) + len(e.editions)) + 450 * sum(map(len, e.change_days.values()))
            self.cache.keep_state(act_id, entry, weight, read_at=self.seq)
        return entry

    async def act(self, act_id: str) -> Act:
        return (await self._entry(act_id)).state.act

    async def state(self, act: Act) -> ActState:
        return (await self._entry(act.id)).state

    async def expression(self, act_id: str, lang: str, day: date) -> list[Unit]:
        """The units of `lang` in force at the end of `day`; the same for every day between two changes."""
        entry = await self._entry(act_id)
        days = entry.change_days.get(lang, ())
        i = bisect.bisect_right(days, day)
        if i == 0:
            return []  # no text in this language starts on or before the day
        since = days[i - 1]
        key = (act_id, lang, since)
        if self.cache is not None:
            found = self.cache.expressions.get(key)
            if found is not None:
                return found  # type: ignore[no-any-return]
        units = await editions_store.expression_at(self.pool, act_id=act_id, lang=lang, day=since, as_of=self.seq)
        if self.cache is not None:
            weight = 300 + sum(sys.getsizeof(u.text) * 3 // 2 + 1200 for u in units)
            self.cache.keep_expression(key, units, weight, read_at=self.seq)
        return units


async def reader(request: Request) -> Reader:
    """The request's reader, pinned on first use to the ledger head (the cache's, when there is one)."""
    found = getattr(request.state, "reader", None)
    if isinstance(found, Reader):
        return found
    pool = request.app.state.pool
    cache: ReadCache | None = getattr(request.app.state, "read_cache", None)
    seq = await cache.pin(pool) if cache is not None else LATEST
    request.state.reader = Reader(pool, seq, cache)
    return request.state.reader
