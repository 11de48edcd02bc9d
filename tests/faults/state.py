"""What the fault tests check after an interrupted write: the database as a reader sees it."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
import orjson

from service.domain.ledger import verify_chain
from service.store.ledger import entry_from_row
from service.store.queries import q

TABLES = ("ledger", "texts", "acts", "act_aliases", "editions", "expression_structures", "unit_versions",
          "relations")


@dataclass(frozen=True)
class Snapshot:
    counts: dict[str, int]


async def snapshot(conn: asyncpg.Connection) -> Snapshot:
    return Snapshot({t: int(await conn.fetchval(f"SELECT count(*) FROM {t}")) for t in TABLES})


async def assert_chain_verifies(conn: asyncpg.Connection) -> int:
    rows = [dict(r) for r in await conn.fetch(q("ledger_range"), 0, 1_000_000)]
    for row in rows:  # an owner's plain connection has no jsonb codec
        row["payload"] = orjson.loads(row["payload"]) if isinstance(row["payload"], str) else row["payload"]
    entries = [entry_from_row(r) for r in rows]  # type: ignore[arg-type]
    assert verify_chain(entries) is None
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    return len(entries)
