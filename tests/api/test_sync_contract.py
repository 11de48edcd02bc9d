"""The feed, corrections, `as_of`, history and audit routes against the contract in openapi.yaml, over
real HTTP, on the Concept's acts as the contract's examples record them: every answer (200, 201, 304,
and the errors) fits the schema of its route, status and media type; examples that are fully
determined equal the answers."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.test_openapi import (
    DECREE_148,
    DECREE_552,
    DECREE_1014,
    EXAMPLE_RELATION_IDS,
    conforms,
    example,
    record_the_concept,
    request_example,
    spec,
)

POINT_5 = "06316cc010eae9c77e9f7799a6d6d36dff530c1d0c9016de5747ecaa0ca74cd1"


async def get(api: Api, path: str, expect: int = 200, headers: dict[str, str] | None = None,
              **params: str) -> Any:
    r = await api.get(path, params=params, headers=headers or {})
    assert r.status_code == expect, r.text
    conforms(r)
    return r


async def test_the_sync_and_audit_routes_fit_the_contract(api: Api) -> None:
    rec = await record_the_concept(api)
    act = f"/v1/acts/{DECREE_148}"

    # Every read route, current and as of an earlier seq, and its 304.
    reads = [("/v1/acts", {}), (act, {}), (f"{act}/status", {"date": "2019-06-01"}),
             (f"{act}/text", {"date": "2019-06-01"}), (f"{act}/text", {"format": "text"}), (f"{act}/editions", {}),
             (f"{act}/relations", {}), (f"{act}/ledger", {}), ("/akn/kz/act/decree/2015-12-28/148/rus", {}),
             ("/v1/changes", {"limit": "2"}), ("/v1/changes.atom", {}), ("/v1/audit/checkpoints", {}),
             ("/v1/audit/proof", {"act_id": DECREE_148, "date": "2019-06-01"}), ("/v1/audit/verify", {})]
    for path, params in reads:
        first = await get(api, path, **params)
        assert first.headers["X-Lextime-Seq"] == "9", path
        pinned = await get(api, path, **params, as_of="8")
        assert pinned.headers["X-Lextime-Seq"] == "8", path
        await get(api, path, 304, headers={"If-None-Match": first.headers["ETag"]}, **params)
    for path in ("/healthz", f"/v1/texts/{POINT_5}", "/v1/audit/public-key"):
        first = await get(api, path)
        await get(api, path, 304, headers={"If-None-Match": first.headers["ETag"]})

    text = (await get(api, f"/v1/texts/{POINT_5}")).json()
    assert text == spec()["paths"]["/v1/texts/{sha256}"]["get"]["responses"]["200"]["content"]["application/json"][
        "example"]
    batch = await api.client.post("/v1/texts/batch", json=request_example_plain("/v1/texts/batch"))
    assert conforms(batch) == {"texts": {POINT_5: text["text"]}, "missing": []}
    page = (await get(api, "/v1/changes", after="8", limit="1")).json()
    expected = example("/v1/changes", "get", "200", "relation")["items"][0]["payload"]
    assert rec.as_in_examples(page["items"][0]["payload"]) == expected
    ledger = (await get(api, f"/v1/acts/{DECREE_552}/ledger")).json()
    assert [e["operation"] for e in ledger["items"]] == ["create_act", "add_relation"]
    assert (await get(api, "/v1/snapshot")).text.count("\n") > 9

    # Writes: a correction, a retraction, checkpoints.
    body = request_example("/v1/corrections", "post", "repeal-date")
    body["target"]["id"] = next(k for k, v in rec.relation_ids.items() if v == body["target"]["id"])
    created = await api.post("/v1/corrections", body)
    assert created.status_code == 201, created.text
    assert conforms(created)["payload"]["correction"]["reason"] == body["reason"]
    retraction = {"target": {"kind": "relation", "id": next(k for k, v in rec.relation_ids.items()
                                                          if v == EXAMPLE_RELATION_IDS[2])}, "reason": "x"}
    assert conforms(await api.post("/v1/retractions", retraction))["operation"] == "retract"
    checkpoint = await api.post("/v1/audit/checkpoints", {})
    assert checkpoint.status_code == 201 and conforms(checkpoint)["seq"] == 11
    again = await api.post("/v1/audit/checkpoints", {})
    assert again.status_code == 200 and conforms(again) == checkpoint.json()
    status = (await get(api, f"{act}/status", date="2022-09-15")).json()
    assert status["status"]["code"] == "in_force" and status["as_of_seq"] == 12  # the repeal moved to the 16th
    assert (await get(api, f"{act}/status", date="2022-09-15", as_of="9")).json()["status"]["code"] == "repealed"

    # Errors.
    for path, params, status_code in [("/v1/changes", {"after": "x"}, 400), ("/v1/acts", {"as_of": "tomorrow"}, 400),
                                      ("/v1/acts", {"as_of": "99"}, 400), ("/v1/texts/abc", {}, 400),
                                      (f"/v1/texts/{'0' * 64}", {}, 404), ("/v1/audit/proof", {}, 400),
                                      (f"/v1/acts/{'0' * 26}/ledger", {}, 404), ("/v1/changes.atom", {"act": "x"}, 400),
                                      ("/v1/audit/checkpoints", {"limit": "0"}, 400), ("/v1/snapshot", {"as_of": "x"}, 400)]:
        await get(api, path, status_code, **params)
    for path, payload, status_code in [
            ("/v1/corrections", {"target": {"kind": "act", "act_id": DECREE_1014}, "reason": "x"}, 400),
            ("/v1/retractions", {"target": {"kind": "act", "act_id": DECREE_148}, "reason": "x"}, 409),
            ("/v1/retractions", {"target": {"kind": "edition", "act_id": DECREE_148, "valid_from": "2000-01-01"},
                                 "reason": "x"}, 404),
            ("/v1/texts/batch", {"sha256": "x"}, 400)]:
        r = await api.post(path, payload)
        assert r.status_code == status_code, r.text
        conforms(r)
    for path in ("/v1/corrections", "/v1/retractions", "/v1/audit/checkpoints"):
        r = await api.client.post(path, json={})
        assert r.status_code == 401
        conforms(r)


def request_example_plain(path: str) -> Any:
    return spec()["paths"][path]["post"]["requestBody"]["content"]["application/json"]["example"]
