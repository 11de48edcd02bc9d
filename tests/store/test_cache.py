"""The per-worker read cache: bounded, exact by the ledger (a write is seen by the next request on every
worker), checks shared by the requests that arrive together, and answers equal to those without it."""

from __future__ import annotations

import asyncio
from datetime import date

import asyncpg
import httpx

from service.store.cache import Change, Lru, ReadCache
from service.store.db import create_pool
from service.store.errors import Unavailable
from service.store.keys import insert_key
from service.store.ledger import record
from tests.conftest import start_server


def test_lru_keeps_within_its_weight_and_drops_the_least_recent() -> None:
    lru: Lru[tuple[str, int], str] = Lru(10)
    for i in range(4):
        lru.put(("a", i), f"v{i}", 3)
    assert len(lru) == 3 and lru.weight == 9 and lru.get(("a", 0)) is None
    assert lru.get(("a", 1)) == "v1"  # now the most recent
    lru.put(("b", 0), "w", 3)
    assert lru.get(("a", 2)) is None and lru.get(("a", 1)) == "v1"
    lru.put(("c", 0), "too big", 11)
    assert lru.get(("c", 0)) is None and lru.weight <= 10
    lru.drop_where({"a"})
    assert lru.get(("a", 1)) is None and lru.get(("b", 0)) == "w" and lru.weight == 3


def test_a_cold_value_goes_first_unless_asked_for_again() -> None:
    lru: Lru[tuple[str, int], str] = Lru(9)
    lru.put(("hot", 0), "h0", 3)
    lru.put(("cold", 0), "c0", 3, cold=True)
    lru.put(("hot", 1), "h1", 3)
    lru.put(("hot", 2), "h2", 3)  # full: the cold value goes, though the first hot one is older
    assert lru.get(("cold", 0)) is None and lru.get(("hot", 0)) == "h0" and lru.weight == 9
    lru.put(("cold", 1), "c1", 3, cold=True)  # room is made before it is placed: it is kept, an old one goes
    assert lru.get(("cold", 1)) == "c1"  # asked for again: the most recent now
    assert lru.get(("hot", 1)) is None and len(lru) == 3
    lru.put(("hot", 3), "h3", 3)
    assert lru.get(("cold", 1)) == "c1" and lru.get(("hot", 2)) is None


def test_units_are_kept_cold_and_states_and_answers_hot() -> None:
    """Units are read to render answers that are kept on their own; under a full budget they give way to
    the states and answers requests keep asking for, not the other way round."""
    cache = ReadCache(max_bytes=40)
    cache.keep_state("A", "state A", 10, read_at=0)
    cache.keep_answer(("A", "ru", "json", 1), "answer A", 10, read_at=0)
    for day in (1, 2, 3):  # each read to render one answer, never asked for again
        cache.keep_expression(("A", "ru", date(2020, 1, day)), ["unit"], 10, read_at=0)
        cache.keep_answer(("A", "ru", "json", 10 + day), f"answer {day}", 5, read_at=0)
    assert cache.state_at("A", 0) == "state A" and cache.answer_at(("A", "ru", "json", 1), 0) == "answer A"
    assert [cache.answer_at(("A", "ru", "json", 10 + day), 0) for day in (1, 2, 3)] == [
        "answer 1", "answer 2", "answer 3"]
    assert cache.expression_at(("A", "ru", date(2020, 1, 1)), 0) is None
    assert cache.kept.weight <= 40


def _filled() -> ReadCache:
    cache = ReadCache(max_bytes=2**20)
    for act in ("A", "B", "C"):
        cache.keep_state(act, f"state {act}", 10, read_at=0)
        cache.keep_expression((act, "ru", date(2020, 1, 1)), [act], 10, read_at=0)
    return cache


def test_entries_drop_the_acts_they_touch_and_only_those() -> None:
    cache = _filled()
    cache.apply([Change(1, "add_relation", ("A", "B")), Change(2, "add_edition", ("A",))])
    assert cache.head == 2
    assert cache.state_at("A", 2) is None and cache.state_at("B", 2) is None and cache.state_at("C", 2) == "state C"
    assert cache.expression_at(("C", "ru", date(2020, 1, 1)), 2) == ["C"]
    assert cache.expression_at(("A", "ru", date(2020, 1, 1)), 2) is None


def test_an_operation_the_cache_does_not_know_clears_it() -> None:
    cache = _filled()
    cache.apply([Change(1, "same_as", ("A",))])
    assert len(cache.states) == 0 and len(cache.expressions) == 0 and cache.head == 1


