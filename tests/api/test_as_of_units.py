"""The provision-level reads answer at an `as_of` exactly as they did then (issue 5 over issue 4's routes)."""

from __future__ import annotations

from tests.conftest import Api, served

ACT = {"jurisdiction": "kz", "type": "law", "number": "77", "adopted_on": "2020-01-01", "titles": {"ru": "Закон"},
       "entry_into_force": {"date": "2020-01-01"}}


async def test_unit_reads_at_a_past_as_of_are_unchanged_by_a_later_amendment(api: Api) -> None:
    act = (await api.post("/v1/acts", ACT)).json()["id"]
    amending = (await api.post("/v1/acts", {**ACT, "number": "78", "adopted_on": "2021-01-01"})).json()["id"]
    units = [{"eId": "point_1", "kind": "point", "num": "1", "text": "Первый."},
             {"eId": "point_2", "kind": "point", "num": "2", "text": "Второй."}]
    r = await api.post(f"/v1/acts/{act}/editions", {"valid_from": "2020-01-01", "expressions": {"ru": {"units": units}}})
    assert r.status_code == 201, r.text
    paths = {f"/v1/acts/{act}/units/point_1": {"date": "2022-01-01", "lang": "ru"},
             f"/v1/acts/{act}/units/point_1/versions": {"lang": "ru"},
             f"/v1/acts/{act}/toc": {"date": "2022-01-01", "lang": "ru"},
             f"/v1/acts/{act}/compare": {"from": "2020-06-01", "to": "2022-01-01", "lang": "ru"},
             f"/v1/acts/{act}/timeline": {"lang": "ru"},
             f"/v1/acts/{act}/amendments": {}}
    before = {p: await api.get(p, params=q) for p, q in paths.items()}
    seq = int(before[f"/v1/acts/{act}/toc"].headers["x-lextime-seq"])
    assert all(r.status_code == 200 and r.json()["as_of_seq"] == seq for r in before.values())

    r = await api.post(f"/v1/acts/{act}/amendments", {
        "amending_act": amending, "effective_date": "2021-07-01",
        "operations": [{"op": "replace", "unit": "point_1", "texts": {"ru": "Первый, изменённый."}}]})
    assert r.status_code == 201, r.text

    now = await api.get(f"/v1/acts/{act}/units/point_1", params={"date": "2022-01-01", "lang": "ru"})
    assert now.json()["as_of_seq"] > seq and now.json() != before[f"/v1/acts/{act}/units/point_1"].json()
    for path, params in paths.items():
        then = await api.get(path, params={**params, "as_of": str(seq)})
        assert then.status_code == 200, then.text
        body = then.json()
        assert body.pop("as_of") == str(seq)
        assert body == before[path].json(), path
        assert "immutable" in then.headers["cache-control"]


async def test_private_reads_are_never_marked_public(api: Api) -> None:
    act = (await api.post("/v1/acts", ACT)).json()["id"]
    async with served(api.dsn, LEXTIME_PRIVATE_READS="true") as client:
        r = await client.get(f"/v1/acts/{act}", params={"as_of": "1"}, headers=api.auth)
        assert r.status_code == 200, r.text
        assert r.headers["cache-control"].startswith("private") and "public" not in r.headers["cache-control"]
    r = await api.get(f"/v1/acts/{act}", params={"as_of": "1"})
    assert r.headers["cache-control"].startswith("public")
