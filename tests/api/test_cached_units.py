"""Unit answers and comparisons read through the worker's cache answer byte for byte what a service without a
cache answers: for every unit reference, day, language, format and `as_of`, read twice (the second from
the cache), and right after a write made through the other service (an amendment of a unit, a new edition,
a relation on a unit)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.store.cache import ReadCache
from service.store.keys import insert_key
from tests.conftest import served, start_server

# Headers that differ between two servers by nature: the clock and the server's name.
_PER_SERVER = {"date", "server"}
MISSING_ACT = "01HZX4Q5J8M2V7N3K9P6R1T0WB"
REFS = ["chp_1", "chp_1__point_1", "chp_1__point_2", "point_3", "point_4", "point_9", "art 1"]
DAYS = ["2009-12-31", "2010-01-01", "2013-06-01", "2014-01-01", "2016-01-01", "2017-03-01", "2018-01-01",
        "2019-01-01", "2021-01-01", "2025-05-05", "2030-01-01", "2031-01-01"]


@dataclass
class Pair:
    cached: httpx.AsyncClient
    plain: httpx.AsyncClient
    cache: ReadCache
    acts: dict[str, str]
    auth: dict[str, str]


def _units(lang: str, three: str) -> dict[str, Any]:
    return {"units": [
        {"eId": "chp_1", "kind": "chapter", "num": "1", "heading": "Глава", "text": f"{lang} глава"},
        {"eId": "chp_1__point_1", "kind": "point", "num": "1", "text": f"{lang} один"},
        {"eId": "chp_1__point_2", "kind": "point", "num": "2", "text": f"{lang} два"},
        {"eId": "point_3", "kind": "point", "num": "3", "text": f"{lang} {three}"}]}


async def _corpus(client: httpx.AsyncClient, auth: dict[str, str]) -> dict[str, str]:
    """A law in two languages with a second edition in one, amended (a text replaced, a point renumbered, a
    point suspended), a relation on an eId, repealed in 2030; an act with a text without units."""
    async def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        r = await client.post(path, headers=auth, json=body)
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    async def act(number: str, **extra: Any) -> str:
        return str((await post("/v1/acts", {"jurisdiction": "kz", "type": "law", "number": number,
                                            "adopted_on": "2010-01-01", "titles": {"ru": "Закон", "kk": "Заң"},
                                            **extra}))["id"])

    ids = {"law": await act("1", entry_into_force={"date": "2010-01-01"}), "amending": await act("2"),
           "repealing": await act("3"), "plain": await act("4", entry_into_force={"date": "2012-01-01"})}
    law = ids["law"]
    await post(f"/v1/acts/{law}/editions", {"valid_from": "2010-01-01",
                                            "expressions": {x: _units(x, "три") for x in ("ru", "kk")}})
    await post(f"/v1/acts/{law}/editions", {"valid_from": "2014-01-01", "expressions": {"ru": _units("ru", "3")}})
    await post(f"/v1/acts/{law}/amendments", {"amending_act": ids["amending"], "effective_date": "2016-01-01",
                                              "operations": [
                                                  {"op": "replace", "unit": "chp_1__point_1", "texts": {"ru": "новый"}},
                                                  {"op": "renumber", "unit": "point_3", "num": "4"}]})
    await post(f"/v1/acts/{law}/amendments", {"amending_act": ids["amending"], "effective_date": "2018-01-01",
                                              "operations": [{"op": "suspend", "unit": "chp_1__point_2",
                                                              "until": "2019-01-01"}]})
    await post("/v1/relations", {"type": "repeals", "source_act": ids["repealing"], "target_act": law,
                                 "effective_date": "2030-01-01"})
    # A relation on the eId point_4, which names point_3 only from its renumbering on: which unit it is
    # about depends on the day asked.
    await post("/v1/relations", {"type": "suspends", "source_act": ids["repealing"], "target_act": law,
                                 "target_unit": "point_4", "effective_date": "2013-01-01"})
    await post(f"/v1/acts/{ids['plain']}/editions", {"valid_from": "2012-01-01",
                                                     "expressions": {"ru": {"text": "Статья 1. Просто текст."}}})
    return ids


@pytest_asyncio.fixture(loop_scope="session")
async def pair(database: str) -> AsyncIterator[Pair]:
    owner = await asyncpg.connect(database)
    try:
        key = await insert_key(owner, name="units-writer", scopes=("read", "write"))
    finally:
        await owner.close()
    server, task, base = await start_server(database)
    try:
        async with AsyncExitStack() as stack:
            cached = await stack.enter_async_context(httpx.AsyncClient(base_url=base, timeout=30))
            plain = await stack.enter_async_context(served(database, LEXTIME_CACHE_MB="0"))
            auth = {"Authorization": f"Bearer {key}"}
            acts = await _corpus(plain, auth)
            yield Pair(cached, plain, server.config.app.state.read_cache, acts, auth)
    finally:
        server.should_exit = True
        await task


def _comparable(r: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    return r.status_code, [(k, v) for k, v in r.headers.multi_items() if k not in _PER_SERVER], r.content


async def _same(pair: Pair, path: str, params: dict[str, str]) -> httpx.Response:
    """The answer of the service with a cache, read twice (the second from what the first kept), and that of
    the one without, alike."""
    named = {"X-Request-Id": "cached-units"}
    plain = await pair.plain.get(path, params=params, headers=named)
    for _ in range(2):
        cached = await pair.cached.get(path, params=params, headers=named)
        assert _comparable(cached) == _comparable(plain), (path, params)
    return cached


def _unit_path(pair: Pair, act: str, ref: str, versions: bool) -> str:
    return f"/v1/acts/{pair.acts.get(act, act)}/units/{ref}" + ("/versions" if versions else "")


DAY = st.one_of(st.sampled_from(DAYS), st.dates().map(str), st.sampled_from(["2020-02-30", ""]))
OPTIONAL = st.fixed_dictionaries({}, optional={
    "lang": st.sampled_from(["ru", "kk", "en", "xx"]),
    "as_of": st.one_of(st.integers(1, 16).map(str), st.sampled_from(["999999", "x"])),
})
ACT = st.sampled_from(["law", "law", "law", "plain", MISSING_ACT])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(act=ACT, ref=st.sampled_from(REFS), day=st.one_of(st.none(), DAY), versions=st.booleans(),
       optional=OPTIONAL)
async def test_a_unit_from_the_cache_is_the_unit_without_it(pair: Pair, act: str, ref: str, day: str | None,
                                                             versions: bool, optional: dict[str, str]) -> None:
    params = {**optional, **({"date": day} if day is not None else {})}
    await _same(pair, _unit_path(pair, act, ref, versions), params)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(act=ACT, first=DAY, second=DAY, fmt=st.sampled_from(["json", "json", "html", "xml"]), optional=OPTIONAL)
async def test_a_comparison_from_the_cache_is_the_comparison_without_it(
    pair: Pair, act: str, first: str, second: str, fmt: str, optional: dict[str, str],
) -> None:
    params = {"from": first, "to": second, "format": fmt, **optional}
    await _same(pair, f"/v1/acts/{pair.acts.get(act, act)}/compare", params)


def _answer(r: httpx.Response) -> Any:
    """The body but for the seq it was answered at (which every write moves)."""
    if r.status_code != 200:
        return r.content
    body = r.json()
    body.pop("as_of_seq")
    return body


async def _every_answer(pair: Pair) -> dict[str, Any]:
    """Each unit on each day, its versions, and comparisons of each day with the next ones, in both languages,
    alike on both services; the answers (but for their seq) by request."""
    out = {}
    for lang in ("ru", "kk"):
        for ref in REFS[:5]:
            for versions in (False, True):
                for day in DAYS if not versions else DAYS[:1]:
                    path = _unit_path(pair, "law", ref, versions)
                    out[f"{path}?{day}&{lang}"] = _answer(await _same(pair, path, {"date": day, "lang": lang}))
        for i, first in enumerate(DAYS):
            for second in DAYS[i:i + 4]:
                path = f"/v1/acts/{pair.acts['law']}/compare"
                r = await _same(pair, path, {"from": first, "to": second, "lang": lang})
                out[f"{path}?{first}&{second}&{lang}"] = _answer(r)
    return out


async def test_cached_units_and_comparisons_follow_each_write_at_once(pair: Pair) -> None:
    law = pair.acts["law"]
    before = await _every_answer(pair)
    assert pair.cache.unit_facts and pair.cache.comparisons, "the answers were read through the cache"
    writes = [
        (f"/v1/acts/{law}/amendments", {"amending_act": pair.acts["amending"], "effective_date": "2020-01-01",
                                        "operations": [{"op": "replace", "unit": "chp_1__point_2",
                                                        "texts": {"ru": "два, изменённый", "kk": "екі"}}]}),
        (f"/v1/acts/{law}/editions", {"valid_from": "2022-01-01", "expressions": {"kk": _units("kk", "үш")}}),
        ("/v1/relations", {"type": "suspends", "source_act": pair.acts["amending"], "target_act": law,
                           "target_unit": "chp_1__point_1", "effective_date": "2017-01-01"}),
    ]
    for path, body in writes:
        r = await pair.plain.post(path, headers=pair.auth, json=body)
        assert r.status_code == 201, r.text
        after = await _every_answer(pair)
        assert after != before, f"{path} changes some answer"
        before = after
