"""Source documents and their links to facts are append-only, for the owner as for the service's role."""

from __future__ import annotations

import asyncpg
import pytest

from service.importer.adilet import import_document
from service.store.db import create_pool
from tests.importer.documents import DECREE_KK


@pytest.mark.parametrize("statement", [
    "UPDATE sources SET name = 'forged'",
    "UPDATE sources SET body = 'forged'::bytea",
    "DELETE FROM sources",
    "TRUNCATE sources CASCADE",
    "UPDATE fact_sources SET lines = '{}'",
    "DELETE FROM fact_sources",
    "TRUNCATE fact_sources",
])
async def test_sources_cannot_be_changed(database: str, owner: asyncpg.Connection, statement: str) -> None:
    pool = await create_pool(database)
    try:
        await import_document(pool, data=DECREE_KK.encode(), actor="t", name="decree.txt")
        with pytest.raises(asyncpg.PostgresError):
            await pool.execute(statement)  # the service's role
    finally:
        await pool.close()
    with pytest.raises(asyncpg.PostgresError):
        await owner.execute(statement)  # the schema's owner
    assert await owner.fetchval("SELECT count(*) FROM sources") == 1
    assert await owner.fetchval("SELECT count(*) FROM fact_sources") > 0
    assert await owner.fetchval("SELECT name FROM sources") == "decree.txt"
