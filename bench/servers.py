"""The servers under load: Lextime as `lextime serve` runs it in production, and the HTTP ceiling (a
Starlette endpoint returning a constant JSON body) under the very same uvicorn settings."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

REPO = Path(__file__).resolve().parent.parent
READY_S = 90.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Running:
    base_url: str
    process: subprocess.Popen[bytes]
    log: Path

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker process (the children of uvicorn's supervisor, or the one
        process with a single worker)."""
        try:
            parent = psutil.Process(self.process.pid)
            children = [c for c in parent.children(recursive=True) if "python" in c.name().lower()]
            procs = children or [parent]
            return [round(p.memory_info().rss / 2**20, 1) for p in procs]
        except psutil.Error:
            return []


def _wait_ready(base_url: str, process: subprocess.Popen[bytes], log: Path, path: str) -> None:
    deadline = time.monotonic() + READY_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before it was ready; "
                               f"its log:\n{log.read_text(errors='replace')[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(base_url + path, timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer {path} within {READY_S:.0f} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def _running(cmd: list[str], env: dict[str, str], log: Path, port: int, ready_path: str) -> Iterator[Running]:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=REPO,
                                   start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, process, log, ready_path)
        yield Running(base, process, log)
    finally:
        _stop(process)


@contextlib.contextmanager
def lextime(dsn: str, *, workers: int, log: Path, extra_env: dict[str, str] | None = None) -> Iterator[Running]:
    """`lextime serve` (uvloop, httptools, N workers, no access log) on the corpus database; the
    per-request log event is off (warning level), as an access log is in a throughput run. Its kept
    snapshots go to a folder of this run's, so the first snapshot a run asks for is made, not kept."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="lextime-bench-snapshots-") as kept:
        env = {**os.environ, "DATABASE_URL": dsn, "LEXTIME_LOG_LEVEL": "warning", "LEXTIME_LOG_FORMAT": "json",
               "LEXTIME_POOL_MIN": "2", "LEXTIME_SNAPSHOT_DIR": kept,
               # No snapshot made ahead in the background: it would load the machine during other measures
               # (the mirror's measure asks for a recent one after writes instead).
               "LEXTIME_SNAPSHOT_AHEAD_S": "0",
               # The load comes from one address: per-address rate limits would answer 429 to most of it.
               "LEXTIME_WRITE_RATE_PER_MINUTE": "0", "LEXTIME_EXPENSIVE_RATE_PER_MINUTE": "0",
               **(extra_env or {})}
        cmd = [sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--workers", str(workers)]
        with _running(cmd, env, log, port, "/readyz") as running:
            yield running


def ceiling(body_bytes: int, *, workers: int, log: Path) -> contextlib.AbstractContextManager[Running]:
    """The constant-JSON Starlette app, started by uvicorn exactly as `lextime serve` starts the service."""
    port = free_port()
    env = {**os.environ, "BENCH_BODY_BYTES": str(body_bytes)}
    cmd = [sys.executable, "-m", "uvicorn", "bench.ceiling:create_app", "--factory", "--host", "127.0.0.1",
           "--port", str(port), "--workers", str(workers), "--loop", "uvloop", "--http", "httptools",
           "--no-access-log", "--log-level", "warning", "--lifespan", "on"]
    return _running(cmd, env, log, port, "/answer")
