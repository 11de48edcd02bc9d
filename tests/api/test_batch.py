"""POST /v1/batch/text over HTTP: many lookups answered as the single-text route answers them, in order,
a bad item answered with its own problem, a bad batch refused whole, all checked against the contract."""

from __future__ import annotations

from typing import Any

import asyncpg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.api.batch import MAX_ITEMS
from service.store.keys import insert_key
from tests.conftest import Api, served
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
        single = (await api.get(f"/v1/acts/{act}/text", params=params)).json()
        assert single.pop("as_of_seq") == got["as_of_seq"]  # the batch's seq, once, at its top
        assert outcome == {"index": outcome["index"], "status": 200, "answer": single}


async def test_the_contract_example_holds(api: Api) -> None:
    rec = await record_the_concept(api)
    asked = request_example(BATCH, "post", "three-lookups")
    r = await api.client.post(BATCH, json=asked)
    shown = example(BATCH, "post", "200", "three-lookups")
    got = rec.as_in_examples(conforms(r))  # relation ids as the examples give them
    assert len(got["items"]) == 3 and got["items"][0]["status"] == 200
    # The example shows the second and third outcomes in full (the first is abridged).
    assert got["items"][1:] == shown["items"]
    assert got["as_of_seq"] == shown["as_of_seq"] == int(r.headers["X-Lextime-Seq"])


async def test_a_bad_item_does_not_fail_the_others(api: Api) -> None:
    await record_the_concept(api)
    items: list[Any] = [
        {"act": DECREE_148, "date": "2016-06-01", "lang": "ru"},
        {"act": UNKNOWN_ACT, "date": "2016-06-01"},
        {"act": DECREE_148, "date": "2016-13-01"},
        {"act": DECREE_148, "lang": "zu"},
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


async def test_as_of_answers_as_known_then_cached_or_not(api: Api) -> None:
    """`as_of` pins every item to that seq: after a write (and with the answer of the head in the worker's
    cache) a batch at the old seq answers as the single route at that seq does, never from the cache's
    newer facts; the default day is the `as_of` day."""
    await record_the_concept(api)
    item = {"act": DECREE_552, "date": "2014-06-01"}
    old = await batch(api, [item])
    seq = old["as_of_seq"]
    r = await api.post("/v1/relations", {"type": "commences", "source_act": DECREE_148, "target_act": DECREE_552,
                                         "effective_date": "2013-05-01"})
    assert r.status_code == 201, r.text
    assert (await batch(api, [item]))["items"][0]["answer"]["status"]["certain"] is True  # cached at the head
    r = await api.client.post(BATCH, params={"as_of": str(seq)}, json={"items": [item, {"act": DECREE_148}]})
    pinned = conforms(r)
    assert r.status_code == 200 and pinned["as_of_seq"] == seq and pinned["as_of"] == str(seq)
    assert r.headers["X-Lextime-Seq"] == str(seq)
    assert pinned["items"][0]["answer"] == old["items"][0]["answer"]
    assert pinned["items"][0]["answer"]["status"]["certain"] is False
    single = (await api.get(f"/v1/acts/{DECREE_148}/text", params={"as_of": str(seq)})).json()
    assert pinned["items"][1]["answer"]["date"] == single["date"]  # the as_of day, as the single route
    assert pinned["items"][1]["answer"] == {k: v for k, v in single.items() if k not in ("as_of_seq", "as_of")}
    for bad in ("99999999", "x", "2999-01-01T00:00:00Z"):
        r = await api.client.post(BATCH, params={"as_of": bad}, json={"items": [item]})
        assert r.status_code == 400, r.text
        assert conforms(r)["type"] in ("urn:lextime:problem:as-of-in-future", "urn:lextime:problem:invalid-request")
    r = await api.client.post(BATCH, params={"date": "2020-01-01"}, json={"items": [item]})
    assert r.status_code == 400 and conforms(r)["type"] == "urn:lextime:problem:unknown-parameters"


async def test_with_private_reads_a_batch_needs_a_read_key(database: str, owner: asyncpg.Connection) -> None:
    reader = await insert_key(owner, name="batch-reader", scopes=("read",))
    async with served(database, LEXTIME_PRIVATE_READS="true") as client:
        body = {"items": [{"act": UNKNOWN_ACT}]}
        for path, payload in ((BATCH, body), ("/v1/texts/batch", {"sha256": ["0" * 64]})):
            r = await client.post(path, json=payload)
            assert r.status_code == 401 and conforms(r)["type"] == "urn:lextime:problem:unauthorized"
            r = await client.post(path, json=payload, headers={"Authorization": f"Bearer {reader}"})
            assert r.status_code == 200, r.text


async def test_batches_are_limited_as_expensive_reads_not_writes(database: str) -> None:
    async with served(database, LEXTIME_EXPENSIVE_RATE_PER_MINUTE="1", LEXTIME_RATE_BURST="2",
                      LEXTIME_WRITE_RATE_PER_MINUTE="0") as client:
        codes = [(await client.post(BATCH, json={"items": [{"act": UNKNOWN_ACT}]})).status_code for _ in range(3)]
        assert codes == [200, 200, 429]


_json = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30),
                     lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
                     max_leaves=8)
_items = st.fixed_dictionaries({}, optional={
    "act": st.sampled_from([DECREE_148, UNKNOWN_ACT, "x", ""]) | _json,
    "date": st.sampled_from(["2016-06-01", "0001-01-01", "9999-12-31", "2016-02-30", ""]) | _json,
    "lang": st.sampled_from(["ru", "kk", "rus", "de", ""]) | _json,
    "other": _json,
}) | _json


async def test_no_item_gives_a_500(api: Api) -> None:
    """Whatever the items hold (generated by hypothesis, then sent over HTTP), the batch answers 200 with a
    200/400/404 outcome per item, as the contract says, or a 400 for the batch."""
    await record_the_concept(api)
    cases: list[list[Any]] = []

    @settings(max_examples=80, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(items=st.lists(_items, min_size=1, max_size=5))
    def collect(items: list[Any]) -> None:
        cases.append(items)

    collect()
    for items in cases:
        r = await api.client.post(BATCH, json={"items": items})
        assert r.status_code in (200, 400), (items, r.text)
        body = conforms(r)
        if r.status_code == 200:
            assert [o["index"] for o in body["items"]] == list(range(len(items)))


async def test_the_first_calendar_day_is_read_back_from_the_cached_entry(api: Api) -> None:
    """0001-01-01 is stored as PostgreSQL's -infinity (asyncpg's date.min); the one-query act entry reads it
    from jsonb, where it is written '-infinity', and must give date.min back, not fail."""
    act = await api.post("/v1/acts", {"jurisdiction": "kz", "type": "law", "titles": {"ru": "Закон"},
                                      "entry_into_force": {"date": "0001-01-01"}})
    assert act.status_code == 201, act.text
    act_id = act.json()["id"]
    edition = {"valid_from": "0001-01-01", "expressions": {"ru": {"text": "Первая редакция."}}}
    assert (await api.post(f"/v1/acts/{act_id}/editions", edition)).status_code == 201
    single = await api.get(f"/v1/acts/{act_id}/text", params={"date": "0001-01-01"})
    assert single.status_code == 200, single.text
    assert single.json()["text"] == "Первая редакция." and single.json()["edition"]["valid_from"] == "0001-01-01"
    got = await batch(api, [{"act": act_id, "date": "0001-01-01"}, {"act": act_id, "date": "2020-01-01"}])
    assert [o["status"] for o in got["items"]] == [200, 200]
    assert got["items"][0]["answer"]["text"] == "Первая редакция."
