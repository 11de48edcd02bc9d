"""The lean path of text reads (service/api/lean.py) answers byte for byte what the full stack answers:
the same status, headers and body, for every act, date, language, format, `as_of`, `If-None-Match`, HEAD,
bad or unknown parameter, and with reads private (with and without a key)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from urllib.parse import parse_qsl

import asyncpg
import httpx
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.api import lean
from service.api.lean import LeanText, query_pairs
from service.store.keys import insert_key
from tests.conftest import served, start_server

# Headers that differ between two servers by nature: the clock and the server's name.
_PER_SERVER = {"date", "server"}
MISSING_ACT = "01HZX4Q5J8M2V7N3K9P6R1T0WB"


@dataclass
class Pair:
    lean: httpx.AsyncClient
    full: httpx.AsyncClient
    acts: list[str]
    key: str


async def _corpus(client: httpx.AsyncClient, auth: dict[str, str]) -> list[str]:
    """Acts with editions in two languages, one repealed, one not yet in force, one without any text."""
    async def act(number: str, adopted: str, eif: str, titles: dict[str, str]) -> str:
        r = await client.post("/v1/acts", headers=auth, json={
            "jurisdiction": "kz", "type": "law", "number": number, "adopted_on": adopted, "titles": titles,
            "entry_into_force": {"date": eif}})
        assert r.status_code == 201, r.text
        return str(r.json()["id"])

    async def edition(act_id: str, valid_from: str, texts: dict[str, str]) -> None:
        r = await client.post(f"/v1/acts/{act_id}/editions", headers=auth, json={
            "valid_from": valid_from, "expressions": {lang: {"text": t} for lang, t in texts.items()}})
        assert r.status_code == 201, r.text

    both = await act("1", "2015-01-01", "2015-02-01", {"ru": "Закон", "kk": "Заң"})
    await edition(both, "2015-02-01", {"ru": "Статья 1. Первая.\n\nСтатья 2. Вторая.", "kk": "1-бап. Бірінші."})
    await edition(both, "2019-06-01", {"ru": "Статья 1. Новая редакция."})
    repealed = await act("2", "2016-01-01", "2016-03-01", {"ru": "Закон о сроках"})
    await edition(repealed, "2016-03-01", {"ru": "Статья 1. Срок."})
    repealing = await act("3", "2020-01-01", "2021-01-01", {"ru": "Закон об отмене"})
    r = await client.post("/v1/relations", headers=auth, json={
        "type": "repeals", "source_act": repealing, "target_act": repealed, "effective_date": "2021-01-01"})
    assert r.status_code == 201, r.text
    future = await act("4", "2026-01-01", "2031-01-01", {"ru": "Будущий закон"})
    await edition(future, "2031-01-01", {"ru": "Статья 1. Потом."})
    return [both, repealed, repealing, future, MISSING_ACT]


@pytest_asyncio.fixture(loop_scope="session", params=["public", "private"])
async def pair(request: object, database: str) -> AsyncIterator[Pair]:
    owner = await asyncpg.connect(database)
    try:
        key = await insert_key(owner, name="lean-writer", scopes=("read", "write"))
    finally:
        await owner.close()
    private = {"LEXTIME_PRIVATE_READS": "1"} if getattr(request, "param", "") == "private" else {}
    async with AsyncExitStack() as stack:
        lean = await stack.enter_async_context(served(database, **private))
        full = await stack.enter_async_context(served(database, LEXTIME_LEAN_READS="0", **private))
        acts = await _corpus(lean, {"Authorization": f"Bearer {key}"})
        yield Pair(lean, full, acts, key)


def _comparable(r: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    return r.status_code, [(k, v) for k, v in r.headers.multi_items() if k not in _PER_SERVER], r.content


PARAMS = st.fixed_dictionaries({}, optional={
    "date": st.one_of(st.dates().map(str), st.sampled_from(["2015-01-31", "2019-06-01", "2021-01-01", "2020-02-30",
                                                           "2024-1-1", ""])),
    "lang": st.sampled_from(["ru", "kk", "rus", "kaz", "en", "xx", ""]),
    "format": st.sampled_from(["json", "text", "xml"]),
    "as_of": st.sampled_from(["1", "3", "999999", "x"]),
    "dat": st.just("2020-01-01"),
})


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(act=st.integers(0, 4), params=PARAMS, method=st.sampled_from(["GET", "HEAD"]),
       condition=st.sampled_from([None, "same", "other", "*", "W/same"]), with_key=st.booleans(),
       repeat_lang=st.booleans())
async def test_the_lean_path_answers_as_the_full_stack(
    pair: Pair, act: int, params: dict[str, str], method: str, condition: str | None, with_key: bool,
    repeat_lang: bool,
) -> None:
    path = f"/v1/acts/{pair.acts[act]}/text"
    query = [*params.items(), *([("lang", "ru")] if repeat_lang else [])]
    headers = {"X-Request-Id": "lean-test", **({"Authorization": f"Bearer {pair.key}"} if with_key else {})}
    if condition is not None:
        etag = (await pair.full.get(path, params=query, headers=headers)).headers.get("etag", '"none"')
        headers["If-None-Match"] = {"same": etag, "W/same": f"W/{etag}", "other": '"0f"'}.get(condition, condition)
    for _ in range(2):  # the second read of each is a cache hit on the lean server
        lean = await pair.lean.request(method, path, params=query, headers=headers)
        full = await pair.full.request(method, path, params=query, headers=headers)
        assert _comparable(lean) == _comparable(full), (path, query, method, headers)


async def test_every_day_of_an_interval_is_answered_from_its_rendering_as_the_full_stack_answers(pair: Pair
                                                                                                ) -> None:
    """Days on both sides of each change (commencement, editions, repeal), read twice on the lean server so
    that each is answered from a rendering made for another day of its interval, with its kept ETag."""
    days = ["2015-01-31", "2015-02-01", "2015-02-02", "2017-07-07", "2019-05-31", "2019-06-01", "2019-06-02",
            "2020-12-31", "2021-01-01", "2021-01-02", "2030-12-31", "2031-01-01", "2031-01-02"]
    named = {"X-Request-Id": "interval", "Authorization": f"Bearer {pair.key}"}
    for act in pair.acts[:4]:
        for fmt in ("json", "text"):
            queries = [{"date": day, "lang": lang, "format": fmt} for lang in ("ru", "kk") for day in days]
            for query in queries * 2:
                lean = await pair.lean.get(f"/v1/acts/{act}/text", params=query, headers=named)
                full = await pair.full.get(f"/v1/acts/{act}/text", params=query, headers=named)
                assert _comparable(lean) == _comparable(full), (act, query)
                if lean.status_code == 200:
                    tagged = {**named, "If-None-Match": lean.headers["etag"]}
                    again = await pair.lean.get(f"/v1/acts/{act}/text", params=query, headers=tagged)
                    assert _comparable(again) == _comparable(
                        await pair.full.get(f"/v1/acts/{act}/text", params=query, headers=tagged))
                    assert again.status_code == 304


async def test_a_cached_answer_follows_a_write_at_once(pair: Pair) -> None:
    auth = {"Authorization": f"Bearer {pair.key}"}
    path = f"/v1/acts/{pair.acts[0]}/text"
    before = await pair.lean.get(path, params={"date": "2024-01-01", "lang": "ru"}, headers=auth)
    assert before.json()["text"] == "Статья 1. Новая редакция."
    r = await pair.full.post(f"/v1/acts/{pair.acts[0]}/editions", headers=auth, json={
        "valid_from": "2023-01-01", "expressions": {"ru": {"text": "Статья 1. Третья редакция."}}})
    assert r.status_code == 201, r.text
    after = await pair.lean.get(path, params={"date": "2024-01-01", "lang": "ru"}, headers=auth)
    assert after.json()["text"] == "Статья 1. Третья редакция."
    assert int(after.headers["x-lextime-seq"]) > int(before.headers["x-lextime-seq"])
    assert after.headers["etag"] != before.headers["etag"]


async def test_text_reads_skip_the_full_stack_and_others_do_not(database: str) -> None:
    owner = await asyncpg.connect(database)
    try:
        key = await insert_key(owner, name="lean-writer")
    finally:
        await owner.close()
    server, task, base = await start_server(database)
    passed: list[str] = []
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            acts = await _corpus(client, {"Authorization": f"Bearer {key}"})
            lean = _lean_layer(server.config.app)
            full_stack = lean.app

            async def counted(scope: object, receive: object, send: object) -> None:
                passed.append(f"{scope['path']}?{scope['query_string'].decode()}")  # type: ignore[index]
                await full_stack(scope, receive, send)  # type: ignore[arg-type]

            lean.app = counted
            path = f"/v1/acts/{acts[0]}/text"
            for query in ("date=2020-01-01&lang=kk", "date=2020-01-01&lang=kk", "date=2020-01-02&lang=kaz&format=text",
                          "date=2016-01-01&as_of=3", "date=2020-01-01&lang=en", "dat=2020-01-01",
                          "date=2020-13-01", "lang=ru&lang=kk", f"date=2020-01-01&{'x' * 3}=1"):
                assert (await client.get(f"{path}?{query}")).status_code in (200, 400, 404)
            assert passed == [f"{path}?date=2016-01-01&as_of=3", f"{path}?dat=2020-01-01", f"{path}?date=2020-13-01",
                              f"{path}?lang=ru&lang=kk", f"{path}?date=2020-01-01&xxx=1"]
    finally:
        server.should_exit = True
        await task


def _lean_layer(app: object) -> LeanText:
    layer = getattr(app, "middleware_stack", None)
    while not isinstance(layer, LeanText):
        layer = layer.app  # type: ignore[union-attr]
    return layer


@given(st.lists(st.tuples(st.sampled_from(["date", "lang", "format", "", "a b", "x=y"]),
                          st.text(alphabet="0123456789-=ab &%+;", max_size=12)), max_size=4))
def test_query_strings_are_read_as_starlette_reads_them(pairs: list[tuple[str, str]]) -> None:
    query = "&".join(f"{k}={v}" if v else k for k, v in pairs)
    assert query_pairs(query) == parse_qsl(query, keep_blank_values=True)


async def test_the_rate_limit_counts_each_text_read_once(database: str) -> None:
    owner = await asyncpg.connect(database)
    try:
        key = await insert_key(owner, name="lean-writer")
    finally:
        await owner.close()
    limited = {"LEXTIME_EXPENSIVE_RATE_PER_MINUTE": "1", "LEXTIME_RATE_BURST": "4"}
    async with served(database) as writer:
        acts = await _corpus(writer, {"Authorization": f"Bearer {key}"})
    paths = [f"/v1/acts/{acts[0]}/text?date=2020-01-01", f"/v1/acts/{acts[0]}/text?date=2020-01-01&lang=en",
             f"/v1/acts/{MISSING_ACT}/text", f"/v1/acts/{acts[1]}/text?as_of=2", f"/v1/acts/{acts[0]}/text",
             f"/v1/acts/{acts[0]}/text"]
    statuses = []
    for env in ({}, {"LEXTIME_LEAN_READS": "0"}):
        async with served(database, **limited, **env) as client:
            answers = [await client.get(p, headers={"X-Request-Id": "limits"}) for p in paths]
        statuses.append([r.status_code for r in answers])
        assert answers[-1].json()["type"] == "urn:lextime:problem:rate-limited"
    assert statuses[0] == statuses[1] == [200, 404, 404, 404, 429, 429]


async def test_an_unexpected_failure_is_the_last_resort_problem(database: str, monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("a bug in the lean path")

    monkeypatch.setattr(lean, "from_cache", broken)
    async with served(database) as client:
        r = await client.get(f"/v1/acts/{MISSING_ACT}/text", headers={"X-Request-Id": "broken-lean"})
    assert r.status_code == 500 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"] == "urn:lextime:problem:internal-error"
    assert r.headers["x-request-id"] == "broken-lean" and r.headers["x-content-type-options"] == "nosniff"
