"""What an amendment may not do, answered as problems the contract documents, and a refused amendment leaves
nothing behind: operations on units not in force that day, eIds and wIds in use, contradictions with
amendments already recorded for later days, malformed bodies, keys."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from service.store.keys import insert_key
from tests.conftest import Api
from tests.test_openapi import conforms


@pytest.fixture
async def acts(api: Api) -> dict[str, str]:
    ids = {}
    for name, number, extra in (("law", "1", {"entry_into_force": {"date": "2010-01-01"}}), ("amending", "2", {}),
                                ("repealing", "3", {})):
        r = await api.post("/v1/acts", {"jurisdiction": "kz", "type": "law", "number": number,
                                        "adopted_on": "2010-01-01", "titles": {"ru": "Закон", "kk": "Заң"}, **extra})
        ids[name] = r.json()["id"]
    units = {lang: {"units": [
        {"eId": "chp_1", "kind": "chapter", "num": "1", "heading": "Глава", "text": f"{lang} глава"},
        {"eId": "chp_1__point_1", "kind": "point", "num": "1", "text": f"{lang} один"},
        {"eId": "chp_1__point_2", "kind": "point", "num": "2", "text": f"{lang} два"},
        {"eId": "point_3", "kind": "point", "num": "3", "text": f"{lang} три"}]} for lang in ("ru", "kk")}
    r = await api.post(f"/v1/acts/{ids['law']}/editions", {"valid_from": "2010-01-01", "expressions": units})
    assert r.status_code == 201, r.text
    await api.post("/v1/relations", {"type": "repeals", "source_act": ids["repealing"], "target_act": ids["law"],
                                     "effective_date": "2030-01-01"})
    return ids


async def _amend(api: Api, acts: dict[str, str], day: str | None, *ops: dict[str, Any], expect: int) -> Any:
    body: dict[str, Any] = {"amending_act": acts["amending"], "operations": list(ops)}
    if day:
        body["effective_date"] = day
    r = await api.post(f"/v1/acts/{acts['law']}/amendments", body)
    assert r.status_code == expect, r.text
    return conforms(r)


async def _footprint(owner: asyncpg.Connection) -> tuple[int, ...]:
    counts = []
    for table in ("ledger", "amendments", "unit_versions", "expression_structures", "editions", "relations", "texts"):
        counts.append(await owner.fetchval(f"SELECT count(*) FROM {table}"))
    counts.append(await owner.fetchval("SELECT count(*) FROM unit_versions WHERE superseded_seq IS NOT NULL"))
    return tuple(counts)


async def test_units_not_in_force_that_day(api: Api, acts: dict[str, str], owner: asyncpg.Connection) -> None:
    before = await _footprint(owner)
    problem = await _amend(api, acts, "2012-01-01", {"op": "replace", "unit": "point_1", "texts": {"ru": "x"}},
                           {"op": "replace", "unit": "point_9", "texts": {"ru": "x"}}, expect=422)
    assert problem["type"] == "urn:lextime:problem:unit-not-in-force"
    assert problem["invalid_params"][0]["name"] == "body.operations[0]" and problem["unit"] == "point_1"
    assert "point_1" in problem["detail"] and "2012-01-01" in problem["detail"]
    problem = await _amend(api, acts, "2009-12-31", {"op": "repeal", "unit": "point_3"}, expect=422)
    assert "no text on 2009-12-31" in problem["detail"], "before the first edition there is no text"
    problem = await _amend(api, acts, "2030-01-01", {"op": "repeal", "unit": "point_3"}, expect=422)
    assert "repealed on 2030-01-01" in problem["detail"], "the act itself is repealed then"
    await _amend(api, acts, "2012-01-01", {"op": "repeal", "unit": "chp_1"}, expect=201)
    problem = await _amend(api, acts, "2013-01-01", {"op": "replace", "unit": "chp_1__point_2",
                                                     "texts": {"ru": "x"}}, expect=422)
    assert "repealed" in problem["detail"], "repealing a chapter repeals its points"
    for op in ({"op": "suspend", "unit": "chp_1"}, {"op": "commence", "unit": "chp_1__point_1"},
               {"op": "renumber", "unit": "chp_1", "num": "9"}):
        assert (await _amend(api, acts, "2013-01-01", op, expect=422))["type"].endswith("unit-not-in-force")
    after = await _footprint(owner)
    assert after[0] == before[0] + 1, "only the one accepted amendment was recorded"


async def test_eids_and_wids_in_use(api: Api, acts: dict[str, str], owner: asyncpg.Connection) -> None:
    await _amend(api, acts, "2011-01-01", {"op": "repeal", "unit": "point_3"}, expect=201)
    cases = [
        {"op": "insert", "kind": "point", "num": "3", "after": "chp_1"},  # the repealed point keeps its number
        {"op": "insert", "kind": "point", "eId": "point_4", "wId": "chp_1", "after": "chp_1"},
        {"op": "renumber", "unit": "chp_1__point_1", "num": "2"},
        {"op": "replace", "unit": "chp_1__point_1", "texts": {"en": "one"}},
    ]
    before = await _footprint(owner)
    for op in cases:
        problem = await _amend(api, acts, "2012-01-01", op, expect=422)
        assert problem["type"] == "urn:lextime:problem:invalid-operation", op
    assert await _footprint(owner) == before


async def test_a_late_amendment_that_contradicts_a_later_one(api: Api, acts: dict[str, str],
                                                            owner: asyncpg.Connection) -> None:
    await _amend(api, acts, "2015-01-01", {"op": "replace", "unit": "point_3", "texts": {"ru": "новая", "kk": "жаңа"}},
                 expect=201)
    await _amend(api, acts, "2016-01-01", {"op": "insert", "kind": "point", "num": "4", "after": "point_3",
                                           "texts": {"ru": "четыре"}}, expect=201)
    before = await _footprint(owner)
    problem = await _amend(api, acts, "2012-01-01", {"op": "repeal", "unit": "point_3"}, expect=409)
    assert problem["type"] == "urn:lextime:problem:amendment-conflict" and "2015-01-01" in problem["detail"]
    problem = await _amend(api, acts, "2012-01-01", {"op": "insert", "kind": "point", "num": "4", "after": "point_3"},
                           expect=409)
    assert "point_4" in problem["detail"]
    assert await _footprint(owner) == before, "a refused write leaves nothing half-done"
    r = await api.get(f"/v1/acts/{acts['law']}/text", params={"date": "2016-01-01", "lang": "ru"})
    assert [u["eId"] for u in r.json()["units"]] == ["chp_1", "chp_1__point_1", "chp_1__point_2", "point_3", "point_4"]


async def test_malformed_amendments(api: Api, acts: dict[str, str]) -> None:
    law = f"/v1/acts/{acts['law']}/amendments"
    base = {"amending_act": acts["amending"], "effective_date": "2012-01-01"}
    bad: list[tuple[dict[str, Any], str, str]] = [
        ({**base, "operations": []}, "invalid-request", "body.operations"),
        ({**base}, "invalid-request", "body.operations"),
        ({**base, "operations": [{"op": "rewrite", "unit": "point_3"}]}, "invalid-request", "body.operations[0].op"),
        ({**base, "operations": [{"op": "repeal", "unit": "point_3", "texts": {}}]}, "unknown-fields",
         "body.operations[0].texts"),
        ({**base, "operations": [{"op": "replace", "unit": "point_3"}]}, "invalid-request", "body.operations[0].texts"),
        ({**base, "operations": [{"op": "replace", "unit": "point_3", "texts": {"ru": "  \n "}}]}, "invalid-request",
         "body.operations[0].texts.ru"),
        ({**base, "operations": [{"op": "replace", "unit": "point_3", "texts": {"zu": "x"}}]}, "unknown-language",
         "body.operations[0].texts.zu"),
        ({**base, "operations": [{"op": "replace", "unit": "Point 3", "texts": {"ru": "x"}}]}, "invalid-request",
         "body.operations[0].unit"),
        # Longer than the contract's maxLength (schemathesis cannot make a string that long: tests/contract).
        ({**base, "operations": [{"op": "replace", "unit": "point_3", "texts": {"ru": "я" * 1_000_001}}]},
         "invalid-request", "body.operations[0].texts.ru"),
        ({**base, "operations": [{"op": "insert", "kind": "point", "after": "point_3", "before": "point_3"}]},
         "invalid-request", "body.operations[0].before"),
        ({**base, "operations": [{"op": "insert", "kind": "clausula"}]}, "invalid-request", "body.operations[0].kind"),
        ({**base, "operations": [{"op": "suspend", "unit": "point_3", "until": "2012-01-01"}]}, "invalid-request",
         "body.operations[0].until"),
        ({**base, "operations": [{"op": "renumber", "unit": "point_3"}]}, "invalid-request", "body.operations[0].eId"),
        ({"amending_act": acts["amending"], "operations": [{"op": "commence", "amendment": "01M89SWTRWRXSYS4BPAN57GSNZ"}]},
         "invalid-request", "body.effective_date"),
        ({**base, "effective_window": {"earliest": "2012-01-01"}, "operations": [{"op": "repeal", "unit": "point_3"}]},
         "invalid-request", "body.effective_window"),
        ({**base, "operations": [{"op": "insert", "kind": "subpoint", "num": "а б", "parent": "point_3"}]},
         "invalid-request", "body.operations[0].num"),
        ({**base, "amending_act": None, "operations": [{"op": "repeal", "unit": "point_3"}]}, "invalid-request",
         "body.amending_act"),
    ]
    for body, slug, name in bad:
        r = await api.post(law, body)
        assert r.status_code == 400, (body, r.text)
        problem = conforms(r)
        assert problem["type"] == f"urn:lextime:problem:{slug}", (body, problem)
        assert problem["invalid_params"][0]["name"] == name, (body, problem)


async def test_unknown_acts_amendments_and_keys(api: Api, acts: dict[str, str], owner: asyncpg.Connection) -> None:
    body = {"amending_act": acts["amending"], "effective_date": "2012-01-01",
            "operations": [{"op": "repeal", "unit": "point_3"}]}
    r = await api.post("/v1/acts/01M89QFVX6ZAMGSD4RQG9D2NP9/amendments", body)
    assert r.status_code == 404 and conforms(r)["act_id"] == "01M89QFVX6ZAMGSD4RQG9D2NP9"
    r = await api.post(f"/v1/acts/{acts['law']}/amendments", {**body, "amending_act": "01M89QFVX6ZAMGSD4RQG9D2NP9"})
    assert r.status_code == 404
    r = await api.post(f"/v1/acts/{acts['law']}/amendments",
                       {**body, "operations": [{"op": "commence", "amendment": "01M89QFVX6ZAMGSD4RQG9D2NP9"}]})
    assert r.status_code == 404 and conforms(r)["type"] == "urn:lextime:problem:not-found"
    r = await api.client.post(f"/v1/acts/{acts['law']}/amendments", json=body)
    assert r.status_code == 401 and conforms(r)["type"] == "urn:lextime:problem:unauthorized"
    reader = await insert_key(owner, name="reader", scopes=("read",))
    r = await api.client.post(f"/v1/acts/{acts['law']}/amendments", json=body,
                              headers={"Authorization": f"Bearer {reader}"})
    assert r.status_code == 403


async def test_reads_of_unknown_units_languages_and_days(api: Api, acts: dict[str, str]) -> None:
    law = f"/v1/acts/{acts['law']}"
    for path in ("/units/point_9", "/units/point_9/versions", "/units/Point%209", "/units/" + "a" * 301):
        r = await api.get(law + path)
        assert r.status_code == 404 and conforms(r)["type"] == "urn:lextime:problem:unit-not-found", path
    r = await api.get(law + "/units/point_3", params={"lang": "en"})
    assert r.status_code == 404 and conforms(r)["available"] == ["ru", "kk"]
    for path, params, name in (("/compare", {"from": "2012-01-01"}, "to"),
                               ("/compare", {"from": "2012-01-01", "to": "2011-01-01"}, "to"),
                               ("/compare", {"from": "2012-01-01", "to": "2013-01-01", "format": "pdf"}, "format"),
                               ("/units/point_3", {"date": "2012-02-30"}, "date"),
                               ("/toc", {"date": "yesterday"}, "date")):
        r = await api.get(law + path, params=params)
        assert r.status_code == 400 and conforms(r)["invalid_params"][0]["name"] == name, (path, params)
    for path in ("/toc", "/timeline", "/compare?from=2012-01-01&to=2013-01-01"):
        r = await api.get(law + path + ("&" if "?" in path else "?") + "lang=en")
        assert r.status_code == 404 and conforms(r)["type"] == "urn:lextime:problem:language-not-available", path
    r = await api.get(law + "/toc", params={"date": "2009-12-31"})
    assert conforms(r)["items"] == [] and r.json()["edition"] is None
    r = await api.get(law + "/units/point_3", params={"date": "2009-12-31"})
    answer = conforms(r)
    assert answer["status"]["code"] == "not_yet_in_force" and answer["expressions"] == {"ru": None, "kk": None}
    r = await api.get(law + "/units/point_3", params={"date": "2030-01-01"})
    assert conforms(r)["status"]["code"] == "repealed" and r.json()["status"]["reason"]["act"] == acts["repealing"]
