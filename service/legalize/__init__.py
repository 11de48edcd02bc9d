"""Legalize corpora (Legalize Format Spec v0.4): one git repository per country, one Markdown file per law,
one commit per version. Reading them into Lextime and writing Lextime's acts back out in the same form."""

from typing import Protocol


class Progress(Protocol):
    """What `import-git` and `export-git` report their work to (a progress bar, or nothing)."""

    def start(self, total: int) -> None: ...
    def advance(self, commits: int = 1) -> None: ...
