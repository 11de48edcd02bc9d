"""Transaction time over HTTP: every read accepts `as_of` (a seq or an RFC 3339 timestamp) and answers
exactly as it did then; answers carry the seq they reflect; ETag / 304 and immutable caching."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import pytest

from service.api.params import AsOf
from tests.conftest import Api

ACT = {"jurisdiction": "kz", "type": "order", "number": "5", "adopted_on": "2020-01-10", "titles": {"ru": "Приказ"},
       "entry_into_force": {"date": "2020-01-21"}}
EDITION = {"valid_from": "2020-01-21", "expressions": {"ru": {"units": [
    {"eId": "point_1", "kind": "point", "num": "1", "text": "Первая редакция пункта."}]}}}


def readable_paths(act_id: str) -> list[str]:
    return [f"/v1/acts/{act_id}", f"/v1/acts/{act_id}/status?date=2021-01-01",
            f"/v1/acts/{act_id}/text?date=2021-01-01", f"/v1/acts/{act_id}/editions",
            f"/v1/acts/{act_id}/relations", f"/v1/acts/{act_id}/ledger", "/v1/acts",
            "/akn/kz/act/order/2020-01-10/5", "/akn/kz/act/order/2020-01-10/5/rus:2021-01-01"]


async def created(api: Api, path: str, body: object) -> dict[str, object]:
    r = await api.post(path, body)
    assert r.status_code in (200, 201), r.text
    return r.json()  # type: ignore[no-any-return]


def with_as_of(path: str, as_of: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}as_of={as_of}"


def without_echo(r: httpx.Response, as_of: str) -> bytes:
    """The answer's bytes with the `as_of` echo (the last member) taken out."""
    echo = b',"as_of":"' + as_of.encode() + b'"}'
    assert r.content.endswith(echo), r.content[-200:]
    return r.content[: -len(echo)] + b"}"


async def test_a_correction_changes_the_answer_but_not_the_answer_as_of_before_it(api: Api) -> None:
    act = await created(api, "/v1/acts", ACT)
    await created(api, f"/v1/acts/{act['id']}/editions", EDITION)
    path = f"/v1/acts/{act['id']}/text?date=2021-01-01&lang=ru"
    first = await api.get(path)
    assert first.json()["text"] == "Первая редакция пункта."
    seq_then = first.headers["X-Lextime-Seq"]
    assert first.json()["as_of_seq"] == int(seq_then) == 2
    moment_then = datetime.now(UTC).isoformat().replace("+00:00", "Z")

    corrected = {**EDITION, "expressions": {"ru": {"units": [
        {"eId": "point_1", "kind": "point", "num": "1", "text": "Исправленная редакция пункта."}]}}}
    await created(api, "/v1/corrections", {"target": {"kind": "edition", "act_id": act["id"], "valid_from": "2020-01-21"},
                                           "reason": "the text was transcribed with an error", "replacement": corrected})

    now = await api.get(path)
    assert now.json()["text"] == "Исправленная редакция пункта."
    assert now.json()["as_of_seq"] == 3
    for as_of in (seq_then, moment_then):
        then = await api.get(with_as_of(path, as_of))
        assert then.status_code == 200
        assert without_echo(then, as_of) == first.content, "the answer as of before the correction changed"
        assert then.headers["X-Lextime-Seq"] == seq_then


async def test_every_read_answers_as_it_did_then(api: Api) -> None:
    act = await created(api, "/v1/acts", ACT)
    await created(api, f"/v1/acts/{act['id']}/editions", EDITION)
    before = {p: await api.get(p) for p in readable_paths(str(act["id"]))}
    other = await created(api, "/v1/acts", {**ACT, "number": "6"})
    await created(api, "/v1/relations", {"type": "repeals", "source_act": other["id"], "target_act": act["id"],
                                         "effective_date": "2020-06-01"})
    for path, then in before.items():
        assert then.status_code == 200, (path, then.text)
        again = await api.get(with_as_of(path, "2"))
        assert without_echo(again, "2") == then.content, path
        assert (await api.get(path)).content != then.content, f"{path} should reflect the newer entries"


async def test_as_of_a_time_before_anything_was_recorded(api: Api) -> None:
    act = await created(api, "/v1/acts", ACT)
    r = await api.get(f"/v1/acts/{act['id']}", params={"as_of": "2000-01-01T00:00:00Z"})
    assert r.status_code == 404
    listing = await api.get("/v1/acts", params={"as_of": "2000-01-01T00:00:00+05:00"})
    assert listing.json()["items"] == [] and listing.json()["as_of_seq"] == 0
    assert listing.json()["as_of"] == "2000-01-01T00:00:00+05:00"


