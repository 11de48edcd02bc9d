"""Point-in-time facts of a request, read at the ledger seq its `as_of` names, from the worker's cache where
the cache is exact at that seq (service/store/cache.py), else from the database at that seq.

`read_as_of` (service/api/params.py) pins a request without `as_of` to the cache's head (one small query
shared by the requests that arrive together); `reader(request, seq)` then gives every read of the request
the same seq, so an answer never mixes facts from before and after a write, and an answer at `as_of=N` is
never made of facts cached at another seq.
"""

from __future__ import annotations

import bisect
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, TypeVar

import asyncpg
from starlette.requests import Request

from service.api.answers import ActState, text_answer_days
from service.api.unit_answers import pending_of_act
from service.domain.facts import status_facts
from service.domain.model import Act, Unit
from service.store import acts as acts_store
from service.store import editions as editions_store
from service.store import sources as sources_store
from service.store.cache import ReadCache

T = TypeVar("T")


@dataclass(frozen=True)
class CachedAct:
    state: ActState
    change_days: dict[str, tuple[date, ...]]  # per language, the days its text changes
    # Per language, the days its text answer may change (`text_answer_days`): a text answer is the same
    # from one to the day before the next, its date and seq aside.
    answer_days: dict[str, tuple[date, ...]]

    @cached_property
    def unit_change_days(self) -> list[date]:
        """The days on which any language's units or structure change (an entry is asked about many days)."""
        return sorted({d for days in self.change_days.values() for d in days})


@dataclass
class Reader:
    pool: asyncpg.Pool | asyncpg.Connection  # or one connection of it, for all the reads of a miss
    seq: int
    cache: ReadCache | None

    async def entry(self, act_id: str) -> CachedAct:
        if self.cache is not None:
            found = self.cache.state_at(act_id, self.seq)
            if found is not None:
                return found  # type: ignore[no-any-return]
        e = await acts_store.act_entry(self.pool, act_id=act_id, as_of=self.seq)  # act, relations, editions
        pending = await pending_of_act(self.pool, e.act, e.relations, as_of=self.seq)
        sources = await sources_store.edition_sources(self.pool, act_id=act_id) if e.editions else {}
        state = ActState(e.act, status_facts(e.act, e.relations, pending_units=pending), e.editions,
                         tuple(e.relations), sources)
        answer_days = {lang: text_answer_days(state, e.change_days.get(lang, ())) for lang in state.known_languages}
        entry = CachedAct(state, e.change_days, answer_days)
        if self.cache is not None:
            # Roughly what the objects take in memory (dataclasses, dates and strings included), calibrated
            # on worker RSS with the synthetic corpus; the answer days' dates are those already counted.
            weight = (6000 + 1400 * (len(e.relations) + len(e.editions) + len(sources))
                      + 450 * sum(map(len, e.change_days.values())) + 100 * sum(map(len, answer_days.values())))
            self.cache.keep_state(act_id, entry, weight, read_at=self.seq)
        return entry

    async def act(self, act_id: str) -> Act:
        return (await self.entry(act_id)).state.act

    async def state(self, act: Act) -> ActState:
        return (await self.entry(act.id)).state

    async def expression(self, act_id: str, lang: str, day: date) -> list[Unit]:
        """The units of `lang` in force at the end of `day`; the same for every day between two changes."""
        entry = await self.entry(act_id)
        key = _expression_key(entry, act_id, lang, day)
        if key is None:
            return []  # no text in this language starts on or before the day
        if self.cache is not None:
            found = self.cache.expression_at(key, self.seq)
            if found is not None:
                return found  # type: ignore[no-any-return]
        units = await editions_store.expression_at(self.pool, act_id=act_id, lang=lang, day=key[2], as_of=self.seq)
        if self.cache is not None:
            weight = 300 + sum(sys.getsizeof(u.text) * 3 // 2 + 1200 for u in units)
            self.cache.keep_expression(key, units, weight, read_at=self.seq)
        return units

    async def unit_fact(self, key: tuple[Any, ...], read: Callable[[], Awaitable[T]], weigh: Callable[[T], int]) -> T:
        """What `read` gives at this seq (key: the act's id, what is read, its arguments; what is read must be
        a function of the act's facts at the seq and of the arguments only), kept while exact."""
        if self.cache is None:
            return await read()
        return await _kept(key, self.seq, read, weigh, self.cache.unit_fact_at, self.cache.keep_unit_fact)

    async def comparison(self, key: tuple[Any, ...], read: Callable[[], Awaitable[T]], weigh: Callable[[T], int]
                         ) -> T:
        """As `unit_fact`, for what a comparison of two texts of an act is made of."""
        if self.cache is None:
            return await read()
        return await _kept(key, self.seq, read, weigh, self.cache.comparison_at, self.cache.keep_comparison)

    def held(self, act_id: str) -> CachedAct | None:
        """The act's cached entry when the cache holds it exact at this seq; no database read."""
        return self.cache.state_at(act_id, self.seq) if self.cache is not None else None

    @staticmethod
    def text_since(entry: CachedAct, lang: str, day: date) -> date | None:
        """The day the text of `lang` in force on `day` last changed (None: no text in `lang` yet): every
        day that shares it shares `expression`'s units."""
        key = _expression_key(entry, entry.state.act.id, lang, day)
        return key[2] if key is not None else None

    def held_expression(self, entry: CachedAct, lang: str, day: date) -> list[Unit] | None:
        """What `expression` answers, when the cache holds it exact at this seq (None: not held)."""
        key = _expression_key(entry, entry.state.act.id, lang, day)
        if key is None:
            return []
        return self.cache.expression_at(key, self.seq) if self.cache is not None else None


def _last_on_or_before(days: Sequence[date], day: date) -> date | None:
    i = bisect.bisect_right(days, day)
    return days[i - 1] if i else None


def text_changed_on(entry: CachedAct, lang: str, day: date) -> date | None:
    """The last day on or before `day` on which a unit version or the structure of `lang` starts (None: none
    does): every read of that language's units at a day gives the same from it to the next such day."""
    return _last_on_or_before(entry.change_days.get(lang, ()), day)


def units_changed_on(entry: CachedAct, day: date) -> date | None:
    """As `text_changed_on`, over every language of the act."""
    return _last_on_or_before(entry.unit_change_days, day)


def _expression_key(entry: CachedAct, act_id: str, lang: str, day: date) -> tuple[str, str, date] | None:
    """The cache key of the units of `lang` in force on `day`: the day their text last changed."""
    since = text_changed_on(entry, lang, day)
    return (act_id, lang, since) if since is not None else None


def reader(request: Request, seq: int) -> Reader:
    """The request's reader at ledger seq `seq` (from `read_as_of`), with the worker's cache when it has one."""
    found = getattr(request.state, "reader", None)
    if isinstance(found, Reader) and found.seq == seq:
        return found
    cache: ReadCache | None = getattr(request.app.state, "read_cache", None)
    made = Reader(request.app.state.pool, seq, cache)
    request.state.reader = made
    return made


async def _kept(key: tuple[Any, ...], seq: int, read: Callable[[], Awaitable[T]], weigh: Callable[[T], int],
                found_at: Callable[[tuple[Any, ...], int], Any], keep: Callable[..., None]) -> T:
    """The value kept under `key` exact at `seq`, else `read` and kept."""
    found = found_at(key, seq)
    if found is not None:
        return found  # type: ignore[no-any-return]
    value = await read()
    keep(key, value, weigh(value), read_at=seq)
    return value
