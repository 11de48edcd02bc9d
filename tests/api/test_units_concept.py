"""The Concept (DESIGN.md) at the level of its units: compare 2016-06-01 → 2020-01-01 reports the annex as
changed by Decree No. 824 (its 2015 wording unknown) and points 1–5 as unchanged — whether the 2019 wording
came as a full edition (as tests/api/test_concept.py records it) or as a unit-level amendment. Recorded with
the contract's ids, the unit answers equal the contract's examples."""

from __future__ import annotations

import copy
from typing import Any

from tests.api.test_concept import KK_ANNEX_2019, KK_POINTS, RU_ANNEX_2019, RU_POINTS, Concept, _expression, concept
from tests.conftest import Api
from tests.test_openapi import DECREE_148, DECREE_824, DECREE_1014, conforms, example, request_example

__all__ = ["concept"]  # the fixture, imported for its use below

COMPARE = {"from": "2016-06-01", "to": "2020-01-01", "lang": "ru"}


def _points_unchanged(answer: dict[str, Any]) -> None:
    assert [u["wId"] for u in answer["unchanged"]] == [f"point_{i}" for i in range(1, 6)]
    assert answer["summary"] == {"added": 0, "repealed": 0, "changed": 1, "renumbered": 0, "unchanged": 5}


async def test_compare_with_the_2019_wording_as_a_full_edition(api: Api, concept: Concept) -> None:
    r = await api.get(f"/v1/acts/{concept.d148}/compare", params=COMPARE)
    answer = conforms(r)
    _points_unchanged(answer)
    [annex] = answer["changed"]
    assert annex["wId"] == "att_1"
    assert annex["from"]["text_available"] is False and annex["from"]["text"] is None
    assert annex["to"]["text"] == RU_ANNEX_2019
    assert [m["act"] for m in annex["by"]] == [concept.d824]
    assert annex["diff"] is None and "not known" in annex["note"]
    kazakh = conforms(await api.get(f"/v1/acts/{concept.d148}/compare", params={**COMPARE, "lang": "kk"}))
    assert kazakh["changed"][0]["to"]["text"] == KK_ANNEX_2019 and len(kazakh["unchanged"]) == 5
    page = await api.get(f"/v1/acts/{concept.d148}/compare", params={**COMPARE, "format": "html"})
    assert "824" in page.text and "not known" in page.text


async def _record_with_contract_ids(api: Api, suffix: str = "") -> dict[str, str]:
    """Decrees 148, 824 and 1014 with the contract's ids; 2019's wording of the annex as an amendment.
    (`suffix` changes their numbers, so that they can sit beside the fixture's Concept.)"""
    titles = {"kk": "Қазақстан халқы Ассамблеясының (2025 жылға дейінгі) даму тұжырымдамасын бекіту туралы",
              "ru": "Об утверждении Концепции развития Ассамблеи народа Казахстана (до 2025 года)"}
    for act_id, number, day in ((DECREE_148, "148", "2015-12-28"), (DECREE_824, "824", "2019-01-09"),
                                (DECREE_1014, "1014", "2022-09-15")):
        body: dict[str, Any] = {"id": act_id, "jurisdiction": "kz", "type": "decree", "number": number + suffix,
                                "adopted_on": day, "titles": {"ru": f"Указ № {number}"}}
        if number == "148":
            body |= {"titles": titles, "entry_into_force": {
                "date": "2015-12-28", "rule": "Настоящий Указ вводится в действие со дня его подписания."}}
        assert (await api.post("/v1/acts", body)).status_code == 201
    r = await api.post(f"/v1/acts/{DECREE_148}/editions", {"valid_from": "2015-12-28", "expressions": {
        "kk": _expression(KK_POINTS, None), "ru": _expression(RU_POINTS, None)}})
    assert r.status_code == 201
    r = await api.post("/v1/relations", {"type": "repeals", "source_act": DECREE_1014, "target_act": DECREE_148,
                                         "effective_date": "2022-09-15", "basis": "convention",
                                         "note": "Сноска. Утратил силу Указом Президента РК от 15.09.2022 № 1014."})
    ids = {r.json()["id"]: "01M89QFVXCASZTEHWDNE3FHMK8"}
    body = request_example("/v1/acts/{act_id}/amendments", "post", "annex-new-wording")
    r = await api.post(f"/v1/acts/{DECREE_148}/amendments", body)
    recorded = conforms(r)
    ids[recorded["id"]] = "01M89SWTRWRXSYS4BPAN57GSNZ"
    ids[recorded["operations"][0]["relation"]] = "01M89SWTRWRXSYS4BPAN57GSP0"
    return ids


def _as_in_examples(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _as_in_examples(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_in_examples(v, ids) for v in value]
    return ids.get(value, value) if isinstance(value, str) else value


async def _get(api: Api, ids: dict[str, str], path: str, **params: str) -> Any:
    r = await api.get(f"/v1/acts/{DECREE_148}{path}", params=params)
    assert r.status_code == 200, r.text
    return _as_in_examples(conforms(r), ids)


async def test_unit_answers_equal_the_contracts_examples(api: Api) -> None:
    ids = await _record_with_contract_ids(api)
    units = "/v1/acts/{act_id}/units/{unit_id}"
    assert await _get(api, ids, "/units/att_1", date="2019-06-01", lang="ru") == example(units, "get", "200",
                                                                                           "annex-2019")
    assert await _get(api, ids, "/units/att_1/versions", lang="ru") == example(
        f"{units}/versions", "get", "200", "annex")
    compared = await _get(api, ids, "/compare", **COMPARE)
    assert compared == example("/v1/acts/{act_id}/compare", "get", "200", "decree-148")
    _points_unchanged(compared)

    toc = await _get(api, ids, "/toc", date="2016-06-01", lang="ru")
    abridged = copy.deepcopy(toc)
    abridged["items"] = [x for x in toc["items"] if x["wId"] in ("point_1", "point_5", "att_1")]
    assert abridged == example("/v1/acts/{act_id}/toc", "get", "200", "decree-148-2016")
    assert [x["wId"] for x in toc["items"]] == [*(f"point_{i}" for i in range(1, 6)), "att_1"]

    timeline = await _get(api, ids, "/timeline", lang="ru")
    first = timeline["points"][0]["events"]
    timeline["points"][0]["events"] = [e for e in first if e["type"] != "unit" or e["wId"] in ("point_1", "att_1")]
    assert timeline == example("/v1/acts/{act_id}/timeline", "get", "200", "decree-148")

    listed = await _get(api, ids, "/amendments")
    assert listed == example("/v1/acts/{act_id}/amendments", "get", "200", "decree-148")


async def test_the_same_compare_answer_either_way(api: Api, concept: Concept) -> None:
    """The 2019 wording as a full edition (the fixture) or as an amendment gives the same comparison."""
    ids = await _record_with_contract_ids(api, suffix="-bis")
    as_amendment = await _get(api, ids, "/compare", **COMPARE)
    as_edition = conforms(await api.get(f"/v1/acts/{concept.d148}/compare", params=COMPARE))
    for answer in (as_amendment, as_edition):
        answer.pop("act"), answer.pop("status_from"), answer.pop("status_to")
        for x in answer["changed"]:
            x.pop("by")
    assert as_amendment == as_edition
