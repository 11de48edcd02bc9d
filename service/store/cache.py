"""A per-worker cache of what point-in-time answers are made of, kept exact by the ledger.

Every read that uses it is first pinned to the ledger's head: one small query, sent after the request
arrived and shared by all the requests waiting when it is sent, returns the entries recorded since the
cache last looked, and the acts they touch are dropped from the cache before the request reads. Two
such checks may be in flight at once (a request arriving during one starts the next at once, so it
waits for one round trip, not the rest of the one in flight and then its own). So a cached answer
is always the one the database would give at the pinned seq, on this worker as on any other: there is
no window in which a recorded fact is not yet seen. Misses read the database at the pinned seq and are
kept only if no entry arrived meanwhile.

Each kept value carries the seq it was read at, R; while it is kept, no entry after R touched its act,
so it is exact at every seq from R to the head. A read at another seq (an `as_of` before R, or past a
head the cache has not caught up with) does not use it: it goes to the database.

What is kept: an act's record, relations and editions (its "state"), the units of one language in
force from each day on which that language's text changes (so a date anywhere inside a version shares
the entry), and rendered text answers (service/api/lean.py: the bytes every day with the same status,
edition and text shares, and JSON answers' ETags per day and seq), and what the unit and compare answers
read (a unit's version rows, what a unit reference names, the units with some eIds from each day the text
changes, and the comparison of two texts, keyed by the days they last changed). The kinds share one budget of weight, least recently used out whatever
its kind: a warm workload keeps the states and rendered answers every request touches (a fixed share per
kind kept units while the states and answers of the same requests were evicted and read again). The
units, read only to render an answer not yet kept, are kept cold: placed as if least recently used, so
they go first unless asked for again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

import asyncpg

from service.store.errors import translate
from service.store.queries import q

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# Beyond this many new entries the cache is cleared rather than sifted entry by entry.
MAX_CHANGES = 1000
# Ledger operations and where their payload names the acts whose answers they may change. An operation
# not listed here (one added later) clears the whole cache: never stale, only slower until it is listed.
# Corrections, retractions, unit amendments and imports clear it: they are rare, and their payloads name
# acts in many shapes. A checkpoint touches no act.
KNOWN_OPERATIONS = frozenset({"create_act", "add_edition", "add_relation", "checkpoint"})
# A kept ETag: its string, its key's tuple, date and int, and the LRU's entry.
_ETAG_WEIGHT = 450


class Lru(Generic[K, V]):
    """A least-recently-used map bounded by a total weight."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.weight = 0
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()

    def get(self, key: K) -> V | None:
        found = self._items.get(key)
        if found is None:
            return None
        self._items.move_to_end(key)
        return found[0]

    def put(self, key: K, value: V, weight: int = 1, *, cold: bool = False) -> None:
        """Keep `value`, the least recently used out until it fits. `cold`: kept as if least recently
        used itself, so that it goes first unless it is asked for again (what is read only to build
        something kept on its own)."""
        if weight > self.capacity:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self.weight -= old[1]
        while self.weight + weight > self.capacity:
            _, (_, w) = self._items.popitem(last=False)
            self.weight -= w
        self._items[key] = (value, weight)
        self.weight += weight
        if cold:
            self._items.move_to_end(key, last=False)

    def drop_where(self, act_ids: set[str]) -> None:
        for key in [k for k in self._items if _act_of(k) in act_ids]:
            self.weight -= self._items.pop(key)[1]

    def clear(self) -> None:
        self._items.clear()
        self.weight = 0

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)


def _act_of(key: Hashable) -> Hashable:
    return key[0] if isinstance(key, tuple) else key


class Shelf(Generic[K, V]):
    """One kind of what the cache keeps, in the LRU all kinds share (keys: the act's id, the kind, the key)."""

    def __init__(self, lru: Lru[tuple[Hashable, str, K], V], kind: str) -> None:
        self._lru = lru
        self._kind = kind

    def get(self, key: K) -> V | None:
        return self._lru.get((_act_of(key), self._kind, key))

    def put(self, key: K, value: V, weight: int = 1, *, cold: bool = False) -> None:
        self._lru.put((_act_of(key), self._kind, key), value, weight, cold=cold)

    def __len__(self) -> int:
        return sum(1 for _, kind, _ in self._lru if kind == self._kind)


@dataclass(frozen=True)
class Change:
    seq: int
    operation: str
    acts: tuple[str, ...]


class _Waiters:
    """The requests waiting for one head check, and the timer that ends the wait of those with a bound."""

    def __init__(self) -> None:
        self.futures: list[tuple[asyncio.Future[int], bool]] = []  # (the request's, whether it is bounded)
        self.timer: asyncio.TimerHandle | None = None

    def expire(self) -> None:
        late = TimeoutError()
        for future, bounded in self.futures:
            if bounded and not future.done():
                future.set_exception(late)

    def settle(self, outcome: int | BaseException) -> None:
        if self.timer is not None:
            self.timer.cancel()
        for future, _ in self.futures:
            if future.done():  # expired, or its request was cancelled
                continue
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)


