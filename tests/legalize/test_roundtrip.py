"""`export-git` then `import-git` into an empty database gives back the same answers, ids included: for the
Peruvian sample, for a Kazakh act recorded through the API (two editions, a repeal, two languages), for the
shared Kazakh sample recorded through the API and imported as Adilet publishes it, and for the demo.
The export is a conformant legalize repository: what git says of it is what Lextime answered."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from service.demo import load_demo
from service.importer import batch
from service.legalize.commits import CommitType, parse_message
from service.legalize.frontmatter import law_meta, split_document
from service.legalize.manifest import law_path, parse_manifest
from tests.api.test_concept import Concept, concept  # noqa: F401  (the fixture that records the Concept)
from tests.conftest import Api, shared_data
from tests.legalize import oracle
from tests.legalize.conftest import answers, export_repo, git, import_repo


async def test_the_peruvian_sample_round_trips(api: Api, other_database: str, other_api: httpx.AsyncClient,
                                               pe_sample: Path, tmp_path: Path) -> None:
    await import_repo(api.dsn, pe_sample)
    report = await export_repo(api.dsn, tmp_path / "export", country="pe")
    assert report.acts == 65 and report.editions == 59 and report.acts_without_editions == 31
    again = await import_repo(other_database, tmp_path / "export")
    assert again.deferred == [] and again.editions == 59 and again.acts_created == 65
    assert await answers(other_api) == await answers(api.client)


async def test_the_export_is_a_conformant_repository(api: Api, pe_sample: Path, tmp_path: Path) -> None:
    await import_repo(api.dsn, pe_sample)
    out = tmp_path / "export"
    await export_repo(api.dsn, out, country="pe")
    manifest = parse_manifest((out / ".legalize.yml").read_text())
    assert manifest.declared and manifest.spec_version == "0.4"
    files = [p for p in git(out, "ls-files").split("\n") if p.endswith(".md") and "/" in p]
    assert len(files) == 65
    for path in files:
        front, _ = split_document((out / path).read_text())
        assert front is not None
        meta = law_meta(front)
        assert {"title", "identifier", "country", "rank", "status", "source"} <= set(front)
        assert law_path(manifest.template_for(meta.directory), front) == path
        for line in git(out, "log", "--format=%H %ad", "--date=short", "--", path).strip().split("\n"):
            sha, day = line.split()
            message = parse_message(git(out, "log", "-1", "--format=%B", sha))
            assert message.kind in (CommitType.NEW, CommitType.REFORM, CommitType.REPEAL)
            assert message.norm_id == meta.identifier and message.source_id
            expected = max(message.source_date, date(1970, 1, 2)) if message.source_date else None
            assert expected is None or day == expected.isoformat(), f"{path} {sha}: author date {day}"
    # what git alone says is in force is what Lextime answers
    laws, removed = oracle.laws(out)
    assert removed == []
    con = next(x for x in laws if x.identifier == "CON-1993")
    act = (await api.get("/v1/acts", params={"external_id": "CON-1993"})).json()["items"][0]["id"]
    for day in con.days():
        r = await api.get(f"/v1/acts/{act}/text", params={"date": day.isoformat()})
        assert r.json()["text"] == oracle.text_in_force(out, con, day), day
    old = git(out, "log", "--format=%ad %cd", "--date=short", "--", "pe/*/LEY-15091-1964.md").split()
    assert old == ["1970-01-02", "1970-01-02"]  # Source-Date 1964-07-18, clamped


async def _act(api: Api, body: dict[str, object]) -> str:
    r = await api.post("/v1/acts", body)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def test_a_kazakh_act_recorded_through_the_api_round_trips(api: Api, other_database: str,
                                                                 other_api: httpx.AsyncClient, tmp_path: Path) -> None:
    order = await _act(api, {
        "jurisdiction": "kz", "type": "order", "number": "15", "adopted_on": "2020-01-10",
        "issuing_body": "Министерство юстиции", "titles": {"kk": "Тізілім туралы", "ru": "О реестре"},
        "entry_into_force": {"date": "2020-01-21", "rule": "по истечении десяти календарных дней"},
        "external_ids": ["V2000019999"]})
    amending = await _act(api, {"jurisdiction": "kz", "type": "order", "number": "40", "adopted_on": "2021-06-30",
                                "titles": {"ru": "О внесении изменения"}, "languages": ["ru"]})
    repealing = await _act(api, {"jurisdiction": "kz", "type": "order", "number": "7", "adopted_on": "2025-12-15",
                                 "titles": {"ru": "О признании утратившим силу"}})
    points = {"kk": ["1. Тізілім жүргізіледі.", "2. Жазбалар енгізіледі."],
              "ru": ["1. Реестр ведется.", "2. Записи вносятся."]}
    first = {lang: {"units": [{"eId": f"point_{i}", "kind": "point", "num": str(i), "text": t}
                              for i, t in enumerate(ts, 1)]} for lang, ts in points.items()}
    second = {"kk": {"text": "1. Тізілім электронды жүргізіледі.\n\n2. Жазбалар енгізіледі.\n\n\n3. Қосымша."},
              "ru": {"units": [{"eId": "point_1", "kind": "point", "num": "1", "text": "1. Реестр ведется электронно."},
                               {"eId": "point_2", "kind": "point", "num": "2", "text_available": False}]}}
    for body in ({"valid_from": "2020-01-21", "expressions": first},
                 {"valid_from": "2021-07-01", "source_acts": [amending], "note": "Пункт 1 изложен в новой редакции.",
                  "expressions": second}):
        r = await api.post(f"/v1/acts/{order}/editions", body)
        assert r.status_code == 201, r.text
    for body in ({"type": "amends", "source_act": amending, "target_act": order, "target_unit": "point_1",
                  "effective_date": "2021-07-01", "note": "Пункт 1 изложен в новой редакции."},
                 {"type": "repeals", "source_act": repealing, "target_act": order, "effective_date": "2026-01-01",
                  "note": "Признан утратившим силу."},
                 {"type": "cites", "source_act": order, "target_act": amending, "effective_window": {}}):
        r = await api.post("/v1/relations", body)
        assert r.status_code == 201, r.text

    out = tmp_path / "kz"
    report = await export_repo(api.dsn, out, country="kz")
    assert report.acts == 3 and report.editions == 2
    history = git(out, "log", "--reverse", "--format=%s|%ad", "--date=short", "--", "kz/*/V2000019999.md")
    assert re.findall(r"\[(\w+)\]", history) == ["new", "reform", "repeal"]
    assert "2026-01-01" in history
    again = await import_repo(other_database, out)
    assert again.deferred == [] and again.acts_created == 3 and again.editions == 2
    mine, theirs = await answers(api.client), await answers(other_api)
    assert theirs == mine
    assert mine[order]["text"]["2021-07-01"]["text"].endswith("2. Жазбалар енгізіледі.\n\n3. Қосымша.")
    assert mine[order]["text"]["2021-07-01"]["edition"]["text_completeness"] == "partial"  # ru point 2 unknown
    assert mine[order]["status"]["2026-01-01"]["status"]["code"] == "repealed"


async def test_the_concept_round_trips(api: Api, concept: Concept, other_database: str,  # noqa: F811
                                       other_api: httpx.AsyncClient, tmp_path: Path) -> None:
    """The shared Kazakh sample (DESIGN.md's Concept, as tests/api/test_concept.py records it through the API):
    two languages, a partial edition, relations on units, acts known only by reference."""
    out = tmp_path / "kz"
    report = await export_repo(api.dsn, out, country="kz")
    assert report.acts == 6 and report.editions == 2 and report.acts_without_editions == 5
    again = await import_repo(other_database, out)
    assert again.deferred == [] and again.acts_created == 6
    mine = await answers(api.client)
    assert await answers(other_api) == mine
    assert mine[concept.d148]["text"]["2015-12-28"]["edition"]["text_completeness"] == "partial"
    assert mine[concept.d148]["status"]["2022-09-15"]["status"]["code"] == "repealed"


def without_provenance(found: Any) -> Any:
    """The answers less where each fact was recorded from: ledger positions (`as_of_seq`, `recorded_seq`),
    which differ as soon as the two databases' entries do (an Adilet document is one entry with many facts,
    its export one entry per fact), and the Adilet `source` document, which the export does not carry (its
    source is the repository)."""
    if isinstance(found, dict):
        return {k: without_provenance(v) for k, v in found.items() if k not in ("as_of_seq", "recorded_seq", "source")}
    if isinstance(found, list):
        return [without_provenance(v) for v in found]
    return found


async def test_the_demo_round_trips(api: Api, other_database: str, other_api: httpx.AsyncClient,
                                    tmp_path: Path) -> None:
    """The demo act, loaded through the Adilet importer (two documents, unit-level amendments, a repeal)."""
    await load_demo(api.dsn)
    out = tmp_path / "kz"
    report = await export_repo(api.dsn, out, country="kz")
    assert report.editions >= 2
    again = await import_repo(other_database, out)
    assert again.deferred == []
    mine = without_provenance(await answers(api.client))
    assert without_provenance(await answers(other_api)) == mine


async def test_the_adilet_sample_imported_as_adilet_round_trips(api: Api, other_database: str,
                                                                other_api: httpx.AsyncClient,
                                                                tmp_path: Path) -> None:
    """The shared Adilet document (the Concept) as `lextime import` records it: one import_document entry."""
    docs, missing = batch.documents([shared_data("adilet/ukaz-2015-12-28-148-concept.txt")])
    assert missing == []
    outcomes = await batch.import_all(api.dsn, docs, actor="test", retrieved_at=None, done=lambda _: None)
    assert [o.error for o in outcomes] == [None]
    out = tmp_path / "kz"
    await export_repo(api.dsn, out, country="kz")
    again = await import_repo(other_database, out)
    assert again.deferred == []
    mine = without_provenance(await answers(api.client))
    assert without_provenance(await answers(other_api)) == mine
