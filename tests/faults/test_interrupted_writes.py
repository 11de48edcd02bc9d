"""A write interrupted at each fault point — its connection killed, or its process killed — leaves no
partial edition, no half-written ledger entry, and a chain that verifies; the same write then succeeds."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator

import asyncpg
import pytest

from service.store import faults
from tests.conftest import REPO, Api
from tests.faults.state import assert_chain_verifies, snapshot
from tests.faults.writer import KILLED_AT

pytestmark = pytest.mark.faults

ACT = {"jurisdiction": "kz", "type": "decree", "number": "77", "adopted_on": "2020-02-02",
       "titles": {"ru": "Указ № 77"}, "external_ids": ["FAULT-77"]}
EDITION = {"valid_from": "2020-02-02", "expressions": {
    "ru": {"text": "1. Первый пункт.\n\n2. Второй пункт."}, "kk": {"text": "1. Бірінші тармақ.\n\n2. Екінші."}}}


@pytest.fixture
def hook() -> Iterator[list[object]]:
    """Install a fault hook for one test; the list it yields receives the hook to call."""
    installed: list[object] = []
    yield installed
    faults.set_hook(None)


def kill_connection_at(owner: asyncpg.Connection, point: str, seen: list[str]) -> faults.Hook:
    async def kill(reached: str, conn: asyncpg.Connection) -> None:
        seen.append(reached)
        if reached == point:
            assert await owner.fetchval("SELECT pg_terminate_backend($1)", conn.get_server_pid())
    return kill


@pytest.mark.parametrize("point", faults.POINTS)
@pytest.mark.parametrize("write", ["create_act", "add_edition"])
async def test_connection_killed_mid_write(api: Api, owner: asyncpg.Connection, hook: list[object], point: str,
                                           write: str) -> None:
    act_id = None
    if write == "add_edition":
        created = await api.post("/v1/acts", ACT)
        act_id = created.json()["id"]
    before = await snapshot(owner)
    seen: list[str] = []
    faults.set_hook(kill_connection_at(owner, point, seen))
    path, body = ("/v1/acts", ACT) if act_id is None else (f"/v1/acts/{act_id}/editions", EDITION)

    r = await api.post(path, body)

    assert point in seen
    assert r.status_code == 503, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"] == "urn:lextime:problem:database-unavailable"
    assert r.headers["Retry-After"].isdigit()
    assert await snapshot(owner) == before, "the interrupted write left rows behind"
    await assert_chain_verifies(owner)

    faults.set_hook(None)
    again = await api.post(path, body)
    assert again.status_code == 201, again.text
    assert await assert_chain_verifies(owner) == before.counts["ledger"] + 1


@pytest.mark.parametrize("point", faults.POINTS)
async def test_process_killed_mid_write(api: Api, owner: asyncpg.Connection, point: str) -> None:
    act_id = (await api.post("/v1/acts", ACT)).json()["id"]
    before = await snapshot(owner)

    proc = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "tests.faults.writer", api.dsn, act_id, point],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )

    assert proc.returncode == -9, proc.stderr
    assert proc.stdout.strip() == KILLED_AT + point
    assert await snapshot(owner) == before, "the killed process's write left rows behind"
    await assert_chain_verifies(owner)
    # Nothing of the dead writer holds the append lock or a half-made edition: the same edition goes in.
    ok = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "tests.faults.writer", api.dsn, act_id, "none"],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )
    assert ok.returncode == 0 and ok.stdout.strip() == "written", ok.stderr
    assert await owner.fetchval("SELECT count(*) FROM editions WHERE act_id = $1", act_id) == 1
    assert await assert_chain_verifies(owner) == before.counts["ledger"] + 1
