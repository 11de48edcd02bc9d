"""Every error is application/problem+json with a stable type and a clear detail; no input gives a 500."""

from __future__ import annotations

import pytest

from tests.conftest import Api

ACT = {"jurisdiction": "kz", "type": "law", "number": "7", "adopted_on": "2020-05-05", "titles": {"ru": "Закон"}}


def assert_problem(r: object, status: int, slug: str) -> dict[str, object]:
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    assert r.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert body["type"] == f"urn:lextime:problem:{slug}"
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    return body  # type: ignore[no-any-return]


@pytest.fixture
async def act_id(api: Api) -> str:
    r = await api.post("/v1/acts", ACT)
    assert r.status_code == 201
    return str(r.json()["id"])


@pytest.mark.parametrize("params, slug", [
    ({"date": "2020-13-01"}, "invalid-request"),
    ({"date": "2020-02-30"}, "invalid-request"),
    ({"date": "yesterday"}, "invalid-request"),
    ({"date": "20200101"}, "invalid-request"),
    ({"lang": "zu"}, "unknown-language"),
    ({"lang": ""}, "unknown-language"),
    ({"format": "pdf"}, "invalid-request"),
])
async def test_bad_query_parameters(api: Api, act_id: str, params: dict[str, str], slug: str) -> None:
    body = assert_problem(await api.get(f"/v1/acts/{act_id}/text", params=params), 400, slug)
    assert body["instance"] == f"/v1/acts/{act_id}/text"


async def test_unknown_act_and_route(api: Api) -> None:
    body = assert_problem(await api.get("/v1/acts/01ARZ3NDEKTSV4RRFFQ69G5FAV/text"), 404, "not-found")
    assert "01ARZ3NDEKTSV4RRFFQ69G5FAV" in body["detail"]
    assert_problem(await api.get("/v1/nothing-here"), 404, "not-found")
    assert_problem(await api.get("/akn/kz/act/decree/2015-12-28/999"), 404, "not-found")
    assert_problem(await api.get("/akn/kz/bill"), 404, "not-found")
    assert_problem(await api.client.delete("/v1/acts"), 405, "method-not-allowed")


async def test_language_the_act_never_had(api: Api, act_id: str) -> None:
    await api.post(f"/v1/acts/{act_id}/editions", {"valid_from": "2020-05-05", "expressions": {"ru": {"text": "Т."}}})
    assert_problem(await api.get(f"/v1/acts/{act_id}/text", params={"lang": "kk"}), 404, "language-not-available")


@pytest.mark.parametrize("content, slug", [
    (b"{not json", "malformed-json"),
    (b"", "malformed-json"),
    (b"[]", "invalid-request"),
    (b'"a string"', "invalid-request"),
    (b"[" * 100 + b"]" * 100, "malformed-json"),
])
async def test_malformed_bodies(api: Api, content: bytes, slug: str) -> None:
    r = await api.client.post("/v1/acts", content=content, headers={**api.auth, "content-type": "application/json"})
    assert_problem(r, 400, slug)


@pytest.mark.parametrize("change, field", [
    ({"type": "bylaw"}, "body.type"),
    ({"adopted_on": "2020-02-31"}, "body.adopted_on"),
    ({"titles": {"xx": "t"}}, "body.titles.xx"),
    ({"titles": {}}, "body.titles"),
    ({"jurisdiction": None}, "body.jurisdiction"),
    ({"number": "1\x00"}, "body.number"),
    ({"id": "not-a-ulid"}, "body.id"),
    ({"entry_into_force": {"date": "2020-01-01", "when": "x"}}, "body.entry_into_force.when"),
])
async def test_invalid_act_fields_are_named(api: Api, change: dict[str, object], field: str) -> None:
    r = await api.post("/v1/acts", {**ACT, **change})
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert any(p["name"] == field for p in r.json()["invalid_params"]), r.json()


async def test_unknown_fields_are_refused_by_name(api: Api) -> None:
    body = assert_problem(await api.post("/v1/acts", {**ACT, "colour": "red", "size": 1}), 400, "unknown-fields")
    assert "colour" in body["detail"] and "size" in body["detail"]


async def test_oversized_body_is_413(api: Api) -> None:
    big = {**ACT, "titles": {"ru": "я" * 6_000_000}}
    assert_problem(await api.post("/v1/acts", big), 413, "body-too-large")


async def test_duplicate_act_is_409_and_records_nothing(api: Api, act_id: str) -> None:
    body = assert_problem(await api.post("/v1/acts", ACT), 409, "conflict")
    assert "already recorded" in body["detail"]
    r = await api.get("/v1/acts")
    assert [a["id"] for a in r.json()["items"]] == [act_id]