def test_corrections_retractions_amendments_and_imports_clear_it_and_checkpoints_do_not() -> None:
    for operation in ("correct", "retract", "amend_units", "import_document"):
        cache = _filled()
        cache.apply([Change(1, operation, ())])
        assert len(cache.states) == 0 and len(cache.expressions) == 0, operation
    cache = _filled()
    cache.apply([Change(1, "checkpoint", ())])
    assert len(cache.states) == 3 and cache.state_at("A", 1) == "state A"


def test_the_kinds_share_one_budget_and_the_least_recent_goes_first_whatever_its_kind() -> None:
    cache = ReadCache(max_bytes=100)
    for act in ("A", "B", "C"):  # states and answers beyond a quarter of the budget each
        cache.keep_state(act, f"state {act}", 15, read_at=0)
        cache.keep_answer((act, "ru", "json"), f"answer {act}", 15, read_at=0)
    assert cache.kept.weight == 90 and len(cache.states) == 3 and len(cache.answers) == 3
    units = ("A", "ru", date(2020, 1, 1))
    cache.keep_expression(units, ["A"], 20, read_at=0)  # the units an answer was rendered from
    assert cache.state_at("A", 0) is None  # the least recent went: A's state, the first kept
    for act in ("B", "C"):  # a warm workload reads its states and answers again, not the units
        assert cache.state_at(act, 0) == f"state {act}" and cache.answer_at((act, "ru", "json"), 0) == f"answer {act}"
    cache.keep_state("D", "state D", 25, read_at=0)  # the units go (kept cold), not A's answer, B's or C's
    assert cache.expression_at(units, 0) is None and cache.answer_at(("A", "ru", "json"), 0) == "answer A"
    assert cache.state_at("B", 0) == "state B" and cache.state_at("D", 0) == "state D"
    assert cache.kept.weight <= 100 and len(cache.expressions) == 0
    cache.apply([Change(1, "add_edition", ("B",))])
    assert cache.state_at("B", 1) is None and cache.answer_at(("B", "ru", "json"), 1) is None
    assert cache.answer_at(("C", "ru", "json"), 1) == "answer C"


def test_what_was_read_before_the_head_moved_is_not_kept() -> None:
    cache = ReadCache()
    cache.apply([Change(5, "create_act", ("A",))])
    cache.keep_state("A", "read at 4", 10, read_at=4)
    assert cache.state_at("A", 4) is None and cache.state_at("A", 5) is None
    cache.keep_state("A", "read at 5", 10, read_at=5)
    assert cache.state_at("A", 5) == "read at 5"


def test_a_kept_value_answers_only_at_the_seqs_it_is_exact_at() -> None:
    """Read at 5, kept while entries 6 and 7 touch other acts: exact at 5 to 7, not before 5 (an `as_of`
    may name a seq before the act's last change) nor after 7 (entries the cache has not seen yet)."""
    cache = ReadCache()
    cache.apply([Change(5, "create_act", ("A",))])
    cache.keep_state("A", "read at 5", 10, read_at=5)
    cache.keep_expression(("A", "ru", date(2020, 1, 1)), ["units"], 10, read_at=5)
    cache.apply([Change(6, "create_act", ("B",)), Change(7, "add_edition", ("B",))])
    assert [cache.state_at("A", s) for s in (4, 5, 6, 7, 8)] == [None, "read at 5", "read at 5", "read at 5", None]
    assert cache.expression_at(("A", "ru", date(2020, 1, 1)), 4) is None
    assert cache.expression_at(("A", "ru", date(2020, 1, 1)), 7) == ["units"]


def _act_payload(n: int) -> dict[str, object]:
    return {"act": {"id": f"01J{n:023d}", "jurisdiction": "kz", "type": "decree", "number": str(n),
                    "adopted_on": "2020-01-01", "issuing_body": None, "titles": {"ru": f"Акт {n}"},
                    "languages": ["ru"], "publication": {"date": None, "source": None},
                    "entry_into_force": {"date": None, "rule": None, "earliest": None}, "expires_on": None,
                    "akn_uri": None, "external_ids": []}}