async def test_a_timestamp_resolves_to_the_last_entry_recorded_at_or_before_it(api: Api,
                                                                               owner: asyncpg.Connection) -> None:
    for n in range(3):
        await created(api, "/v1/acts", {**ACT, "number": str(n)})
    times = [r["recorded_at"] for r in await owner.fetch("SELECT recorded_at FROM ledger ORDER BY seq")]
    for seq, at in enumerate(times, start=1):
        exactly = at.isoformat()
        assert (await api.get("/v1/acts", params={"as_of": exactly})).json()["as_of_seq"] == seq
        just_before = (at - timedelta(microseconds=1)).isoformat()
        assert (await api.get("/v1/acts", params={"as_of": just_before})).json()["as_of_seq"] == seq - 1


async def test_without_a_date_as_of_answers_for_the_as_of_day_in_the_acts_jurisdiction(
        api: Api, owner: asyncpg.Connection) -> None:
    act = await created(api, "/v1/acts", ACT)
    recorded_at = await owner.fetchval("SELECT recorded_at FROM ledger WHERE seq = 1")
    almaty_day = recorded_at.astimezone(ZoneInfo("Asia/Almaty")).date().isoformat()
    for as_of in ("1", recorded_at.isoformat()):
        r = await api.get(f"/v1/acts/{act['id']}/status", params={"as_of": as_of})
        assert r.status_code == 200 and r.json()["date"] == almaty_day, r.text
    future = await api.get(f"/v1/acts/{act['id']}/status", params={"as_of": "2999-01-01T00:00:00Z"})
    assert future.status_code == 400
    assert future.json()["type"] == "urn:lextime:problem:as-of-in-future"


def test_the_as_of_day_follows_the_jurisdictions_zone() -> None:
    # 19:30 UTC on 29 February 2024 is already 1 March in Almaty (UTC+5 from that day; UTC+6 the day before).
    assert AsOf(7, "x", datetime(2024, 2, 29, 19, 30, tzinfo=UTC)).today("kz").isoformat() == "2024-03-01"
    assert AsOf(7, "x", datetime(2024, 2, 28, 18, 30, tzinfo=UTC)).today("kz").isoformat() == "2024-02-29"
    assert AsOf(7, "x", datetime(2024, 2, 29, 19, 30, tzinfo=UTC)).today("xx").isoformat() == "2024-02-29"


@pytest.mark.parametrize("value", ["yesterday", "2024-01-01", "2024-01-01T00:00:00", "2024-13-01T00:00:00Z",
                                   "2024-02-30T00:00:00Z", "-1", "1.5", "99999999999999999999", "", "2024-01-01T24:00:00Z"])
async def test_junk_as_of_is_refused_with_a_problem(api: Api, value: str) -> None:
    r = await api.get("/v1/acts", params={"as_of": value})
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["invalid_params"][0]["name"] == "as_of"


async def test_a_seq_beyond_the_head_is_refused(api: Api) -> None:
    await created(api, "/v1/acts", ACT)
    r = await api.get("/v1/acts", params={"as_of": "2"})
    assert r.status_code == 400 and r.json()["type"] == "urn:lextime:problem:as-of-in-future"
    assert (await api.get("/v1/acts", params={"as_of": "1"})).status_code == 200


async def test_etag_and_304_and_cache_rules(api: Api) -> None:
    act = await created(api, "/v1/acts", ACT)
    path = f"/v1/acts/{act['id']}/status"
    current = await api.get(path, params={"date": "2021-01-01"})
    etag = current.headers["ETag"]
    assert etag.startswith('"') and current.headers["Cache-Control"] == "public, no-cache"
    again = await api.get(path, params={"date": "2021-01-01"}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag and again.headers["X-Lextime-Seq"] == "1"
    weak = await api.get(path, params={"date": "2021-01-01"}, headers={"If-None-Match": f'"x", W/{etag}'})
    assert weak.status_code == 304
    head = await api.client.head(path, params={"date": "2021-01-01"}, headers={"If-None-Match": etag})
    assert head.status_code == 304

    await created(api, "/v1/acts", {**ACT, "number": "77"})
    changed = await api.get(path, params={"date": "2021-01-01"}, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag  # the seq it reflects moved on

    pinned = await api.get(path, params={"date": "2021-01-01", "as_of": "1"})
    assert pinned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert (await api.get(path, params={"date": "2021-01-01", "as_of": "1"},
                          headers={"If-None-Match": pinned.headers["ETag"]})).status_code == 304
    plain = await api.get(f"/v1/acts/{act['id']}/text", params={"format": "text", "as_of": "1"})
    assert plain.headers["X-Lextime-Seq"] == "1" and "ETag" in plain.headers