async def test_duplicate_edition_is_409(api: Api, act_id: str) -> None:
    body = {"valid_from": "2020-05-05", "expressions": {"ru": {"text": "Текст."}}}
    assert (await api.post(f"/v1/acts/{act_id}/editions", body)).status_code == 201
    assert_problem(await api.post(f"/v1/acts/{act_id}/editions", body), 409, "conflict")


@pytest.mark.parametrize("expressions, field", [
    ({"ru": {"text": "a", "units": []}}, "body.expressions.ru"),
    ({"ru": {}}, "body.expressions.ru"),
    ({"ru": {"units": [{"eId": "point_1", "kind": "point", "text": "a"},
                       {"eId": "point_1", "kind": "point", "text": "b"}]}}, "body.expressions.ru.units"),
    ({"ru": {"units": [{"eId": "Point 1!", "kind": "point", "text": "a"}]}}, "body.expressions.ru.units[0].eId"),
    ({"ru": {"units": [{"eId": "point_1", "kind": "widget", "text": "a"}]}}, "body.expressions.ru.units[0].kind"),
    ({"ru": {"units": [{"eId": "point_1", "kind": "point", "text_available": False, "text": "a"}]}},
     "body.expressions.ru.units[0].text"),
])
async def test_invalid_editions(api: Api, act_id: str, expressions: dict[str, object], field: str) -> None:
    r = await api.post(f"/v1/acts/{act_id}/editions", {"valid_from": "2020-05-05", "expressions": expressions})
    assert r.status_code == 400, r.text
    names = [p["name"] for p in r.json()["invalid_params"]]
    assert field in names, r.json()


async def test_relation_to_unknown_act_is_404_and_records_nothing(api: Api, act_id: str) -> None:
    r = await api.post("/v1/relations", {"type": "repeals", "source_act": "01ARZ3NDEKTSV4RRFFQ69G5FAV",
                                         "target_act": act_id, "effective_date": "2021-01-01"})
    assert_problem(r, 404, "not-found")
    assert (await api.get(f"/v1/acts/{act_id}/relations")).json()["items"] == []


async def test_writes_need_a_valid_key(api: Api) -> None:
    r = await api.client.post("/v1/acts", json=ACT)
    assert_problem(r, 401, "unauthorized")
    assert r.headers["www-authenticate"].startswith("Bearer")
    r = await api.client.post("/v1/acts", json=ACT, headers={"Authorization": "Bearer lx_nope_nope"})
    assert_problem(r, 401, "unauthorized")
    r = await api.client.post("/v1/acts", json=ACT, headers={"Authorization": api.auth["Authorization"] + "x"})
    assert_problem(r, 401, "unauthorized")
    assert (await api.get("/v1/acts")).json()["items"] == []


async def test_a_key_without_the_write_scope_is_403(api: Api, owner: object) -> None:
    from service.store.keys import insert_key

    reader = await insert_key(owner, name="reader", scopes=("read",))  # type: ignore[arg-type]
    r = await api.client.post("/v1/acts", json=ACT, headers={"Authorization": f"Bearer {reader}"})
    assert_problem(r, 403, "forbidden")


async def test_request_id_is_echoed(api: Api) -> None:
    r = await api.get("/healthz", headers={"X-Request-Id": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    r = await api.get("/healthz", headers={"X-Request-Id": "bad id with spaces"})
    assert r.headers["x-request-id"] != "bad id with spaces" and len(r.headers["x-request-id"]) == 32


@pytest.mark.parametrize("path", ["/v1/acts/%00/text", "/v1/acts/abc", "/akn/kz/act/decree/2015-12-28/1%00"])
async def test_nul_and_junk_in_paths_are_404(api: Api, path: str) -> None:
    assert_problem(await api.get(path), 404, "not-found")


async def test_nul_in_a_body_string_is_400_naming_it(api: Api) -> None:
    body = assert_problem(await api.post("/v1/acts", {**ACT, "titles": {"ru": "a\x00b"}}), 400, "invalid-request")
    assert body["invalid_params"][0]["name"] == "body.titles.ru"


async def test_405_names_every_allowed_method(api: Api) -> None:
    r = await api.client.put("/v1/acts")
    assert_problem(r, 405, "method-not-allowed")
    assert set(r.headers["allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


async def test_every_response_names_the_api_version(api: Api) -> None:
    for r in (await api.get("/healthz"), await api.get("/v1/nothing")):
        assert r.headers["x-lextime-api-version"] == "v1"