async def test_requests_arriving_together_share_one_check_that_sees_every_commit(database: str) -> None:
    pool = await create_pool(database, min_size=2, max_size=4)
    cache = ReadCache()
    checks = 0
    real = cache._catch_up

    async def counted(conn: asyncpg.pool.PoolConnectionProxy) -> int:
        nonlocal checks
        checks += 1
        return await real(conn)

    cache._catch_up = counted  # type: ignore[method-assign]
    try:
        assert await cache.pin(pool) == 0
        for n in range(3):
            await record(pool, actor="t", operation="create_act", payload=_act_payload(n))
            # A pin that starts after a commit returns a head that includes it.
            assert await cache.pin(pool) == n + 1
        before = checks
        heads = await asyncio.gather(*(cache.pin(pool) for _ in range(50)))
        assert set(heads) == {3}
        assert checks - before <= 2  # fifty requests, at most two checks
    finally:
        await cache.close(pool)
        await pool.close()


async def test_a_bounded_pin_times_out_alone_and_the_check_goes_on_for_the_others(database: str) -> None:
    """The head check blocked (the ledger locked by another transaction): a pin with a bound gets a
    TimeoutError at its bound, one without waits on, and both kinds get the head once the lock goes."""
    pool = await create_pool(database, min_size=2, max_size=4)
    cache = ReadCache()
    locker = await asyncpg.connect(database)
    try:
        assert await cache.pin(pool) == 0
        lock = locker.transaction()
        await lock.start()
        await locker.execute("LOCK TABLE ledger IN ACCESS EXCLUSIVE MODE")
        unbounded = asyncio.ensure_future(cache.pin(pool))
        started = asyncio.get_running_loop().time()
        try:
            await asyncio.wait_for(cache.pin(pool, timeout_s=0.3), 5)
            raise AssertionError("the check is blocked: a bounded pin cannot return")
        except TimeoutError:
            assert 0.29 <= asyncio.get_running_loop().time() - started < 2, "at its bound, not the test's"
        assert not unbounded.done()
        await lock.rollback()
        assert await unbounded == 0
        assert await cache.pin(pool, timeout_s=5) == 0
    finally:
        await locker.close()
        await cache.close(pool)
        await pool.close()


async def test_a_request_arriving_during_a_check_is_answered_by_a_check_sent_after_it(database: str) -> None:
    """A check answered from the ledger as it was before a write, and held before it is applied; the write
    is acknowledged, then a request comes: it gets a head that includes the write from a second check
    while the first is still held, and the first's older answer, applied after, moves nothing back."""
    pool = await create_pool(database, min_size=2, max_size=4)
    cache = ReadCache()
    real = cache._changes_since
    answered, release = asyncio.Event(), asyncio.Event()
    checks = 0

    async def first_held(conn: asyncpg.pool.PoolConnectionProxy, since: int) -> list[asyncpg.Record]:
        nonlocal checks
        checks += 1
        rows = await real(conn, since)
        if checks == 1:
            answered.set()
            await release.wait()
        return rows

    try:
        assert await cache.pin(pool) == 0
        cache.keep_state(_act_payload(0)["act"]["id"], "read at 0", 10, read_at=0)  # type: ignore[index]
        cache._changes_since = first_held  # type: ignore[method-assign]
        first = asyncio.ensure_future(cache.pin(pool))
        await answered.wait()
        await record(pool, actor="t", operation="create_act", payload=_act_payload(0))
        assert await asyncio.wait_for(cache.pin(pool), 5) == 1, "not the first check's answer, nor after it"
        assert not first.done() and checks == 2
        assert cache.state_at(_act_payload(0)["act"]["id"], 1) is None  # type: ignore[index]
        release.set()
        assert await first == 1
        assert cache.head == 1
    finally:
        release.set()
        await cache.close(pool)
        await pool.close()


async def test_an_earlier_check_answering_later_with_newer_entries_applies_them(database: str) -> None:
    """Two checks in flight: the first sent waits before its query (its snapshot comes last), the second
    answers with the ledger before a write; the first then sees the write and the cache applies it."""
    pool = await create_pool(database, min_size=2, max_size=4)
    cache = ReadCache()
    real = cache._changes_since
    sent, release = asyncio.Event(), asyncio.Event()
    checks = 0

    async def first_late(conn: asyncpg.pool.PoolConnectionProxy, since: int) -> list[asyncpg.Record]:
        nonlocal checks
        checks += 1
        if checks == 1:
            sent.set()
            await release.wait()
        return await real(conn, since)

    act = _act_payload(0)["act"]["id"]  # type: ignore[index]
    try:
        assert await cache.pin(pool) == 0
        cache._changes_since = first_late  # type: ignore[method-assign]
        first = asyncio.ensure_future(cache.pin(pool))
        await sent.wait()
        assert await asyncio.wait_for(cache.pin(pool), 5) == 0
        cache.keep_state(act, "read at 0", 10, read_at=0)
        await record(pool, actor="t", operation="create_act", payload=_act_payload(0))
        release.set()
        assert await first == 1
        assert cache.head == 1 and cache.state_at(act, 1) is None and cache.state_at(act, 0) is None
    finally:
        release.set()
        await cache.close(pool)
        await pool.close()


