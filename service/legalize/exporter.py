"""`lextime export-git`: Lextime's acts written as a legalize repository through `git fast-import` (one
process, no per-commit git calls), act by act: the spec orders history per file, never repository-wide."""

from __future__ import annotations

import calendar
import subprocess
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO

import asyncpg
import structlog

from service.domain.facts import status_facts
from service.domain.model import Act
from service.domain.status import status_at
from service.legalize import Progress
from service.legalize.errors import LegalizeError
from service.legalize.gitrepo import git_environment
from service.legalize.manifest import MANIFEST_FILE, SHARDED, manifest_text
from service.legalize.publish import ActHistory, EditionText, PlannedCommit, country_of, identifier_of, plan, readme
from service.store import acts as acts_store
from service.store import editions as editions_store
from service.store.db import LATEST

log = structlog.get_logger("lextime.legalize")

IDENTITY = "Lextime <export@lextime.invalid>"
BRANCH = "refs/heads/main"
_PAGE = 500


@dataclass(frozen=True)
class ExportOptions:
    directory: Path
    country: str | None = None  # the acts of this country (its jurisdiction and sub-national ones); None: all
    lang: str | None = None  # the language of the bodies; default each act's first language
    template: str = SHARDED


@dataclass
class ExportReport:
    acts: int = 0
    commits: int = 0
    editions: int = 0
    acts_without_editions: int = 0
    relations: int = 0
    seconds: float = 0.0
    skipped: list[str] = field(default_factory=list)

    @property
    def commits_per_second(self) -> float:
        return self.commits / self.seconds if self.seconds > 0 else 0.0


def _timestamp(day: date) -> int:
    return calendar.timegm(day.timetuple())


def _quoted(path: str) -> str:
    if any(c in path for c in '"\\\n') or path.startswith('"'):
        return '"' + path.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return path


def check_target(directory: Path) -> None:
    """An export writes a new repository: into a directory that does not exist yet, or an empty one."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise LegalizeError(f"{directory} is not empty: export-git writes a new repository")


class FastImport:
    """A `git fast-import` stream onto one branch."""

    def __init__(self, directory: Path) -> None:
        self.proc = subprocess.Popen(["git", "-C", str(directory), "fast-import", "--quiet", "--date-format=raw"],
                                     stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=git_environment())
        assert self.proc.stdin is not None
        self.out: IO[bytes] = self.proc.stdin

    def _data(self, text: str) -> None:
        raw = text.encode("utf-8")
        self.out.write(b"data %d\n" % len(raw) + raw + b"\n")

    def commit(self, message: str, day: date, files: list[tuple[str, str]]) -> None:
        stamp = f"{_timestamp(day)} +0000"
        self.out.write(f"commit {BRANCH}\nauthor {IDENTITY} {stamp}\ncommitter {IDENTITY} {stamp}\n".encode())
        self._data(message)
        for path, content in files:
            self.out.write(f"M 100644 inline {_quoted(path)}\n".encode())
            self._data(content)

    def close(self) -> None:
        self.out.close()
        code = self.proc.wait()
        stderr = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
        if code != 0:
            raise LegalizeError(f"git fast-import failed: {stderr.strip()}")


class Exporter:
    def __init__(self, pool: asyncpg.Pool, options: ExportOptions, progress: Progress | None = None) -> None:
        self.pool, self.options, self.progress = pool, options, progress
        self.report = ExportReport()
        self.identifiers: dict[str, str] = {}

    async def run(self) -> ExportReport:
        started = time.monotonic()
        directory = self.options.directory
        check_target(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self._git("init", "--quiet", "--initial-branch=main")
        in_scope = await self._name_acts()
        if self.progress:
            self.progress.start(len(in_scope))
        writer = FastImport(directory)
        try:
            writer.commit("Legalize manifest and README, written by Lextime\n", date(1970, 1, 2), [
                (MANIFEST_FILE, manifest_text(self.options.country or "xx", self.options.template)),
                ("README.md", readme(self.options.country, len(in_scope)))])
            for act in in_scope:
                for c in await self._commits(act):
                    writer.commit(c.message, c.date, [(c.path, c.content)])
                    self.report.commits += 1
                self.report.acts += 1
                if self.progress:
                    self.progress.advance()
        finally:
            writer.close()
        self._git("reset", "--quiet", "--hard")
        self.report.seconds = time.monotonic() - started
        log.info("export_finished", acts=self.report.acts, commits=self.report.commits)
        return self.report

    def _git(self, *args: str) -> None:
        run = subprocess.run(["git", "-C", str(self.options.directory), *args], capture_output=True,
                             env=git_environment(), check=False)
        if run.returncode != 0:
            raise LegalizeError(f"git {' '.join(args)}: {run.stderr.decode(errors='replace').strip()}")

    async def _all_acts(self) -> AsyncIterator[Act]:
        after = ""
        while True:
            page = await acts_store.list_acts(self.pool, as_of=LATEST, after=after, type=None, number=None,
                                              adopted=None, title_pattern=None, external_id=None, limit=_PAGE)
            for act in page:
                yield act
            if len(page) < _PAGE:
                return
            after = page[-1].id

    async def _name_acts(self) -> list[Act]:
        """Every act's identifier (relations name acts of any country), and the acts to write."""
        taken: set[str] = set()
        in_scope = []
        async for act in self._all_acts():
            name = identifier_of(act)
            if name in taken:
                name = f"{name}-{act.id}"
            taken.add(name)
            self.identifiers[act.id] = name
            if self.options.country is None or country_of(act.jurisdiction) == self.options.country:
                in_scope.append(act)
        return in_scope

    async def _commits(self, act: Act) -> list[PlannedCommit]:
        editions = await editions_store.editions_of_act(self.pool, act_id=act.id, as_of=LATEST)
        texts = []
        for e in editions:
            expressions = {lang: await editions_store.expression_at(self.pool, act_id=act.id, lang=lang,
                                                                    day=e.valid_from, as_of=LATEST)
                           for lang in e.languages}
            texts.append(EditionText(e, expressions))
        relations = await acts_store.relations_of_act(self.pool, act_id=act.id, as_of=LATEST)
        targeting = [r for r in relations if r.target_act == act.id]
        facts = status_facts(act, targeting)
        lang = self.options.lang or (act.languages[0] if act.languages else None) or next(
            (lg for e in editions for lg in e.languages), "en")
        history = ActHistory(act=act, identifier=self.identifiers[act.id], lang=lang, editions=texts,
                             relations=targeting, identifiers=lambda a: self.identifiers.get(a, a),
                             status=lambda day: status_at(facts, day).code)
        self.report.editions += len(editions)
        self.report.relations += len(targeting)
        if not editions:
            self.report.acts_without_editions += 1
        return plan(history, self.options.template)

