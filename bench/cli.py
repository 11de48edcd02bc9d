"""`python -m bench` (also `lextime bench`): build or reuse a corpus, load the service and its ceilings, and
write the result as JSON and a Markdown table under bench/results/, with the summary in docs/performance.md.

Exit codes: 0 the suite ran (whatever the targets say: a missed target is reported, not a failure);
1 the suite itself broke (a server did not start, a tool failed); 2 a usage error or a missing tool.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
DOCS = REPO / "docs" / "performance.md"


def _sizes(text: str) -> tuple[int, ...]:
    from bench.corpus import parse_size

    try:
        return tuple(parse_size(s) for s in text.split(",") if s.strip())
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _size(text: str) -> int:
    return _sizes(text)[0]


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description="Lextime's benchmark suite: point-in-time answers under load, against the HTTP ceiling "
                    "(constant JSON under the same uvicorn settings), the database ceiling (raw asyncpg) and "
                    "the history-import ceiling (git log -p --reverse), in one run.",
        epilog="Needs wrk and h2load (apt-get install -y wrk nghttp2-client) and a PostgreSQL server: "
               "DATABASE_URL (a superuser's DSN; the bench creates its own lextime_bench_* databases and "
               "reuses them) or, unset, the embedded one. Targets missed are reported, never an error.",
    )
    p.add_argument("--quick", action="store_true",
                   help="a small run that finishes within five minutes on 2 cores: 1k acts, 3 s runs, no growth")
    p.add_argument("--size", type=_size, default=None, metavar="N",
                   help="corpus size in acts: 10k, 100k, 1M or a number (default 10k; 1k with --quick)")
    p.add_argument("--growth", type=_sizes, default=None, metavar="SIZES",
                   help="corpus sizes to compare p50 and buffers per lookup at, e.g. 10k,1M (default: none)")
    p.add_argument("--workers", type=_positive, default=os.cpu_count() or 1, metavar="N",
                   help="service (and ceiling) worker processes (default: the number of cores)")
    p.add_argument("--connections", type=_positive, default=16, metavar="N", help="wrk connections (default 16)")
    p.add_argument("--seconds", type=float, default=None, metavar="S",
                   help="length of each load run (default 10; 3 with --quick)")
    p.add_argument("--runs", type=_positive, default=3, metavar="N", help="runs per measure, median taken (default 3)")
    p.add_argument("--seed", type=int, default=1, help="corpus and workload seed (default 1)")
    p.add_argument("--fresh", action="store_true", help="rebuild the corpus database even when one is there")
    p.add_argument("--only", default="", metavar="NAMES",
                   help="comma-separated workloads to run (default all): " + ", ".join(_workload_names()))
    p.add_argument("--legalize-commits", type=_positive, default=None, metavar="N",
                   help="commits of the synthetic legalize repository (default 10000; 1000 with --quick); "
                   "the import is measured over it and over a tenth of it")
    p.add_argument("--legalize-repo", action="append", type=Path, default=[], metavar="PATH",
                   help="a legalize git repository to time as well (e.g. the Peruvian corpus); repeatable")
    p.add_argument("--output", type=Path, default=RESULTS, metavar="DIR", help=f"results folder (default {RESULTS})")
    p.add_argument("--no-docs", action="store_true", help="do not update docs/performance.md")
    p.add_argument("--list", action="store_true", help="list the workloads and whether this build can run them")
    return p


def _workload_names() -> list[str]:
    from bench.workloads import WORKLOADS

    return [w.name for w in WORKLOADS]


def _server_version(dsn: str) -> str:
    import asyncpg

    async def version() -> str:
        conn = await asyncpg.connect(dsn)
        try:
            return str(await conn.fetchval("SHOW server_version"))
        finally:
            await conn.close()

    return asyncio.run(version())


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    console = Console(stderr=False, highlight=False, soft_wrap=True)
    from bench import report, tools
    from bench import workloads as wl
    from bench.run import Options, Runner
    from service.logs import configure_logging

    if args.list:
        for w in wl.WORKLOADS:
            console.print(f"{w.name:12} {w.description}: {wl.unavailable(w) or 'available'}")
        return 0
    missing = tools.missing_tools()
    if missing:
        console.print(f"bench: {', '.join(missing)} not found. Install: {tools.INSTALL_HINT}", style="red")
        return 2
    only = tuple(n.strip() for n in args.only.split(",") if n.strip())
    unknown = sorted(set(only) - set(_workload_names()))
    if unknown:
        console.print(f"bench: unknown workloads {', '.join(unknown)}; see --list", style="red")
        return 2
    # The service code the suite runs in this process (migrations of the databases it creates, a mirror's
    # load) logs at warning and above: the suite's own lines are the progress.
    configure_logging(level="warning")
    logs = Path(tempfile.mkdtemp(prefix="lextime-bench-logs-"))
    options = Options(
        size=args.size or (1000 if args.quick else 10_000), growth_sizes=args.growth or (),
        workers=args.workers, connections=args.connections, seconds=args.seconds or (3.0 if args.quick else 10.0),
        fixed_seconds=5.0 if args.quick else 15.0, runs=args.runs, seed=args.seed, fresh=args.fresh, only=only,
        legalize_commits=args.legalize_commits or (1000 if args.quick else 10_000),
        legalize_repos=tuple(args.legalize_repo), quick=args.quick, logs=logs,
    )
    started = time.monotonic()
    try:
        with _server(console) as server_dsn:
            runner = Runner(server_dsn, options, console)
            result = runner.main()
            result["machine"] = report.machine(_server_version(server_dsn))
    except KeyboardInterrupt:
        console.print("bench: interrupted", style="red")
        return 130
    except Exception as err:  # noqa: BLE001 -- the suite itself broke: say what and where the logs are, fail
        console.print(f"bench: the suite failed: {type(err).__name__}: {err}\nserver logs: {logs}", style="red")
        return 1
    result["seconds"] = round(time.monotonic() - started, 1)
    json_path, md_path = report.write(result, args.output, None if args.no_docs else DOCS)
    console.print()
    console.print(md_path.read_text(encoding="utf-8"))
    met = sum(t["verdict"] == "met" for t in result["targets"])
    missed = sum(t["verdict"] == "missed" for t in result["targets"])
    console.print(f"Done in {result['seconds']:.0f} s: {met} targets met, {missed} missed, "
                  f"{len(result['targets']) - met - missed} not measured. Results: {json_path}, {md_path}"
                  + ("" if args.no_docs else f"; summary in {DOCS}"))
    return 0


def _server(console: Console):  # type: ignore[no-untyped-def]
    """DATABASE_URL's server, else an embedded PostgreSQL kept in bench/.pgdata between runs."""
    import contextlib

    from service.cli import StopSignals, database
    from service.config import Settings

    settings = Settings.from_env()
    if not settings.database_url:
        console.print("DATABASE_URL is not set: using an embedded PostgreSQL in bench/.pgdata")

    @contextlib.contextmanager
    def server():  # type: ignore[no-untyped-def]
        with database(settings, REPO / "bench" / ".pgdata", StopSignals()) as dsn:
            yield dsn

    return server()


if __name__ == "__main__":
    sys.exit(main())
