"""Small legalize repositories written by the tests: law files with front matter and commits with trailers."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path
from typing import Any

from service.legalize.commits import CommitType, format_message
from service.legalize.frontmatter import render_document
from service.legalize.gitrepo import git_environment


def law(identifier: str, body: str, *, country: str = "pe", status: str = "in_force", published: str | None = None,
        **extra: Any) -> str:
    front: dict[str, Any] = {"title": f"Ley {identifier}", "identifier": identifier, "country": country,
                             "rank": "ley", "status": status, "source": f"https://example.org/{identifier}"}
    if published:
        front["publication_date"] = published
    front.update(extra)
    return render_document(front, body)


class Repo:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "--quiet", "--initial-branch=main")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        return subprocess.run(["git", "-C", str(self.path), *args], capture_output=True, text=True, check=True,
                              env={**git_environment(), **(env or {})}).stdout

    def commit(self, files: dict[str, str | None], message: str, day: str = "2000-01-01") -> str:
        for name, content in files.items():
            target = self.path / name
            if content is None:
                self.git("rm", "--quiet", name)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
            self.git("add", name)
        stamp = f"{max(day, '1970-01-02')}T00:00:00+00:00"
        ident = {"GIT_AUTHOR_NAME": "Legalize", "GIT_AUTHOR_EMAIL": "legalize@example.org",
                 "GIT_COMMITTER_NAME": "Legalize", "GIT_COMMITTER_EMAIL": "legalize@example.org",
                 "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        self.git("commit", "--quiet", "--allow-empty", "-m", message, env=ident)
        return self.git("rev-parse", "HEAD").strip()

    def version(self, files: dict[str, str | None], kind: CommitType, title: str, *, source_id: str | None,
                day: str | None, norm_id: str | None = None, description: str = "") -> str:
        message = format_message(kind, title, source_id=source_id, source_date=date.fromisoformat(day) if day else None,
                                 norm_id=norm_id, description=description)
        return self.commit(files, message, day or "1970-01-02")
