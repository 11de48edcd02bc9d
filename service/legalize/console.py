"""The terminal side of `lextime import-git` and `lextime export-git`: a progress bar with commits per second
and the time left, and a summary at the end (throughput included)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from service import loop
from service.legalize.exporter import Exporter, ExportOptions, ExportReport, check_target
from service.legalize.gitrepo import GitRepo
from service.legalize.importer import Importer, ImportOptions, ImportReport
from service.store.db import create_pool

EXIT_NOT_RECORDED = 1  # the import completed, and some changes could not be recorded (listed in the summary)
STATEMENT_TIMEOUT_MS = 120_000  # one edition of a very long law is one statement


class RateColumn(ProgressColumn):
    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.1f} {self.unit}/s" if speed else f"– {self.unit}/s", style="progress.data.speed")


class Bar:
    """A rich progress bar on stderr, fed by the importer or exporter."""

    def __init__(self, progress: Progress, label: str) -> None:
        self.progress, self.label = progress, label
        self.task = progress.add_task(label, total=None)

    def start(self, total: int) -> None:
        self.progress.update(self.task, total=total)

    def advance(self, commits: int = 1) -> None:
        self.progress.advance(self.task, commits)


@contextmanager
def progress_bar(label: str, unit: str) -> Iterator[Bar]:
    progress = Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TextColumn(unit), RateColumn(unit), TimeElapsedColumn(), TextColumn("ETA"),
                        TimeRemainingColumn(), console=Console(stderr=True))
    with progress:
        yield Bar(progress, label)


async def _import(dsn: str, options: ImportOptions, git: GitRepo, bar: Bar) -> ImportReport:
    pool = await create_pool(dsn, min_size=1, max_size=2, statement_timeout_ms=STATEMENT_TIMEOUT_MS)
    try:
        return await Importer(pool, git, options, bar).run()
    finally:
        await pool.close()


async def _export(dsn: str, options: ExportOptions, bar: Bar) -> ExportReport:
    pool = await create_pool(dsn, min_size=1, max_size=2, statement_timeout_ms=STATEMENT_TIMEOUT_MS)
    try:
        return await Exporter(pool, options, bar).run()
    finally:
        await pool.close()


def import_summary(report: ImportReport, repo: Path) -> list[str]:
    span = f"{report.start[:12]}.." if report.start else "the start.."
    lines = [f"Imported {repo} (repository {report.repository[:12]}), commits {span}{report.end[:12]}."]
    if report.start == report.end:
        lines.append("Nothing new: the repository has no commit after the last import.")
    lines += [
        f"  {report.commits} commits read in {report.seconds:.1f} s: {report.commits_per_second:,.1f} commits/s",
        (f"  {report.laws} law files; {report.acts_created} acts created, {report.reference_acts} known only by "
         "reference (named as Source-Id)"),
        (f"  {report.editions} editions recorded ({report.editions_without_text} without text), "
         f"{report.already_recorded} already recorded; {report.relations} relations"),
        (f"  {report.corrections} editions recorded earlier corrected, {report.retractions} acts of removed files "
         "retracted (in transaction time: as_of before them gives the earlier answers)"),
        (f"  {report.corrected_versions} versions with their corrections applied; {report.undated_versions} "
         f"undated versions (no Source-Date, no edition); {report.dropped_by_removal} versions of removed files "
         "never recorded"),
    ]
    if report.outside_scope:
        lines.append(f"  {report.outside_scope} legal dates outside the jurisdiction asked for")
    if report.deferred:
        lines.append(f"  {len(report.deferred)} changes could not be recorded (kept in legalize_deferred):")
        lines += [f"    {d.kind} {d.path} at {d.commit[:12]}: {d.detail}" for d in report.deferred[:50]]
    if report.warnings:
        lines.append(f"  {len(report.warnings)} warnings:")
        lines += [f"    {w}" for w in report.warnings[:50]]
    return lines


def export_summary(report: ExportReport, directory: Path) -> list[str]:
    return [
        (f"Exported {report.acts} acts to {directory}: {report.commits} commits "
         f"({report.editions} editions, {report.acts_without_editions} acts without an edition), "
         f"{report.relations} relations carried."),
        f"  {report.seconds:.1f} s: {report.commits_per_second:,.1f} commits/s",
    ]


def run_import(dsn: str, options: ImportOptions) -> int:
    with GitRepo(options.repo) as git, progress_bar("import-git", "commits") as bar:
        report = loop.run(_import(dsn, options, git, bar))
    for line in import_summary(report, options.repo):
        print(line)
    return EXIT_NOT_RECORDED if report.deferred else 0


def run_export(dsn: str, options: ExportOptions) -> int:
    check_target(options.directory)
    with progress_bar("export-git", "acts") as bar:
        report = loop.run(_export(dsn, options, bar))
    for line in export_summary(report, options.directory):
        print(line)
    return 0
