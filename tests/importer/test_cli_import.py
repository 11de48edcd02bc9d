"""`lextime import PATH...`: files and folders, Markdown with its meta.yaml, a summary, and exit code 1 when
a document could not be imported while the others still are."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import asyncpg

from tests.test_cli import lextime

from .documents import LAW_META, ORDER_RU, law_markdown, law_text


def _run(database: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database, "LEXTIME_LOG_FORMAT": "json"}
    return subprocess.run([*lextime(), "import", *args], check=False, capture_output=True, text=True, timeout=120,
                          env=env)


async def _acts(database: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(database)
    try:
        return await conn.fetch("SELECT type, number, titles FROM acts WHERE superseded_seq IS NULL ORDER BY number")
    finally:
        await conn.close()


async def test_a_folder_with_a_broken_document_imports_the_others(database: str, tmp_path: Path) -> None:
    (tmp_path / "orders").mkdir()
    (tmp_path / "orders" / "order-30.txt").write_text(ORDER_RU, encoding="utf-8")
    (tmp_path / "orders" / "broken.txt").write_text("1. Утвердить правила.\n\n2. Текст.", encoding="utf-8")
    (tmp_path / "orders" / "notes.csv").write_text("not a document", encoding="utf-8")
    law = tmp_path / "law"
    law.mkdir()
    (law / "meta.yaml").write_text(LAW_META, encoding="utf-8")
    (law / "rus.md").write_text(law_markdown("ru", 2), encoding="utf-8")
    (law / "kaz.md").write_text(law_markdown("kk", 2), encoding="utf-8")

    result = _run(database, str(tmp_path / "orders"), str(law), str(tmp_path / "missing"))
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert "broken.txt: not imported: document line 1: no recognisable title" in out
    assert "missing: not imported: no such file or folder" in out
    assert "5 document(s): 3 imported (0 unchanged), 2 failed" in " ".join(out.split())
    assert "order-30.txt: uncertain: ru line 5" in " ".join(out.split())
    assert "importing" in result.stderr  # the progress bar
    acts = await _acts(database)
    law_acts = [a for a in acts if a["number"] == "250-VI"]
    assert len(law_acts) == 1 and '"kk"' in law_acts[0]["titles"] and '"ru"' in law_acts[0]["titles"]
    assert any(a["number"] == "30" for a in acts)

    again = _run(database, str(tmp_path / "orders" / "order-30.txt"), str(law))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "3 document(s): 3 imported (3 unchanged), 0 failed" in " ".join(again.stdout.split())
    assert await _acts(database) == acts


async def test_a_newer_file_adds_only_what_is_new(database: str, tmp_path: Path) -> None:
    (tmp_path / "v1.txt").write_text(law_text(1), encoding="utf-8")
    (tmp_path / "v2.txt").write_text(law_text(2), encoding="utf-8")
    first = _run(database, str(tmp_path / "v1.txt"))
    assert first.returncode == 0 and "acts +1, editions +1, relations +0" in " ".join(first.stdout.split())
    second = _run(database, str(tmp_path / "v2.txt"), "--retrieved-at", "2025-03-01T10:00:00+05:00")
    assert second.returncode == 0
    assert "acts +2, editions +1, relations +2" in " ".join(second.stdout.split())


def test_bad_retrieved_at_is_a_usage_error(tmp_path: Path) -> None:
    result = subprocess.run([*lextime(), "import", str(tmp_path), "--retrieved-at", "yesterday"],
                            check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "RFC 3339" in result.stderr
