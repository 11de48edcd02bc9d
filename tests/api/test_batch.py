"""POST /v1/batch/text over HTTP: many lookups answered as the single-text route answers them, in order,
a bad item answered with its own problem, a bad batch refused whole, all checked against the contract."""

from __future__ import annotations

from typing import Any

from service.api.batch import MAX_ITEMS
from tests.conftest import Api
from tests.test_openapi import (
    DECREE_148,
    DECREE_552,
    UNKNOWN_ACT,
    conforms,
    example,
    record_the_concept,
    request_example,
)

BATCH = "/v1/batch/text"


async def batch(api: Api, items: Any, expect: int = 200) -> Any:
    # Open like every read: no key sent.
    r = await api.client.post(BATCH, json={"items": items})
    assert r.status_code == expect, r.text
    return conforms(r)


async def test_each_answer_is_the_single_route_answer(api: Api) -> None:
    await record_the_concept(api)
    asks = [(DECREE_148, "2016-06-01", "ru"), (DECREE_148, "2019-06-01", "kk"), (DECREE_148, "2023-01-01", "ru"),
            (DECREE_148, "2015-12-27", "ru"), (DECREE_552, "2014-06-01", None), (DECREE_148, "2016-06-01", "ru")]
    items = [{"act": a, "date": d, **({"lang": lang} if lang else {})} for a, d, lang in asks]
    got = await batch(api, items)
    assert [o["index"] for o in got["items"]] == list(range(len(asks)))
    for (act, day, lang), outcome in zip(asks, got["items"]):
        params = {"date": day, **({"lang": lang} if lang else {})}
        single = await api.get(f"/v1/acts/{act}/text", params=params)
        assert outcome == {"index": outcome["index"], "status": 200, "answer": single.json()}


async def test_the_contract_example_holds(api: Api) -> None:
    rec = await record_the_concept(api)
    asked = request_example(BATCH, "post", "three-lookups")
    r = await api.client.post(BATCH, json=asked)
    shown = example(BATCH, "post", "200", "three-lookups")
    got = rec.as_in_examples(conforms(r))  # relation ids as the examples give them
    assert len(got["items"]) == 3 and got["items"][0]["status"] == 200
    # The example shows the second and third outcomes in full (the first is abridged).
    assert got["items"][1:] == shown["items"]


async def test_a_bad_item_does_not_fail_the_others(api: Api) -> None:
    await record_the_concept(api)
    items: list[Any] = [
        {"act": DECREE_148, "date": "2016-06-01", "lang": "ru"},
        {"act": UNKNOWN_ACT, "date": "2016-06-01"},
        {"act": DECREE_148, "date": "2016-13-01"},
        {"act": DECREE_148, "lang": "de"},
        {"act": DECREE_148, "lang": "en"},
        {"act": DECREE_148, "day": "2016-06-01"},
        "not an object",
        {"act": "not-a-ulid"},
        {"date": "2016-06-01"},
        {"act": DECREE_148, "date": "2016-06-01", "lang": "kaz"},
    ]
    got = (await batch(api, items))["items"]
    statuses = [o["status"] for o in got]
    assert statuses == [200, 404, 400, 400, 404, 400, 400, 404, 400, 200]
    types = [o["problem"]["type"].rsplit(":", 1)[1] if "problem" in o else None for o in got]
    assert types == [None, "not-found", "invalid-request", "unknown-language", "language-not-available",
                     "unknown-fields", "invalid-request", "not-found", "invalid-request", None]
    assert got[2]["problem"]["invalid_params"] == [{"name": "body.items[2].date",
                                                    "reason": "body.items[2].date is not a real calendar date: "
                                                              "'2016-13-01'"}]
    assert got[4]["problem"]["available"] == ["kk", "ru"]
    assert got[9]["answer"]["lang"] == "kk" and got[9]["answer"]["status"]["code"] == "in_force"


async def test_a_bad_batch_is_refused_whole(api: Api) -> None:
    one = {"act": DECREE_148}
    for body in ({}, {"items": []}, {"items": one}, {"items": [one] * (MAX_ITEMS + 1)}, {"items": [one], "x": 1}, []):
        r = await api.client.post(BATCH, json=body)
        assert r.status_code == 400, (body, r.text)
        assert conforms(r)["type"] in ("urn:lextime:problem:invalid-request", "urn:lextime:problem:unknown-fields")
    r = await api.client.post(BATCH, content=b"{")
    assert r.status_code == 400 and conforms(r)["type"] == "urn:lextime:problem:malformed-json"
    r = await api.client.get(BATCH)
    assert r.status_code == 405 and r.headers["Allow"] == "POST"


async def test_all_items_see_one_moment_and_writes_show_at_once(api: Api) -> None:
    """A batch answers as known at one seq; a write is seen by the very next request (the cache is exact)."""
    await record_the_concept(api)
    before = (await batch(api, [{"act": DECREE_552, "date": "2014-06-01"}]))["items"][0]["answer"]
    assert before["status"]["certain"] is False
    r = await api.post("/v1/relations", {"type": "commences", "source_act": DECREE_148, "target_act": DECREE_552,
                                         "effective_date": "2013-05-01"})
    assert r.status_code == 201, r.text
    after = (await batch(api, [{"act": DECREE_552, "date": "2014-06-01"}] * 2))["items"]
    assert after[0]["answer"] == after[1]["answer"]
    assert after[0]["answer"]["status"]["certain"] is True
    assert after[0]["answer"]["status"]["since"] == "2013-05-01"
