"""`lextime import-git`: a legalize repository's history recorded through the same write commands as the
API (service.commands), commit by commit, streamed; BATCH_COMMITS commits per database transaction (a
store.ledger.Batch: one entry per fact as before, the append lock held for the batch).

Per law file (service.legalize.history): each legal date becomes an edition (`Source-Date` as valid_from),
each reform an `amends` relation from its `Source-Id` act, one per unit it changed (the diff of the
texts), each repeal a `repeals` relation; the act itself is created from the file's front matter the first
time it is met, with the legalize identifier as an external id. Acts named as `Source-Id` that the
repository does not hold are recorded as acts known only by reference.

Incremental and resumable: the last commit whose import completed is remembered per repository and
scope (service.store.legalize), in the transaction that records the last facts; a re-run reads only the
commits after it. An interrupted import leaves the batches it committed, whole, and nothing of the next.
Every write is recognised when it is met again (an act by its identifier, an edition by its date and
units, a relation by its type, acts, unit and date), so an interrupted import re-run from the checkpoint
records each fact once.

What supersedes knowledge already recorded — a correction of a version recorded by an earlier import, a
second version for a date already recorded, a removed file whose act was recorded — goes through
`apply_correction` and `retract_act`, which record corrections and retractions in transaction time
(service.commands.correct / retract): today's answer changes, `as_of` before them gives the earlier one.
What cannot be recorded at all (a file Lextime cannot read, an act that other acts' facts still name) is
kept (legalize_deferred), listed in the summary, and the import goes on.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import structlog

from service import commands
from service.commands import NewEdition
from service.domain.corrections import Target
from service.domain.dates import today_in
from service.domain.errors import DomainError, NotFound
from service.domain.model import Act, Relation, Unit
from service.domain.records import new_id
from service.legalize import Progress
from service.legalize import versions as v
from service.legalize.commits import CommitType, parse_message
from service.legalize.errors import LegalizeError
from service.legalize.frontmatter import LawMeta, law_meta, split_document
from service.legalize.gitrepo import GitRepo
from service.legalize.history import Change, Event, LegalDate, LegalVersion, Removed, Walk
from service.legalize.manifest import MANIFEST_FILE, Manifest, law_path, parse_manifest
from service.legalize.mapping import act_from_lextime, act_from_meta, language_of, reference_act
from service.legalize.relations import lextime_relation, relation_key
from service.store import acts as acts_store
from service.store import editions as editions_store
from service.store import ledger
from service.store import legalize as legalize_store
from service.store.db import LATEST
from service.store.legalize import LawFileSet

log = structlog.get_logger("lextime.legalize")

ACTOR = "import-git"
PARSED_KEPT = 32  # files whose units stay parsed: memory bounded whatever the repository's size
BATCH_COMMITS = 64  # commits recorded per transaction: one commit (and fsync) of the database for all of them
BATCH_EVENTS = 256  # legal dates recorded per transaction at the end of the walk (the append lock held no longer)
WHOLE_REPOSITORY = "*"

T = TypeVar("T")


@dataclass(frozen=True)
class ImportOptions:
    repo: Path
    since: str | None = None  # import the commits after this revision, not after the remembered one
    until: str | None = None  # stop at this revision (default HEAD)
    jurisdiction: str | None = None  # only the laws of this directory (jurisdiction, else country)
    from_start: bool = False  # read the whole history again (what is recorded is recognised, not repeated)
    actor: str = ACTOR


@dataclass(frozen=True)
class DeferredChange:
    kind: str
    path: str
    commit: str
    detail: str


@dataclass
class ImportReport:
    repository: str = ""
    start: str | None = None
    end: str = ""
    commits: int = 0
    laws: int = 0
    acts_created: int = 0
    reference_acts: int = 0
    editions: int = 0
    editions_without_text: int = 0
    already_recorded: int = 0
    relations: int = 0
    corrections: int = 0  # editions recorded earlier superseded in transaction time
    retractions: int = 0  # acts of removed files retracted
    corrected_versions: int = 0
    undated_versions: int = 0
    dropped_by_removal: int = 0
    outside_scope: int = 0
    deferred: list[DeferredChange] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def commits_per_second(self) -> float:
        return self.commits / self.seconds if self.seconds > 0 else 0.0

    def warn(self, message: str) -> None:
        log.warning("import_warning", detail=message)
        if len(self.warnings) < 200:
            self.warnings.append(message)


@dataclass(frozen=True)
class Attribution:
    """What one version did: the units whose text it changed, and those its subject names besides."""

    version: LegalVersion
    changed: tuple[str, ...]
    named: tuple[str, ...]


@dataclass(frozen=True)
class Document:
    meta: LawMeta
    front: Mapping[str, Any]
    body: str

    @property
    def lextime(self) -> bool:
        return "lextime" in self.front


@dataclass(slots=True)  # one per law file met: small, as there are as many as the repository has laws
class Law:
    """A law file as this import knows it: the act it became, its language, its last recorded version."""

    identifier: str
    act_id: str
    lang: str
    path: str
    last_commit: str | None
    last_valid_from: date | None
    recorded_before: bool  # a version of it was recorded by an earlier import
    final: tuple[str | None, date | None, str] = (None, None, "")  # status, date, commit of the last version


# -- superseding what an earlier import recorded (corrections in transaction time) ----------------------


async def apply_correction(
    pool: ledger.Writer, *, actor: str, act_id: str, recorded_from: date | None, edition: NewEdition, reason: str,
) -> bool:
    """Supersede, in transaction time, the edition of `act_id` recorded from `recorded_from` with `edition`
    (its text and possibly its date corrected): today's answer changes, and `as_of` before this entry still
    gives the earlier one. False when no edition is recorded from that day (nothing to supersede)."""
    if recorded_from is None:
        return False
    recorded = {e.valid_from for e in await editions_store.editions_of_act(pool, act_id=act_id, as_of=LATEST)}
    if recorded_from not in recorded:
        return False
    if edition.valid_from != recorded_from and edition.valid_from in recorded:
        # The corrected date is one another edition already has: that one takes the corrected text, and the
        # edition from the wrong date goes.
        await commands.retract(pool, actor=actor, target=Target("edition", act_id=act_id, valid_from=recorded_from),
                               reason=f"{reason}: the version is dated {edition.valid_from}")
        recorded_from = edition.valid_from
    await commands.correct(pool, actor=actor, target=Target("edition", act_id=act_id, valid_from=recorded_from),
                           reason=reason, replacement=edition)
    return True


async def retract_act(pool: ledger.Writer, *, actor: str, act_id: str, reason: str) -> None:
    """Retract an act whose file a commit removed: from these entries on it is not known, and `as_of` before
    them still shows it. Its editions and the relations that bear on it go first (a retraction of an act
    that facts still name is refused); an act that other acts' facts name stays, and the refusal is raised."""
    for e in await editions_store.editions_of_act(pool, act_id=act_id, as_of=LATEST):
        await commands.retract(pool, actor=actor, target=Target("edition", act_id=act_id, valid_from=e.valid_from),
                               reason=reason)
    for r in await acts_store.relations_of_act(pool, act_id=act_id, as_of=LATEST):
        if r.target_act == act_id:
            await commands.retract(pool, actor=actor, target=Target("relation", id=r.id), reason=reason)
    await commands.retract(pool, actor=actor, target=Target("act", act_id=act_id), reason=reason)


