"""The list's status filter, answered from the status projection, agrees with each act's own status answer:
on any day, at the head and at an earlier `as_of`, through repeals, suspensions, commencements (of the act
and of its units), windows of unknown dates, retractions and corrections."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import asyncpg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Api

STATUSES = ("not_yet_in_force", "in_force", "partially_in_force", "suspended", "repealed", "expired")
_tags = itertools.count()

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2027, 12, 31))
ADOPTED = st.dates(min_value=date(2000, 1, 1), max_value=date(2006, 12, 31))


@st.composite
def effect(draw: st.DrawFn) -> dict[str, Any]:
    """When a relation takes effect: a day, a window with either end unknown, or not yet appointed."""
    kind = draw(st.sampled_from(["date", "date", "window", "none"]))
    if kind == "date":
        return {"effective_date": draw(DAYS).isoformat()}
    if kind == "none":
        return {}
    earliest, latest = draw(st.one_of(st.none(), DAYS)), draw(st.one_of(st.none(), DAYS))
    if earliest and latest and latest < earliest:
        earliest, latest = latest, earliest
    return {"effective_window": {"earliest": earliest and earliest.isoformat(), "latest": latest and latest.isoformat()}}


@st.composite
def relation(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["repeals", "suspends", "resumes", "commences", "amends", "commences_unit",
                                 "suspends_unit"]))
    body: dict[str, Any] = {"source": draw(st.integers(0, 2)), "target": draw(st.integers(0, 2))}
    if kind.endswith("_unit"):
        return {**body, "type": kind.removesuffix("_unit"), "target_unit": draw(st.sampled_from(["art_1", "art_2"])),
                "effective_date": draw(DAYS).isoformat()}
    body |= {"type": kind, **draw(effect())}
    if kind == "suspends" and "effective_date" in body and draw(st.booleans()):
        body["ends_on"] = (date.fromisoformat(body["effective_date"]) + timedelta(days=draw(st.integers(1, 900)))
                           ).isoformat()
    return body


@st.composite
def act(draw: st.DrawFn) -> dict[str, Any]:
    adopted = draw(ADOPTED)
    eif: dict[str, Any] = {}
    if draw(st.booleans()):
        eif = {"date": (adopted + timedelta(days=draw(st.integers(0, 400)))).isoformat()}
    elif draw(st.booleans()):
        eif = {"earliest": (adopted + timedelta(days=draw(st.integers(0, 400)))).isoformat()}
    expires = draw(st.integers(30, 9000)) if draw(st.integers(0, 3)) == 0 else None  # one act in four
    return {"adopted_on": adopted.isoformat(), "entry_into_force": eif,
            "expires_on": None if expires is None else (adopted + timedelta(days=expires)).isoformat(),
            "with_units": draw(st.booleans())}


async def _ok(api: Api, path: str, body: object) -> dict[str, Any]:
    r = await api.post(path, body)
    assert r.status_code in (200, 201), r.text
    return r.json()  # type: ignore[no-any-return]


async def _listed(api: Api, tag: str, status: str, params: dict[str, str]) -> set[str]:
    r = await api.get("/v1/acts", params={"q": tag, "status": status, "limit": "500", **params})
    assert r.status_code == 200, r.text
    assert r.json()["next"] is None
    return {a["id"] for a in r.json()["items"]}


async def _status(api: Api, act_id: str, params: dict[str, str]) -> str:
    r = await api.get(f"/v1/acts/{act_id}/status", params=params)
    assert r.status_code == 200, r.text
    return str(r.json()["status"]["code"])


async def _agrees(api: Api, tag: str, ids: list[str], params: dict[str, str]) -> None:
    codes = {a: await _status(api, a, params) for a in ids}
    for status in STATUSES:
        assert await _listed(api, tag, status, params) == {a for a in ids if codes[a] == status}, (status, params)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(acts=st.lists(act(), min_size=3, max_size=3), relations=st.lists(relation(), min_size=2, max_size=7),
       retract=st.booleans(), correct=st.booleans(), days=st.lists(DAYS, min_size=1, max_size=3),
       middle=st.integers(0, 6))
async def test_the_status_filter_agrees_with_each_acts_status(
    api: Api, acts: list[dict[str, Any]], relations: list[dict[str, Any]], retract: bool, correct: bool,
    days: list[date], middle: int,
) -> None:
    tag = f"status-list-{next(_tags)}"
    ids: list[str] = []
    for i, a in enumerate(acts):
        made = await _ok(api, "/v1/acts", {
            "jurisdiction": "kz", "type": "law", "number": f"{tag}-{i}", "adopted_on": a["adopted_on"],
            "titles": {"ru": f"Закон {tag} {i}"}, "entry_into_force": a["entry_into_force"],
            **({"expires_on": a["expires_on"]} if a["expires_on"] else {})})
        ids.append(made["id"])
        if a["with_units"]:
            await _ok(api, f"/v1/acts/{made['id']}/editions", {"valid_from": a["adopted_on"], "expressions": {"ru": {
                "units": [{"eId": "art_1", "kind": "article", "num": "1", "text": f"Статья первая {tag}."},
                          {"eId": "art_2", "kind": "article", "num": "2", "text": f"Статья вторая {tag}."}]}}})
    seqs: list[int] = []
    recorded: list[tuple[str, dict[str, Any]]] = []  # the whole-act relations that change a status
    for r in relations:
        body = {k: v for k, v in r.items() if k not in ("source", "target")}
        answer = await api.post("/v1/relations", {**body, "source_act": ids[r["source"]],
                                                  "target_act": ids[r["target"]]})
        if answer.status_code != 201:  # some drawn relations are refused (a unit the act has no text for)
            assert answer.status_code in (400, 404, 409, 422), answer.text
            continue
        seqs.append(int(answer.headers["x-lextime-seq"]))
        if "target_unit" not in r and r["type"] in ("repeals", "suspends", "commences"):
            recorded.append((answer.json()["id"], r))
        if "effective_date" in r:  # the days around each effect are where a stale status would show
            day = date.fromisoformat(r["effective_date"])
            days += [day, day + timedelta(days=1)]
    if retract and recorded:
        relation_id, _ = recorded.pop(0)
        await _ok(api, "/v1/retractions", {"target": {"kind": "relation", "id": relation_id},
                                           "reason": "recorded in error"})
    if correct and recorded:
        # The relation now targets another act: the old target's status changes too.
        relation_id, old = recorded.pop()
        body = {k: v for k, v in old.items() if k not in ("source", "target")}
        await _ok(api, "/v1/corrections", {
            "target": {"kind": "relation", "id": relation_id}, "reason": "another act",
            "replacement": {**body, "source_act": ids[old["source"]], "target_act": ids[(old["target"] + 1) % 3]}})
    for day in days:
        await _agrees(api, tag, ids, {"date": day.isoformat()})
    await _agrees(api, tag, ids, {})  # today in the acts' jurisdiction
    if seqs:
        await _agrees(api, tag, ids, {"date": days[-1].isoformat(), "as_of": str(seqs[middle % len(seqs)])})


async def test_a_database_with_history_is_projected_when_migrated(api: Api, owner: asyncpg.Connection) -> None:
    """Migration 0011 on a database with entries: `lextime migrate` writes the periods of its whole history,
    as the write path would have (shown here by forgetting the projection, then migrating again)."""
    from service.store.migrate import migrate

    made = await _ok(api, "/v1/acts", {"jurisdiction": "kz", "type": "law", "number": "m-1", "adopted_on": "2001-01-01",
                                       "titles": {"ru": "Закон m"}, "entry_into_force": {"date": "2001-02-01"}})
    other = await _ok(api, "/v1/acts", {"jurisdiction": "kz", "type": "law", "number": "m-2",
                                        "adopted_on": "2002-01-01", "titles": {"ru": "Закон m2"},
                                        "entry_into_force": {"date": "2002-01-01"}})
    repeal = await api.post("/v1/relations", {"type": "repeals", "source_act": other["id"], "target_act": made["id"],
                                              "effective_date": "2010-01-01"})
    assert repeal.status_code == 201
    query = "SELECT act_id, code, since, until, recorded_seq, superseded_seq FROM status_periods ORDER BY row_id"
    written = [tuple(r) for r in await owner.fetch(query)]
    assert ("in_force" in {r[1] for r in written}) and ("repealed" in {r[1] for r in written})
    await owner.execute("SET session_replication_role = replica")  # past the close-only trigger, as a restore
    try:
        await owner.execute("DELETE FROM status_periods")
        await owner.execute("UPDATE status_projection SET seq = 0")
    finally:
        await owner.execute("SET session_replication_role = DEFAULT")
    assert await _listed(api, "Закон", "repealed", {"date": "2011-01-01"}) == set()
    await migrate(api.dsn)
    assert sorted(repr(tuple(r)) for r in await owner.fetch(query)) == sorted(map(repr, written))
    assert await _listed(api, "Закон", "repealed", {"date": "2011-01-01"}) == {made["id"]}
    assert await _listed(api, "Закон", "in_force", {"date": "2011-01-01", "as_of": repeal.headers["x-lextime-seq"]}
                         ) == {other["id"]}
    before = str(int(repeal.headers["x-lextime-seq"]) - 1)
    assert await _listed(api, "Закон", "in_force", {"date": "2011-01-01", "as_of": before}) == {made["id"], other["id"]}
