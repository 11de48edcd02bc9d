"""Listing acts: filters, cursor pagination, status on a date."""

from __future__ import annotations

import pytest

from tests.conftest import Api


@pytest.fixture
async def acts(api: Api) -> dict[str, str]:
    made = {}
    specs = [
        ("law", "1", "2001-01-01", "Закон о земле", "Жер туралы заң", "2001-02-01"),
        ("law", "2", "2002-02-02", "Закон о воде", "Су туралы заң", "2002-03-01"),
        ("decree", "3", "2003-03-03", "Указ о лесах", "Ормандар туралы жарлық", "2003-03-03"),
        ("decree", "4", "2004-04-04", "Указ о 100% охвате", "Қамту туралы жарлық", "2030-01-01"),
        ("order", "5", "2005-05-05", "Приказ о полях", "Егістік туралы бұйрық", "2005-05-05"),
    ]
    for kind, number, adopted, ru, kk, eif in specs:
        r = await api.post("/v1/acts", {"jurisdiction": "kz", "type": kind, "number": number, "adopted_on": adopted,
                                        "titles": {"ru": ru, "kk": kk}, "entry_into_force": {"date": eif},
                                        "external_ids": [f"EXT-{number}"]})
        assert r.status_code == 201, r.text
        made[number] = r.json()["id"]
    r = await api.post("/v1/relations", {"type": "repeals", "source_act": made["5"], "target_act": made["2"],
                                         "effective_date": "2010-01-01"})
    assert r.status_code == 201
    return made


async def _ids(api: Api, **params: str) -> list[str]:
    r = await api.get("/v1/acts", params=params)
    assert r.status_code == 200, r.text
    return [a["id"] for a in r.json()["items"]]


async def test_filters(api: Api, acts: dict[str, str]) -> None:
    assert await _ids(api, type="law") == [acts["1"], acts["2"]]
    assert await _ids(api, number="3") == [acts["3"]]
    assert await _ids(api, adopted="2004-04-04") == [acts["4"]]
    assert await _ids(api, q="лесах") == [acts["3"]]
    assert await _ids(api, q="туралы заң") == [acts["1"], acts["2"]]
    assert await _ids(api, q="100%") == [acts["4"]]
    assert await _ids(api, q="%") == [acts["4"]]
    assert await _ids(api, q="_") == []
    assert await _ids(api, external_id="EXT-5") == [acts["5"]]
    assert await _ids(api, type="law", number="3") == []


async def test_status_filter_on_a_date(api: Api, acts: dict[str, str]) -> None:
    assert await _ids(api, status="repealed", date="2015-01-01") == [acts["2"]]
    assert await _ids(api, status="in_force", date="2009-12-31") == [acts["1"], acts["2"], acts["3"], acts["5"]]
    assert await _ids(api, status="not_yet_in_force", date="2015-01-01") == [acts["4"]]
    assert await _ids(api, status="in_force", date="2015-01-01", limit="1") == [acts["1"]]


async def test_cursor_pagination_visits_every_act_once(api: Api, acts: dict[str, str]) -> None:
    seen: list[str] = []
    path, params = "/v1/acts", {"limit": "2"}
    while True:
        r = await api.get(path, params=params) if params else await api.get(path)
        body = r.json()
        assert len(body["items"]) <= 2
        seen += [a["id"] for a in body["items"]]
        if body["next"] is None:
            assert "link" not in r.headers
            break
        assert r.headers["link"] == f'<{body["next"]}>; rel="next"'
        path, params = body["next"], {}
    assert seen == sorted(acts.values())


async def test_status_filtered_pages_are_full_and_complete(api: Api, acts: dict[str, str]) -> None:
    first = (await api.get("/v1/acts", params={"status": "in_force", "date": "2015-01-01", "limit": "2"})).json()
    assert [a["id"] for a in first["items"]] == [acts["1"], acts["3"]]
    second = (await api.get(first["next"])).json()
    assert [a["id"] for a in second["items"]] == [acts["5"]]
    assert second["next"] is None


@pytest.mark.parametrize("params", [{"cursor": "garbage!"}, {"limit": "0"}, {"limit": "501"}, {"limit": "x"},
                                    {"status": "alive"}, {"adopted": "2020"}])
async def test_bad_list_parameters(api: Api, params: dict[str, str]) -> None:
    r = await api.get("/v1/acts", params=params)
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"


async def test_get_act_by_id(api: Api, acts: dict[str, str]) -> None:
    r = await api.get(f"/v1/acts/{acts['3']}")
    body = r.json()
    assert body["id"] == acts["3"] and body["akn_uri"] == "/akn/kz/act/decree/2003-03-03/3"
    assert body["titles"]["ru"] == "Указ о лесах" and body["external_ids"] == ["EXT-3"]
    assert body["languages"] == ["ru", "kk"]
