"""The demo act answers as the README shows, is loaded through the Adilet importer from the documents in
the package, and loading it twice records nothing new."""

from __future__ import annotations

from typing import Any

import asyncpg

from service.demo import DEMO_DIR, DEMO_EXTERNAL_ID, DOCUMENTS, load_demo
from tests.conftest import Api


def _unit(answer: dict[str, Any], eid: str) -> dict[str, Any]:
    return next(u for u in answer["units"] if u["eId"] == eid)


async def test_demo_loads_once_and_answers(api: Api) -> None:
    act_id = await load_demo(api.dsn)
    conn = await asyncpg.connect(api.dsn)
    try:
        entries = await conn.fetchval("SELECT count(*) FROM ledger")
        assert await load_demo(api.dsn) == act_id
        assert await conn.fetchval("SELECT count(*) FROM ledger") == entries == len(DOCUMENTS)
        assert {r["operation"] for r in await conn.fetch("SELECT operation FROM ledger")} == {"import_document"}
    finally:
        await conn.close()
    r = await api.get("/v1/acts", params={"external_id": DEMO_EXTERNAL_ID})
    assert [a["id"] for a in r.json()["items"]] == [act_id]

    before = (await api.get(f"/v1/acts/{act_id}/text", params={"date": "2021-06-30", "lang": "ru"})).json()
    after = (await api.get(f"/v1/acts/{act_id}/text", params={"date": "2021-07-01", "lang": "ru"})).json()
    assert before["edition"]["valid_from"] == "2020-01-21"
    assert after["edition"]["valid_from"] == "2021-07-01"
    # Both wordings of point 3: the first from the order as signed, the second from the current text.
    assert _unit(before, "point_3")["text"] == "Записи в реестр вносятся по календарным дням."
    assert "хэшей" in _unit(after, "point_3")["text"]
    assert [u for u in before["units"] if u["eId"] != "point_3"] == [u for u in after["units"] if u["eId"] != "point_3"]
    assert before["edition"]["text_completeness"] == after["edition"]["text_completeness"] == "full"
    assert after["edition"]["source"]["href"].startswith("/v1/sources/")

    kk = (await api.get(f"/v1/acts/{act_id}/text", params={"date": "2021-07-01", "lang": "kk"})).json()
    assert kk["lang"] == "kk"
    assert [u["eId"] for u in kk["units"]] == ["preamble", "point_1", "point_2", "point_3", "point_4", "signature"]
    assert "хэш-тізбекпен" in _unit(kk, "point_3")["text"]

    early = (await api.get(f"/v1/acts/{act_id}/status", params={"date": "2020-01-20"})).json()
    assert early["status"]["code"] == "not_yet_in_force" and early["status"]["certain"] is True
    gone = (await api.get(f"/v1/acts/{act_id}/status", params={"date": "2027-01-01"})).json()
    assert gone["status"]["code"] == "repealed" and gone["status"]["reason"]["basis"] == "stated"
    assert (await api.get(f"/v1/acts/{act_id}/status", params={"date": "2026-12-31"})).json()["status"]["code"] == "in_force"
    rels = (await api.get(f"/v1/acts/{act_id}/relations")).json()["items"]
    assert sorted(r["label"] for r in rels) == ["amended_by", "repealed_by"]
    assert {r["effective_date"] for r in rels} == {"2021-07-01", "2027-01-01"}


def test_demo_documents_are_in_the_package() -> None:
    for name in DOCUMENTS:
        text = (DEMO_DIR / name).read_text(encoding="utf-8")
        assert text.startswith("Lextime демонстрациялық тізілімі туралы")
        assert "О демонстрационном реестре Lextime" in text
        assert not text.endswith("\n")  # as Adilet's plain-text export
