"""A law file's history as legal versions, read commit by commit (pure: no git, no database).

The rule (issue 7): a legal version is a `bootstrap`, `new`, `reform` or `repeal` commit together with the
corrections (`correction`, `fix-pipeline`, or a commit of a type Lextime does not know) that follow it before
the next such commit. Its text is the file at the last commit of that group and its date is that commit's
`Source-Date` (a correction may fix a wrong date). A history that opens with a correction takes it as its
first version. Consecutive versions with the same date are one legal date, the later text in force.
A file removed by a commit retracts the law: what was read of it and not yet given out is dropped.

Order is per file (`git log -- path`, oldest first), never repository-wide: one FileHistory per path, fed
that path's changes in order. A version is only final when the next one opens, and a legal date only
when a later date closes, so each FileHistory holds at most one open group and one pending date: memory
grows with the number of files, never with the length of the history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from service.legalize.commits import CommitMessage, CommitType


@dataclass(frozen=True, slots=True)
class Change:
    """One commit's effect on one file."""

    sha: str
    path: str
    message: CommitMessage
    removed: bool = False

    @property
    def opens_version(self) -> bool:
        kind = self.message.kind
        return kind is not None and kind.opens_version


@dataclass(frozen=True, slots=True)
class LegalVersion:
    changes: tuple[Change, ...]  # the commit that opened it, then the corrections that followed

    @property
    def opening(self) -> Change:
        return self.changes[0]

    @property
    def last(self) -> Change:
        return self.changes[-1]

    @property
    def date(self) -> date | None:
        return self.last.message.source_date

    @property
    def kind(self) -> CommitType | None:
        """The type of the commit that opened the version (a correction when the history opens with one)."""
        return self.opening.message.kind

    @property
    def corrections(self) -> tuple[Change, ...]:
        return self.changes[1:] if self.opening.opens_version else self.changes


@dataclass(frozen=True, slots=True)
class LegalDate:
    """The versions of one file that share a legal date, in order; the last one's text is in force."""

    path: str
    versions: tuple[LegalVersion, ...]

    @property
    def date(self) -> date | None:
        return self.versions[-1].date

    @property
    def text_commit(self) -> str:
        return self.versions[-1].last.sha


@dataclass(frozen=True, slots=True)
class Removed:
    """The file was removed; `dropped` are the versions read in this walk and never given out."""

    path: str
    change: Change
    dropped: tuple[LegalVersion, ...]


Event = LegalDate | Removed


@dataclass(slots=True)
class FileHistory:
    path: str
    open: list[Change] = field(default_factory=list)
    pending: list[LegalVersion] = field(default_factory=list)

    def _close_open(self) -> list[Event]:
        if not self.open:
            return []
        version = LegalVersion(tuple(self.open))
        self.open = []
        if self.pending and self.pending[-1].date != version.date:
            done = LegalDate(self.path, tuple(self.pending))
            self.pending = [version]
            return [done]
        self.pending.append(version)
        return []

    def add(self, change: Change) -> list[Event]:
        """Feed the file's next change; returns the legal dates (or the removal) it makes final."""
        if change.removed:
            dropped = (*self.pending, *([LegalVersion(tuple(self.open))] if self.open else []))
            self.open, self.pending = [], []
            return [Removed(self.path, change, dropped)]
        if change.opens_version or not self.open:
            events = self._close_open()
            self.open = [change]
            return events
        self.open.append(change)
        return []

    def finish(self) -> list[Event]:
        """The end of the walk: whatever is still open or pending is final."""
        events = self._close_open()
        if self.pending:
            events.append(LegalDate(self.path, tuple(self.pending)))
            self.pending = []
        return events

    @property
    def idle(self) -> bool:
        return not self.open and not self.pending


@dataclass(slots=True)
class Walk:
    """Every file's history at once, fed the repository's commits in order."""

    files: dict[str, FileHistory] = field(default_factory=dict)

    def add(self, change: Change) -> list[Event]:
        history = self.files.setdefault(change.path, FileHistory(change.path))
        events = history.add(change)
        if history.idle:
            del self.files[change.path]
        return events

    def finish(self) -> list[Event]:
        events = [e for path in sorted(self.files) for e in self.files[path].finish()]
        self.files.clear()
        return events
