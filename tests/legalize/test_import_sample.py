"""The shared Peruvian sample imported through `import-git`'s importer, asked through the HTTP API: the
issue's "Done when", checked against what git itself says."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from service.domain.texts import normalise_text
from tests.conftest import Api
from tests.legalize import oracle
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
