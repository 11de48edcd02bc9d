"""The shared Peruvian sample imported through `import-git`'s importer, asked through the HTTP API: the
issue's "Done when", checked against what git itself says."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from service.domain.proof import check_proof
from service.domain.texts import normalise_text
from service.legalize.commits import CommitType
from tests.conftest import Api
from tests.legalize import oracle
from tests.legalize.builders import Repo
from tests.legalize.builders import law as law_file
from tests.legalize.conftest import import_repo
from tests.test_openapi import conforms


async def act_id(api: Api, identifier: str) -> str:
    r = await api.get("/v1/acts", params={"external_id": identifier})
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert len(items) == 1, f"{identifier}: {items}"
    return str(items[0]["id"])


async def text_on(api: Api, act: str, day: date) -> dict[str, Any]:
    r = await api.get(f"/v1/acts/{act}/text", params={"date": day.isoformat()})
    assert r.status_code == 200, r.text
    return dict(conforms(r))


@pytest.fixture
async def imported(api: Api, pe_sample: Path) -> Api:
    report = await import_repo(api.dsn, pe_sample)
    assert report.commits == 80
    assert report.deferred == []
    return api


async def test_every_version_of_every_law_is_the_file_in_force(imported: Api, pe_sample: Path) -> None:
    laws, removed = oracle.laws(pe_sample)
    assert len(laws) == 34 and removed == ["pe/DLEG-1669-2030.md"]
    checked = 0
    for law in laws:
        act = await act_id(imported, law.identifier)
        for day in law.days():
            answer = await text_on(imported, act, day)
            expected = oracle.text_in_force(pe_sample, law, day)
            assert answer["text"] == expected, f"{law.path} on {day}"
            if expected is not None:
                assert answer["edition"]["valid_from"] == max(d for d, _ in law.versions if d <= day).isoformat()
            checked += 1
    assert checked == 117  # 59 legal dates and the day before each; 1995-06-12 is both


async def test_a_text_already_canonical_comes_back_byte_for_byte(imported: Api, pe_sample: Path) -> None:
    law = next(x for x in oracle.laws(pe_sample)[0] if x.identifier == "O-R-153-2018")
    raw = oracle.body(pe_sample, law.versions[-1][1], law.path)
    assert raw == normalise_text(raw) + "\n"  # this file has no trailing spaces, no NBSP: nothing to normalise
    answer = await text_on(imported, await act_id(imported, "O-R-153-2018"), law.versions[-1][0])
    assert answer["text"] + "\n" == raw


async def test_the_constitution_has_its_31_reforms_attributed_to_their_articles(imported: Api) -> None:
    con = await act_id(imported, "CON-1993")
    editions = (await imported.get(f"/v1/acts/{con}/editions")).json()["items"]
    # 1 bootstrap and 31 reforms, of which 2004-11-17, 2009-09-08, 2017-08-20 (two each), 2019-01-10 (three)
    # and 2024-12-11 (two) share their dates: 26 legal dates.
    assert len(editions) == 26
    assert editions[0]["valid_from"] == "1993-12-30" and editions[0]["source_acts"] == []
    last = editions[-1]
    assert last["valid_from"] == "2024-12-11" and len(last["source_acts"]) == 2
    relations = conforms(await imported.get(f"/v1/acts/{con}/relations"))["items"]
    amending = {r["source_act"] for r in relations if r["label"] == "amended_by"}
    assert len(amending) == 31
    sources = {}
    for source in amending:
        act = (await imported.get(f"/v1/acts/{source}")).json()
        assert act["external_ids"][0].startswith("LEY-REFORMA-")
        sources[act["external_ids"][0]] = source
    assert set(last["source_acts"]) == {sources["LEY-REFORMA-32188-2024"], sources["LEY-REFORMA-32189-2024"]}
    on_day = [r for r in relations if r["effective_date"] == "2024-12-11"]
    by_source = {s: sorted(r["target_unit"] for r in on_day if r["source_act"] == s) for s in last["source_acts"]}
    assert by_source == {sources["LEY-REFORMA-32188-2024"]: ["art_23", "art_7"],
                         sources["LEY-REFORMA-32189-2024"]: ["art_89"]}
    reform = (await imported.get(f"/v1/acts/{sources['LEY-REFORMA-32189-2024']}")).json()
    assert reform["titles"] == {"es": "Ley de Reforma Constitucional que reconoce oficialmente al pueblo afroperuano"}
    assert reform["publication"]["date"] == "2024-12-11"


async def test_the_constitution_timeline_lists_its_reforms_each_on_its_own_articles(imported: Api) -> None:
    con = await act_id(imported, "CON-1993")
    timeline = conforms(await imported.get(f"/v1/acts/{con}/timeline"))
    points = {p["date"]: p["events"] for p in timeline["points"]}
    editions = {day: e for day, events in points.items() for e in events if e["type"] == "edition"}
    assert len(editions) == 26 and editions["1993-12-30"]["source_acts"] == []
    reforms = [s for e in editions.values() for s in e["source_acts"]]
    assert len(reforms) == len(set(reforms)) == 31
    by_identifier = {}
    for source in reforms:
        act = (await imported.get(f"/v1/acts/{source}")).json()
        assert act["external_ids"][0].startswith("LEY-REFORMA-")  # the commit's Source-Id
        by_identifier[act["external_ids"][0]] = source
    # Every unit a reform changed is credited to a reform of that day, never to another day's.
    for day, edition in editions.items():
        credited = {e["act"] for e in points[day] if e["type"] == "unit"}
        assert credited <= set(edition["source_acts"]) | {None}, day
    # The two reforms of 2024-12-11, each on its own articles: the sample's reforms change the front matter only
    # (the source gives the consolidated text), so the articles are the ones each commit names.
    assert len(editions["2024-12-11"]["source_acts"]) == 2
    stated = sorted((e["eId"], e["act"]) for e in points["2024-12-11"] if e["type"] == "relation")
    first, second = by_identifier["LEY-REFORMA-32188-2024"], by_identifier["LEY-REFORMA-32189-2024"]
    assert stated == sorted([("art_7", first), ("art_23", first), ("art_89", second)])
    assert all(e["relation_type"] == "amends" for e in points["2024-12-11"] if e["type"] == "relation")


async def test_two_reforms_of_one_day_each_credited_with_the_units_they_changed(api: Api, tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    path = "pe/L-1.md"
    repo.version({path: law_file("L-1", "Artículo 1. Uno.\n\nArtículo 2. Dos.\n")}, CommitType.NEW, "Ley 1",
                 source_id="L-1", day="2001-01-01", norm_id="L-1")
    repo.version({path: law_file("L-1", "Artículo 1. Uno bis.\n\nArtículo 2. Dos.\n")}, CommitType.REFORM,
                 "Ley 1 — arts. 1", source_id="L-A", day="2005-05-05", norm_id="L-1")
    repo.version({path: law_file("L-1", "Artículo 1. Uno bis.\n\nArtículo 2. Dos bis.\n")}, CommitType.REFORM,
                 "Ley 1 — arts. 2", source_id="L-B", day="2005-05-05", norm_id="L-1")
    await import_repo(api.dsn, repo.path)
    act, first, second = [await act_id(api, x) for x in ("L-1", "L-A", "L-B")]
    timeline = conforms(await api.get(f"/v1/acts/{act}/timeline"))
    day = next(p["events"] for p in timeline["points"] if p["date"] == "2005-05-05")
    edition = next(e for e in day if e["type"] == "edition")
    assert edition["source_acts"] == [first, second]
    assert sorted((e["eId"], e["act"]) for e in day if e["type"] == "unit") == [("art_1", first), ("art_2", second)]
    assert (await text_on(api, act, date(2005, 5, 5)))["text"] == "Artículo 1. Uno bis.\n\nArtículo 2. Dos bis."


async def test_acts_carry_the_front_matter(imported: Api) -> None:
    act = (await imported.get(f"/v1/acts/{await act_id(imported, 'DLEG-1668-2024')}")).json()
    assert act["jurisdiction"] == "pe" and act["type"] == "decree" and act["number"] == "1668"
    assert act["akn_uri"] == "/akn/pe/act/decree/2024-09-28/1668"
    assert act["languages"] == ["es"] and act["publication"]["date"] == "2024-09-28"
    assert act["adopted_on"] is None  # the source gives a publication date, not an adoption date
    resolved = await imported.get("/akn/pe/act/decree/2024-09-28/1668/spa:2025-01-01")
    assert resolved.status_code == 200 and resolved.json()["act"] == act["id"]

    regional = (await imported.get(f"/v1/acts/{await act_id(imported, 'O-R-153-2018')}")).json()
    assert regional["jurisdiction"] == "pe-cus" and regional["type"] == "regulation"
    assert regional["publication"]["date"] is None  # known to the year only: not a date
    assert regional["entry_into_force"]["earliest"] == "2018-01-01"
    assert "year" in regional["entry_into_force"]["rule"]

    hyphen = (await imported.get(f"/v1/acts/{await act_id(imported, '-139-1999')}")).json()
    assert hyphen["titles"]["es"].startswith("Regulaciones Aeronaúticas del Perú")  # "Aerona&uacute;ticas", decoded

    old = await act_id(imported, "LEY-15091-1964")
    status = (await imported.get(f"/v1/acts/{old}/status", params={"date": "1964-07-17"})).json()["status"]
    assert status["code"] == "not_yet_in_force"
    status = (await imported.get(f"/v1/acts/{old}/status", params={"date": "2000-01-01"})).json()["status"]
    assert status["code"] == "in_force" and status["certain"] is False  # published; entry into force not given


async def test_the_removed_file_is_not_an_act_and_its_successors_are(imported: Api) -> None:
    r = await imported.get("/v1/acts", params={"external_id": "DLEG-1669-2030"})
    assert r.json()["items"] == []
    later = await act_id(imported, "DLEG-1669-2024")  # a history that opens with a correction
    editions = (await imported.get(f"/v1/acts/{later}/editions")).json()["items"]
    assert [e["valid_from"] for e in editions] == ["2024-09-28"]


async def test_corrections_in_one_import_fix_the_date_and_the_text(imported: Api, pe_sample: Path) -> None:
    act = await act_id(imported, "O-R-153-2018")
    editions = (await imported.get(f"/v1/acts/{act}/editions")).json()["items"]
    assert [e["valid_from"] for e in editions] == ["2018-01-01"]  # not the 2026-05-19 placeholder
    assert "date_precision: year" in editions[0]["note"] and "b82dc00bcbfc" in editions[0]["note"]
    nothing = await text_on(imported, act, date(2026, 5, 19))
    assert nothing["edition"]["valid_from"] == "2018-01-01"


async def test_a_second_run_reads_nothing_and_records_nothing(imported: Api, pe_sample: Path, owner: asyncpg.Connection
                                                              ) -> None:
    head = await owner.fetchval("SELECT max(seq) FROM ledger")
    report = await import_repo(imported.dsn, pe_sample)
    assert (report.commits, report.editions, report.acts_created, report.relations) == (0, 0, 0, 0)
    assert await owner.fetchval("SELECT max(seq) FROM ledger") == head
    again = await import_repo(imported.dsn, pe_sample, from_start=True)  # read again: every fact recognised
    assert again.commits == 80 and again.already_recorded == 59 and again.deferred == []
    assert (again.editions, again.acts_created, again.reference_acts, again.relations) == (0, 0, 0, 0)
    assert await owner.fetchval("SELECT max(seq) FROM ledger") == head


async def test_one_jurisdiction(api: Api, pe_sample: Path) -> None:
    report = await import_repo(api.dsn, pe_sample, jurisdiction="pe-cus")
    assert report.acts_created == 5 and report.editions == 5
    acts = (await api.get("/v1/acts")).json()["items"]
    assert sorted(a["jurisdiction"] for a in acts) == ["pe-cus"] * 5


async def test_a_proof_of_a_legalize_text_checks_offline(imported: Api, pe_sample: Path) -> None:
    """The proof of a text whose units keep their line breaks: the offline check joins them the same way."""
    law = next(x for x in oracle.laws(pe_sample)[0] if x.identifier == "CON-1993")
    act = await act_id(imported, "CON-1993")
    day = law.versions[-1][0]
    proof = conforms(await imported.get("/v1/audit/proof", params={"act_id": act, "date": day.isoformat()}))
    assert proof["answer"]["text"] == oracle.text_in_force(pe_sample, law, day)
    assert any(u.get("breaks") == 1 for u in proof["units"])  # a unit on the next line, not after a blank one
    assert check_proof(proof) == []
    forged = {**proof, "units": [{k: v for k, v in u.items() if k != "breaks"} for u in proof["units"]]}
    assert check_proof(forged) != []
