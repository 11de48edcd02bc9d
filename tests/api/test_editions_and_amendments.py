"""Full editions and amendments in one history: a full edition says what the whole text was on its day, so
an amendment recorded late reaches up to it and no further, while the amendments after a late full edition
apply again on top of it; several changes on one day make one edition."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api
from tests.test_openapi import conforms


@pytest.fixture
async def acts(api: Api) -> dict[str, str]:
    ids = {}
    for name, number in (("law", "1"), ("amending", "2"), ("other", "3")):
        r = await api.post("/v1/acts", {"jurisdiction": "kz", "type": "law", "number": number,
                                        "adopted_on": "2010-01-01", "titles": {"ru": "Закон"},
                                        "entry_into_force": {"date": "2010-01-01"}})
        ids[name] = r.json()["id"]
    return ids


async def _edition(api: Api, law: str, day: str, *texts: str, source: str | None = None) -> None:
    units = [{"eId": f"point_{i}", "kind": "point", "num": str(i), "text": t} for i, t in enumerate(texts, 1)]
    body: dict[str, Any] = {"valid_from": day, "expressions": {"ru": {"units": units}}}
    if source:
        body["source_acts"] = [source]
    r = await api.post(f"/v1/acts/{law}/editions", body)
    assert r.status_code == 201, r.text


async def _amend(api: Api, acts: dict[str, str], day: str, *ops: dict[str, Any], by: str = "amending") -> Any:
    r = await api.post(f"/v1/acts/{acts['law']}/amendments",
                       {"amending_act": acts[by], "effective_date": day, "operations": list(ops)})
    assert r.status_code == 201, r.text
    return conforms(r)


async def _text(api: Api, law: str, day: str) -> list[tuple[str, str]]:
    r = await api.get(f"/v1/acts/{law}/text", params={"date": day, "lang": "ru"})
    return [(u["eId"], u["text"]) for u in r.json()["units"]]


def _replace(unit: str, text: str) -> dict[str, Any]:
    return {"op": "replace", "unit": unit, "texts": {"ru": text}}


async def test_a_late_full_edition_bounds_earlier_facts_and_later_amendments_apply_on_top(
        api: Api, acts: dict[str, str]) -> None:
    law = acts["law"]
    await _edition(api, law, "2010-01-01", "A", "B", "C")
    await _amend(api, acts, "2012-01-01", _replace("point_2", "B2"))
    await _amend(api, acts, "2014-01-01", {"op": "insert", "kind": "point", "num": "4", "after": "point_3",
                                           "texts": {"ru": "D"}})
    # Recorded late: the whole text of 2013, as a consolidated source gives it.
    await _edition(api, law, "2013-01-01", "A3", "B", "C")
    # Recorded later still, effective before that edition: it holds up to the edition, no further.
    await _amend(api, acts, "2011-01-01", _replace("point_3", "C1"))
    assert await _text(api, law, "2011-06-01") == [("point_1", "A"), ("point_2", "B"), ("point_3", "C1")]
    assert await _text(api, law, "2012-06-01") == [("point_1", "A"), ("point_2", "B2"), ("point_3", "C1")]
    assert await _text(api, law, "2013-01-01") == [("point_1", "A3"), ("point_2", "B"), ("point_3", "C")]
    assert await _text(api, law, "2014-01-01") == [("point_1", "A3"), ("point_2", "B"), ("point_3", "C"),
                                                   ("point_4", "D")]
    versions = conforms(await api.get(f"/v1/acts/{law}/units/point_3/versions"))["languages"]["ru"]
    assert [(v["valid_from"], v["valid_to"], v["text"]) for v in versions] == [
        ("2010-01-01", "2010-12-31", "C"), ("2011-01-01", "2012-12-31", "C1"), ("2013-01-01", None, "C")]
    editions = (await api.get(f"/v1/acts/{law}/editions")).json()["items"]
    assert [(e["valid_from"], e["valid_to"]) for e in editions] == [
        ("2010-01-01", "2010-12-31"), ("2011-01-01", "2011-12-31"), ("2012-01-01", "2012-12-31"),
        ("2013-01-01", "2013-12-31"), ("2014-01-01", None)]


async def test_changes_on_one_day_make_one_edition_each_attributed(api: Api, acts: dict[str, str]) -> None:
    law = acts["law"]
    await _edition(api, law, "2010-01-01", "A", "B")
    first = await _amend(api, acts, "2015-01-01", _replace("point_1", "A2"))
    second = await _amend(api, acts, "2015-01-01", _replace("point_2", "B2"), by="other")
    assert second["edition"]["source_acts"] == [acts["amending"], acts["other"]]
    editions = (await api.get(f"/v1/acts/{law}/editions")).json()["items"]
    assert [e["valid_from"] for e in editions] == ["2010-01-01", "2015-01-01"]
    one = conforms(await api.get(f"/v1/acts/{law}/units/point_1", params={"date": "2015-01-01"}))
    two = conforms(await api.get(f"/v1/acts/{law}/units/point_2", params={"date": "2015-01-01"}))
    assert one["expressions"]["ru"]["version"]["amendment"] == first["id"]
    assert two["expressions"]["ru"]["version"]["source_act"] == acts["other"]
    timeline = conforms(await api.get(f"/v1/acts/{law}/timeline"))
    day = next(p for p in timeline["points"] if p["date"] == "2015-01-01")
    [edition] = [e for e in day["events"] if e["type"] == "edition"]
    assert edition["amendments"] == [first["id"], second["id"]] and edition["origin"] == "amendments"
    # A full edition on a day that already has one is refused, as between full editions.
    r = await api.post(f"/v1/acts/{law}/editions", {"valid_from": "2015-01-01", "expressions": {"ru": {"text": "X"}}})
    assert r.status_code == 409 and conforms(r)["constraint"] == "editions_current"


async def test_an_amendment_on_the_day_of_a_full_edition_joins_it(api: Api, acts: dict[str, str]) -> None:
    law = acts["law"]
    await _edition(api, law, "2010-01-01", "A", "B")
    await _edition(api, law, "2016-01-01", "A6", "B", source=acts["other"])
    await _amend(api, acts, "2016-01-01", _replace("point_2", "B6"))
    assert await _text(api, law, "2016-01-01") == [("point_1", "A6"), ("point_2", "B6")]
    [latest] = [e for e in (await api.get(f"/v1/acts/{law}/editions")).json()["items"]
                if e["valid_from"] == "2016-01-01"]
    assert latest["source_acts"] == [acts["other"], acts["amending"]]
    await _amend(api, acts, "2012-01-01", _replace("point_2", "B2"))
    assert await _text(api, law, "2015-12-31") == [("point_1", "A"), ("point_2", "B2")]
    assert await _text(api, law, "2016-01-01") == [("point_1", "A6"), ("point_2", "B6")]
