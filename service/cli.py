"""The `lextime` command: serve the API, apply migrations, create API keys, import documents, mirror, audit,
import and export legalize repositories.

Without DATABASE_URL every command uses the embedded PostgreSQL in the data folder, started by this
process and stopped by it on the way out: SIGTERM and SIGINT are turned into a normal exit so that the
`finally` that stops the server always runs.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import re
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from types import FrameType
from typing import Any

import structlog

from service import __version__, cli_ledger, loop
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

    return loop.run(migrate(dsn))


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
    from service.store.keys import DEFAULT_SCOPES, create_key

    scopes = tuple(dict.fromkeys(args.scope or DEFAULT_SCOPES))
    with database(settings, _data_dir(args, settings), signals) as dsn:
        key = loop.run(create_key(dsn, name=args.name, scopes=scopes, expires_at=args.expires))
    until = f", expiring {args.expires.isoformat(timespec='seconds')}" if args.expires else ", not expiring"
    print(f"Created API key {args.name!r} (scopes: {', '.join(scopes)}{until}).")
    print("It is shown only this once and stored only as a hash; keep it now:")
    print(key)
    return 0


def cmd_keys_list(args: argparse.Namespace, settings: Settings, signals: StopSignals) -> int:
    from rich.console import Console
    from rich.table import Table

    from service.store.keys import list_keys

    with database(settings, _data_dir(args, settings), signals) as dsn:
        keys = loop.run(_with_owner(dsn, list_keys))
    now = datetime.now(tz=UTC)
    table = Table("name", "key id", "scopes", "state", "created", "expires", "revoked", box=None)
    for k in keys:
        table.add_row(k.name, k.key_id, ",".join(k.scopes), k.state(now), _when(k.created_at), _when(k.expires_at),
                      _when(k.revoked_at))
    Console(width=160).print(table)
    active = sum(1 for k in keys if k.state(now) == "active")
    print(f"{len(keys)} key{'s' if len(keys) != 1 else ''}, {active} active.")
    return 0


def cmd_keys_revoke(args: argparse.Namespace, settings: Settings, signals: StopSignals) -> int:
    from service.store.keys import revoke_key

    async def revoke(conn: Any) -> Any:
        return await revoke_key(conn, name=args.name)

    with database(settings, _data_dir(args, settings), signals) as dsn:
        key = loop.run(_with_owner(dsn, revoke))
    print(f"API key {key.name!r} ({key.key_id}) is revoked since {_when(key.revoked_at)}; "
          "requests with it are refused from now on.")
    return 0


async def _with_owner(dsn: str, action: Callable[[Any], Awaitable[Any]]) -> Any:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        return await action(conn)
    finally:
        await conn.close()


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ") if moment else "-"


def _expires(text: str) -> datetime:
    """When a key stops working: a duration from now (`90d`, `12h`), a day (valid through its end, UTC), or
    an ISO 8601 moment with its offset."""
    now = datetime.now(tz=UTC)
    m = re.fullmatch(r"(\d{1,5})([dh])", text)
    if m:
        moment = now + timedelta(**{"days" if m.group(2) == "d" else "hours": int(m.group(1))})
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            moment = datetime.combine(date.fromisoformat(text) + timedelta(days=1), dt_time(), tzinfo=UTC)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a calendar date: {text!r}") from None
    else:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a duration (90d, 12h), a date (2027-01-31) or a moment with its offset, got {text!r}"
            ) from None
        if moment.tzinfo is None:
            raise argparse.ArgumentTypeError(f"give the moment's UTC offset, e.g. {text}+05:00")
    if moment <= now:
        raise argparse.ArgumentTypeError(f"{text!r} is already past")
    return moment


def _retrieved_at(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"must be an RFC 3339 date-time with its offset, got {text!r}")
    return moment


def cmd_import(args: argparse.Namespace, settings: Settings, signals: StopSignals) -> int:
    from rich.console import Console

    from service.importer import batch

    docs, missing = batch.documents(Path(p) for p in args.paths)
    out, err = Console(), Console(stderr=True)
    outcomes: list[batch.Outcome] = []
    with database(settings, _data_dir(args, settings), signals) as dsn:
        _migrate(dsn)
        with batch.progress(err) as bar:
            task = bar.add_task("import", total=len(docs), counts="")

            def done(outcome: batch.Outcome) -> None:
                outcomes.append(outcome)
                bar.update(task, advance=1, counts=batch.counts_text(outcomes))

            loop.run(batch.import_all(dsn, docs, actor=args.actor, retrieved_at=args.retrieved_at, done=done))
    batch.print_summary(out, outcomes, missing)
    return EXIT_ERROR if missing or any(o.error for o in outcomes) else 0


def cmd_import_git(args: argparse.Namespace, settings: Settings, signals: StopSignals) -> int:
    from service.legalize.console import run_import
    from service.legalize.importer import ImportOptions

    options = ImportOptions(repo=Path(args.repo).resolve(), since=args.since, until=args.until,
                            jurisdiction=args.jurisdiction.lower() if args.jurisdiction else None,
                            from_start=args.from_start)
    with database(settings, _data_dir(args, settings), signals) as dsn:
        _migrate(dsn)
        return run_import(dsn, options)


def cmd_export_git(args: argparse.Namespace, settings: Settings, signals: StopSignals) -> int:
    from service.legalize.console import run_export
    from service.legalize.exporter import ExportOptions

    options = ExportOptions(directory=Path(args.directory).resolve(),
                            country=args.country.lower() if args.country else None, lang=args.lang)
    with database(settings, _data_dir(args, settings), signals) as dsn:
        _migrate(dsn)
        return run_export(dsn, options)


def _prepare(dsn: str, settings: Settings, *, demo: bool, host: str, port: int) -> None:
    """Migrations and the signing key once, in this process, before any worker starts; then the demo data
    and its key."""
    from service.signing import load_signer

    load_signer(settings.signing_key_file, create=settings.signing_key_generate)
    applied = _migrate(dsn)
    log.info("migrations_applied", count=len(applied), names=applied)
    if not demo:
        return
    from service.demo import load_demo
    from service.store.keys import create_key

    loop.run(load_demo(dsn))
    key = loop.run(create_key(dsn, name="demo"))
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
            _prepare(dsn, settings, demo=args.demo, host=args.host, port=args.port)
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

    keys = commands.add_parser(
        "keys", help="manage API keys",
        description="Manage API keys (as the schema's owner: the running service can only read them).",
    )
    key_commands = keys.add_subparsers(dest="keys_command", metavar="COMMAND", required=True)
    create = key_commands.add_parser(
        "create",
        help="create an API key",
        description="Create an API key named NAME and print it once, on the last line of the output. Scopes: "
        "read (reads, when LEXTIME_PRIVATE_READS is on; every key may read), write (acts, editions, relations, "
        "imports), correct (corrections), admin (keys and metrics).",
    )
    create.add_argument("name", metavar="NAME", help="who or what the key is for, e.g. adilet-sync")
    create.add_argument("--scope", action="append", choices=["read", "write", "correct", "admin"],
                        help="a scope of the key; repeat for several (default: write)")
    create.add_argument("--expires", type=_expires, metavar="WHEN",
                        help="when the key stops working: 90d, 12h, a date (valid through it, UTC) or an "
                        "ISO 8601 moment with its offset (default: never)")
    _add_data_dir(create)
    create.set_defaults(handler=cmd_keys_create)
    listing = key_commands.add_parser(
        "list", help="list API keys",
        description="List every API key: name, id, scopes, state (active, expired, revoked) and dates. "
        "Secrets are never shown: they are not stored.",
    )
    _add_data_dir(listing)
    listing.set_defaults(handler=cmd_keys_list)
    revoke = key_commands.add_parser(
        "revoke", help="revoke an API key",
        description="Revoke the API key named NAME: from now on every request with it is refused (401). "
        "A revocation cannot be undone; create a new key instead.",
    )
    revoke.add_argument("name", metavar="NAME", help="the key's name, as `lextime keys list` shows it")
    _add_data_dir(revoke)
    revoke.set_defaults(handler=cmd_keys_revoke)
    cli_ledger.add_parsers(commands, _add_data_dir)

    imports = commands.add_parser(
        "import",
        help="import Adilet documents",
        description="Import Kazakhstan's acts as Adilet publishes them (plain-text export .txt, web page .html, "
        "Markdown .md with an optional meta.yaml beside it), each document as one ledger entry in its own "
        "transaction: its act, the acts it names, its editions and relations. Documents already imported "
        "change nothing. Prints a summary; the exit code is 1 when a document could not be imported.",
    )
    imports.add_argument("paths", nargs="+", metavar="PATH", help="a document, or a folder searched recursively")
    imports.add_argument("--actor", default="lextime-import", help="who the ledger records as the writer "
                         "(default: lextime-import)")
    imports.add_argument("--retrieved-at", type=_retrieved_at, metavar="TIME",
                         help="when the documents were retrieved (RFC 3339, e.g. 2025-03-01T10:00:00+05:00)")
    _add_data_dir(imports)
    imports.set_defaults(handler=cmd_import)
    _add_legalize_commands(commands)

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


def _add_legalize_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    importer = commands.add_parser(
        "import-git",
        help="load a legalize repository's history (one git repository per country)",
        description="Record a legalize repository (Legalize Format Spec v0.4: one Markdown file per law, one "
        "commit per version, the legal date in the Source-Date trailer) through the same write commands as the "
        "API: acts, an edition per legal version, amends and repeals relations; a correction of a version an "
        "earlier import recorded, and a removed law, as corrections and retractions in transaction time (as_of "
        "before them gives the earlier answers). Only the commits after the last import of the repository are "
        "read; an interrupted import resumes where it stopped.",
        epilog="Exit status: 0 done; 1 an error, or done with changes that could not be recorded (listed in the "
        "summary, kept in legalize_deferred).",
    )
    importer.add_argument("repo", metavar="REPO", help="the repository's working copy (a git clone)")
    importer.add_argument("--since", metavar="REV", help="import the commits after this revision (sha, tag, "
                          "branch) instead of after the last imported one")
    importer.add_argument("--until", metavar="REV", help="import up to this revision (default: HEAD)")
    importer.add_argument("--jurisdiction", metavar="CODE", help="only the laws of this directory: a "
                          "jurisdiction such as pe-cus, or a country such as pe")
    importer.add_argument("--from-start", action="store_true", help="read the whole history again; what is "
                          "already recorded is recognised and not recorded twice")
    _add_data_dir(importer)
    importer.set_defaults(handler=cmd_import_git)

    exporter = commands.add_parser(
        "export-git",
        help="write Lextime's acts as a legalize repository",
        description="Write Lextime's acts as a new legalize repository in DIR: the manifest (.legalize.yml), one "
        "Markdown file per act with its front matter, one commit per edition with its type and trailers, git "
        "dates from Source-Date (clamped to 1970-01-02). Importing it into an empty database gives back the same "
        "answers.",
    )
    exporter.add_argument("directory", metavar="DIR", help="where to write the repository (new or empty)")
    exporter.add_argument("--country", metavar="CODE", help="only the acts of this country (e.g. kz), its "
                          "sub-national jurisdictions included")
    exporter.add_argument("--lang", metavar="LANG", help="the language of the files' text (default: each act's "
                          "first language; the others travel in the front matter)")
    _add_data_dir(exporter)
    exporter.set_defaults(handler=cmd_export_git)


# -- the entry point -------------------------------------------------------------------------------


def _expected_errors() -> tuple[type[BaseException], ...]:
    """Failures a user can act on, reported in one line rather than a traceback."""
    import asyncpg
    import httpx

    from service.domain.errors import DomainError
    from service.mirror import MirrorError
    from service.signing import SigningKeyError
    from service.store.migrate import MigrationError

    return (
        OSError,
        TimeoutError,
        asyncpg.PostgresError,
        asyncpg.InterfaceError,
        EmbeddedDatabaseError,
        DomainError,
        MigrationError,
        SigningKeyError,
        MirrorError,
        httpx.HTTPError,
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
