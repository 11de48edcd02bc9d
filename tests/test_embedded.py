"""The embedded PostgreSQL: a start/stop cycle, and recovery from a previous run that was killed."""

from __future__ import annotations

import asyncio
import json
import os
import selectors
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import psutil
import pytest

from service.embedded import EmbeddedDatabase, postmasters_of, server_processes_of

START_DEADLINE_S = 60.0


@pytest.fixture(scope="module")
def data_dir() -> Iterator[Path]:
    # Not pytest's tmp_path: run as root, the server's system user needs o+rx on every parent folder,
    # and pytest's /tmp/pytest-of-root is private on purpose.
    path = Path(tempfile.mkdtemp(prefix="lextime-test-embedded-"))
    yield path
    for proc in server_processes_of(path.resolve() / "pgdata"):  # only after a failed test
        proc.kill()
    shutil.rmtree(path, ignore_errors=True)


async def _select_one(dsn: str) -> int:
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        return int(await conn.fetchval("SELECT 1"))
    finally:
        await conn.close()


def _alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    alive = []
    for proc in processes:
        try:
            if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                alive.append(proc)
        except psutil.NoSuchProcess:
            pass
    return alive


def _dead_pid() -> int:
    """The pid of a process that has exited."""
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    return int(proc.stdout)


def _assert_cycle(db: EmbeddedDatabase) -> None:
    """Start, prove the server answers, stop, prove every server process is gone."""
    dsn = db.start()
    try:
        assert asyncio.run(_select_one(dsn)) == 1
        processes = server_processes_of(db.pgdata)
        assert processes, "no postmaster found for the data folder"
    finally:
        db.stop()
    assert _alive(processes) == []
    assert postmasters_of(db.pgdata) == []


def test_start_stop_cycle(data_dir: Path) -> None:
    db = EmbeddedDatabase(data_dir)
    _assert_cycle(db)
    assert (data_dir / "pgdata" / "PG_VERSION").exists()
    assert db.dsn is None


def test_context_manager_restarts_on_existing_data(data_dir: Path) -> None:
    with EmbeddedDatabase(data_dir) as dsn:
        assert asyncio.run(_select_one(dsn)) == 1
        processes = server_processes_of(data_dir.resolve() / "pgdata")
    assert _alive(processes) == []


def test_stale_handles_do_not_keep_the_server_running(data_dir: Path) -> None:
    """A dead pid (left by `kill -9`), and a live pid with no server running (pids reused after a
    reboot), would each make the package skip stopping the server; both are forgotten at start."""
    pgdata = data_dir.resolve() / "pgdata"
    if not (pgdata / "PG_VERSION").exists():
        _assert_cycle(EmbeddedDatabase(data_dir))
    assert postmasters_of(pgdata) == []
    (pgdata / ".handle_pids.json").write_text(json.dumps([_dead_pid(), os.getppid()]))

    db = EmbeddedDatabase(data_dir)
    db.start()
    try:
        assert json.loads((pgdata / ".handle_pids.json").read_text()) == [os.getpid()]
        processes = server_processes_of(pgdata)
    finally:
        db.stop()
    assert _alive(processes) == []
    assert postmasters_of(pgdata) == []


_CHILD = """
import sys
from pathlib import Path
from service.embedded import EmbeddedDatabase
from service.logs import configure_logging
configure_logging("json", "warning")
print(EmbeddedDatabase(Path(sys.argv[1])).start(), flush=True)
sys.stdin.read()  # hold the server until killed
"""


def _read_line(proc: subprocess.Popen[str], deadline: float) -> str:
    assert proc.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    while time.monotonic() < deadline:
        if selector.select(timeout=deadline - time.monotonic()):
            return proc.stdout.readline()
    raise AssertionError("the child did not print its DSN in time")


def test_orphan_of_a_killed_run_is_stopped_and_restarted(data_dir: Path) -> None:
    pgdata = data_dir.resolve() / "pgdata"
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(data_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        dsn = _read_line(child, time.monotonic() + START_DEADLINE_S)
        assert dsn.startswith("postgresql://"), dsn
    finally:
        child.kill()  # like `kill -9`: no finally, no atexit
        child.wait()
    orphans = postmasters_of(pgdata)
    assert len(orphans) == 1, "the postmaster should outlive the killed process"
    assert json.loads((pgdata / ".handle_pids.json").read_text()) == [child.pid]

    db = EmbeddedDatabase(data_dir)
    dsn = db.start()
    try:
        assert asyncio.run(_select_one(dsn)) == 1
        assert _alive(orphans) == [], "the orphan should have been stopped before a clean start"
        processes = server_processes_of(pgdata)
    finally:
        db.stop()
    assert _alive(processes) == []
    assert postmasters_of(pgdata) == []
