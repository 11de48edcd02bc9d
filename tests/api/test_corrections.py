"""Corrections and retractions through HTTP: the fact is superseded by a new ledger entry with its
reason, the old fact stays in history (as_of), and the act's ledger shows who did what, when and why."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api

LAW = {"jurisdiction": "kz", "type": "law", "number": "12", "adopted_on": "2020-03-01", "titles": {"ru": "Закон"},
       "entry_into_force": {"date": "2020-03-10"}, "external_ids": ["Z2000000012"]}
REPEALER = {"jurisdiction": "kz", "type": "law", "number": "99", "adopted_on": "2023-05-05", "titles": {"ru": "Закон 99"}}


def units(*texts: str) -> dict[str, Any]:
    return {"units": [{"eId": f"point_{i}", "kind": "point", "num": str(i), "text": t}
                      for i, t in enumerate(texts, start=1)]}


async def ok(api: Api, path: str, body: object, status: int = 201) -> dict[str, Any]:
    r = await api.post(path, body)
    assert r.status_code == status, r.text
    return r.json()  # type: ignore[no-any-return]


async def get(api: Api, path: str, **params: str) -> dict[str, Any]:
    r = await api.get(path, params=params)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


async def test_a_wrong_repeal_date_is_corrected(api: Api) -> None:
    law, repealer = await ok(api, "/v1/acts", LAW), await ok(api, "/v1/acts", REPEALER)
    relation = await ok(api, "/v1/relations", {"type": "repeals", "source_act": repealer["id"],
                                               "target_act": law["id"], "effective_date": "2023-05-05",
                                               "basis": "convention"})
    status = f"/v1/acts/{law['id']}/status"
    assert (await get(api, status, date="2023-06-01"))["status"]["code"] == "repealed"

    entry = await ok(api, "/v1/corrections", {
        "target": {"kind": "relation", "id": relation["id"]},
        "reason": "the repeal takes effect on 1 July 2023 (article 2 of law 99)",
        "replacement": {"type": "repeals", "source_act": repealer["id"], "target_act": law["id"],
                        "effective_date": "2023-07-01", "basis": "stated"}})
    assert entry["operation"] == "correct" and entry["seq"] == 4
    assert entry["payload"]["correction"]["target"] == {"kind": "relation", "id": relation["id"],
                                                        "acts": sorted([law["id"], repealer["id"]]), "recorded_seq": 3}
    assert (await get(api, status, date="2023-06-01"))["status"]["code"] == "in_force"
    assert (await get(api, status, date="2023-07-01"))["status"]["code"] == "repealed"
    assert (await get(api, status, date="2023-06-01", as_of="3"))["status"]["code"] == "repealed"

    relations = (await get(api, f"/v1/acts/{law['id']}/relations"))["items"]
    assert [(r["id"], r["effective_date"], r["recorded_seq"]) for r in relations] == [
        (relation["id"], "2023-07-01", 4)]  # the same relation, its corrected version

    ledger = (await get(api, f"/v1/acts/{law['id']}/ledger"))["items"]
    assert [(e["seq"], e["operation"]) for e in ledger] == [(1, "create_act"), (3, "add_relation"), (4, "correct")]
    assert ledger[-1]["reason"] == "the repeal takes effect on 1 July 2023 (article 2 of law 99)"
    assert ledger[-1]["actor"] == "test-writer" and ledger[0]["reason"] is None
    assert "correction of relation" in ledger[-1]["summary"]


async def test_an_act_is_corrected_and_keeps_its_id(api: Api) -> None:
    law = await ok(api, "/v1/acts", LAW)
    fixed = {**LAW, "number": "13", "external_ids": ["Z2000000013"]}
    await ok(api, "/v1/corrections", {"target": {"kind": "act", "act_id": law["id"]}, "reason": "misread number",
                                      "replacement": fixed})
    now = await get(api, f"/v1/acts/{law['id']}")
    assert (now["number"], now["akn_uri"], now["external_ids"]) == ("13", "/akn/kz/act/law/2020-03-01/13",
                                                                    ["Z2000000013"])
    assert (await api.get("/akn/kz/act/law/2020-03-01/12")).status_code == 404
    assert (await get(api, "/akn/kz/act/law/2020-03-01/13"))["id"] == law["id"]
    assert (await get(api, "/v1/acts", external_id="Z2000000012"))["items"] == []
    then = await get(api, f"/v1/acts/{law['id']}", as_of="1")
    assert (then["number"], then["external_ids"]) == ("12", ["Z2000000012"])
    # The old alias is free again; the new one is taken.
    await ok(api, "/v1/acts", {**LAW, "number": "12", "adopted_on": "2020-03-01"})
    assert (await api.post("/v1/acts", {**LAW, "number": "14", "external_ids": ["Z2000000013"]})).status_code == 409


async def test_an_edition_is_corrected_without_disturbing_later_editions(api: Api) -> None:
    law = await ok(api, "/v1/acts", LAW)
    editions = f"/v1/acts/{law['id']}/editions"
    await ok(api, editions, {"valid_from": "2020-03-10", "expressions": {"ru": units("Один.", "Два.", "Три.")}})
    await ok(api, editions, {"valid_from": "2021-01-01", "expressions": {"ru": units("Один.", "Два (новая).", "Три.")}})
    await ok(api, editions, {"valid_from": "2022-01-01", "expressions": {"ru": units("Один.", "Два (новая).", "Три!")}})

    await ok(api, "/v1/corrections", {
        "target": {"kind": "edition", "act_id": law["id"], "valid_from": "2021-01-01"}, "reason": "typo in point 1",
        "replacement": {"valid_from": "2021-01-01", "expressions": {"ru": units("Один (верно).", "Два (новая).", "Три.")}}})
    text = f"/v1/acts/{law['id']}/text"
    assert (await get(api, text, date="2020-06-01"))["text"] == "Один.\n\nДва.\n\nТри."
    assert (await get(api, text, date="2021-06-01"))["text"] == "Один (верно).\n\nДва (новая).\n\nТри."
    assert (await get(api, text, date="2022-06-01"))["text"] == "Один.\n\nДва (новая).\n\nТри!"
    assert (await get(api, text, date="2021-06-01", as_of="4"))["text"] == "Один.\n\nДва (новая).\n\nТри."


async def test_an_edition_with_a_wrong_date_is_moved(api: Api) -> None:
    law = await ok(api, "/v1/acts", LAW)
    editions = f"/v1/acts/{law['id']}/editions"
    await ok(api, editions, {"valid_from": "2020-03-10", "expressions": {"ru": units("А.")}})
    await ok(api, editions, {"valid_from": "2021-01-01", "expressions": {"ru": units("Б.")}})
    await ok(api, editions, {"valid_from": "2023-01-01", "expressions": {"ru": units("А.")}})
    await ok(api, "/v1/corrections", {
        "target": {"kind": "edition", "act_id": law["id"], "valid_from": "2021-01-01"}, "reason": "wrong date",
        "replacement": {"valid_from": "2022-01-01", "expressions": {"ru": units("Б.")}}})
    listed = (await get(api, editions))["items"]
    assert [e["valid_from"] for e in listed] == ["2020-03-10", "2022-01-01", "2023-01-01"]
    text = f"/v1/acts/{law['id']}/text"
    assert [(await get(api, text, date=d))["text"] for d in ("2021-06-01", "2022-06-01", "2023-06-01")] == [
        "А.", "Б.", "А."]


async def test_retractions(api: Api) -> None:
    law, repealer = await ok(api, "/v1/acts", LAW), await ok(api, "/v1/acts", REPEALER)
    editions = f"/v1/acts/{law['id']}/editions"
    await ok(api, editions, {"valid_from": "2020-03-10", "expressions": {"ru": units("А.")}})
    await ok(api, editions, {"valid_from": "2021-01-01", "expressions": {"ru": units("Б.")}})
    relation = await ok(api, "/v1/relations", {"type": "repeals", "source_act": repealer["id"],
                                               "target_act": law["id"], "effective_date": "2023-05-05"})
    refused = await api.post("/v1/retractions", {"target": {"kind": "act", "act_id": law["id"]}, "reason": "dup"})
    assert refused.status_code == 409 and refused.json()["type"] == "urn:lextime:problem:still-referenced"
    assert refused.json()["relations"] == [relation["id"]]

    await ok(api, "/v1/retractions", {"target": {"kind": "relation", "id": relation["id"]}, "reason": "not a repeal"})
    await ok(api, "/v1/retractions", {"target": {"kind": "edition", "act_id": law["id"], "valid_from": "2021-01-01"},
                                      "reason": "this edition belongs to another act"})
    assert (await get(api, f"/v1/acts/{law['id']}/text", date="2024-01-01"))["text"] == "А."
    assert (await get(api, f"/v1/acts/{law['id']}/status", date="2024-01-01"))["status"]["code"] == "in_force"
    await ok(api, "/v1/retractions", {"target": {"kind": "edition", "act_id": law["id"], "valid_from": "2020-03-10"},
                                      "reason": "x"})
    entry = await ok(api, "/v1/retractions", {"target": {"kind": "act", "act_id": law["id"]},
                                              "reason": "recorded twice"})
    assert entry["payload"] == {"retraction": {"target": {"kind": "act", "act_id": law["id"], "recorded_seq": 1},
                                               "reason": "recorded twice"}}
    assert (await api.get(f"/v1/acts/{law['id']}")).status_code == 404
    assert (await get(api, f"/v1/acts/{law['id']}", as_of=str(entry["seq"] - 1)))["id"] == law["id"]
    history = (await get(api, f"/v1/acts/{law['id']}/ledger"))["items"]
    assert [e["operation"] for e in history][-1] == "retract" and history[-1]["reason"] == "recorded twice"
    assert (await api.get("/v1/acts", params={"external_id": "Z2000000012"})).json()["items"] == []


@pytest.mark.parametrize("body, status, slug", [
    ({"target": {"kind": "relation", "id": "01ARZ3NDEKTSV4RRFFQ69G5FAV"}, "reason": "x",
      "replacement": {"type": "cites", "source_act": "01ARZ3NDEKTSV4RRFFQ69G5FAV",
                      "target_act": "01ARZ3NDEKTSV4RRFFQ69G5FAV"}}, 404, "not-found"),
    ({"target": {"kind": "act", "act_id": "01ARZ3NDEKTSV4RRFFQ69G5FAV"}, "reason": "x", "replacement": LAW},
     404, "not-found"),
    ({"target": {"kind": "statute", "act_id": "01ARZ3NDEKTSV4RRFFQ69G5FAV"}, "reason": "x"}, 400, "invalid-request"),
    ({"target": {"kind": "act", "id": "01ARZ3NDEKTSV4RRFFQ69G5FAV"}, "reason": "x"}, 400, "unknown-fields"),
    ({"target": {"kind": "act", "act_id": "not-a-ulid"}, "reason": "x"}, 400, "invalid-request"),
])
async def test_bad_corrections(api: Api, body: dict[str, Any], status: int, slug: str) -> None:
    path = "/v1/corrections" if "replacement" in body else "/v1/retractions"
    r = await api.post(path, body)
    assert r.status_code == status, r.text
    assert r.json()["type"] == f"urn:lextime:problem:{slug}"


async def test_a_correction_needs_a_reason_a_replacement_and_a_key(api: Api) -> None:
    law = await ok(api, "/v1/acts", LAW)
    target = {"kind": "act", "act_id": law["id"]}
    r = await api.post("/v1/corrections", {"target": target, "replacement": LAW})
    assert r.status_code == 400 and r.json()["invalid_params"][0]["name"] == "body.reason"
    r = await api.post("/v1/corrections", {"target": target, "reason": "  ", "replacement": LAW})
    assert r.status_code == 400 and r.json()["invalid_params"][0]["name"] == "body.reason"
    r = await api.post("/v1/corrections", {"target": target, "reason": "x"})
    assert r.status_code == 400 and r.json()["invalid_params"][0]["name"] == "body.replacement"
    r = await api.post("/v1/corrections", {"target": target, "reason": "x", "replacement": {**LAW, "type": "ukaz"}})
    assert r.status_code == 400 and r.json()["invalid_params"][0]["name"] == "body.replacement.type"
    assert "body.replacement.type" in r.json()["detail"]
    r = await api.client.post("/v1/corrections", json={"target": target, "reason": "x", "replacement": LAW})
    assert r.status_code == 401
    r = await api.post("/v1/retractions", {"target": {"kind": "edition", "act_id": law["id"],
                                                      "valid_from": "2020-01-01"}, "reason": "x"})
    assert r.status_code == 404 and r.json()["type"] == "urn:lextime:problem:edition-not-found"
    assert (await api.get("/v1/changes")).json()["items"][-1]["seq"] == 1  # nothing half-done


async def test_two_corrections_of_the_same_version_one_wins(api: Api) -> None:
    """The second correction names a version that is no longer current: refused, nothing written."""
    import asyncio

    law = await ok(api, "/v1/acts", LAW)
    bodies = [{"target": {"kind": "act", "act_id": law["id"]}, "reason": f"fix {n}",
               "replacement": {**LAW, "number": str(n), "external_ids": []}} for n in (20, 21, 22, 23)]
    results = await asyncio.gather(*(api.post("/v1/corrections", b) for b in bodies))
    codes = sorted(r.status_code for r in results)
    assert codes.count(201) >= 1 and set(codes) <= {201, 409}
    history = (await get(api, f"/v1/acts/{law['id']}/ledger"))["items"]
    assert len(history) == 1 + codes.count(201)


async def test_a_replacement_text_longer_than_the_contract_allows_is_refused(api: Api) -> None:
    # Longer than the contract's maxLength (schemathesis cannot make a string that long: tests/contract).
    law = await ok(api, "/v1/acts", LAW)
    editions = f"/v1/acts/{law['id']}/editions"
    await ok(api, editions, {"valid_from": "2020-03-10", "expressions": {"ru": units("Один.")}})
    r = await api.post("/v1/corrections", {
        "target": {"kind": "edition", "act_id": law["id"], "valid_from": "2020-03-10"}, "reason": "typo",
        "replacement": {"valid_from": "2020-03-10", "expressions": {"ru": units("я" * 1_000_001)}}})
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert (await get(api, f"/v1/acts/{law['id']}/text", date="2020-06-01"))["text"] == "Один."
