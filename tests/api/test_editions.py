"""Editions: unchanged units stored once, a late edition changes exactly its own period, listing editions."""

from __future__ import annotations

import asyncpg
import pytest

from tests.conftest import Api


def _units(*texts: str) -> dict[str, object]:
    return {"units": [{"eId": f"point_{i}", "kind": "point", "num": str(i), "text": t} for i, t in enumerate(texts, 1)]}


@pytest.fixture
async def act(api: Api) -> str:
    r = await api.post("/v1/acts", {"jurisdiction": "kz", "type": "law", "number": "9", "adopted_on": "2010-01-01",
                                    "titles": {"ru": "Закон"}, "entry_into_force": {"date": "2010-01-01"}})
    return str(r.json()["id"])


async def _texts(api: Api, act: str, day: str) -> list[str]:
    r = await api.get(f"/v1/acts/{act}/text", params={"date": day, "lang": "ru"})
    return [u["text"] for u in r.json()["units"]]


async def _edition(api: Api, act: str, day: str, *texts: str) -> None:
    r = await api.post(f"/v1/acts/{act}/editions", {"valid_from": day, "expressions": {"ru": _units(*texts)}})
    assert r.status_code == 201, r.text


async def test_unchanged_units_are_stored_once(api: Api, act: str, owner: asyncpg.Connection) -> None:
    await _edition(api, act, "2010-01-01", "A", "B", "C")
    await _edition(api, act, "2012-01-01", "A", "B2", "C")
    await _edition(api, act, "2014-01-01", "A", "B2", "C", "D")
    assert await owner.fetchval("SELECT count(*) FROM unit_versions") == 5
    assert await owner.fetchval("SELECT count(*) FROM texts") == 5
    assert await _texts(api, act, "2011-06-01") == ["A", "B", "C"]
    assert await _texts(api, act, "2013-06-01") == ["A", "B2", "C"]
    assert await _texts(api, act, "2014-01-01") == ["A", "B2", "C", "D"]


async def test_text_hash_ignores_spacing_differences(api: Api, act: str) -> None:
    await _edition(api, act, "2010-01-01", "Статья\u00a0 1.\r\nТекст  ")
    r = await api.get(f"/v1/acts/{act}/text", params={"date": "2010-01-01"})
    unit = r.json()["units"][0]
    assert unit["text"] == "Статья 1.\nТекст"
    import hashlib

    assert unit["sha256"] == hashlib.sha256("Статья 1.\nТекст".encode()).hexdigest()


async def test_a_late_edition_changes_only_its_own_period(api: Api, act: str) -> None:
    await _edition(api, act, "2010-01-01", "A", "B", "C")
    await _edition(api, act, "2016-01-01", "A", "B", "C3")
    # Recorded last, effective in between: it must not leak into 2016's wording.
    await _edition(api, act, "2013-01-01", "A2", "B", "C2", "X")
    assert await _texts(api, act, "2012-12-31") == ["A", "B", "C"]
    assert await _texts(api, act, "2013-01-01") == ["A2", "B", "C2", "X"]
    assert await _texts(api, act, "2015-12-31") == ["A2", "B", "C2", "X"]
    assert await _texts(api, act, "2016-01-01") == ["A", "B", "C3"]
    r = await api.get(f"/v1/acts/{act}/editions")
    periods = [(e["valid_from"], e["valid_to"]) for e in r.json()["items"]]
    assert periods == [("2010-01-01", "2012-12-31"), ("2013-01-01", "2015-12-31"), ("2016-01-01", None)]


async def test_edition_without_text_and_plain_text(api: Api, act: str) -> None:
    r = await api.post(f"/v1/acts/{act}/editions", {"valid_from": "2010-01-01",
                                                    "expressions": {"ru": {"text_available": False}}})
    assert r.status_code == 201 and r.json()["text_completeness"] == "none"
    answer = (await api.get(f"/v1/acts/{act}/text", params={"date": "2011-01-01"})).json()
    assert answer["status"]["code"] == "in_force"
    assert answer["edition"]["text_completeness"] == "none" and answer["text"] is None
    r = await api.post(f"/v1/acts/{act}/editions", {"valid_from": "2012-01-01",
                                                    "expressions": {"ru": {"text": "Первый.\n\n\nВторой.\n"}}})
    assert r.json()["text_completeness"] == "full"
    answer = (await api.get(f"/v1/acts/{act}/text", params={"date": "2012-01-01"})).json()
    assert [u["eId"] for u in answer["units"]] == ["para_1", "para_2"]
    assert answer["text"] == "Первый.\n\nВторой."