async def _give_back(pool: asyncpg.Pool, conn: asyncpg.pool.PoolConnectionProxy, *, terminate: bool) -> None:
    # A connection the server closed was given back by the driver already: its proxy refuses everything.
    with contextlib.suppress(asyncpg.InterfaceError):
        if terminate:
            conn.terminate()
        await pool.release(conn)


class ReadCache:
    """The cached facts of one worker and the ledger seq they are exact at."""

    def __init__(self, *, max_bytes: int = 48 * 2**20, checks: int = 2) -> None:
        """`max_bytes`: about what the kept objects take in memory, states, texts and rendered answers
        together. `checks`: how many head checks may be in flight at once, each holding a connection of
        the pool."""
        self.head = 0
        # Values are (what was read, the seq it was read at); keys start with the act's id.
        self.kept: Lru[tuple[Hashable, str, Any], tuple[Any, int]] = Lru(max_bytes)
        self.states: Shelf[str, tuple[Any, int]] = Shelf(self.kept, "state")
        self.answers: Shelf[tuple[Any, ...], tuple[Any, int]] = Shelf(self.kept, "answer")
        self.expressions: Shelf[tuple[str, str, date], tuple[Any, int]] = Shelf(self.kept, "units")
        self.etags: Shelf[tuple[str, str, date, int], tuple[Any, int]] = Shelf(self.kept, "etag")
        # What the unit and compare answers read (keys: the act's id, what it is, then its arguments).
        self.unit_facts: Shelf[tuple[Any, ...], tuple[Any, int]] = Shelf(self.kept, "unit_fact")
        self.comparisons: Shelf[tuple[Any, ...], tuple[Any, int]] = Shelf(self.kept, "comparison")
        self._pending: _Waiters | None = None  # the requests waiting for the next check
        self._checks = checks
        self._pumps = 0  # lanes of checks running
        self._held: list[asyncpg.pool.PoolConnectionProxy] = []  # held for the checks: no acquire, no reset
        self._idle: list[asyncpg.pool.PoolConnectionProxy] = []  # held and no check in flight on it

    # ---- keeping exact ----------------------------------------------------------------------------------

    def apply(self, changes: Sequence[Change], head: int | None = None) -> None:
        """Forget what the changes may have changed, and move the head past them."""
        touched: set[str] = set()
        for change in changes:
            if change.operation not in KNOWN_OPERATIONS:
                self.clear()
                touched.clear()
                break
            touched.update(change.acts)
        if touched:
            self.kept.drop_where(touched)
        newest = max((c.seq for c in changes), default=self.head)
        self.head = max(self.head, newest, head or 0)

    def clear(self) -> None:
        self.kept.clear()

    async def pin(self, pool: asyncpg.Pool, *, timeout_s: float | None = None) -> int:
        """The ledger's head now, with the cache brought up to it. A request waits for the next check sent
        after it arrived, so it sees every entry committed before it came: checks overlap (at most
        `checks` in flight, one held connection each), so one arriving while a check is in flight starts
        another at once rather than waiting for the first to end. `timeout_s`: a TimeoutError when that
        check has not answered so long after the first request with a bound waiting for it came (one
        timer per check, not one per request; a request cancelled while waiting leaves the check to the
        others)."""
        loop = asyncio.get_running_loop()
        if self._pending is None:
            self._pending = _Waiters()
            if self._pumps < self._checks:
                self._pumps += 1
                loop.create_task(self._pump(pool))
        waiters = self._pending
        future: asyncio.Future[int] = loop.create_future()
        waiters.futures.append((future, timeout_s is not None))
        if timeout_s is not None and waiters.timer is None:
            waiters.timer = loop.call_later(timeout_s, waiters.expire)
        return await future

    async def _pump(self, pool: asyncpg.Pool) -> None:
        """One lane of checks (counted from its creation): while requests wait, take them all and send one
        check for them, on a connection no other check is using."""
        try:
            while self._pending is not None:
                # Taken before the query is sent: every request taken arrived before the check began.
                waiting, self._pending = self._pending, None
                conn = None
                try:
                    conn = await self._connection(pool)
                    head = await self._catch_up(conn)
                except BaseException as exc:  # the waiters get the error (a 503), the next check starts afresh
                    waiting.settle(exc)
                    if conn is not None:
                        await self._drop(pool, conn)  # a broken connection goes back to the pool
                    if not isinstance(exc, Exception):
                        raise
                else:
                    if conn in self._held:  # not given back by a close meanwhile
                        self._idle.append(conn)
                    waiting.settle(head)
        finally:
            self._pumps -= 1

    async def _connection(self, pool: asyncpg.Pool) -> asyncpg.pool.PoolConnectionProxy:
        if self._idle:
            return self._idle.pop()
        async with translate():
            conn = await pool.acquire()
        self._held.append(conn)
        return conn

    async def _catch_up(self, conn: asyncpg.pool.PoolConnectionProxy) -> int:
        """Apply the entries recorded since the head as it is when the check is sent. Checks in flight
        together may answer in any order: each answer holds every entry after the seq it asked from
        (the cache's head then, at most its head now), so applying the part past the current head leaves
        no entry up to the new head unapplied, and an answer older than the head changes nothing."""
        since = self.head
        async with translate():
            rows = await self._changes_since(conn, since)
            head = await conn.fetchval(q("ledger_head_seq")) if len(rows) > MAX_CHANGES else None
        if head is not None:
            self.clear()
            self.head = max(self.head, int(head))
            return self.head
        self.apply([Change(r["seq"], r["operation"], tuple(r["acts"])) for r in rows if r["seq"] > self.head])
        return self.head

    async def _changes_since(self, conn: asyncpg.pool.PoolConnectionProxy, since: int) -> list[asyncpg.Record]:
        return await conn.fetch(q("ledger_changes_since"), since, MAX_CHANGES + 1)  # type: ignore[no-any-return]

    async def _drop(self, pool: asyncpg.Pool, conn: asyncpg.pool.PoolConnectionProxy) -> None:
        if conn in self._held:
            self._held.remove(conn)
            await _give_back(pool, conn, terminate=True)

    async def close(self, pool: asyncpg.Pool) -> None:
        """Give the held connections back (before the pool closes, which waits for them)."""
        held, self._held, idle, self._idle = self._held, [], self._idle, []
        for conn in held:
            # A check in flight on it (a slow or dead network): end it, it cannot be reset.
            await _give_back(pool, conn, terminate=conn not in idle)

    # ---- keeping what was read --------------------------------------------------------------------------

    def _exact_at(self, found: tuple[Any, int] | None, seq: int) -> Any:
        if found is None:
            return None
        value, read_at = found
        return value if read_at <= seq <= self.head else None

    def state_at(self, act_id: str, seq: int) -> Any:
        """The act's kept state when it is exact at `seq`, else None."""
        return self._exact_at(self.states.get(act_id), seq)

    def expression_at(self, key: tuple[str, str, date], seq: int) -> Any:
        return self._exact_at(self.expressions.get(key), seq)

    def keep_state(self, act_id: str, state: Any, weight: int, *, read_at: int) -> None:
        if read_at == self.head:  # no entry came in since the read: still exact
            self.states.put(act_id, (state, read_at), weight)

    def keep_expression(self, key: tuple[str, str, date], units: Any, weight: int, *, read_at: int) -> None:
        if read_at == self.head:
            # Cold: the units of a day are read to render answers, which are kept on their own; kept
            # hot, they took two fifths of the budget under the Zipf text load and pushed out the states
            # and answers every request needs. Asked for again (another format, another interval of the
            # same text, a route that renders from them each time), they stay like anything else.
            self.expressions.put(key, (units, read_at), weight, cold=True)

    def unit_fact_at(self, key: tuple[Any, ...], seq: int) -> Any:
        """Something read about an act's units (key: the act's id, what was read, its arguments)."""
        return self._exact_at(self.unit_facts.get(key), seq)

    def keep_unit_fact(self, key: tuple[Any, ...], fact: Any, weight: int, *, read_at: int) -> None:
        if read_at == self.head:
            self.unit_facts.put(key, (fact, read_at), weight)

    def comparison_at(self, key: tuple[Any, ...], seq: int) -> Any:
        """What a comparison of an act's text on two days is made of (key: the act's id, the language and
        the days on which the text last changed before each)."""
        return self._exact_at(self.comparisons.get(key), seq)

    def keep_comparison(self, key: tuple[Any, ...], comparison: Any, weight: int, *, read_at: int) -> None:
        if read_at == self.head:
            self.comparisons.put(key, (comparison, read_at), weight)

    def answer_at(self, key: tuple[Any, ...], seq: int) -> Any:
        """A rendered answer (key: the act's id first, then what the answer is a function of)."""
        return self._exact_at(self.answers.get(key), seq)

    def keep_answer(self, key: tuple[Any, ...], answer: Any, weight: int, *, read_at: int) -> None:
        if read_at == self.head:
            self.answers.put(key, (answer, read_at), weight)

    def etag_of(self, key: tuple[str, str, date, int]) -> str | None:
        """The ETag of a JSON text answer (key: act, language, day and the seq it was answered at, which
        the body is a function of: exact whenever found)."""
        found = self.etags.get(key)
        return None if found is None else found[0]  # type: ignore[no-any-return]

    def keep_etag(self, key: tuple[str, str, date, int], etag: str) -> None:
        self.etags.put(key, (etag, key[3]), _ETAG_WEIGHT)
