"""Importing a repository in steps: only new commits are read, an interrupted import resumes, a rewritten
history is refused; and what supersedes recorded knowledge (a correction of a version an earlier import
recorded, a removed law) is recorded in transaction time (importer.apply_correction and importer.retract_act,
through the corrections command): today's answer changes, `as_of` before it gives the earlier one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import asyncpg
import pytest

from service.domain.texts import normalise_text
from service.legalize import importer
from service.legalize.commits import CommitType
from service.legalize.errors import LegalizeError
from tests.conftest import Api
from tests.importer.test_import_history import replay_into_a_mirror
from tests.legalize import oracle
from tests.legalize.builders import Repo, law
from tests.legalize.conftest import facts, git, import_repo
from tests.legalize.test_import_sample import act_id, text_on

# The seventh commit: the Constitution, DLEG-1669-2030 and the five Cusco ordinances, with placeholder dates.
BEFORE_CORRECTIONS = "d0c87c619e5acb70e39a39f1b9361934ca490df7"
CORRECTED = ["O-R-153-2018", "O-R-158-2018", "O-R-171-2019", "O-R-174-2020", "O-R-175-2020"]


async def test_corrections_of_recorded_versions_are_corrections_in_transaction_time(
        api: Api, pe_sample: Path, owner: asyncpg.Connection) -> None:
    first = await import_repo(api.dsn, pe_sample, until=BEFORE_CORRECTIONS)
    assert first.commits == 7 and first.editions == 7
    before = await owner.fetchval("SELECT max(seq) FROM ledger")
    second = await import_repo(api.dsn, pe_sample)
    assert second.commits == 73 and second.deferred == []
    assert (second.corrections, second.retractions) == (5, 1)
    laws, _ = oracle.laws(pe_sample)
    for identifier in CORRECTED:
        ordinance = await act_id(api, identifier)
        law = next(x for x in laws if x.identifier == identifier)
        # Today: the corrected date and text, as git says ...
        editions = (await api.get(f"/v1/acts/{ordinance}/editions")).json()["items"]
        assert [e["valid_from"] for e in editions] == [d.isoformat() for d, _ in law.versions]
        for day in law.days():
            assert (await text_on(api, ordinance, day))["text"] == oracle.text_in_force(pe_sample, law, day)
        # ... and as known before the correction: the placeholder date and the first text.
        then = (await api.get(f"/v1/acts/{ordinance}/editions", params={"as_of": str(before)})).json()["items"]
        assert [e["valid_from"] for e in then] == ["2026-05-19"]
        placeholder = normalise_text(oracle.body(pe_sample, BEFORE_CORRECTIONS, law.path))
        old = await api.get(f"/v1/acts/{ordinance}/text", params={"date": "2026-06-01", "as_of": str(before)})
        assert old.status_code == 200 and old.json()["text"] == placeholder
    # The removed law is retracted: unknown today, known with an earlier as_of.
    assert (await api.get("/v1/acts", params={"external_id": "DLEG-1669-2030"})).json()["items"] == []
    known = (await api.get("/v1/acts", params={"external_id": "DLEG-1669-2030", "as_of": str(before)})).json()
    assert len(known["items"]) == 1
    gone = await api.get(f"/v1/acts/{known['items'][0]['id']}")
    assert gone.status_code == 404
    # Every other law is as git says.
    for other in laws:
        if other.identifier in CORRECTED:
            continue
        act = await act_id(api, other.identifier)
        for day in other.days():
            assert (await text_on(api, act, day))["text"] == oracle.text_in_force(pe_sample, other, day), other.path
    # Read again, nothing more is recorded.
    again = await import_repo(api.dsn, pe_sample)
    assert again.commits == 0 and again.corrections == 0 and again.retractions == 0


async def test_a_correction_changes_todays_answer_and_as_of_keeps_the_earlier_one(api: Api, pe_sample: Path,
                                                                                  owner: asyncpg.Connection) -> None:
    await import_repo(api.dsn, pe_sample, until=BEFORE_CORRECTIONS)
    before = await owner.fetchval("SELECT max(seq) FROM ledger")
    await import_repo(api.dsn, pe_sample)
    ordinance = await act_id(api, "O-R-153-2018")
    today = (await api.get(f"/v1/acts/{ordinance}/editions")).json()["items"]
    assert [e["valid_from"] for e in today] == ["2018-01-01"]
    then = (await api.get(f"/v1/acts/{ordinance}/editions", params={"as_of": str(before)})).json()["items"]
    assert [e["valid_from"] for e in then] == ["2026-05-19"]
    # The status follows: in force from the corrected date today, not yet in force then as known before.
    now_status = (await api.get(f"/v1/acts/{ordinance}/status", params={"date": "2019-01-01"})).json()["status"]
    then_status = (await api.get(f"/v1/acts/{ordinance}/status",
                                 params={"date": "2019-01-01", "as_of": str(before)})).json()["status"]
    assert now_status["code"] != then_status["code"]


class Interrupted(Exception):
    pass


class StopAfter:
    """A progress callback that stops the import after some commits, as Ctrl-C would."""

    def __init__(self, commits: int) -> None:
        self.left = commits

    def start(self, total: int) -> None:
        pass

    def advance(self, commits: int = 1) -> None:
        self.left -= commits
        if self.left == 0:
            raise Interrupted


async def test_an_interrupted_import_resumes_and_records_each_fact_once(database: str, other_database: str,
                                                                       pe_sample: Path) -> None:
    for stop in (40, 75):
        with pytest.raises(Interrupted):
            await import_repo(database, pe_sample, StopAfter(stop))
    resumed = await import_repo(database, pe_sample)
    assert resumed.commits == 80 and resumed.already_recorded > 0
    await import_repo(other_database, pe_sample)
    assert await facts(database) == await facts(other_database)


async def test_only_new_commits_are_read(api: Api, pe_clone: Path) -> None:
    await import_repo(api.dsn, pe_clone)
    con = pe_clone / "pe" / "CON-1993.md"
    text = con.read_text(encoding="utf-8")
    old = "La defensa de la persona humana y el respeto de su dignidad son el fin supremo"
    assert old in text
    con.write_text(text.replace(old, "La defensa de la persona humana es el fin supremo"), encoding="utf-8")
    git(pe_clone, "add", "pe/CON-1993.md")
    message = ("[reform] Constitución Política del Perú — arts. 1\n\nLey de prueba que modifica el artículo 1\n\n"
               "Source-Id: LEY-PRUEBA-1-2025\nSource-Date: 2025-06-01\nNorm-Id: CON-1993\n")
    stamp = {"GIT_AUTHOR_DATE": "2025-06-01T00:00:00+00:00", "GIT_COMMITTER_DATE": "2025-06-01T00:00:00+00:00",
             "GIT_AUTHOR_NAME": "Legalize", "GIT_AUTHOR_EMAIL": "l@example.org",
             "GIT_COMMITTER_NAME": "Legalize", "GIT_COMMITTER_EMAIL": "l@example.org"}
    git(pe_clone, "commit", "--quiet", "-m", message, env=stamp)
    report = await import_repo(api.dsn, pe_clone)
    assert (report.commits, report.editions, report.reference_acts, report.relations) == (1, 1, 1, 1)
    con_id = await act_id(api, "CON-1993")
    assert "fin supremo" in (await text_on(api, con_id, date(2025, 6, 1)))["text"]
    assert "es el fin supremo" in (await text_on(api, con_id, date(2025, 6, 1)))["text"]
    assert "es el fin supremo" not in (await text_on(api, con_id, date(2025, 5, 31)))["text"]
    relations = (await api.get(f"/v1/acts/{con_id}/relations")).json()["items"]
    new = [r for r in relations if r["effective_date"] == "2025-06-01"]
    assert [r["target_unit"] for r in new] == ["art_1"]


async def test_a_rewritten_history_is_refused(api: Api, pe_clone: Path) -> None:
    await import_repo(api.dsn, pe_clone)
    git(pe_clone, "reset", "--quiet", "--hard", "HEAD~1")
    git(pe_clone, "commit", "--quiet", "--allow-empty", "-m", "[fix-pipeline] rewritten",
        env={"GIT_AUTHOR_NAME": "L", "GIT_AUTHOR_EMAIL": "l@example.org", "GIT_COMMITTER_NAME": "L",
             "GIT_COMMITTER_EMAIL": "l@example.org"})
    with pytest.raises(LegalizeError, match="--from-start"):
        await import_repo(api.dsn, pe_clone)
    again = await import_repo(api.dsn, pe_clone, from_start=True)
    assert again.editions == 0 and again.relations == 0


async def test_since_a_revision(api: Api, tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.version({"pe/L-1.md": law("L-1", "Artículo 1. Uno.")}, CommitType.NEW, "Ley 1", source_id="L-1",
                 day="2001-01-01", norm_id="L-1")
    second = repo.version({"pe/L-2.md": law("L-2", "Artículo 1. Dos.")}, CommitType.NEW, "Ley 2", source_id="L-2",
                          day="2002-01-01", norm_id="L-2")
    report = await import_repo(api.dsn, repo.path, since=git(repo.path, "rev-parse", "HEAD~1").strip())
    assert report.commits == 1 and report.acts_created == 1 and report.end == second
    assert (await api.get("/v1/acts", params={"external_id": "L-1"})).json()["items"] == []


async def test_replaying_the_ledger_rebuilds_the_same_tables(api: Api, pe_sample: Path, server_dsn: str,
                                                             template_db: str) -> None:
    """Two imports (the second with corrections and a retraction), replayed entry by entry into an empty
    database: every projection, line breaks included, is rebuilt row for row."""
    await import_repo(api.dsn, pe_sample, until=BEFORE_CORRECTIONS)
    await import_repo(api.dsn, pe_sample)
    replay = await replay_into_a_mirror(api.dsn, server_dsn, template_db)
    assert {"correct", "retract"} <= {e.operation for e in replay.entries}
    assert any(r["breaks"] is not None for r in replay.original["expression_structures"])
    for table in replay.original:
        assert sorted(map(repr, replay.rebuilt[table])) == sorted(map(repr, replay.original[table])), table


async def test_a_removed_law_is_retracted_and_a_law_back_in_its_place_is_a_new_act(api: Api, tmp_path: Path,
                                                                                   owner: asyncpg.Connection) -> None:
    repo = Repo(tmp_path / "r")
    path = "pe/L-1.md"
    repo.version({path: law("L-1", "Artículo 1. Uno.")}, CommitType.NEW, "Ley 1", source_id="L-1", day="2001-01-01",
                 norm_id="L-1")
    await import_repo(api.dsn, repo.path)
    first = await act_id(api, "L-1")
    known = await owner.fetchval("SELECT max(seq) FROM ledger")
    repo.commit({path: None}, "[correction] Ley 1 publicada por error\n\nNorm-Id: L-1\n")
    removed = await import_repo(api.dsn, repo.path)
    assert removed.retractions == 1 and removed.deferred == []
    assert (await api.get(f"/v1/acts/{first}")).status_code == 404
    assert (await api.get(f"/v1/acts/{first}", params={"as_of": str(known)})).status_code == 200
    assert (await api.get("/v1/acts", params={"external_id": "L-1"})).json()["items"] == []
    repo.version({path: law("L-1", "Artículo 1. Uno otra vez.")}, CommitType.NEW, "Ley 1", source_id="L-1",
                 day="2002-02-02", norm_id="L-1")
    back = await import_repo(api.dsn, repo.path)
    assert back.acts_created == 1 and back.editions == 1
    again = await act_id(api, "L-1")
    assert again != first
    assert (await text_on(api, again, date(2002, 2, 2)))["text"] == "Artículo 1. Uno otra vez."


async def test_a_correction_that_moves_a_version_onto_another_versions_date(api: Api, tmp_path: Path,
                                                                            owner: asyncpg.Connection) -> None:
    """A reform recorded with a wrong date, corrected (by a later import, its wording too) to the date of the
    version before it: the two are one legal date, the later text in force; the wrongly dated edition goes. As
    known before, the earlier answer stays."""
    repo = Repo(tmp_path / "r")
    path = "pe/L-1.md"
    repo.version({path: law("L-1", "Artículo 1. Uno.")}, CommitType.NEW, "Ley 1", source_id="L-1", day="2001-01-01",
                 norm_id="L-1")
    repo.version({path: law("L-1", "Artículo 1. Uno bis.")}, CommitType.REFORM, "Ley 1 — arts. 1", source_id="L-A",
                 day="2030-01-01", norm_id="L-1")
    await import_repo(api.dsn, repo.path)
    act = await act_id(api, "L-1")
    known = await owner.fetchval("SELECT max(seq) FROM ledger")
    repo.version({path: law("L-1", "Artículo 1. Uno, bis.")}, CommitType.CORRECTION, "Ley 1 — fecha corregida",
                 source_id="L-A", day="2001-01-01", norm_id="L-1")
    report = await import_repo(api.dsn, repo.path)
    assert report.corrections == 1 and report.deferred == []
    editions = (await api.get(f"/v1/acts/{act}/editions")).json()["items"]
    assert [e["valid_from"] for e in editions] == ["2001-01-01"]
    assert (await text_on(api, act, date(2001, 1, 1)))["text"] == "Artículo 1. Uno, bis."
    then = (await api.get(f"/v1/acts/{act}/editions", params={"as_of": str(known)})).json()["items"]
    assert [e["valid_from"] for e in then] == ["2001-01-01", "2030-01-01"]
    old = await api.get(f"/v1/acts/{act}/text", params={"date": "2001-01-01", "as_of": str(known)})
    assert old.json()["text"] == "Artículo 1. Uno."


async def test_an_interrupted_import_keeps_whole_batches_and_nothing_of_the_next(
        database: str, other_database: str, pe_sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commits are recorded BATCH_COMMITS per transaction: an interruption inside the first batch leaves
    nothing; anywhere inside the third, exactly the first two batches, their bookkeeping with them; never a
    checkpoint."""
    monkeypatch.setattr(importer, "BATCH_COMMITS", 20)
    with pytest.raises(Interrupted):
        await import_repo(database, pe_sample, StopAfter(19))
    assert await ledger_size(database) == 0
    for db, stop in ((database, 41), (other_database, 59)):
        with pytest.raises(Interrupted):
            await import_repo(db, pe_sample, StopAfter(stop))
    assert await ledger_size(database) > 0
    assert await facts(database) == await facts(other_database)
    for db in (database, other_database):
        conn = await asyncpg.connect(db)
        try:
            assert await conn.fetchval("SELECT count(*) FROM legalize_repositories") == 0
            unrecorded = await conn.fetchval(
                "SELECT count(*) FROM legalize_files f WHERE f.last_valid_from IS NOT NULL AND NOT EXISTS ("
                "SELECT 1 FROM editions e WHERE e.act_id = f.act_id AND e.valid_from = f.last_valid_from)")
            assert unrecorded == 0
        finally:
            await conn.close()
    resumed = await import_repo(database, pe_sample)
    assert resumed.commits == 80
    await import_repo(other_database, pe_sample)
    assert await facts(database) == await facts(other_database)


async def ledger_size(dsn: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM ledger"))
    finally:
        await conn.close()
