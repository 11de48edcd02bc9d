"""Test fixtures: a real PostgreSQL (DATABASE_URL, else an embedded one), a migrated template database,
a fresh database per test, and the service running on a real socket for HTTP tests."""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
import pytest_asyncio
import uvicorn
from hypothesis import HealthCheck, settings

from service.app import create_app
from service.config import Settings
from service.store.keys import insert_key
from service.store.migrate import migrate

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("LEXTIME_HYPOTHESIS_PROFILE", "dev"))

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("LEXTIME_SHARED_DATA", REPO.parent / "shared" / "data"))


def shared_data(relative: str) -> Path:
    """A file of the real documents beside the checkout (../shared/data).

    CI always has them, and there a missing file fails the test; a fresh clone on its own has not, and
    there the test is skipped with the reason, so that the README's test command passes for a new user.
    """
    path = SHARED_DATA / relative
    if path.exists():
        return path
    message = f"the real documents are not beside this checkout: {path} (set LEXTIME_SHARED_DATA)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
# The services under test keep their data folder (the signing key they create) out of the checkout.
TEST_DATA_DIR = tempfile.mkdtemp(prefix="lextime-test-data-")
atexit.register(shutil.rmtree, TEST_DATA_DIR, ignore_errors=True)


def with_database(dsn: str, name: str) -> str:
    """The same server, another database."""
    return urlunsplit(urlsplit(dsn)._replace(path="/" + name))


@pytest.fixture(scope="session")
def server_dsn() -> Iterator[str]:
    """A DSN of a PostgreSQL server on which tests may create databases."""
    url = os.environ.get("DATABASE_URL")
    if url:
        yield url
        return
    from service.embedded import EmbeddedDatabase

    folder = Path(tempfile.mkdtemp(prefix="lextime-test-pg-", dir="/tmp"))
    folder.chmod(0o755)
    db = EmbeddedDatabase(folder)
    try:
        yield db.start()
    finally:
        db.stop()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def template_db(server_dsn: str) -> AsyncIterator[str]:
    """A database with every migration applied, copied for each test."""
    name = f"lextime_tmpl_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(server_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        await migrate(with_database(server_dsn, name))
        yield name
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@asynccontextmanager
async def fresh_database(server_dsn: str, template_db: str) -> AsyncIterator[str]:
    """A new database copied from the migrated template, dropped on exit; its owner's DSN."""
    name = f"lextime_t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
        yield with_database(server_dsn, name)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest_asyncio.fixture(loop_scope="session")
async def database(server_dsn: str, template_db: str) -> AsyncIterator[str]:
    """A fresh, migrated database for one test; its owner's DSN."""
    async with fresh_database(server_dsn, template_db) as dsn:
        yield dsn


@pytest_asyncio.fixture(loop_scope="session")
async def owner(database: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection as the schema's owner (a superuser in tests)."""
    conn = await asyncpg.connect(database)
    try:
        yield conn
    finally:
        await conn.close()


@dataclass
class Api:
    """The service on a real socket, an HTTP client for it, and a write key."""

    client: httpx.AsyncClient
    key: str
    base_url: str
    dsn: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    async def post(self, path: str, json: object, **kwargs: object) -> httpx.Response:
        return await self.client.post(path, json=json, headers=self.auth, **kwargs)  # type: ignore[arg-type]

    async def get(self, path: str, **kwargs: object) -> httpx.Response:
        return await self.client.get(path, **kwargs)  # type: ignore[arg-type]


async def start_server(dsn: str, **env: str) -> tuple[uvicorn.Server, asyncio.Task[None], str]:
    # Rate limits are off unless a test sets them (tests/api/test_limits.py does): functional tests read a lot.
    # No snapshot made ahead in the background unless a test asks (tests/api/test_snapshots_ahead.py).
    unlimited = {"LEXTIME_WRITE_RATE_PER_MINUTE": "0", "LEXTIME_EXPENSIVE_RATE_PER_MINUTE": "0",
                 "LEXTIME_SNAPSHOT_AHEAD_S": "0"}
    settings = Settings.from_env({"DATABASE_URL": dsn, "LEXTIME_DATA_DIR": TEST_DATA_DIR, **unlimited, **env})
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_config=None, access_log=False,
                            lifespan="on", loop="none")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, task, f"http://127.0.0.1:{port}"


@asynccontextmanager
async def served(dsn: str, **env: str) -> AsyncIterator[httpx.AsyncClient]:
    """A service of its own (settings changed by `env`) on a real socket and a client for it, stopped on exit."""
    server, task, base = await start_server(dsn, **env)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            yield client
    finally:
        server.should_exit = True
        await task


@pytest_asyncio.fixture(loop_scope="session")
async def api(database: str, owner: asyncpg.Connection) -> AsyncIterator[Api]:
    key = await insert_key(owner, name="test-writer")
    server, task, base = await start_server(database)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            yield Api(client, key, base, database)
    finally:
        server.should_exit = True
        await task
