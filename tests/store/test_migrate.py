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


async def _columns(dsn: str) -> set[tuple[str, str, str]]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch("SELECT table_name, column_name, data_type FROM information_schema.columns "
                                "WHERE table_schema = 'public'")
        return {(r["table_name"], r["column_name"], r["data_type"]) for r in rows}
    finally:
        await conn.close()


async def test_a_migration_numbered_below_the_applied_ones_is_still_applied(
        empty_db: str, template_db: str, server_dsn: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database migrated before 0006_legalize.sql existed (it stopped at 0008) gets it on the next run, and
    ends with the same schema as one migrated from empty."""
    every = load_migrations()
    assert "0006_legalize.sql" in [m.name for m in every] and every[-1].name > "0006_legalize.sql"
    monkeypatch.setattr("service.store.migrate.load_migrations",
                        lambda: [m for m in every if m.name != "0006_legalize.sql"])
    assert "0006_legalize.sql" not in await migrate(empty_db)
    monkeypatch.undo()
    assert await migrate(empty_db) == ["0006_legalize.sql"]
    assert await migrate(empty_db) == []
    assert await _columns(empty_db) == await _columns(with_database(server_dsn, template_db))
    assert ("expression_structures", "breaks", "ARRAY") in await _columns(empty_db)
