"""What a legalize repository says, computed from git alone, independently of service.legalize: for each law
file, its legal versions by the issue's rule, and the text in force on a day."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from service.domain.texts import normalise_text

OPENING = {"bootstrap", "new", "reform", "repeal", "nueva", "reforma", "derogacion"}


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


@dataclass(frozen=True)
class Law:
    path: str
    identifier: str
    versions: tuple[tuple[date, str], ...]  # (legal date, commit whose file is the text), by the rule

    def commit_in_force(self, day: date) -> str | None:
        """The text commit of the version in force at the end of `day`: the latest date on or before it."""
        dated = [(d, i, sha) for i, (d, sha) in enumerate(self.versions) if d <= day]
        return max(dated)[2] if dated else None

    def days(self) -> list[date]:
        """Every day a version starts, and the day before each."""
        starts = {d for d, _ in self.versions}
        return sorted(starts | {date.fromordinal(d.toordinal() - 1) for d in starts})


def body(repo: Path, sha: str, path: str) -> str:
    text = _git(repo, "show", f"{sha}:{path}")
    if text.startswith("---\n"):
        end = re.search(r"^---[ \t]*$\n?", text[4:], re.MULTILINE)
        assert end is not None
        return text[4 + end.end():]
    return text


def text_in_force(repo: Path, law: Law, day: date) -> str | None:
    sha = law.commit_in_force(day)
    if sha is None:
        return None
    return normalise_text(body(repo, sha, law.path)) or None


def _versions(repo: Path, path: str) -> tuple[list[tuple[date | None, str]], bool]:
    log = _git(repo, "log", "--reverse", "--topo-order", "--no-renames", "--format=%x1e%H%x1f%B%x1f",
               "--name-status", "--", path)
    versions: list[list[object]] = []
    removed = False
    for record in log.split("\x1e")[1:]:
        sha, message, files = record.split("\x1f")
        status = files.strip().split("\t")[0]
        if status == "D":
            versions, removed = [], True
            continue
        removed = False
        kind = re.match(r"\[([^\]]+)\]", message.strip())
        dated = re.search(r"^Source-Date:\s*(\d{4}-\d\d-\d\d)\s*$", message, re.MULTILINE)
        day = date.fromisoformat(dated.group(1)) if dated else None
        if not versions or (kind and kind.group(1).lower() in OPENING):
            versions.append([day, sha])
        else:
            versions[-1] = [day, sha]
    merged: list[tuple[date | None, str]] = []
    for day, sha in versions:
        if merged and merged[-1][0] == day:
            merged[-1] = (day, sha)  # type: ignore[assignment]
        else:
            merged.append((day, sha))  # type: ignore[arg-type]
    return merged, removed


def laws(repo: Path) -> tuple[list[Law], list[str]]:
    """The laws of the repository at HEAD (with their dated versions) and the paths removed from it."""
    paths = {p for p in _git(repo, "log", "--format=", "--name-only", "--no-renames").split("\n")
             if p.endswith(".md") and "/" in p}
    found, removed = [], []
    for path in sorted(paths):
        versions, gone = _versions(repo, path)
        if gone:
            removed.append(path)
            continue
        front = _git(repo, "show", f"HEAD:{path}")
        identifier = re.search(r"^identifier:\s*'?(.*?)'?\s*$", front, re.MULTILINE)
        assert identifier is not None, path
        found.append(Law(path, identifier.group(1), tuple((d, s) for d, s in versions if d is not None)))
    return found, removed
