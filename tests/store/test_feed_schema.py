"""The database side of the feed: NOTIFY is delivered at commit (never for a rolled-back write), the
index of the acts each entry concerns is append-only, and the service's role cannot switch the guards
off; the listener comes back after its connection is cut."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from service.domain.errors import Conflict
from service.store.db import create_pool
from service.store.ledger import record
from service.store.listen import LedgerListener, LedgerWatcher
from tests.store.test_ledger import _payload


async def test_notify_arrives_at_commit_and_never_for_a_rollback(database: str) -> None:
    heard: asyncio.Queue[str] = asyncio.Queue()
    listener = await asyncpg.connect(database)
    await listener.add_listener("lextime_ledger", lambda *args: heard.put_nowait(args[3]))
    pool = await create_pool(database)
    try:
        await record(pool, actor="t", operation="create_act", payload=_payload(1, 1))
        assert await asyncio.wait_for(heard.get(), 10) == "1"
        with pytest.raises(Conflict):
            await record(pool, actor="t", operation="create_act", payload=_payload(1, 1))  # refused: rolled back
        await record(pool, actor="t", operation="create_act", payload=_payload(1, 2))
        assert await asyncio.wait_for(heard.get(), 10) == "2"  # seq 2 again: the refused write left no trace
        assert heard.empty()
    finally:
        await pool.close()
        await listener.close()


@pytest.mark.parametrize("statement", [
    "UPDATE ledger_acts SET act_id = 'x'",
    "DELETE FROM ledger_acts",
    "TRUNCATE ledger_acts",
    "SET session_replication_role = replica",
    "ALTER TABLE ledger DISABLE TRIGGER ledger_append_only",
])
async def test_the_service_role_cannot_rewrite_or_unguard(database: str, statement: str) -> None:
    pool = await create_pool(database)
    try:
        await record(pool, actor="t", operation="create_act", payload=_payload(2, 1))
        assert await pool.fetchval("SELECT count(*) FROM ledger_acts") == 1
        with pytest.raises(asyncpg.PostgresError) as info:
            await pool.execute(statement)
        assert isinstance(info.value, (asyncpg.InsufficientPrivilegeError, asyncpg.exceptions.InsufficientPrivilegeError))
    finally:
        await pool.close()


async def test_the_owner_cannot_rewrite_the_index_either(owner: asyncpg.Connection, database: str) -> None:
    pool = await create_pool(database)
    try:
        await record(pool, actor="t", operation="create_act", payload=_payload(3, 1))
    finally:
        await pool.close()
    for statement in ("UPDATE ledger_acts SET act_id = 'x'", "DELETE FROM ledger_acts", "TRUNCATE ledger_acts"):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await owner.execute(statement)


async def test_the_listener_comes_back_after_its_connection_is_cut(database: str, owner: asyncpg.Connection) -> None:
    pool = await create_pool(database)
    watcher = LedgerWatcher()
    listener = LedgerListener(database, watcher, connect_timeout_s=5)
    try:
        await record(pool, actor="t", operation="create_act", payload=_payload(4, 1))
        await listener.start()
        assert watcher.seen == 1
        cut = await owner.fetchval("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                   "WHERE datname = current_database() AND application_name = 'lextime_listener'")
        assert cut == 1
        waiting = asyncio.create_task(watcher.wait_beyond(1, timeout=20))
        await record(pool, actor="t", operation="create_act", payload=_payload(4, 2))
        # Only the listener updates `seen`: True means it reconnected (and caught up on what it missed).
        assert await waiting is True and watcher.seen == 2
        listening = await owner.fetchval("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                         "current_database() AND application_name = 'lextime_listener'")
        assert listening == 1
        await record(pool, actor="t", operation="create_act", payload=_payload(4, 3))
        assert await watcher.wait_beyond(2, timeout=20) is True  # and hears new entries again
    finally:
        await listener.close()
        await pool.close()
