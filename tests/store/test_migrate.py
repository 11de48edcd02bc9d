"""Migrations: all of them apply to an empty database, re-running changes nothing, a changed one is refused."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
import pytest_asyncio

from service.store.migrate import MigrationError, is_migrated, load_migrations, migrate
from tests.conftest import with_database


@pytest_asyncio.fixture(loop_scope="session")
async def empty_db(server_dsn: str) -> AsyncIterator[str]:
    name = f"lextime_empty_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(server_dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(server_dsn, name)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_every_migration_applies_to_an_empty_database(empty_db: str) -> None:
    names = [m.name for m in load_migrations()]
    assert names and names == sorted(names)
    assert await migrate(empty_db) == names
    assert await migrate(empty_db) == []
    conn = await asyncpg.connect(empty_db)
    try:
        assert await is_migrated(conn)
        tables = {r["tablename"] for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname='public'")}
        assert {"ledger", "texts", "acts", "act_aliases", "editions", "unit_versions", "relations",
                "expression_structures", "api_keys", "schema_migrations"} <= tables
    finally:
        await conn.close()


async def test_a_changed_applied_migration_is_an_error(empty_db: str) -> None:
    await migrate(empty_db)
    conn = await asyncpg.connect(empty_db)
    try:
        await conn.execute("UPDATE schema_migrations SET checksum = 'x' WHERE name = $1", load_migrations()[0].name)
        assert not await is_migrated(conn)
    finally:
        await conn.close()
    with pytest.raises(MigrationError, match="changed after it was applied"):
        await migrate(empty_db)


async def test_an_unknown_applied_migration_is_an_error(empty_db: str) -> None:
    await migrate(empty_db)
    conn = await asyncpg.connect(empty_db)
    try:
        await conn.execute("INSERT INTO schema_migrations (name, checksum) VALUES ('9999_future.sql', 'x')")
    finally:
        await conn.close()
    with pytest.raises(MigrationError, match="does not know"):
        await migrate(empty_db)