# -- the import ----------------------------------------------------------------------------------------------


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def is_law_path(path: str) -> bool:
    """Law files are Markdown files inside a directory; nothing hidden, nothing at the root. (A git path is
    split by hand: pathlib interns every part it meets, a table that would grow with the repository.)"""
    parts = path.split("/")
    return len(parts) >= 2 and path.endswith(".md") and not any(p.startswith(".") for p in parts)


def law_stem(path: str) -> str:
    """The file name of a law path without `.md`: the identifier a law file is usually named after."""
    return path.rsplit("/", 1)[-1].removesuffix(".md")


class Importer:
    def __init__(self, pool: asyncpg.Pool, git: GitRepo, options: ImportOptions,
                 progress: Progress | None = None) -> None:
        self.pool, self.git, self.options, self.progress = pool, git, options, progress
        self.db: ledger.Writer = pool  # the batch being recorded while there is one
        self.report = ImportReport()
        self.laws: dict[str, Law] = {}
        self.seen: set[str] = set()  # the laws this import has met a legal date of
        self.parsed: OrderedDict[tuple[str, str], list[Unit]] = OrderedDict()
        self.law_files: list[LawFileSet] = []  # law-file rows noted in this batch and not yet written, in order
        self.references: dict[str, str] = {}
        self.stems: dict[str, list[str]] = {}
        self.manifest: Manifest | None = None
        self.end = ""
        self.repository = ""
        self.walk_start: str | None = None

    # -- the walk

    async def run(self) -> ImportReport:
        started = time.monotonic()
        self.end = self.git.resolve(self.options.until or "HEAD")
        self.repository = self.git.identity(self.end)
        scope = self.options.jurisdiction or WHOLE_REPOSITORY
        start = self.walk_start = await self._start(scope)
        self.report.repository, self.report.start, self.report.end = self.repository, start, self.end
        self.manifest = parse_manifest(self.git.blob(self.end, MANIFEST_FILE))
        total = self.git.count(start, self.end) if start != self.end else 0
        log.info("import_started", repository=self.repository, start=start, end=self.end, commits=total)
        if self.progress:
            self.progress.start(total)
        walk = Walk()
        if start != self.end:
            for path in self.git.files_at(self.end):
                if is_law_path(path):
                    self.stems.setdefault(law_stem(path), []).append(path)
            await self._walk(start, walk)
            for events in _chunks(walk.finish(), BATCH_EVENTS):  # what only the end of the walk makes final
                async with self._batch():
                    for event in events:
                        await self._handle(event)
        async with self._batch():  # the statuses, and the checkpoint once everything read is recorded
            await self._settle_statuses()
            await legalize_store.set_checkpoint(self.db, repository=self.repository, scope=scope,
                                                location=str(self.options.repo), commit=self.end)
        self.report.seconds = time.monotonic() - started
        log.info("import_finished", commits=self.report.commits, editions=self.report.editions,
                 seconds=round(self.report.seconds, 3))
        return self.report

    @asynccontextmanager
    async def _batch(self) -> AsyncIterator[None]:
        """Record into one transaction until the block ends: committed whole, or rolled back whole."""
        async with ledger.batch(self.pool) as held:
            self.db = held
            try:
                yield
                await self._write_law_files()
            finally:
                self.db = self.pool
                self.law_files.clear()

    def _set_law_file(self, law_file: LawFileSet) -> None:
        """Noted now, written with the others before the next read of the law files or the batch's commit:
        one round trip for a batch's worth instead of one per legal date."""
        assert isinstance(self.db, ledger.Batch), "legal dates are recorded inside a batch"
        self.law_files.append(law_file)

    async def _write_law_files(self) -> None:
        if self.law_files:
            await legalize_store.set_law_files(self.db, repository=self.repository, sets=self.law_files)
            self.law_files.clear()

    async def _start(self, scope: str) -> str | None:
        if self.options.since:
            return self.git.resolve(self.options.since)
        if self.options.from_start:
            return None
        remembered = await legalize_store.checkpoint(self.db, repository=self.repository, scope=scope)
        if remembered is None:
            return None
        if not self.git.is_ancestor(remembered, self.end):
            raise LegalizeError(f"the last imported commit {remembered[:12]} is not in the history up to "
                                f"{self.end[:12]}: the repository's history was rewritten. Re-read it with "
                                "--from-start (what is already recorded is recognised) or pick --since")
        return remembered

    async def _walk(self, start: str | None, walk: Walk) -> None:
        """The commits after `start`, BATCH_COMMITS per transaction. The checkpoint moves only when the whole
        walk is recorded (a legal date is final only when a later one closes it, so a commit in the middle is
        no point to resume from); a re-run after an interruption recognises what the committed batches hold."""
        for commits in _chunks(self.git.commits(start, self.end), BATCH_COMMITS):
            async with self._batch():
                for raw in commits:
                    message = parse_message(raw.message)
                    for f in raw.files:
                        if is_law_path(f.path):
                            for event in walk.add(Change(raw.sha, f.path, message, removed=f.status == "D")):
                                await self._handle(event)
                    self.report.commits += 1
                    if self.progress:
                        self.progress.advance()

    async def _handle(self, event: Event) -> None:
        if isinstance(event, Removed):
            await self._removed(event)
        else:
            await self._legal_date(event)

    # -- reading files

    def _document(self, rev: str, path: str) -> Document:
        text = self.git.blob(rev, path)
        if text is None:
            raise LegalizeError(f"{path} is not in commit {rev[:12]}")
        front, body = split_document(text)
        if front is None:
            raise LegalizeError(f"{path} has no front matter")
        return Document(law_meta(front), front, body)

    def _check_path(self, doc: Document, path: str) -> None:
        assert self.manifest is not None
        template = self.manifest.template_for(doc.meta.directory)  # a directory no entry covers stops the import
        expected = law_path(template, doc.front)  # so does a placeholder that cannot be filled
        if expected != path:
            self.report.warn(f"{path}: the manifest's layout puts {doc.meta.identifier} at {expected}")

    # -- laws and acts

    async def _law(self, doc: Document, path: str, first_date: date | None, norm_id: str | None) -> Law:
        identifier = doc.meta.identifier
        known = self.laws.get(identifier)
        if known is not None:
            return known
        if any(f.identifier == identifier for f in self.law_files):
            await self._write_law_files()  # the row read must be as noted (other rows do not matter to it)
        row = await legalize_store.law_file(self.db, repository=self.repository, identifier=identifier)
        if row is not None and row.retracted:
            row = None  # its file was removed and its act retracted: the law back in the repository is new
        act_id = row.act_id if row else await self._existing_act(doc)
        lang = self._language(doc)
        if act_id is None:
            act_id = await self._create_act(doc, path, lang, first_date, norm_id)
        law = Law(identifier, act_id, lang, path, row.last_commit if row else None,
                  row.last_valid_from if row else None, recorded_before=bool(row and row.last_commit))
        if row is None:
            self._set_law_file(LawFileSet(identifier, path, act_id, last_commit=None, last_valid_from=None))
            self.report.laws += 1
        self.laws[identifier] = law
        return law

    def _language(self, doc: Document) -> str:
        if doc.lextime:
            given = doc.front.get("lextime_language")
            act = doc.front["lextime"]
            langs = act.get("languages") if isinstance(act, Mapping) else None
            if isinstance(given, str) and given:
                return given
            if isinstance(langs, list) and langs and isinstance(langs[0], str):
                return langs[0]
        return language_of(doc.meta)

    async def _existing_act(self, doc: Document) -> str | None:
        if doc.lextime:
            act_id = act_from_lextime(doc.front["lextime"]).id
            return act_id if await self._act_exists(act_id) else None
        return await acts_store.act_id_by_alias(self.db, alias=doc.meta.identifier, as_of=LATEST)

    async def _create_act(self, doc: Document, path: str, lang: str, first_date: date | None,
                          norm_id: str | None) -> str:
        current = doc
        if path in self.stems.get(law_stem(path), []):
            try:  # the newest front matter this import reads is the best knowledge of the act
                current = self._document(self.end, path)
            except LegalizeError:
                current = doc
        if current.lextime:
            act = act_from_lextime(current.front["lextime"])
        else:
            act = act_from_meta(current.meta, act_id=new_id(), language=lang, norm_id=norm_id,
                                first_date=first_date)
            if act.akn_uri and await acts_store.act_id_by_alias(self.db, alias=act.akn_uri, as_of=LATEST):
                self.report.warn(f"{path}: another act already has the AKN work URI {act.akn_uri}; not given")
                act = Act(**{**act.__dict__, "akn_uri": None})
        await commands.create_act(self.db, actor=self.options.actor, act=act)
        self.report.acts_created += 1
        return act.id

    async def _reference(self, identifier: str, version: LegalVersion, law: Law, doc: Document) -> str:
        """The act a commit names as its source: one this import knows, the law file of that identifier in
        the repository, else an act known only by reference."""
        if identifier in self.references:
            return self.references[identifier]
        act_id = await acts_store.act_id_by_alias(self.db, alias=identifier, as_of=LATEST)
        if act_id is None:
            for path in self.stems.get(identifier, []):
                try:
                    other = self._document(self.end, path)
                except LegalizeError:
                    continue
                if other.meta.identifier == identifier:
                    act_id = (await self._law(other, path, None, None)).act_id
                    break
        if act_id is None:
            description = version.opening.message.description.split("\n\n")[0]
            act = reference_act(act_id=new_id(), identifier=identifier, jurisdiction=doc.meta.directory,
                                language=law.lang, title=description or None, published=version.opening.message
                                .source_date)
            await commands.create_act(self.db, actor=self.options.actor, act=act)
            self.report.reference_acts += 1
            act_id = act.id
        self.references[identifier] = act_id
        return act_id

    # -- a legal date

    async def _legal_date(self, event: LegalDate) -> None:
        last = event.versions[-1].last
        try:
            doc = self._document(last.sha, event.path)
        except LegalizeError as exc:
            await self._defer("invalid", last.sha, event.path, None, None, exc.detail)
            return
        if self.options.jurisdiction and doc.meta.directory != self.options.jurisdiction:
            self.report.outside_scope += 1
            return
        self._check_path(doc, event.path)
        opening = event.versions[0].opening
        law = await self._law(doc, event.path, event.date, opening.message.norm_id)
        first_in_run = law.identifier not in self.seen
        self.seen.add(law.identifier)
        self.report.corrected_versions += sum(1 for ver in event.versions if len(ver.changes) > 1)
        # A walk that starts after the file's history began, and meets a correction first, is correcting the
        # version an earlier import recorded; from the start, a correction first is the file's first version.
        continues = self.walk_start is not None and first_in_run and law.recorded_before and not opening.opens_version
        await self._record(event, doc, law, continues_recorded=continues)
        law.final = (doc.meta.status, event.date, last.sha)

    def _units(self, rev: str, path: str, doc: Document | None = None) -> list[Unit]:
        """The units of a file at a commit; the last few are kept, as the next legal date of a law compares
        itself with them."""
        key = (rev, path)
        if key in self.parsed:
            self.parsed.move_to_end(key)
            return self.parsed[key]
        d = doc if doc is not None else self._document(rev, path)
        edition = d.front.get("lextime_edition") if d.lextime else None
        units = v.body_units(d.body, lextime_edition=edition if isinstance(edition, Mapping) else None)
        self.parsed[key] = units
        if len(self.parsed) > PARSED_KEPT:
            self.parsed.popitem(last=False)
        return units

    async def _record(self, event: LegalDate, doc: Document, law: Law, *, continues_recorded: bool) -> None:
        before = self._units(law.last_commit, law.path) if law.last_commit is not None else None
        original = law.last_commit is None and law.last_valid_from is None
        changes: list[Attribution] = []
        text = v.Text([])
        for i, version in enumerate(event.versions):
            last = i == len(event.versions) - 1
            units = self._units(version.last.sha, event.path, doc if last else None)
            meta = doc.meta if last else self._document(version.last.sha, event.path).meta
            text = v.text_units(meta, units, original=original and i == 0)
            changed = v.changed_units(before, units)
            named = tuple(e for e in v.named_units(version.opening.message, units) if e not in changed)
            changes.append(Attribution(version, changed, named))
            before = units
        sources = await self._sources(event, law, doc)
        several = len(sources) > 1 and not doc.lextime
        units = await self._credited(text.units, changes, law, doc) if several else text.units
        edition = NewEdition(act_id=law.act_id, valid_from=event.date or date.min, source_acts=tuple(sources),
                             note=v.edition_note(event, doc.meta, text), expressions={law.lang: units})
        if doc.lextime:
            edition = self._as_recorded(edition, doc)
        corrected = False
        if event.date is None:
            self.report.undated_versions += len(event.versions)  # the spec: an undated change is no dated version
        elif continues_recorded and not self._whole_repeal(event, doc):
            corrected = await apply_correction(
                self.db, actor=self.options.actor, act_id=law.act_id, recorded_from=law.last_valid_from,
                edition=edition, reason=self._reason(event))
            self.report.corrections += corrected
            if corrected and not doc.lextime:
                await self._correct_act(law, doc, event)
        if event.date is not None and not corrected and not self._whole_repeal(event, doc):
            await self._edition(edition, text, event, law.lang)
        await self._relations(changes, law, doc)
        if event.date is not None:
            law.last_commit, law.last_valid_from = event.text_commit, event.date
            self._set_law_file(LawFileSet(law.identifier, event.path, law.act_id, last_commit=event.text_commit,
                                          last_valid_from=event.date))

    async def _correct_act(self, law: Law, doc: Document, event: LegalDate) -> None:
        """A correction of a recorded version may fix the law's front matter too (a placeholder publication
        date): the act is derived again, as a first import would derive it now, and corrected when it differs."""
        recorded = await acts_store.get_act(self.db, act_id=law.act_id, as_of=LATEST)
        current = doc
        try:  # the newest front matter this import reads is the best knowledge of the act
            current = self._document(self.end, law.path)
        except LegalizeError:
            current = doc
        editions = await editions_store.editions_of_act(self.db, act_id=law.act_id, as_of=LATEST)
        first = min((e.valid_from for e in editions), default=event.date)
        act = act_from_meta(current.meta, act_id=law.act_id, language=law.lang,
                            norm_id=event.versions[0].opening.message.norm_id, first_date=first)
        if act.akn_uri and act.akn_uri != recorded.akn_uri and await acts_store.act_id_by_alias(
                self.db, alias=act.akn_uri, as_of=LATEST) not in (None, law.act_id):
            act = replace(act, akn_uri=None)
        if replace(act, recorded_seq=recorded.recorded_seq) == recorded:
            return
        await commands.correct(self.db, actor=self.options.actor, target=Target("act", act_id=law.act_id),
                               reason=self._reason(event), replacement=act)

    @staticmethod
    def _reason(event: LegalDate) -> str:
        subjects = [c.message.subject for ver in event.versions for c in ver.changes]
        shas = [c.sha[:12] for ver in event.versions for c in ver.changes]
        return f"{event.path}: {'; '.join(subjects)} (legalize commits {', '.join(shas)})"[:2000]

    async def _credited(self, units: list[Unit], changes: list[Attribution], law: Law, doc: Document) -> list[Unit]:
        """Several reforms on one legal date: each unit a reform changed is credited to that reform's source
        act (the last one that changed it), so that the unit history says which reform made which article."""
        credit: dict[str, str] = {}
        for change in changes:
            source = self._source_id(change.version, law)
            if source is None:
                continue
            act_id = await self._reference(source, change.version, law, doc)
            credit.update((eid, act_id) for eid in change.changed)
        return [replace(u, source_act=credit[u.eid]) if u.eid in credit else u for u in units]

    @staticmethod
    def _as_recorded(edition: NewEdition, doc: Document) -> NewEdition:
        """An edition of Lextime's own export: its note, and its expressions in every language it had."""
        extras = doc.front.get("lextime_edition")
        if not isinstance(extras, Mapping):
            return edition
        expressions = {**edition.expressions, **v.other_expressions(extras)}
        languages = extras.get("languages")
        if isinstance(languages, list) and all(isinstance(x, str) for x in languages):
            expressions = {lang: expressions.get(lang, []) for lang in languages}
        note = extras.get("note")
        return replace(edition, expressions=expressions, note=note if isinstance(note, str) else None)

    @staticmethod
    def _whole_repeal(event: LegalDate, doc: Document) -> bool:
        """A repeal of the whole law gives no new text in force: the law ends, its last edition stays."""
        return all(ver.kind == CommitType.REPEAL for ver in event.versions) and doc.meta.status in (
            "repealed", "annulled")

    async def _sources(self, event: LegalDate, law: Law, doc: Document) -> list[str]:
        if doc.lextime:
            edition = doc.front.get("lextime_edition")
            raw = edition.get("sources", []) if isinstance(edition, Mapping) else []
            return [await self._lextime_act(s, law, doc, event.versions[-1]) for s in raw if isinstance(s, Mapping)]
        found: list[str] = []
        for version in event.versions:
            source = self._source_id(version, law)
            if source is not None:
                act_id = await self._reference(source, version, law, doc)
                if act_id not in found:
                    found.append(act_id)
        return found

    @staticmethod
    def _source_id(version: LegalVersion, law: Law) -> str | None:
        source = version.opening.message.source_id
        if version.kind not in (CommitType.REFORM, CommitType.REPEAL) or not source or source == law.identifier:
            return None
        return source

    async def _lextime_act(self, raw: Mapping[str, Any], law: Law, doc: Document, version: LegalVersion) -> str:
        act_id, identifier = raw.get("id"), raw.get("identifier")
        if isinstance(act_id, str):
            existing = await self._act_exists(act_id)
            if existing:
                return act_id
        if isinstance(identifier, str) and identifier:
            return await self._reference(identifier, version, law, doc)
        raise LegalizeError(f"{law.path}: lextime source {raw!r} names no act Lextime can find")

    async def _act_exists(self, act_id: str) -> bool:
        try:
            await acts_store.get_act(self.db, act_id=act_id, as_of=LATEST)
        except NotFound:
            return False
        return True

    async def _edition(self, edition: NewEdition, text: v.Text, event: LegalDate, lang: str) -> None:
        recorded = await editions_store.editions_of_act(self.db, act_id=edition.act_id, as_of=LATEST)
        if any(e.valid_from == edition.valid_from for e in recorded):
            units = await editions_store.expression_at(self.db, act_id=edition.act_id, lang=lang,
                                                       day=edition.valid_from, as_of=LATEST)
            if v.same_units(units, text.units):
                self.report.already_recorded += 1
                return
            await apply_correction(self.db, actor=self.options.actor, act_id=edition.act_id,
                                   recorded_from=edition.valid_from, edition=edition,
                                   reason=f"another version for {edition.valid_from}: {self._reason(event)}")
            self.report.corrections += 1
            return
        await commands.add_edition(self.db, actor=self.options.actor, edition=edition)
        self.report.editions += 1
        if not text.units:
            self.report.editions_without_text += 1

    # -- relations

    async def _relations(self, changes: list[Attribution], law: Law, doc: Document) -> None:
        if doc.lextime:
            existing = await acts_store.relations_of_act(self.db, act_id=law.act_id, as_of=LATEST)
            await self._lextime_relations(doc, law, {r.id for r in existing}, changes[-1].version)
            return
        sourced = [(change, source_id) for change in changes
                   if (source_id := self._source_id(change.version, law)) is not None]
        if not sourced:
            return  # no version names an act that made it: no relation to derive
        # A derived relation targets the law's act, and its key names the target: only those can be it again.
        targeting = await acts_store.relations_targeting(self.db, act_ids=[law.act_id], as_of=LATEST)
        keys = {relation_key(r) for r in targeting}
        for change, source_id in sourced:
            source = await self._reference(source_id, change.version, law, doc)
            for relation in self._derived(change, source, law, doc):
                if relation_key(relation) not in keys:
                    await commands.add_relation(self.db, actor=self.options.actor, relation=relation)
                    keys.add(relation_key(relation))
                    self.report.relations += 1

    @staticmethod
    def _derived(change: Attribution, source: str, law: Law, doc: Document) -> list[Relation]:
        """One relation per unit the version changed (its text differs) or names (its subject lists the
        article); the whole act when it does neither, or when it repeals the law."""
        version = change.version
        message = version.opening.message
        note = f"{message.subject}" + (f" — {message.description.splitlines()[0]}" if message.description else "")
        note += f" (legalize commit {version.opening.sha[:12]})"
        if doc.meta.status == "annulled" and version.kind == CommitType.REPEAL:
            note = f"annulled: {note}"
        whole_repeal = version.kind == CommitType.REPEAL and doc.meta.status in ("repealed", "annulled")
        kind = "repeals" if whole_repeal else "amends"
        targets: list[tuple[str | None, str]] = [(None, note)]
        if not whole_repeal and (change.changed or change.named):
            targets = [(e, note) for e in change.changed]
            targets += [(e, f"{note}; named by the commit, its wording in the file unchanged") for e in change.named]
        return [Relation(
            id=new_id(), type=kind, source_act=source, source_unit=None, target_act=law.act_id, target_unit=t,
            effective_date=version.date, effective_rule=None if version.date else "the source gives no date",
            effective_earliest=None, effective_latest=None, ends_on=None, basis="stated", note=n[:8000],
        ) for t, n in targets]

    async def _lextime_relations(self, doc: Document, law: Law, ids: set[str], version: LegalVersion) -> None:
        raw = doc.front.get("lextime_relations") or []
        if not isinstance(raw, list):
            raise LegalizeError(f"{law.path}: lextime_relations must be a list")
        for item in raw:
            relation = lextime_relation(item, target=law.act_id)
            if relation.id in ids:
                continue
            source = item.get("source_identifier") if isinstance(item, Mapping) else None
            if not await self._act_exists(relation.source_act):
                if not isinstance(source, str):
                    raise LegalizeError(f"{law.path}: relation {relation.id} names an act Lextime cannot find")
                await self._reference(source, version, law, doc)
            await commands.add_relation(self.db, actor=self.options.actor, relation=relation)
            ids.add(relation.id)
            self.report.relations += 1

    async def _settle_statuses(self) -> None:
        """A law the source gives as repealed or annulled, with no repeal commit saying by what or when:
        repealed at the latest on the day Lextime read it, by an act the source does not name."""
        for law in self.laws.values():
            status, last_date, commit = law.final
            if status == "expired":
                self.report.warn(f"{law.path}: the source gives the status 'expired' without a date; not recorded")
            if status not in ("repealed", "annulled") or last_date is None:
                continue
            relations = await acts_store.relations_of_act(self.db, act_id=law.act_id, as_of=LATEST)
            if any(r.type == "repeals" and r.target_act == law.act_id and r.on_whole_act for r in relations):
                continue
            jurisdiction = (await acts_store.get_act(self.db, act_id=law.act_id, as_of=LATEST)).jurisdiction
            today = today_in(jurisdiction)
            latest = today if today > last_date else None
            reason = "annulled" if status == "annulled" else "repealed"
            relation = Relation(
                id=new_id(), type="repeals", source_act=law.act_id, source_unit=None, target_act=law.act_id,
                target_unit=None, effective_date=None, effective_rule=f"the source gives the status '{status}' "
                "without naming the repealing act or its date", effective_earliest=last_date + timedelta(days=1),
                effective_latest=latest, ends_on=None, basis="convention",
                note=f"{reason}: status '{status}' in {law.path} at legalize commit {commit[:12]}; in force on "
                     f"{last_date}, its last version; {reason} by {latest or 'an unknown date'} at the latest",
            )
            await commands.add_relation(self.db, actor=self.options.actor, relation=relation)
            self.report.relations += 1

    # -- removals and what cannot be recorded yet

    async def _removed(self, event: Removed) -> None:
        await self._write_law_files()
        row = await legalize_store.law_file_at(self.db, repository=self.repository, path=event.path)
        if row is None or row.last_commit is None:
            self.report.dropped_by_removal += len(event.dropped)
            if event.dropped:
                self.report.warn(f"{event.path}: removed by {event.change.message.subject} "
                                 f"({event.change.sha[:12]}) before any of its versions was recorded")
            return
        if row.retracted:
            return
        assert isinstance(self.db, ledger.Batch), "events are recorded inside a batch"
        try:
            async with self.db.part():  # a refused retraction records nothing of it, and the batch goes on
                await retract_act(self.db, actor=self.options.actor, act_id=row.act_id,
                                  reason=f"{event.path} removed by {event.change.message.subject} "
                                         f"(legalize commit {event.change.sha[:12]})")
        except DomainError as exc:
            await self._defer("retraction", event.change.sha, event.path, row.identifier, row.act_id, exc.detail)
            return
        await self._write_law_files()
        await legalize_store.set_retracted(self.db, repository=self.repository, identifier=row.identifier)
        self.laws.pop(row.identifier, None)
        self.report.retractions += 1

    async def _defer(self, kind: str, commit: str, path: str, identifier: str | None, act_id: str | None,
                     detail: str) -> None:
        await legalize_store.defer(self.db, repository=self.repository, commit=commit, path=path,
                                   identifier=identifier, act_id=act_id, kind=kind, detail=detail)
        self.report.deferred.append(DeferredChange(kind, path, commit, detail))
        log.warning("import_deferred", kind=kind, path=path, commit=commit, detail=detail)

