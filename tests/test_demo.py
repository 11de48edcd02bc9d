"""The demo act answers as the README shows, and loading it twice records nothing new."""

from __future__ import annotations

from service.demo import DEMO_EXTERNAL_ID, load_demo
from tests.conftest import Api


async def test_demo_loads_once_and_answers(api: Api) -> None:
    act_id = await load_demo(api.dsn)
    assert await load_demo(api.dsn) == act_id
    r = await api.get("/v1/acts", params={"external_id": DEMO_EXTERNAL_ID})
    assert [a["id"] for a in r.json()["items"]] == [act_id]

    before = (await api.get(f"/v1/acts/{act_id}/text", params={"date": "2021-06-30", "lang": "ru"})).json()
    after = (await api.get(f"/v1/acts/{act_id}/text", params={"date": "2021-07-01", "lang": "ru"})).json()
    assert before["edition"]["valid_from"] == "2020-01-21"
    assert after["edition"]["valid_from"] == "2021-07-01"
    assert before["units"][2]["text"] != after["units"][2]["text"]
    assert before["units"][:2] == after["units"][:2]
    assert "хэшей" in after["units"][2]["text"]

    kk = (await api.get(f"/v1/acts/{act_id}/text", params={"date": "2021-07-01", "lang": "kk"})).json()
    assert kk["lang"] == "kk" and len(kk["units"]) == 3

    early = (await api.get(f"/v1/acts/{act_id}/status", params={"date": "2020-01-20"})).json()
    assert early["status"]["code"] == "not_yet_in_force"
    gone = (await api.get(f"/v1/acts/{act_id}/status", params={"date": "2027-01-01"})).json()
    assert gone["status"]["code"] == "repealed"
    assert (await api.get(f"/v1/acts/{act_id}/status", params={"date": "2026-12-31"})).json()["status"]["code"] == "in_force"
    rels = (await api.get(f"/v1/acts/{act_id}/relations")).json()["items"]
    assert sorted(r["label"] for r in rels) == ["amended_by", "repealed_by"]
