"""Security basics over HTTP: security headers, CORS off unless configured, no stack trace in any answer,
no key or secret in the logs, query parameters checked against the contract, Unicode NFC before hashing,
and /metrics public, protected or off."""

from __future__ import annotations

import asyncio
import io
import logging
import re
import unicodedata
from collections.abc import AsyncIterator, Iterator

import asyncpg
import httpx
import pytest
import pytest_asyncio
import structlog

from service.logs import configure_logging
from service.middleware import SECURITY_HEADERS
from service.store import acts as acts_store
from service.store.keys import insert_key
from tests.conftest import Api, served

ACT = {"jurisdiction": "kz", "type": "decree", "number": "3", "adopted_on": "2018-03-03", "titles": {"ru": "Указ"}}
ORIGIN = "https://portal.example.kz"


def assert_security_headers(r: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS:
        assert r.headers.get(name.decode()) == value.decode(), f"{name!r} on {r.request.url.path} {r.status_code}"


async def test_security_headers_on_every_kind_of_answer(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    act_id = (await api.post("/v1/acts", ACT)).json()["id"]
    answers = [await api.get(f"/v1/acts/{act_id}"), await api.get("/v1/nothing"), await api.get("/healthz"),
               await api.client.post("/v1/acts", json=ACT), await api.get("/v1/acts", params={"limit": "0"}),
               await api.get(f"/v1/acts/{act_id}/text", params={"format": "text"})]

    async def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("unexpected failure in /srv/lextime/secret_module.py")

    monkeypatch.setattr(acts_store, "get_act", boom)
    answers.append(await api.get(f"/v1/acts/{act_id}/editions"))
    assert [r.status_code for r in answers] == [200, 404, 200, 401, 400, 200, 500]
    for r in answers:
        assert_security_headers(r)
    assert "strict-transport-security" not in answers[0].headers  # plain HTTP here; TLS ends at the proxy


async def test_no_answer_shows_a_stack_trace(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    async def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("unexpected failure in /srv/lextime/secret_module.py")

    monkeypatch.setattr(acts_store, "get_act", boom)
    r = await api.get("/v1/acts/01M89QFVWX6K9B2NW41RKT16CG/editions")
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"] == "urn:lextime:problem:internal-error"
    for leak in ("Traceback", "RuntimeError", "secret_module", ".py", "File "):
        assert leak not in r.text
    # Not even for a request that is not HTTP: the server's own error page is a bare status line.
    host, port = api.base_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(b"GET /\x00 HTTP/9.9\r\nHost: \xff\r\n\r\n")
    await writer.drain()
    raw = await asyncio.wait_for(reader.read(65536), 10)
    writer.close()
    assert raw.startswith(b"HTTP/1.1 400"), raw[:200]
    assert b"Traceback" not in raw and b".py" not in raw


async def test_cors_is_off_by_default(api: Api) -> None:
    r = await api.get("/v1/acts", headers={"Origin": ORIGIN})
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers
    preflight = await api.client.options("/v1/acts", headers={"Origin": ORIGIN,
                                                               "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers


@pytest_asyncio.fixture(loop_scope="session")
async def cors(database: str) -> AsyncIterator[httpx.AsyncClient]:
    async with served(database, LEXTIME_CORS_ORIGINS=ORIGIN) as client:
        yield client


async def test_cors_when_configured_allows_only_the_listed_origins(cors: httpx.AsyncClient) -> None:
    r = await cors.get("/v1/acts", headers={"Origin": ORIGIN})
    assert r.headers["access-control-allow-origin"] == ORIGIN
    assert "X-Request-Id" in r.headers["access-control-expose-headers"]
    preflight = await cors.options("/v1/acts", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
                                                        "Access-Control-Request-Headers": "authorization"})
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]
    other = await cors.get("/v1/acts", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers
    refused = await cors.options("/v1/acts", headers={"Origin": "https://elsewhere.example",
                                                      "Access-Control-Request-Method": "POST"})
    assert refused.status_code == 400
    assert refused.headers["content-type"] == "application/problem+json"  # as every refusal
    assert refused.json()["type"] == "urn:lextime:problem:invalid-request"
    assert "origin" in refused.json()["detail"] and refused.json()["instance"] == "/v1/acts"
    assert "access-control-allow-origin" not in refused.headers


@pytest.fixture(params=["json", "console"])
def captured_logs(request: pytest.FixtureRequest) -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level, config = list(root.handlers), root.level, structlog.get_config()
    stream = io.StringIO()
    configure_logging(request.param, "debug", stream=stream)
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.configure(**config)


async def test_no_key_or_secret_in_the_logs(api: Api, owner: asyncpg.Connection, captured_logs: io.StringIO,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    token = await insert_key(owner, name="logged-writer")
    secret = token.split("_", 2)[2]
    key_id = token.split("_", 2)[1]
    wrong = f"lx_{key_id}_{'Z' * 43}"
    auth = {"Authorization": f"Bearer {token}"}
    act_id = (await api.client.post("/v1/acts", json=ACT, headers=auth)).json()["id"]
    await api.client.post("/v1/acts", json=ACT, headers={"Authorization": f"Bearer {wrong}"})
    await api.client.post("/v1/acts", json={"bad": token}, headers=auth)  # the key echoed in a body
    await api.client.get(f"/v1/acts/{act_id}", params={"key": token}, headers=auth)  # …in a query

    async def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("unexpected failure")

    monkeypatch.setattr(acts_store, "get_act", boom)
    assert (await api.client.get(f"/v1/acts/{act_id}/editions", headers=auth)).status_code == 500  # a logged traceback
    # Every line but the test client's own (httpx logs the URLs it calls, at debug level).
    logs = "\n".join(line for line in captured_logs.getvalue().splitlines()
                     if not re.search(r"\b(httpx|httpcore)\b", line))
    assert "request_failed" in logs and "request_finished" in logs
    for leaked in (token, secret, wrong, "Z" * 43):
        assert [line[:3000] for line in logs.splitlines() if leaked in line] == []


async def test_unknown_and_repeated_query_parameters_are_refused(api: Api) -> None:
    act_id = (await api.post("/v1/acts", ACT)).json()["id"]
    r = await api.get(f"/v1/acts/{act_id}/status", params={"dat": "2020-01-01"})
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["type"] == "urn:lextime:problem:unknown-parameters"
    assert body["invalid_params"] == [{"name": "dat", "reason": "unknown parameter"}]
    assert "date" in body["detail"]
    r = await api.get(f"/v1/acts/{act_id}/status", params=[("date", "2020-01-01"), ("date", "2021-01-01")])
    assert r.status_code == 400 and r.json()["invalid_params"][0]["name"] == "date"
    assert (await api.get(f"/v1/acts/{act_id}", params={"x": "1"})).status_code == 400
    assert (await api.get(f"/v1/acts/{act_id}/text", params={"date": "2020-01-01\x00"})).status_code == 400
    assert (await api.get("/healthz", params={"probe": "1"})).status_code == 200  # probes take anything


async def test_text_is_nfc_before_hashing(api: Api) -> None:
    composed = "Статья 1. Йод и ёлка; Қазақстан Республикасы."
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    ids = []
    for text, number in ((composed, "31"), (decomposed, "32")):
        act_id = (await api.post("/v1/acts", ACT | {"number": number})).json()["id"]
        r = await api.post(f"/v1/acts/{act_id}/editions",
                           {"valid_from": "2018-03-03", "expressions": {"ru": {"text": text}}})
        assert r.status_code == 201, r.text
        ids.append(act_id)
    answers = [(await api.get(f"/v1/acts/{i}/text", params={"date": "2019-01-01"})).json() for i in ids]
    assert answers[0]["units"][0]["sha256"] == answers[1]["units"][0]["sha256"]
    assert answers[1]["text"] == composed


@pytest.mark.parametrize(("mode", "no_key", "write_key", "admin_key"), [
    ("public", 200, 200, 200), ("protected", 401, 403, 200), ("off", 404, 404, 404)])
async def test_metrics_public_protected_or_off(database: str, owner: asyncpg.Connection, mode: str, no_key: int,
                                               write_key: int, admin_key: int) -> None:
    writer = await insert_key(owner, name="metrics-writer")
    admin = await insert_key(owner, name="metrics-admin", scopes=("admin",))
    async with served(database, LEXTIME_METRICS=mode) as client:
        assert (await client.post("/v1/acts", json=ACT, headers={"Authorization": f"Bearer {writer}"})
                ).status_code == 201
        await client.get("/v1/acts/01M89QFVX6ZAMGSD4RQG9D2NP9")
        statuses = [(await client.get("/metrics", headers=h)).status_code
                    for h in ({}, {"Authorization": f"Bearer {writer}"}, {"Authorization": f"Bearer {admin}"})]
        assert statuses == [no_key, write_key, admin_key]
        if admin_key == 200:
            text = (await client.get("/metrics", headers={"Authorization": f"Bearer {admin}"})).text
            for line in ('lextime_http_requests_total{method="POST",route="/v1/acts",status="201"} 1.0',
                         'lextime_http_requests_total{method="GET",route="/v1/acts/{act_id}",status="404"} 1.0',
                         "lextime_ledger_head_seq 1.0", "lextime_database_up 1.0",
                         "lextime_db_pool_max_connections 10.0"):
                assert line in text, line
            assert 'lextime_http_request_duration_seconds_bucket{le="0.005",method="POST",route="/v1/acts"}' \
                in text
            assert "01M89QFVX6ZAMGSD4RQG9D2NP9" not in text  # route templates, never raw paths
