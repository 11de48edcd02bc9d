"""`lextime import PATH...`: files and folders of Adilet documents imported one by one, each in its own
transaction, with a progress bar and a closing summary. A document that cannot be read is reported with
its line and skipped; the others still import."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import asyncpg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from service.domain.adilet import AdiletParseError
from service.domain.errors import DomainError
from service.importer.adilet import ImportResult, import_document
from service.store.db import create_pool

SUFFIXES = (".txt", ".html", ".htm", ".xhtml", ".md", ".markdown")
META = "meta.yaml"


@dataclass(frozen=True)
class Document:
    path: Path
    meta: Path | None  # a meta.yaml beside a Markdown conversion


@dataclass(frozen=True)
class Outcome:
    path: Path
    result: ImportResult | None
    error: str | None


def _document(path: Path) -> Document:
    meta = path.parent / META
    markdown = path.suffix.lower() in (".md", ".markdown")
    return Document(path, meta if markdown and meta.is_file() else None)


def documents(paths: Iterable[Path]) -> tuple[list[Document], list[str]]:
    """The documents under the given files and folders (folders recursively, in name order), and the paths
    that are neither."""
    found: list[Document] = []
    missing: list[str] = []
    for path in paths:
        if path.is_file():
            found.append(_document(path))
        elif path.is_dir():
            found += [_document(p) for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in SUFFIXES]
        else:
            missing.append(f"{path}: not imported: no such file or folder")
    return found, missing


async def import_all(dsn: str, docs: list[Document], *, actor: str, retrieved_at: datetime | None,
                     done: Callable[[Outcome], None]) -> list[Outcome]:
    pool = await create_pool(dsn, min_size=1, max_size=2, statement_timeout_ms=60_000)
    outcomes: list[Outcome] = []
    try:
        for doc in docs:
            outcome = await _one(pool, doc, actor, retrieved_at)
            outcomes.append(outcome)
            done(outcome)
    finally:
        await pool.close()
    return outcomes


async def _one(pool: asyncpg.Pool, doc: Document, actor: str, retrieved_at: datetime | None) -> Outcome:
    try:
        meta = doc.meta.read_text(encoding="utf-8") if doc.meta else None
        result = await import_document(pool, data=doc.path.read_bytes(), actor=actor,
                                       name=doc.path.name, retrieved_at=retrieved_at, meta_yaml=meta)
    except AdiletParseError as exc:
        return Outcome(doc.path, None, str(exc))
    except (DomainError, OSError, UnicodeDecodeError) as exc:
        return Outcome(doc.path, None, getattr(exc, "detail", None) or str(exc))
    return Outcome(doc.path, result, None)


def progress(console: Console) -> Progress:
    return Progress(TextColumn("[bold]importing[/]"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[counts]}"), TimeElapsedColumn(), console=console, transient=False)


def counts_text(outcomes: list[Outcome], *, with_failed: bool = True) -> str:
    done = [o.result for o in outcomes if o.result is not None]
    failed = f", failed {sum(1 for o in outcomes if o.error)}" if with_failed else ""
    created = sum(len(r.plan.acts_created) for r in done)
    editions = sum(len(r.plan.editions_created) + len(r.plan.editions_revised) for r in done)
    relations = sum(len(r.plan.relations_created) + len(r.plan.relations_revised) for r in done)
    return f"acts +{created}, editions +{editions}, relations +{relations}{failed}"


def _row(o: Outcome) -> tuple[str, ...]:
    if o.result is None:
        return (o.path.name, "", "", "", "", "FAILED")
    p = o.result.plan
    result = "unchanged" if o.result.unchanged else f"seq {o.result.seq}"
    return (o.path.name, p.akn_uri or p.act_id, f"+{len(p.acts_created)} ~{len(p.acts_completed)}",
            f"+{len(p.editions_created)} ~{len(p.editions_revised)}",
            f"+{len(p.relations_created)} ~{len(p.relations_revised)}", result)


def print_summary(console: Console, outcomes: list[Outcome], missing: list[str]) -> None:
    """A row per document (+ created, ~ revised), then every failure, skip and uncertainty, then the totals."""
    table = Table(title="lextime import (+ created, ~ revised)")
    for column in ("document", "act", "acts", "editions", "relations", "result"):
        table.add_column(column, overflow="fold")
    for o in outcomes:
        table.add_row(*_row(o))
    if outcomes:
        console.print(table)
    for o in outcomes:
        if o.error:
            console.print(f"{o.path}: not imported: {o.error}", markup=False, highlight=False, soft_wrap=True)
        elif o.result is not None:
            for label, items in (("skipped", o.result.plan.skipped), ("uncertain", o.result.plan.uncertain)):
                for item in items:
                    console.print(f"{o.path}: {label}: {item}", markup=False, highlight=False, soft_wrap=True)
    for item in missing:
        console.print(item, markup=False, highlight=False, soft_wrap=True)
    ok = [o for o in outcomes if o.result is not None]
    unchanged = sum(1 for o in ok if o.result is not None and o.result.unchanged)
    failed = len(outcomes) - len(ok) + len(missing)
    console.print(f"{len(outcomes) + len(missing)} document(s): {len(ok)} imported ({unchanged} unchanged), "
                  f"{failed} failed; {counts_text(outcomes, with_failed=False)}", markup=False, highlight=False, soft_wrap=True)
