from __future__ import annotations

from tests.conftest import Api


async def test_create_and_read_act(api: Api) -> None:
    r = await api.post("/v1/acts", {"jurisdiction": "kz", "type": "decree", "number": "1", "adopted_on": "2020-01-01",
                                    "titles": {"ru": "Тест"}, "entry_into_force": {"date": "2020-01-02"}})
    assert r.status_code == 201, r.text
    act = r.json()
    r = await api.post(f"/v1/acts/{act['id']}/editions", {"valid_from": "2020-01-02", "expressions": {"ru": {"text": "Один.\n\nДва."}}})
    assert r.status_code == 201, r.text
    r = await api.get(f"/v1/acts/{act['id']}/text", params={"date": "2020-02-01"})
    assert r.status_code == 200, r.text
    assert r.json()["text"] == "Один.\n\nДва."
