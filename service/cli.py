"""The `lextime` command: serve the API, apply migrations, create API keys.

Without DATABASE_URL every command uses the embedded PostgreSQL in the data folder, started by this
process and stopped by it on the way out: SIGTERM and SIGINT are turned into a normal exit so that the
`finally` that stops the server always runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import structlog

from service import __version__
from service.config import ConfigError, Settings
from service.embedded import EmbeddedDatabase, EmbeddedDatabaseError, postmasters_of
from service.logs import configure_logging

log = structlog.get_logger("lextime.cli")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
APP_FACTORY = "service.app:app_from_env"
GRACEFUL_SHUTDOWN_S = 10  # open connections get this long to finish after SIGTERM

EXIT_ERROR = 1
EXIT_CONFIG = 2


# -- signals ---------------------------------------------------------------------------------------


@dataclass
class StopSignals:
    """SIGTERM and SIGINT raise KeyboardInterrupt — the exception uvicorn, asyncio and our `finally`
    blocks treat as "stop now" — and are remembered for the closing summary. While shielded (stopping
    the database) they are only remembered, so a second Ctrl-C cannot leave the server half-stopped."""

    received: list[str] = field(default_factory=list)
    shielded: bool = False
    _deferred: bool = False

    def install(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            # A signal ignored by whoever started us (SIGINT of `cmd &` in a script) stays ignored.
            if signal.getsignal(sig) is not signal.SIG_IGN:
                signal.signal(sig, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.received.append(signal.Signals(signum).name)
        if self.shielded:
            self._deferred = True
        else:
            raise KeyboardInterrupt

    @contextlib.contextmanager
    def shield(self, *, then_raise: bool = False) -> Iterator[None]:
        """Hold stop signals while the block runs; with `then_raise`, act on one after it."""
        self.shielded, self._deferred = True, False
        try:
            yield
        finally:
            self.shielded = False
        if then_raise and self._deferred:
            raise KeyboardInterrupt

    @property
    def last(self) -> str | None:
        return self.received[-1] if self.received else None


# -- the database ----------------------------------------------------------------------------------


def _data_dir(args: argparse.Namespace, settings: Settings) -> Path:
    return Path(args.data_dir) if args.data_dir else settings.data_dir


@contextlib.contextmanager
def database(settings: Settings, data_dir: Path, signals: StopSignals) -> Iterator[str]:
    """DATABASE_URL when set, else the embedded server in `data_dir`, stopped on the way out."""
    if settings.database_url:
        yield settings.database_url
        return
    embedded = EmbeddedDatabase(data_dir)
    try:
        # Not interrupted halfway: a half-done initdb or pg_ctl start is what leaves a broken folder.
        with signals.shield(then_raise=True):
            dsn = embedded.start()
        yield dsn
    finally:
        with signals.shield():
            embedded.stop()


def _migrate(dsn: str) -> list[str]:
    from service.store.migrate import migrate

    return asyncio.run(migrate(dsn))


# -- commands --------------------------------------------------------------------------------------


def cmd_migrate(args: argparse.Namespace, settings: Settings, signals: StopSignals) -> int:
    with database(settings, _data_dir(args, settings), signals) as dsn:
        applied = _migrate(dsn)
    for name in applied:
        print(f"applied {name}")
    if applied:
        plural = "s" if len(applied) != 1 else ""
        print(f"{len(applied)} migration{plural} applied; the database is up to date.")
    else:
        print("No migration to apply; the database is up to date.")
    return 0


def cmd_keys_create(args: argparse.Namespace, settings: Settings, signals: StopSignals) -> int:
    from service.store.keys import create_key

    with database(settings, _data_dir(args, settings), signals) as dsn:
        key = asyncio.run(create_key(dsn, name=args.name))
    print(f"Created API key {args.name!r}. It is shown only this once; store it now:")
    print(key)
    return 0


def _prepare(dsn: str, *, demo: bool, host: str, port: int) -> None:
    """Migrations once, in this process, before any worker starts; then the demo data and its key."""
    applied = _migrate(dsn)
    log.info("migrations_applied", count=len(applied), names=applied)
    if not demo:
        return
    from service.demo import load_demo
    from service.store.keys import create_key

    asyncio.run(load_demo(dsn))
    key = asyncio.run(create_key(dsn, name="demo"))
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print(f"Demo data loaded. Try: curl http://{shown_host}:{port}/v1/acts", flush=True)
    print(f"Demo write key: {key}", flush=True)


def _run_uvicorn(args: argparse.Namespace, settings: Settings) -> None:
    import uvicorn

    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        loop="uvloop" if importlib.util.find_spec("uvloop") else "auto",
        http="httptools",
        access_log=False,
        lifespan="on",
        log_config=None,
        log_level=settings.log_level,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )


def _database_outcome(settings: Settings, data_dir: Path) -> str:
    if settings.database_url:
        return "the database at DATABASE_URL left running"
    remaining = postmasters_of(data_dir.resolve() / "pgdata") if data_dir.exists() else []
    if remaining:
        return f"embedded database still running (pid {remaining[0].pid}, shared with another process)"
    return "embedded database stopped"


def cmd_serve(args: argparse.Namespace, settings: Settings, signals: StopSignals) -> int:
    started = time.monotonic()
    data_dir = _data_dir(args, settings)
    code = 0
    try:
        with database(settings, data_dir, signals) as dsn:
            # Workers (processes of their own with --workers > 1) find the database here.
            os.environ["DATABASE_URL"] = dsn
            _prepare(dsn, demo=args.demo, host=args.host, port=args.port)
            _run_uvicorn(args, settings)
    except KeyboardInterrupt:
        pass  # a stop signal before uvicorn took over its handling: stopping is what was asked
    except SystemExit as exc:  # uvicorn's way to report a failed start-up (port in use, app error)
        code = exc.code if isinstance(exc.code, int) else EXIT_ERROR
        if signals.received:  # interrupted while starting: uvicorn reports that as a failed start-up
            code = 0
    except BaseException:
        code = EXIT_ERROR
        raise
    finally:
        # With --workers > 1 uvicorn's supervisor takes the signal itself; we only see it return.
        reason = signals.last or (f"exit code {code}" if code else "server shut down")
        print(
            f"lextime serve stopped ({reason}) after {time.monotonic() - started:.1f} s; "
            f"{_database_outcome(settings, data_dir)}.",
            flush=True,
        )
    return code


def cmd_bench(args: argparse.Namespace, settings: Settings, signals: StopSignals) -> int:
    return run_bench(list(args.bench_args))


def run_bench(argv: list[str]) -> int:
    """`lextime bench …` is `python -m bench …` (the suite reads its own settings and environment)."""
    try:
        from bench.cli import main as bench_main
    except ImportError:
        print("lextime: the benchmark suite comes with a checkout of the repository (bench/); run it there",
              file=sys.stderr)
        return EXIT_ERROR
    return bench_main(argv)


# -- the parser ------------------------------------------------------------------------------------


def _port(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 1 and 65535, got {value}")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="folder of the embedded PostgreSQL, used when DATABASE_URL is unset "
        "(default: $LEXTIME_DATA_DIR or ./.lextime)",
    )


Handler = Callable[[argparse.Namespace, Settings, StopSignals], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lextime",
        description="Lextime: for any legal act and any date, the text in force, the act's status, and the proof.",
        epilog="Settings come from the environment (DATABASE_URL, LEXTIME_*): see README.md. Without "
        "DATABASE_URL, an embedded PostgreSQL is started in the data folder and stopped on exit.",
    )
    parser.add_argument("--version", action="version", version=f"lextime {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    serve = commands.add_parser(
        "serve",
        help="run the HTTP API",
        description="Apply migrations, then serve the HTTP API until SIGTERM or Ctrl-C.",
    )
    serve.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default: {DEFAULT_HOST})")
    serve.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port to listen on (default: {DEFAULT_PORT})")
    serve.add_argument("--workers", type=_positive, default=1, metavar="N", help="worker processes (default: 1)")
    serve.add_argument("--demo", action="store_true", help="load the demo act and print a demo write key")
    _add_data_dir(serve)
    serve.set_defaults(handler=cmd_serve)

    migrate = commands.add_parser(
        "migrate",
        help="apply schema migrations",
        description="Apply the schema migrations not yet applied, and list them.",
    )
    _add_data_dir(migrate)
    migrate.set_defaults(handler=cmd_migrate)

    keys = commands.add_parser("keys", help="manage API keys", description="Manage the API keys that may write.")
    key_commands = keys.add_subparsers(dest="keys_command", metavar="COMMAND", required=True)
    create = key_commands.add_parser(
        "create",
        help="create a write key",
        description="Create an API key named NAME and print it once, on the last line of the output.",
    )
    create.add_argument("name", metavar="NAME", help="who or what the key is for, e.g. adilet-sync")
    _add_data_dir(create)
    create.set_defaults(handler=cmd_keys_create)

    bench = commands.add_parser(
        "bench",
        help="run the benchmark suite (python -m bench)",
        description="Run the benchmark suite; every option is passed to `python -m bench` (see its --help).",
        add_help=False,
    )
    bench.add_argument("bench_args", nargs=argparse.REMAINDER, metavar="OPTIONS",
                       help="options of python -m bench, e.g. --quick; --help shows them")
    bench.set_defaults(handler=cmd_bench)
    return parser


# -- the entry point -------------------------------------------------------------------------------


def _expected_errors() -> tuple[type[BaseException], ...]:
    """Failures a user can act on, reported in one line rather than a traceback."""
    import asyncpg

    from service.domain.errors import DomainError
    from service.store.migrate import MigrationError

    return (
        OSError,
        TimeoutError,
        asyncpg.PostgresError,
        asyncpg.InterfaceError,
        EmbeddedDatabaseError,
        DomainError,
        MigrationError,
    )


def _explain(err: BaseException) -> str:
    import asyncpg

    if isinstance(err, asyncpg.UndefinedTableError):
        return f"{err} (the database has no schema yet: run `lextime migrate` first)"
    if isinstance(err, OSError):
        return f"cannot reach the database: {err or type(err).__name__}"
    return str(err) or type(err).__name__


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:  # every option belongs to the suite, --help included
        return run_bench(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigError as err:
        print(f"lextime: configuration error: {err}", file=sys.stderr)
        return EXIT_CONFIG
    configure_logging(settings.log_format, settings.log_level)
    signals = StopSignals()
    signals.install()
    handler: Handler = args.handler
    try:
        return handler(args, settings, signals)
    except KeyboardInterrupt:
        name = signals.last or "SIGINT"
        print(f"lextime: interrupted by {name}", file=sys.stderr)
        return 128 + signal.Signals[name].value
    except _expected_errors() as err:
        print(f"lextime: {_explain(err)}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