async def test_a_held_connection_closed_by_the_server_fails_one_check_not_every_later_one(database: str) -> None:
    """The server ends the connection the checks hold while it is idle, and the driver gives it back to the
    pool on its own: the next pin answers at once (the database unavailable), and the one after it takes
    a new connection and gets the head."""
    pool = await create_pool(database, min_size=2, max_size=4)
    cache = ReadCache()
    killer = await asyncpg.connect(database)
    try:
        assert await cache.pin(pool) == 0
        (held,) = cache._held
        gone = asyncio.Event()
        held.add_termination_listener(lambda _: gone.set())
        await killer.execute("SELECT pg_terminate_backend($1)", held.get_server_pid())
        await asyncio.wait_for(gone.wait(), 5)
        try:
            assert await asyncio.wait_for(cache.pin(pool), 5) == 0
        except Unavailable:
            pass
        assert await asyncio.wait_for(cache.pin(pool), 5) == 0
    finally:
        await killer.close()
        await cache.close(pool)
        await pool.close()


async def test_a_write_on_one_worker_is_seen_by_the_next_read_on_another(database: str) -> None:
    owner = await asyncpg.connect(database)
    try:
        key = await insert_key(owner, name="writer")
    finally:
        await owner.close()
    workers = [await start_server(database) for _ in range(2)]
    uncached = await start_server(database, LEXTIME_CACHE_MB="0")
    (_, _, a), (_, _, b), (_, _, plain) = workers[0], workers[1], uncached
    auth = {"Authorization": f"Bearer {key}"}
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            act = (await client.post(f"{a}/v1/acts", headers=auth, json={
                "jurisdiction": "kz", "type": "law", "number": "7", "adopted_on": "2020-01-01",
                "titles": {"ru": "Закон"}, "entry_into_force": {"date": "2020-01-10"}})).json()["id"]
            edition = {"valid_from": "2020-01-10", "expressions": {"ru": {"text": "Первая редакция."}}}
            assert (await client.post(f"{a}/v1/acts/{act}/editions", headers=auth, json=edition)).status_code == 201
            text = f"/v1/acts/{act}/text"
            for base in (b, b):  # cached on worker b
                first = await client.get(base + text, params={"date": "2021-01-01"})
                assert first.json()["text"] == "Первая редакция."
            edition = {"valid_from": "2020-06-01", "expressions": {"ru": {"text": "Вторая редакция."}}}
            assert (await client.post(f"{a}/v1/acts/{act}/editions", headers=auth, json=edition)).status_code == 201
            seen = await client.get(b + text, params={"date": "2021-01-01"})
            assert seen.json()["text"] == "Вторая редакция."
            older = await client.get(b + text, params={"date": "2020-03-01"})
            assert older.json()["text"] == "Первая редакция."
            other = await client.post(f"{a}/v1/acts", headers=auth, json={
                "jurisdiction": "kz", "type": "law", "number": "8", "adopted_on": "2021-01-01",
                "titles": {"ru": "Закон о признании утратившим силу"}})
            repeal = {"type": "repeals", "source_act": other.json()["id"], "target_act": act,
                      "effective_date": "2021-01-01"}
            assert (await client.post(f"{a}/v1/relations", headers=auth, json=repeal)).status_code == 201
            after = await client.get(b + text, params={"date": "2021-01-01"})
            assert after.json()["status"]["code"] == "repealed" and after.json()["text"] is None
            for path, params in ((text, {"date": "2021-01-01"}), (text, {"date": "2020-07-01"}),
                                 (f"/v1/acts/{act}/status", {"date": "2020-12-31"}), (f"/v1/acts/{act}", {})):
                cached = await client.get(b + path, params=params)
                assert cached.json() == (await client.get(plain + path, params=params)).json()
    finally:
        for server, task, _ in (*workers, uncached):
            server.should_exit = True
            await task
