"""Repositories written by the test, one rule of the format each: the manifest and its layouts, text_state,
repeals and annulments, undated changes, the Spanish commit types of older repositories, same-day reforms,
files that are not law files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from service.legalize.commits import CommitType
from service.legalize.errors import LegalizeError
from service.legalize.manifest import id_sha1_2, manifest_text
from tests.conftest import Api
from tests.legalize.builders import Repo, law
from tests.legalize.conftest import import_repo

NEW, REFORM, REPEAL, CORRECTION = CommitType.NEW, CommitType.REFORM, CommitType.REPEAL, CommitType.CORRECTION
BODY = "# Ley\n\nArtículo 1. Objeto.\n\nTexto uno.\n\nArtículo 2. Ámbito.\n\nTexto dos."


async def _act(api: Api, identifier: str) -> dict[str, Any]:
    items = (await api.get("/v1/acts", params={"external_id": identifier})).json()["items"]
    assert len(items) == 1, identifier
    return dict(items[0])


async def _text(api: Api, act: str, day: str) -> dict[str, Any]:
    r = await api.get(f"/v1/acts/{act}/text", params={"date": day})
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_a_sharded_layout(api: Api, tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    shard = id_sha1_2("LEY-1-2000")
    repo.commit({".legalize.yml": manifest_text("pe"), f"pe/{shard}/LEY-1-2000.md": law("LEY-1-2000", BODY),
                 "pe/zz/LEY-2-2000.md": law("LEY-2-2000", BODY), "README.md": "# legalize-pe\n"},
                "[new] Ley 1\n\nSource-Id: LEY-1-2000\nSource-Date: 2000-01-01\nNorm-Id: LEY-1-2000\n")
    report = await import_repo(api.dsn, repo.path)
    assert report.acts_created == 2 and report.editions == 2
    assert any("pe/zz/LEY-2-2000.md" in w and f"pe/{id_sha1_2('LEY-2-2000')}/LEY-2-2000.md" in w
               for w in report.warnings)  # read, and reported as not where the manifest puts it


@pytest.mark.parametrize(("manifest", "error"), [
    ('spec_version: "0.5"\nlayout:\n  - directories: ["*"]\n    path: "{directory}/{identifier}.md"\n', "newer"),
    ('spec_version: "0.4"\nlayout:\n  - directories: ["*"]\n    path: "{directory}/{year}/{identifier}.md"\n',
     "{year}"),
    ('spec_version: "0.4"\nlayout:\n  - directories: ["es"]\n    path: "{directory}/{identifier}.md"\n',
     "no layout entry"),
])
async def test_a_manifest_it_cannot_follow_stops_the_import(api: Api, tmp_path: Path, manifest: str,
                                                            error: str) -> None:
    repo = Repo(tmp_path / "r")
    repo.commit({".legalize.yml": manifest, "pe/LEY-1-2000.md": law("LEY-1-2000", BODY)},
                "[new] Ley 1\n\nSource-Id: LEY-1-2000\nSource-Date: 2000-01-01\n")
    with pytest.raises(LegalizeError, match=error.replace("{", r"\{").replace("}", r"\}")):
        await import_repo(api.dsn, repo.path)


async def test_as_enacted_and_current_texts_are_not_given_as_the_text_in_force(api: Api, tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    enacted = {"text_state": "as_enacted"}
    repo.version({"pe/A-1.md": law("A-1", BODY, **enacted)}, NEW, "A-1", source_id="A-1", day="2001-01-01")
    repo.version({"pe/A-1.md": law("A-1", BODY, last_amendment="M-1", **enacted)}, REFORM, "A-1", source_id="M-1",
                 day="2005-05-05", description="Ley M-1 que modifica la Ley A-1")
    repo.version({"pe/C-1.md": law("C-1", BODY, text_state="current")}, NEW, "C-1", source_id="C-1",
                 day="2001-01-01")
    report = await import_repo(api.dsn, repo.path)
    assert report.editions == 3 and report.editions_without_text == 2
    a1 = (await _act(api, "A-1"))["id"]
    assert (await _text(api, a1, "2003-01-01"))["text"].endswith("Texto dos.")  # the original enactment
    amended = await _text(api, a1, "2006-01-01")
    assert amended["text"] is None and amended["edition"]["text_completeness"] == "none"
    assert "as_enacted" in amended["edition"]["note"]
    relations = (await api.get(f"/v1/acts/{a1}/relations")).json()["items"]
    assert [(r["label"], r["effective_date"], r["target_unit"]) for r in relations] == [
        ("amended_by", "2005-05-05", None)]
    c1 = await _text(api, (await _act(api, "C-1"))["id"], "2002-01-01")
    assert c1["text"] is None and "text_state: current" in c1["edition"]["note"]


async def test_repeals_annulments_and_a_status_without_a_repeal_commit(api: Api, tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    for name in ("R-1", "N-1", "S-1"):
        repo.version({f"pe/{name}.md": law(name, BODY)}, NEW, name, source_id=name, day="2001-01-01")
    repo.version({"pe/R-1.md": law("R-1", BODY, status="repealed")}, REPEAL, "R-1", source_id="D-9",
                 day="2010-03-01", description="Ley D-9 que deroga la Ley R-1")
    repo.version({"pe/N-1.md": law("N-1", BODY, status="annulled")}, REPEAL, "N-1", source_id="TC-5",
                 day="2011-04-01", description="Sentencia TC-5")
    repo.version({"pe/S-1.md": law("S-1", BODY, status="repealed")}, CORRECTION, "S-1", source_id="S-1",
                 day="2001-01-01")
    report = await import_repo(api.dsn, repo.path)
    assert report.editions == 3  # a repeal ends the law: no edition of its own
    r1 = (await _act(api, "R-1"))["id"]
    assert (await _text(api, r1, "2010-02-28"))["status"]["code"] == "in_force"
    after = await _text(api, r1, "2010-03-01")
    assert after["status"]["code"] == "repealed" and after["text"] is None
    assert after["status"]["reason"]["act"] == (await _act(api, "D-9"))["id"]
    n1 = await _text(api, (await _act(api, "N-1"))["id"], "2012-01-01")
    assert n1["status"]["code"] == "repealed" and n1["status"]["reason"]["note"].startswith("annulled")
    s1 = (await _act(api, "S-1"))["id"]
    relation = (await api.get(f"/v1/acts/{s1}/relations")).json()["items"][0]
    assert relation["type"] == "repeals" and relation["basis"] == "convention"
    assert relation["effective_date"] is None and relation["effective_window"]["earliest"] == "2001-01-02"
    assert relation["effective_window"]["latest"] is not None  # at the latest the day Lextime read it


async def test_undated_changes_and_spanish_commit_types(api: Api, tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.commit({"es/BOE-1.md": law("BOE-1", BODY, country="es")},
                "[nueva] Ley 1/2000\n\nSource-Id: BOE-1\nSource-Date: 2000-02-02\nNorm-Id: BOE-1\n")
    repo.commit({"es/BOE-1.md": law("BOE-1", BODY.replace("uno", "uno bis"), country="es")},
                "[reforma] Ley 1/2000\n\nSource-Id: BOE-7\nSource-Date: 2003-03-03\nNorm-Id: BOE-1\n")
    repo.commit({"es/BOE-1.md": law("BOE-1", BODY.replace("uno", "uno bis").replace("dos", "dos bis"), country="es")},
                "[reforma] Ley 1/2000 — sin fecha\n\nSource-Id: BOE-8\nNorm-Id: BOE-1\n")
    report = await import_repo(api.dsn, repo.path)
    assert report.editions == 2 and report.undated_versions == 1
    act = await _act(api, "BOE-1")
    assert act["languages"] == ["es"]
    relations = (await api.get(f"/v1/acts/{act['id']}/relations")).json()["items"]
    assert sorted((r["effective_date"] or "", r["target_unit"]) for r in relations) == [
        ("", "art_2"), ("2003-03-03", "art_1")]  # the undated reform is known, its date is not
    undated = next(r for r in relations if r["effective_date"] is None)
    assert undated["effective_rule"] == "the source gives no date"


async def test_same_day_reforms_are_one_edition_each_attributed(api: Api, tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.version({"pe/L-1.md": law("L-1", BODY)}, NEW, "L-1", source_id="L-1", day="2001-01-01")
    one = BODY.replace("Texto uno.", "Texto uno reformado.")
    repo.version({"pe/L-1.md": law("L-1", one)}, REFORM, "L-1", source_id="M-1", day="2020-02-02")
    both = one.replace("Texto dos.", "Texto dos reformado.")
    repo.version({"pe/L-1.md": law("L-1", both)}, REFORM, "L-1", source_id="M-2", day="2020-02-02")
    report = await import_repo(api.dsn, repo.path)
    assert report.editions == 2
    act = (await _act(api, "L-1"))["id"]
    editions = (await api.get(f"/v1/acts/{act}/editions")).json()["items"]
    m1, m2 = (await _act(api, "M-1"))["id"], (await _act(api, "M-2"))["id"]
    assert editions[1]["valid_from"] == "2020-02-02" and editions[1]["source_acts"] == [m1, m2]
    assert (await _text(api, act, "2020-02-02"))["text"].endswith("Texto dos reformado.")
    relations = (await api.get(f"/v1/acts/{act}/relations")).json()["items"]
    assert sorted((r["source_act"] == m1, r["target_unit"]) for r in relations) == [(False, "art_2"),
                                                                                   (True, "art_1")]


async def test_files_that_are_not_laws_are_skipped_and_reported(api: Api, tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.commit({"pe/NOTES.md": "Just notes, no front matter.\n", "docs/x.md": "---\ntitle: [\n---\n",
                 "pe/L-1.md": law("L-1", BODY), ".github/README.md": "hidden\n"},
                "[new] L-1\n\nSource-Id: L-1\nSource-Date: 2001-01-01\n")
    report = await import_repo(api.dsn, repo.path)
    assert report.acts_created == 1
    assert sorted((d.kind, d.path) for d in report.deferred) == [("invalid", "docs/x.md"),
                                                                ("invalid", "pe/NOTES.md")]


async def test_a_future_date_and_a_history_opening_with_a_correction(api: Api, tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.version({"pe/F-1.md": law("F-1", BODY)}, CORRECTION, "F-1", source_id="F-1", day="2031-01-01")
    await import_repo(api.dsn, repo.path)
    act = (await _act(api, "F-1"))["id"]
    editions = (await api.get(f"/v1/acts/{act}/editions")).json()["items"]
    assert [e["valid_from"] for e in editions] == ["2031-01-01"]
    assert (await _text(api, act, "2030-12-31"))["text"] is None
    assert (await _text(api, act, "2031-01-01"))["text"].startswith("# Ley")
