"""The `lextime` commands that work on the ledger itself: `mirror` (follow another Lextime's feed into
this database) and `audit verify` / `audit check-proof` (for auditors). Registered by service/cli.py."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from service import loop

if TYPE_CHECKING:
    from rich.progress import Progress

    from service.cli import StopSignals
    from service.config import Settings
    from service.domain.audit import AuditReport
    from service.domain.checkpoints import Checkpoint
    from service.mirror import MirrorReport

EXIT_BROKEN = 3  # verification found a break: the ledger or a text was altered

AddDataDir = Callable[[argparse.ArgumentParser], None]


@contextmanager
def _progress() -> Iterator[Progress]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        yield bar


def _read_json(path: str) -> Any:
    try:
        return orjson.loads(Path(path).read_bytes())
    except OSError as exc:
        raise SystemExit(f"lextime: cannot read {path}: {exc.strerror or exc}") from None
    except orjson.JSONDecodeError as exc:
        raise SystemExit(f"lextime: {path} is not JSON: {exc}") from None


# -- mirror ----------------------------------------------------------------------------------------


async def _run_mirror(args: argparse.Namespace, dsn: str) -> MirrorReport:
    import httpx

    from service.mirror import Source, mirror
    from service.store.db import create_pool

    pool = await create_pool(dsn, min_size=1, max_size=2, statement_timeout_ms=120_000)
    timeout = httpx.Timeout(60.0, read=args.wait + 60.0)
    try:
        async with httpx.AsyncClient(base_url=args.source, timeout=timeout) as client:
            with _progress() as bar:
                task = bar.add_task(f"mirroring {args.source}", total=None)

                def progress(seq: int, source_seq: int) -> None:
                    bar.update(task, completed=seq, total=max(seq, source_seq))

                return await mirror(Source(client), pool, use_snapshot=not args.no_snapshot, follow=args.follow,
                                    batch=args.batch, wait_s=args.wait, progress=progress)
    finally:
        await pool.close()


def cmd_mirror(args: argparse.Namespace, settings: Settings, signals: StopSignals) -> int:
    from service.cli import _data_dir, _migrate, database

    with database(settings, _data_dir(args, settings), signals) as dsn:
        _migrate(dsn)
        report = loop.run(_run_mirror(args, dsn))
    snapshot = f" ({report.from_snapshot} from a snapshot)" if report.from_snapshot else ""
    print(f"Mirrored {report.from_snapshot + report.applied} entries{snapshot} from {args.source}.")
    print(f"Local head: seq {report.head_seq}, hash {report.head_hash}.")
    state = "caught up with" if report.caught_up else "behind"
    print(f"The mirror is {state} the source (its head was seq {report.source_seq} when last asked).")
    return 0


# -- audit -----------------------------------------------------------------------------------------


def _kept(path: str) -> tuple[Checkpoint, ...]:
    """The checkpoints in a file: one checkpoint, a list of them, or a page of GET /v1/audit/checkpoints."""
    from service.domain.checkpoints import checkpoint_from_json

    value = _read_json(path)
    items = value.get("items") if isinstance(value, dict) and "items" in value else value
    items = items if isinstance(items, list) else [items]
    if not items:
        raise SystemExit(f"lextime: {path} holds no checkpoint")
    return tuple(checkpoint_from_json(item) for item in items)


def _public_key(args: argparse.Namespace, settings: Settings) -> str | None:
    from service.signing import load_public_key

    if args.public_key:
        return load_public_key(Path(args.public_key))
    if settings.signing_key_file.exists():
        return load_public_key(settings.signing_key_file)
    return None


async def _run_verify(dsn: str, public_key: str | None, kept: tuple[Checkpoint, ...]) -> AuditReport:
    from service.store import audit
    from service.store.db import LATEST, create_pool
    from service.store.feed import head_seq

    pool = await create_pool(dsn, min_size=1, max_size=1, statement_timeout_ms=120_000)
    try:
        with _progress() as bar:
            task = bar.add_task("verifying the ledger", total=await head_seq(pool))
            return await audit.verify(pool, upto=LATEST, public_key=public_key, kept=kept,
                                      progress=lambda n: bar.advance(task, n))
    finally:
        await pool.close()


def _print_report(report: AuditReport, public_key: str | None) -> None:
    print(f"Verified {report.count} ledger entries and {report.texts_checked} text references.")
    print(f"Head: seq {report.head_seq}, hash {report.head_hash}.")
    signed = (f"{report.checkpoints_verified} signed by the trusted key" if public_key
              else "no public key to check their signatures: give --public-key")
    print(f"Checkpoints published in the ledger: {report.checkpoints} ({signed}).")
    for cp in report.kept:
        print(f"Kept checkpoint: seq {cp.seq}, hash {cp.hash}, signed {cp.signed_at} by key {cp.key_id}.")
    if report.first_break is None:
        print("The ledger holds: every hash recomputes, every link and text matches.")
    else:
        print(f"BROKEN at entry {report.first_break.seq}: {report.first_break.reason}.")


def cmd_audit_verify(args: argparse.Namespace, settings: Settings, signals: StopSignals) -> int:
    from service.cli import _data_dir, database

    kept = _kept(args.checkpoint) if args.checkpoint else ()
    public_key = _public_key(args, settings)
    with database(settings, _data_dir(args, settings), signals) as dsn:
        report = loop.run(_run_verify(dsn, public_key, kept))
    _print_report(report, public_key)
    return 0 if report.ok else EXIT_BROKEN


def cmd_audit_check_proof(args: argparse.Namespace, settings: Settings, signals: StopSignals) -> int:
    from service.domain.proof import check_proof
    from service.signing import load_public_key

    proof = _read_json(args.proof)
    if not isinstance(proof, dict):
        raise SystemExit(f"lextime: {args.proof} is not a proof (a JSON object from GET /v1/audit/proof)")
    public_key = load_public_key(Path(args.public_key)) if args.public_key else None
    problems = check_proof(proof, public_key=public_key)
    chain = proof.get("chain") or []
    print(f"Proof of act {proof.get('act')} on {proof.get('date')} ({proof.get('lang')}): "
          f"{len(chain)} chained entries, text sha256 {proof.get('text_sha256')}.")
    if proof.get("checkpoint") is None:
        print("The chain ends at the head, not at a signed checkpoint: it shows consistency, not who signed it.")
    elif public_key is None:
        print("The checkpoint was checked with the public key it names: give --public-key to pin the key.")
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    print("The proof holds." if not problems else f"The proof does not hold ({len(problems)} problems).")
    return 0 if not problems else EXIT_BROKEN


# -- the parsers -----------------------------------------------------------------------------------


def _positive(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 1000:
        raise argparse.ArgumentTypeError(f"must be from 1 to 1000, got {value}")
    return value


def _wait(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 30:
        raise argparse.ArgumentTypeError(f"must be from 1 to 30 seconds, got {value}")
    return value


def add_parsers(commands: Any, add_data_dir: AddDataDir) -> None:
    mirror = commands.add_parser(
        "mirror",
        help="follow another Lextime's change feed into this database",
        description="Copy another Lextime into this database and keep it identical: an empty database first "
        "loads a recent snapshot the source keeps (or one as of its head), then the change feed after it is "
        "applied page by page, every entry's hash and link checked. Safe to interrupt at any point: the next "
        "run resumes from the local ledger's head.",
    )
    mirror.add_argument("--from", dest="source", required=True, metavar="URL",
                        help="the source's base URL, e.g. https://lextime.example.org")
    mirror.add_argument("--follow", action="store_true",
                        help="keep following the feed (long-polling) until interrupted")
    mirror.add_argument("--no-snapshot", action="store_true",
                        help="start an empty mirror from the feed's first entry instead of a snapshot")
    mirror.add_argument("--batch", type=_positive, default=500, metavar="N",
                        help="entries per page of the feed, each applied in one transaction (default: 500)")
    mirror.add_argument("--wait", type=_wait, default=25, metavar="SECONDS",
                        help="with --follow, how long each request waits for new entries (default: 25)")
    add_data_dir(mirror)
    mirror.set_defaults(handler=cmd_mirror)

    audit = commands.add_parser("audit", help="verify the ledger and proofs",
                                description="Tools for auditors: verify the ledger, check a proof offline.")
    audit_commands = audit.add_subparsers(dest="audit_command", metavar="COMMAND", required=True)
    verify = audit_commands.add_parser(
        "verify",
        help="recompute the hash chain and the texts' hashes",
        description="Recompute the whole ledger's hash chain (streaming, in constant memory) and the content "
        "hash of every text it references; check the signed checkpoints it publishes and, with "
        "--checkpoint, the ones you kept. Exit 0 when everything holds, 3 at the first break.",
    )
    verify.add_argument("--checkpoint", metavar="FILE",
                        help="a checkpoint you kept (JSON from GET /v1/audit/checkpoints, one or a page of them): "
                        "the ledger must still have, at its seq, the hash it signed")
    verify.add_argument("--public-key", metavar="FILE",
                        help="the PEM public key to check signatures with (default: the configured signing key)")
    add_data_dir(verify)
    verify.set_defaults(handler=cmd_audit_verify)

    check = audit_commands.add_parser(
        "check-proof",
        help="check a proof of an answer offline",
        description="Check a proof from GET /v1/audit/proof without any database: the texts hash to their "
        "addresses, the entries that recorded them are chained, and the chain ends at a checkpoint signed "
        "by the key (or at the head). Exit 0 when it holds, 3 when it does not.",
    )
    check.add_argument("proof", metavar="FILE", help="the proof, as JSON")
    check.add_argument("--public-key", metavar="FILE", help="the PEM public key the checkpoint must be signed with")
    check.set_defaults(handler=cmd_audit_check_proof)
