"""`lextime import-git` and `lextime export-git` as a user runs them: help, errors in one line, and (slow) the
real commands on the sample with their progress bar, summary and throughput."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from service.cli import main
from tests.legalize.test_incremental import BEFORE_CORRECTIONS
from tests.test_cli import lextime


@pytest.mark.parametrize("command", [["import-git"], ["export-git"]])
def test_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: lextime {command[0]}") and "--data-dir" in out


def test_a_repository_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["import-git"])
    assert exit_info.value.code == 2 and "REPO" in capsys.readouterr().err


def run(database: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database, "LEXTIME_LOG_LEVEL": "warning", "COLUMNS": "120"}
    return subprocess.run([*lextime(), *args], capture_output=True, text=True, env=env, timeout=600, check=False)


@pytest.mark.slow
def test_import_then_export_from_the_command_line(database: str, pe_sample: Path, tmp_path: Path) -> None:
    first = run(database, "import-git", str(pe_sample), "--until", BEFORE_CORRECTIONS)
    assert first.returncode == 0, first.stderr
    assert "7 commits read" in first.stdout and "commits/s" in first.stdout
    rest = run(database, "import-git", str(pe_sample))
    assert rest.returncode == 0, rest.stderr
    assert "73 commits read" in rest.stdout and "commits/s" in rest.stdout
    assert "5 editions recorded earlier corrected, 1 acts of removed files retracted" in rest.stdout
    assert "could not be recorded" not in rest.stdout
    assert "73/73" in rest.stderr  # the progress bar, on stderr
    again = run(database, "import-git", str(pe_sample))
    assert again.returncode == 0 and "Nothing new" in again.stdout

    out = tmp_path / "export"
    exported = run(database, "export-git", str(out), "--country", "pe")
    assert exported.returncode == 0, exported.stderr
    # 65: DLEG-1669-2030, its file removed by a correction, is retracted
    assert exported.stdout.startswith("Exported 65 acts") and "commits/s" in exported.stdout
    assert (out / ".legalize.yml").exists()
    refused = run(database, "export-git", str(out))
    assert refused.returncode == 1 and refused.stderr.startswith("lextime: ") and "not empty" in refused.stderr


@pytest.mark.slow
def test_not_a_repository_is_one_line(database: str, tmp_path: Path) -> None:
    result = run(database, "import-git", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("lextime: ") and "Traceback" not in result.stderr
