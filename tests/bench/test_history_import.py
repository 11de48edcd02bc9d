"""The history-import measurement: `lextime import-git` over a synthetic legalize repository, in its own
process, reports the importer's own time, the commits read and a peak RSS, and the database then holds
what the repository says."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import asyncpg
import pytest

from bench import legalize


async def test_an_import_run_reports_its_time_and_memory(database: str, tmp_path: Path) -> None:
    repo = legalize.generate(tmp_path / "repo", 40, seed=3)
    run = await asyncio.to_thread(legalize.import_run, repo, database)
    assert run["commits"] == legalize.commit_count(repo) == 40
    assert 0 < run["import_seconds"] <= run["wall_seconds"]
    assert run["peak_rss_mb"] > 10  # a Python process with the service loaded, in MB (not KiB, not bytes)
    listed = await asyncio.to_thread(subprocess.run, ["git", "-C", str(repo), "ls-files", "*.md"],
                                     capture_output=True, text=True, check=True)
    laws = listed.stdout.split()
    conn = await asyncpg.connect(database)
    try:
        imported = await conn.fetchval("SELECT count(*) FROM legalize_files WHERE NOT retracted")
    finally:
        await conn.close()
    assert imported == len(laws)


def test_a_failed_import_is_an_error_with_its_output(tmp_path: Path) -> None:
    not_a_repo = tmp_path / "empty"
    not_a_repo.mkdir()
    with pytest.raises(RuntimeError, match="import-git"):
        legalize.import_run(not_a_repo, "postgresql://postgres@127.0.0.1:1/none")
