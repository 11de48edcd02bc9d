"""Forward-only migrations: plain SQL files applied in order, each recorded with its checksum."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import structlog

from service.config import SQL_DIR
from service.store.queries import q

log = structlog.get_logger("lextime.migrate")

# Two `lextime` processes starting at once must not both migrate.
_MIGRATION_LOCK = 7_031_900_001

_CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    name       text PRIMARY KEY,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


class MigrationError(Exception):
    """The database's migrations disagree with the files."""


@dataclass(frozen=True)
class Migration:
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()


def load_migrations(directory: Path = SQL_DIR / "migrations") -> list[Migration]:
    files = sorted(directory.glob("[0-9][0-9][0-9][0-9]_*.sql"))
    return [Migration(path.name, path.read_text(encoding="utf-8")) for path in files]


async def pending(conn: asyncpg.Connection, migrations: list[Migration]) -> list[Migration]:
    """The migrations not yet applied; raises when an applied one has changed or is unknown."""
    exists = await conn.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
    applied = {}
    if exists:
        applied = {r["name"]: r["checksum"] for r in await conn.fetch("SELECT name, checksum FROM schema_migrations")}
    known = {m.name for m in migrations}
    unknown = sorted(set(applied) - known)
    if unknown:
        raise MigrationError(f"the database has migrations this version does not know: {', '.join(unknown)}")
    for m in migrations:
        if m.name in applied and applied[m.name] != m.checksum:
            raise MigrationError(f"migration {m.name} was changed after it was applied (checksum differs)")
    return [m for m in migrations if m.name not in applied]


async def migrate_connection(conn: asyncpg.Connection) -> list[str]:
    """Apply every pending migration, each in its own transaction; returns their names."""
    migrations = load_migrations()
    await conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
    try:
        await conn.execute(_CREATE_TABLE)
        applied: list[str] = []
        for m in await pending(conn, migrations):
            async with conn.transaction():
                await conn.execute(m.sql)
                await conn.execute(
                    "INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)", m.name, m.checksum
                )
            log.info("migration_applied", migration=m.name)
            applied.append(m.name)
        await _project_statuses(conn)
        return applied
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)


async def migrate(dsn: str) -> list[str]:
    """Connect as the schema's owner and apply pending migrations."""
    conn = await asyncpg.connect(dsn)
    try:
        return await migrate_connection(conn)
    finally:
        await conn.close()


async def _project_statuses(conn: asyncpg.Connection) -> None:
    """Bring the status projection up to the ledger's head: one pass over the history of a database that
    migration 0011 found with entries; nothing otherwise (every write keeps it there)."""
    from service.store import statuses
    from service.store.db import init_connection

    if not await conn.fetchval(q("status_projection_behind")):
        return
    await init_connection(conn)  # the projection reads acts and units as the service does
    async with conn.transaction():
        entries = await statuses.catch_up(conn)
    log.info("status_projection_caught_up", entries=entries)


async def is_migrated(conn: asyncpg.Connection) -> bool:
    """True when every migration file is applied (the readiness check)."""
    try:
        return not await pending(conn, load_migrations())
    except MigrationError:
        return False
