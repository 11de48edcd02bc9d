"""Synthetic legalize repositories: N commits in the legalize format (one Markdown file per norm with YAML
front matter; subjects `[type] Title`; trailers Source-Id, Source-Date, Norm-Id), deterministic from a
seed; and the history-import ceiling, `git log -p --reverse` streamed over a repository."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

_WORDS = ("artículo", "decreto", "ley", "norma", "disposición", "gobierno", "regional", "ministerio", "plazo",
          "entidad", "pública", "reglamento", "aprobar", "modificar", "derogar", "vigencia", "presente",
          "resolución", "dirección", "general", "procedimiento", "administrativo", "registro", "nacional")
_TYPES = ("new", "reform", "correction", "repeal")


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choices(_WORDS, k=words))
    return text[0].upper() + text[1:] + "."


def _document(rng: random.Random, norm: str, title: str, day: date, articles: list[str], status: str) -> str:
    body = "\n\n".join(f"Artículo {k}.- {a}" for k, a in enumerate(articles, 1))
    return (f"---\ntitle: {title}\nidentifier: {norm}\ncountry: pe\nrank: decreto_supremo\n"
            f"publication_date: '{day.isoformat()}'\nstatus: {status}\nofficial_journal: El Peruano\n---\n\n"
            f"# {title}\n\n{body}\n")


def generate(path: Path, commits: int, *, seed: int = 1) -> Path:
    """A git repository of `commits` commits at `path` (made afresh); returns the path."""
    rng = random.Random(f"legalize:{seed}")
    path.mkdir(parents=True, exist_ok=False)
    env = {**os.environ, "GIT_AUTHOR_NAME": "Legalize", "GIT_AUTHOR_EMAIL": "legalize@legalize.invalid",
           "GIT_COMMITTER_NAME": "Legalize", "GIT_COMMITTER_EMAIL": "legalize@legalize.invalid"}
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True, env=env)
    norms: dict[str, tuple[str, list[str]]] = {}
    day = date(1993, 12, 30)
    # git fast-import builds the history in one process: thousands of commits in seconds.
    stream = []
    step = min(1.0, 11_000 / max(commits, 1))  # about thirty years of history, whatever the size
    for n in range(commits):
        day += timedelta(days=1 if rng.random() < step else 0)
        kind = "new" if len(norms) < 5 or rng.random() < 0.35 else rng.choice(_TYPES[1:])
        if kind == "new":
            norm = f"DS-{len(norms) + 1:05d}-{day.year}"
            title = f"Decreto Supremo N.° {len(norms) + 1:05d}-{day.year}"
            norms[norm] = (title, [_sentence(rng, rng.randint(10, 60)) for _ in range(rng.randint(3, 30))])
        else:
            norm = rng.choice(list(norms))
            title, articles = norms[norm]
            for k in rng.sample(range(len(articles)), max(1, len(articles) // 6)):
                articles[k] = _sentence(rng, rng.randint(10, 60))
        title, articles = norms[norm]
        text = _document(rng, norm, title, day, articles, "repealed" if kind == "repeal" else "in_force")
        data = text.encode("utf-8")
        message = (f"[{kind}] {title} - texto completo\n\nSource-Id: {100000 + n}\nSource-Date: {day.isoformat()}\n"
                   f"Norm-Id: {norm}\n").encode()
        stamp = int(time.mktime(day.timetuple())) if day.year >= 1970 else 86400
        mark = n + 1
        stream.append(b"commit refs/heads/main\n")
        stream.append(f"mark :{mark}\n".encode())
        stream.append(f"author Legalize <legalize@legalize.invalid> {stamp} +0000\n".encode())
        stream.append(f"committer Legalize <legalize@legalize.invalid> {stamp} +0000\n".encode())
        stream.append(f"data {len(message)}\n".encode() + message)
        if mark > 1:
            stream.append(f"from :{mark - 1}\n".encode())
        stream.append(f"M 100644 inline pe/{norm}.md\ndata {len(data)}\n".encode() + data + b"\n")
    subprocess.run(["git", "-C", str(path), "fast-import", "--quiet"], input=b"".join(stream), check=True, env=env)
    subprocess.run(["git", "-C", str(path), "checkout", "-q", "main"], check=True, env=env)
    return path


def commit_count(repo: Path) -> int:
    out = subprocess.run(["git", "-C", str(repo), "rev-list", "--count", "HEAD"], capture_output=True, text=True,
                         check=True)
    return int(out.stdout.strip())


def git_log_seconds(repo: Path) -> float:
    """Wall time of `git log -p --reverse` streamed to nowhere: the history-import ceiling."""
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        subprocess.run(["git", "-C", str(repo), "log", "-p", "--reverse"], stdout=sink, check=True)
    return time.perf_counter() - started


_READ = re.compile(r"^\s*(\d+) commits read in ([\d.]+) s", re.MULTILINE)


def _high_water_mb(pid: int) -> float | None:
    """The process's peak resident set so far (VmHWM: it only grows, and starts afresh at exec), in MB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) / 1024 if found else None


def import_run(repo: Path, dsn: str) -> dict[str, float | int]:
    """`lextime import-git REPO` into the (empty) database at `dsn`, in its own process: the importer's own time
    (start-up and migrations excluded, as the importer reports it), the wall time, and the importer's peak RSS
    (its VmHWM, read until it exits; the git processes it reads through are not counted)."""
    command = [sys.executable, "-m", "service.cli", "import-git", str(repo)]
    env = {**os.environ, "DATABASE_URL": dsn, "LEXTIME_LOG_LEVEL": "warning"}
    peak = 0.0
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        while True:
            peak = max(peak, _high_water_mb(process.pid) or 0.0)
            try:
                process.wait(timeout=0.05)
                break
            except subprocess.TimeoutExpired:
                continue
        wall = time.perf_counter() - started
        out.seek(0)
        printed = out.read().decode("utf-8", "replace")
        if process.returncode not in (0, 1):  # 1: the import ran and set some changes aside (listed)
            err.seek(0)
            tail = err.read().decode("utf-8", "replace")[-2000:]
            raise RuntimeError(f"lextime import-git {repo} exited {process.returncode}: {tail}{printed[-2000:]}")
    found = _READ.search(printed)
    if not found:
        raise RuntimeError(f"lextime import-git printed no throughput line: {printed[-2000:]}")
    return {"commits": int(found.group(1)), "import_seconds": float(found.group(2)), "wall_seconds": round(wall, 3),
            "peak_rss_mb": round(peak, 1)}
