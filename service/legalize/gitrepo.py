"""Reading a git repository through git itself, streaming: `git log` for the history (one commit in memory
at a time), one `git cat-file --batch` process for file contents, `git ls-tree` for the files at a commit.
Writing one with `git fast-import` (see service.legalize.exporter)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

from service.legalize.errors import LegalizeError

_CHUNK = 1 << 16
_RECORD, _FIELD = b"\x1e", b"\x1f"
# Commits never mean anything to git's environment here: no pager, no prompts, no local configuration.
_ENV = {"GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


@dataclass(frozen=True)
class FileChange:
    status: str  # A, M, D, T
    path: str


@dataclass(frozen=True)
class RawCommit:
    sha: str
    message: str
    files: tuple[FileChange, ...]


def git_environment() -> dict[str, str]:
    """The environment git runs in: the caller's, without a pager or prompts, in the C locale."""
    return {**os.environ, **_ENV}


class GitRepo:
    def __init__(self, path: Path) -> None:
        self.path = path
        if not (path / ".git").exists() and not (path / "HEAD").exists():
            raise LegalizeError(f"{path} is not a git repository")
        self._batch: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._batch is not None:
            assert self._batch.stdin is not None
            self._batch.stdin.close()
            self._batch.wait()
            self._batch = None

    def git(self, *args: str) -> str:
        result = subprocess.run(["git", "-C", str(self.path), *args], capture_output=True, env=git_environment(), check=False)
        if result.returncode != 0:
            raise LegalizeError(f"git {' '.join(args)}: {result.stderr.decode(errors='replace').strip()}")
        return result.stdout.decode("utf-8", errors="replace")

    def resolve(self, rev: str) -> str:
        """The commit a revision names (sha, branch, tag, `HEAD~3`)."""
        if not rev or rev.startswith("-"):
            raise LegalizeError(f"{rev!r} is not a revision")
        try:
            return self.git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}").strip()
        except LegalizeError:
            raise LegalizeError(f"{self.path} has no commit {rev!r}") from None

    def identity(self, end: str) -> str:
        """The repository's name that survives cloning: its root commit(s)."""
        roots = sorted(self.git("rev-list", "--max-parents=0", end).split())
        return ",".join(roots)

    def is_ancestor(self, older: str, newer: str) -> bool:
        run = subprocess.run(["git", "-C", str(self.path), "merge-base", "--is-ancestor", older, newer],
                             capture_output=True, env=git_environment(), check=False)
        return run.returncode == 0

    def count(self, start: str | None, end: str) -> int:
        return int(self.git("rev-list", "--count", f"{start}..{end}" if start else end).strip() or 0)

    def commits(self, start: str | None, end: str) -> Iterator[RawCommit]:
        """The commits after `start` up to `end`, oldest first (parents before children), with the files
        each one changed; streamed, one commit in memory at a time."""
        args = ["git", "-C", str(self.path), "log", "--reverse", "--topo-order", "-z", "--no-renames",
                "--name-status", "--format=%x1e%H%x1f%B%x1f", f"{start}..{end}" if start else end, "--"]
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=git_environment())
        assert proc.stdout is not None
        try:
            buffer = b""
            while chunk := proc.stdout.read(_CHUNK):
                buffer += chunk
                *records, buffer = buffer.split(_RECORD)
                yield from (_commit(r) for r in records if r)
            if buffer:
                yield _commit(buffer)
        finally:
            proc.stdout.close()
            code = proc.wait()
            stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            if proc.stderr:
                proc.stderr.close()
        if code != 0:
            raise LegalizeError(f"git log failed: {stderr.strip()}")

    def files_at(self, rev: str) -> Iterator[str]:
        """Every file path at a commit, streamed."""
        proc = subprocess.Popen(["git", "-C", str(self.path), "ls-tree", "-r", "-z", "--name-only", rev],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=git_environment())
        assert proc.stdout is not None
        buffer = b""
        while chunk := proc.stdout.read(_CHUNK):
            buffer += chunk
            *names, buffer = buffer.split(b"\x00")
            yield from (os.fsdecode(n) for n in names if n)
        proc.stdout.close()
        if proc.wait() != 0:
            raise LegalizeError(f"git ls-tree {rev} failed")

    def blob(self, rev: str, path: str) -> str | None:
        """The text of a file at a commit, None when it is not there."""
        if "\n" in path:
            raise LegalizeError(f"file name {path!r} contains a line break")
        batch = self._cat_file()
        assert batch.stdin is not None and batch.stdout is not None
        batch.stdin.write(f"{rev}:".encode() + os.fsencode(path) + b"\n")
        batch.stdin.flush()
        header = batch.stdout.readline().split()
        if len(header) < 2 or header[1] != b"blob":
            return None
        size = int(header[2])
        data = batch.stdout.read(size)
        batch.stdout.read(1)  # the newline after the content
        return data.decode("utf-8", errors="replace")

    def _cat_file(self) -> subprocess.Popen[bytes]:
        if self._batch is None:
            self._batch = subprocess.Popen(["git", "-C", str(self.path), "cat-file", "--batch"],
                                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=git_environment())
        return self._batch


def _commit(record: bytes) -> RawCommit:
    sha, message, rest = (record.split(_FIELD, 2) + [b"", b""])[:3]
    fields = rest.lstrip(b"\x00\n").split(b"\x00")
    files = []
    for status, path in zip(fields[0::2], fields[1::2]):
        code = status.strip().decode()
        if code and path:
            files.append(FileChange(code[0], os.fsdecode(path)))
    return RawCommit(sha.decode().strip(), message.decode("utf-8", errors="replace"), tuple(files))
