"""The contract in openapi.yaml: a valid OpenAPI 3.1 document, equal to the route table both ways, with
examples that fit their schemas, and answers of the running service (over real HTTP) that fit the schema
the contract gives for their route, status and media type. The Concept's acts are recorded from the
contract's own request examples, and where an answer is fully determined its response example must
equal it, so the examples stay true."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, cast

import asyncpg
import httpx
import pytest
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from service.app import ROUTES
from service.store.keys import insert_key
from tests.conftest import Api, served

SPEC_FILE = Path(__file__).resolve().parent.parent / "openapi.yaml"
SPEC_URI = "urn:lextime:openapi"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}

# The Concept's acts, with the ids the contract's examples use.
DECREE_148 = "01M89QFVWX6K9B2NW41RKT16CG"
DECREE_552 = "01M89QFVWZCDDB3WH90KBMPN6V"
DECREE_824 = "01M89QFVX1XD6TBWW51MSRK5DZ"
DECREE_1014 = "01M89QFVX4FC0QH2BQ12DEWPCM"
UNKNOWN_ACT = "01M89QFVX6ZAMGSD4RQG9D2NP9"
# The relations in the order they are recorded, by the ids the examples give them (the service assigns ids).
EXAMPLE_RELATION_IDS = ["01M89QFVXANH6W8YGT0CX6JEN8", "01M89QFVXCASZTEHWDNE3FHMK8", "01M89QFVXE4172KXP44H9CEE1H"]
WORK = "/akn/kz/act/decree/2015-12-28/148"


# ---- reading the contract ------------------------------------------------------------------------------

@cache
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    return loaded


@cache
def registry() -> Registry[Any]:
    resource: Resource[Any] = DRAFT202012.create_resource(spec())
    return cast("Registry[Any]", Registry().with_resource(SPEC_URI, resource))


def escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def at(pointer: str) -> Any:
    """The node at a local JSON pointer (`#/a/b`) of the contract."""
    node: Any = spec()
    for raw in pointer.removeprefix("#").split("/")[1:]:
        key = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def resolved(node: Any, pointer: str) -> tuple[Any, str]:
    """Follow `$ref`s (of responses, headers, examples) to the node and its pointer."""
    while isinstance(node, dict) and "$ref" in node:
        pointer = node["$ref"]
        node = at(pointer)
    return node, pointer


def check(value: Any, schema_pointer: str) -> None:
    """Validate `value` against the schema at `schema_pointer`, Draft 2020-12, formats checked."""
    validator = Draft202012Validator({"$ref": SPEC_URI + schema_pointer}, registry=registry(),
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
    assert not errors, f"against {schema_pointer}:\n" + "\n".join(
        f"  at {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors[:10])


def spec_path(starlette_path: str) -> str:
    """`/akn/{path:path}` (Starlette) → `/akn/{path}` (OpenAPI)."""
    return re.sub(r"\{(\w+)(?::\w+)?\}", r"{\1}", starlette_path)


def _template_pattern(template: str) -> str:
    """A path template as a regular expression; `{path}` (the AKN address) spans segments."""
    parts = re.split(r"(\{\w+\})", template)
    return "".join(".*" if p == "{path}" else "[^/]+" if p.startswith("{") else re.escape(p) for p in parts)


def template_of(path: str) -> str:
    """The one path template of the contract that a concrete request path matches."""
    found = [t for t in spec()["paths"] if re.fullmatch(_template_pattern(t), path)]
    found = [t for t in found if t == path] or found  # a literal path wins over a template (/v1/texts/batch)
    assert len(found) == 1, f"{path} matches {found} in the contract"
    return str(found[0])


def example(template: str, method: str, status: str, name: str) -> Any:
    """The value of a named response example (JSON or problem+json)."""
    response, _ = resolved(spec()["paths"][template][method]["responses"][status], "")
    content = response["content"]
    media = "application/json" if "application/json" in content else "application/problem+json"
    ex, _ = resolved(content[media]["examples"][name], "")
    return copy.deepcopy(ex["value"])


def request_example(template: str, method: str, name: str) -> Any:
    ex, _ = resolved(spec()["paths"][template][method]["requestBody"]["content"]["application/json"]["examples"][name], "")
    return copy.deepcopy(ex["value"])


def _examples(node: Any, pointer: str) -> Iterator[tuple[str, Any, str]]:
    """(where, example value, schema pointer) for every example in the contract."""
    if isinstance(node, dict):
        if "schema" in node:
            if "example" in node:
                yield pointer + "/example", node["example"], pointer + "/schema"
            for name, ex in (node.get("examples") or {}).items():
                value, _ = resolved(ex, "")
                if "value" in value:
                    yield f"{pointer}/examples/{escape(name)}", value["value"], pointer + "/schema"
        if isinstance(node.get("examples"), list):  # a JSON Schema's own `examples`
            for i, value in enumerate(node["examples"]):
                yield f"{pointer}/examples/{i}", value, pointer
        for key, value in node.items():
            if key not in ("example", "examples"):
                yield from _examples(value, f"{pointer}/{escape(key)}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _examples(value, f"{pointer}/{i}")


EXAMPLES = list(_examples(spec(), "#"))


# ---- the document -----------------------------------------------------------------------------------------

def test_the_contract_is_valid_openapi_3_1() -> None:
    validate(spec())
    assert spec()["openapi"].startswith("3.1.")


def test_routes_and_contract_match_both_ways() -> None:
    served = {(m.lower(), spec_path(r.path)) for r in ROUTES for m in (r.methods or ()) if m != "HEAD"}
    documented = {(m, p) for p, item in spec()["paths"].items() for m in item if m in HTTP_METHODS}
    assert served - documented == set(), "routes the contract does not document"
    assert documented - served == set(), "operations the contract documents but no route serves"


def test_writes_need_a_key_and_reads_may_take_one() -> None:
    """POSTs and the key listing need a key; every other operation but the probes takes one (private reads,
    /metrics), and documents the 401 and 403 it may then answer."""
    for path, item in spec()["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            security = operation.get("security")
            if (method == "post" and not operation.get("x-lextime-read", False)) or path == "/v1/keys":
                assert security == [{"bearerAuth": []}], f"{method} {path}"
            elif path in ("/healthz", "/readyz"):
                assert security is None, f"{method} {path}"
            else:
                assert security == [{}, {"bearerAuth": []}], f"{method} {path}"
            assert ({"401", "403"} <= set(operation["responses"])) == (security is not None), f"{method} {path}"


def test_reads_sent_as_post_are_the_ones_the_guard_treats_as_reads() -> None:
    from service.api.access import READ_POSTS

    marked = {path for path, item in spec()["paths"].items()
              if (item.get("post") or {}).get("x-lextime-read", False)}
    assert marked == READ_POSTS


def test_limited_operations_document_429() -> None:
    from service.api.access import EXPENSIVE_ROUTES

    for path, item in spec()["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                limited = method == "post" or path.replace("{path}", "{path:path}") in EXPENSIVE_ROUTES
                assert ("429" in operation["responses"]) == limited, f"{method} {path}"


def test_every_error_is_problem_json() -> None:
    for path, item in spec()["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            for status, raw in operation["responses"].items():
                response, _ = resolved(raw, "")
                if int(status) >= 400:
                    assert list(response["content"]) == ["application/problem+json"], f"{method} {path} {status}"
                    assert "X-Request-Id" in response["headers"], f"{method} {path} {status}"


@pytest.mark.parametrize(("where", "value", "schema"), EXAMPLES, ids=[w for w, _, _ in EXAMPLES])
def test_every_example_fits_its_schema(where: str, value: Any, schema: str) -> None:
    check(value, schema)


# ---- the service against the contract ----------------------------------------------------------------------

def conforms(r: httpx.Response) -> Any:
    """Check an answer against the contract (status documented, media type, required headers, body);
    returns the body."""
    method = r.request.method.lower()
    template = template_of(r.request.url.path)
    responses = spec()["paths"][template][method]["responses"]
    status = str(r.status_code)
    assert status in responses, f"{method.upper()} {template} answered {status}, undocumented: {r.text[:500]}"
    response, pointer = resolved(responses[status], f"#/paths/{escape(template)}/{method}/responses/{status}")
    if "content" not in response:  # 304: headers only
        assert r.content == b"", f"{method.upper()} {template} {status} has a body"
        for name, raw in response.get("headers", {}).items():
            header, header_pointer = resolved(raw, f"{pointer}/headers/{escape(name)}")
            assert not header.get("required") or name in r.headers, f"{template} {status}: no {name} header"
        return None
    media = r.headers.get("content-type", "").split(";")[0].strip()
    assert media in response.get("content", {}), f"{method.upper()} {template} {status}: undocumented {media}"
    for name, raw in response.get("headers", {}).items():
        header, header_pointer = resolved(raw, f"{pointer}/headers/{escape(name)}")
        if header.get("required"):
            assert name in r.headers, f"{method.upper()} {template} {status}: no {name} header"
        if name in r.headers:
            check(r.headers[name], f"{header_pointer}/schema")
    body = r.json() if media == "application/json" or media.endswith("+json") else r.text
    check(body, f"{pointer}/content/{escape(media)}/schema")
    return body


class Recorder:
    """Calls the service, checks each answer against the contract, maps the relation ids it assigns to
    the ids the contract's examples use."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.relation_ids: dict[str, str] = {}

    def as_in_examples(self, body: Any) -> Any:
        if isinstance(body, dict):
            return {k: self.as_in_examples(v) for k, v in body.items()}
        if isinstance(body, list):
            return [self.as_in_examples(v) for v in body]
        return self.relation_ids.get(body, body) if isinstance(body, str) else body

    async def post(self, path: str, body: Any, expect: int, **kwargs: Any) -> Any:
        r = await self.api.post(path, body, **kwargs)
        assert r.status_code == expect, r.text
        return self.as_in_examples(conforms(r))

    async def get(self, path: str, expect: int = 200, /, **params: str) -> Any:
        r = await self.api.get(path, params=params)
        assert r.status_code == expect, r.text
        return self.as_in_examples(conforms(r))

    async def raw(self, method: str, path: str, expect: int, **kwargs: Any) -> Any:
        r = await self.api.client.request(method, path, **kwargs)
        assert r.status_code == expect, r.text
        return conforms(r)


async def record_the_concept(api: Api) -> Recorder:
    """Decrees 148, 552, 824 and 1014 and their relations and editions, from the contract's examples, in
    the order that gives the examples' ledger sequence numbers."""
    rec = Recorder(api)
    decree_148 = request_example("/v1/acts", "post", "decree-148") | {"id": DECREE_148}
    assert await rec.post("/v1/acts", decree_148, 201) == example("/v1/acts", "post", "201", "decree-148")
    await rec.post("/v1/acts", request_example("/v1/acts", "post", "decree-552-known-by-reference")
                   | {"id": DECREE_552}, 201)
    for act_id, number, day in ((DECREE_824, "824", "2019-01-09"), (DECREE_1014, "1014", "2022-09-15")):
        await rec.post("/v1/acts", {"id": act_id, "jurisdiction": "kz", "type": "decree", "number": number,
                                    "adopted_on": day, "titles": {"ru": f"Указ Президента Республики Казахстан № {number}"}},
                       201)
    relations = [request_example("/v1/relations", "post", name)
                 for name in ("repeal-by-point", "repeal-by-convention", "unit-amendment")]
    for i, body in enumerate(relations[:2]):
        created = await rec.post("/v1/relations", body, 201)
        rec.relation_ids[created["id"]] = EXAMPLE_RELATION_IDS[i]
    assert rec.as_in_examples(created) == example("/v1/relations", "post", "201", "repeal-by-convention")
    editions = f"/v1/acts/{DECREE_148}/editions"
    await rec.post(editions, request_example("/v1/acts/{act_id}/editions", "post", "original-2015"), 201)
    created = await rec.post(editions, request_example("/v1/acts/{act_id}/editions", "post", "new-wording-2019"), 201)
    assert created == example("/v1/acts/{act_id}/editions", "post", "201", "new-wording-2019")
    created = await rec.post("/v1/relations", relations[2], 201)
    rec.relation_ids[created["id"]] = EXAMPLE_RELATION_IDS[2]
    return rec


async def test_every_read_fits_the_contract(api: Api) -> None:
    rec = await record_the_concept(api)
    assert await rec.get("/healthz") == {"status": "ok"}
    assert await rec.get("/readyz") == {"status": "ready"}

    assert await rec.get("/v1/acts", limit="1") == example("/v1/acts", "get", "200", "first-page")
    page = await rec.get("/v1/acts", limit="1", cursor=example("/v1/acts", "get", "200", "first-page")["next"]
                         .split("cursor=")[1])
    assert [a["id"] for a in page["items"]] == [DECREE_552] and page["next"]
    everything = await rec.get("/v1/acts")
    assert [a["id"] for a in everything["items"]] == [DECREE_148, DECREE_552, DECREE_824, DECREE_1014]
    assert everything["next"] is None
    repealed = await rec.get("/v1/acts", status="repealed", date="2023-01-01")
    assert [a["id"] for a in repealed["items"]] == [DECREE_148, DECREE_552]
    for params, ids in (({"q": "Ассамблеи народа"}, [DECREE_148, DECREE_552]), ({"type": "decree", "number": "148"}, [DECREE_148]),
                        ({"adopted": "2013-04-18"}, [DECREE_552]), ({"external_id": "U1500000148"}, [DECREE_148])):
        assert [a["id"] for a in (await rec.get("/v1/acts", **params))["items"]] == ids, params

    act = f"/v1/acts/{DECREE_148}"
    assert await rec.get(act) == example("/v1/acts/{act_id}", "get", "200", "decree-148")

    status = "/v1/acts/{act_id}/status"
    assert await rec.get(f"{act}/status", date="2015-12-27") == example(status, "get", "200", "not-yet-in-force")
    assert await rec.get(f"{act}/status", date="2019-06-01") == example(status, "get", "200", "in-force")
    assert await rec.get(f"{act}/status", date="2022-09-15") == example(status, "get", "200", "repealed")
    assert await rec.get(f"/v1/acts/{DECREE_552}/status", date="2014-06-01") == example(status, "get", "200", "uncertain")
    assert (await rec.get(f"{act}/status"))["status"]["code"] == "repealed"  # today

    text = "/v1/acts/{act_id}/text"
    assert await rec.get(f"{act}/text", date="2016-06-01", lang="ru") == example(text, "get", "200", "in-force-2016")
    assert await rec.get(f"{act}/text", date="2023-01-01", lang="rus") == example(text, "get", "200", "repealed")
    kazakh = await rec.get(f"{act}/text", date="2016-06-01")
    assert kazakh["lang"] == "kk" and kazakh["text"].startswith("Қоса беріліп отырған")
    plain = await api.get(f"{act}/text", params={"date": "2016-06-01", "lang": "ru", "format": "text"})
    assert conforms(plain) == example(text, "get", "200", "in-force-2016")["text"]
    assert plain.headers["X-Lextime-Status"] == "in_force"
    after_repeal = await api.get(f"{act}/text", params={"date": "2023-01-01", "format": "text"})
    assert conforms(after_repeal) == "" and after_repeal.headers["X-Lextime-Status"] == "repealed"

    assert await rec.get(f"{act}/editions") == example("/v1/acts/{act_id}/editions", "get", "200", "decree-148")
    assert await rec.get(f"{act}/relations") == example("/v1/acts/{act_id}/relations", "get", "200", "decree-148")
    seen_from_552 = await rec.get(f"/v1/acts/{DECREE_552}/relations")
    assert [r["label"] for r in seen_from_552["items"]] == ["repealed_by"]

    akn = "/akn/{path}"
    work = await api.get(WORK)
    assert conforms(work) == example(akn, "get", "200", "work")
    assert work.headers["Content-Location"] == act
    assert await rec.get(f"{WORK}/rus@2019-01-09") == example(akn, "get", "200", "edition-on")
    assert await rec.get(f"{WORK}/rus@") == example(akn, "get", "200", "original")
    in_force_on = await rec.get(f"{WORK}/rus:2020-06-01")
    assert in_force_on["edition"]["valid_from"] == "2019-01-09" and in_force_on["date"] == "2020-06-01"
    current = await rec.get(f"{WORK}/kaz")
    assert current["lang"] == "kk" and current["status"]["code"] == "repealed" and current["edition"] is None

    window = await rec.post("/v1/relations", request_example("/v1/relations", "post", "date-in-a-window"), 201)
    assert window["effective_date"] is None
    assert window["effective_window"] == {"earliest": "2022-01-01", "latest": "2022-12-31"}


async def test_every_error_fits_the_contract(api: Api) -> None:
    rec = await record_the_concept(api)
    act = f"/v1/acts/{DECREE_148}"

    problem = await rec.get(f"{act}/status", 400, date="2015-13-01")
    assert problem == example("/v1/acts/{act_id}/status", "get", "400", "bad-date")
    assert (await rec.get("/v1/acts", 400, limit="0"))["invalid_params"][0]["name"] == "limit"
    assert (await rec.get("/v1/acts", 400, cursor="not-a-cursor"))["type"] == "urn:lextime:problem:invalid-cursor"
    assert (await rec.get("/v1/acts", 400, status="valid"))["type"] == "urn:lextime:problem:invalid-request"
    assert (await rec.get(f"{act}/text", 400, format="pdf"))["invalid_params"][0]["name"] == "format"
    assert (await rec.get(f"{act}/text", 400, lang="zu"))["type"] == "urn:lextime:problem:unknown-language"

    for path in ("", "/status", "/text", "/editions", "/relations"):
        assert await rec.get(f"/v1/acts/{UNKNOWN_ACT}{path}", 404) == example(
            "/v1/acts/{act_id}", "get", "404", "not-found") | {"instance": f"/v1/acts/{UNKNOWN_ACT}{path}"}
    assert await rec.get(f"{act}/text", 404, lang="en") == example(
        "/v1/acts/{act_id}/text", "get", "404", "language-not-available")

    akn = "/akn/{path}"
    assert await rec.get("/akn/kz/act/decree/2015-12-28/149", 404) == example(akn, "get", "404", "unknown-work")
    assert await rec.get(f"{WORK}/rus@2019-01-10", 404) == example(akn, "get", "404", "edition-not-found")
    assert await rec.get(f"{WORK}/ru", 400) == example(akn, "get", "400", "not-an-expression")
    assert (await rec.get(f"{WORK}/rus:2020-02-30", 400))["invalid_params"][0]["name"] == "date"
    assert (await rec.get(f"{WORK}/zul", 400))["type"] == "urn:lextime:problem:unknown-language"
    assert (await rec.get(f"{WORK}/eng", 404))["type"] == "urn:lextime:problem:language-not-available"
    assert (await rec.get("/akn/kz/act/decree", 404))["type"] == "urn:lextime:problem:not-found"

    minimal = {"jurisdiction": "kz", "type": "decree", "titles": {"ru": "Указ"}}
    problems = at("#/components/responses")
    unauthorized = await rec.raw("POST", "/v1/acts", 401, json=minimal)
    assert unauthorized == problems["Unauthorized"]["content"]["application/problem+json"]["example"]
    await rec.raw("POST", "/v1/acts", 401, json=minimal, headers={"Authorization": "Bearer lx_0_wrong"})
    await rec.raw("POST", f"{act}/editions", 401, json={})
    await rec.raw("POST", "/v1/relations", 401, json={})
    conn = await asyncpg.connect(api.dsn)
    try:
        reader = await insert_key(conn, name="auditor", scopes=("read",))
    finally:
        await conn.close()
    forbidden = await rec.raw("POST", "/v1/acts", 403, json=minimal, headers={"Authorization": f"Bearer {reader}"})
    assert forbidden == problems["Forbidden"]["content"]["application/problem+json"]["example"]

    unknown = await rec.post("/v1/acts", {**minimal, "title": "Указ"}, 400)
    assert unknown == example("/v1/acts", "post", "400", "unknown-fields")
    malformed = await rec.raw("POST", "/v1/acts", 400, content=b"{", headers=api.auth)
    assert malformed == example("/v1/acts", "post", "400", "malformed-json")
    await rec.post("/v1/acts", {**minimal, "publication": {"page": 1}}, 400)
    await rec.post("/v1/acts", {**minimal, "type": "ukaz"}, 400)
    await rec.post(f"{act}/editions", {"valid_from": "2020-01-01", "expressions": {"ru": {"text": "x", "units": []}}}, 400)
    await rec.post(f"{act}/editions", {"valid_from": "2020-01-01",
                                       "expressions": {"ru": {"units": [{"eId": "Point 1", "kind": "point"}]}}}, 400)
    await rec.post("/v1/relations", {"type": "repeals", "source_act": DECREE_1014, "target_act": DECREE_148,
                                     "effective_date": "2022-09-15", "effective_window": {}}, 400)

    duplicate = request_example("/v1/acts", "post", "decree-148")
    assert await rec.post("/v1/acts", duplicate, 409) == example("/v1/acts", "post", "409", "duplicate-alias")
    again = request_example("/v1/acts/{act_id}/editions", "post", "new-wording-2019")
    assert await rec.post(f"{act}/editions", again, 409) == example(
        "/v1/acts/{act_id}/editions", "post", "409", "duplicate-edition")
    await rec.post(f"/v1/acts/{UNKNOWN_ACT}/editions", again, 404)
    await rec.post(f"{act}/editions", {**again, "valid_from": "2020-01-01", "source_acts": [UNKNOWN_ACT]}, 404)
    await rec.post("/v1/relations", {"type": "cites", "source_act": DECREE_148, "target_act": UNKNOWN_ACT}, 404)


async def test_a_body_over_the_limit_is_413(api: Api) -> None:
    async with served(api.dsn, LEXTIME_MAX_BODY_BYTES="1024") as client:
        r = await client.post("/v1/acts", headers=api.auth,
                              json={"jurisdiction": "kz", "type": "decree", "titles": {"ru": "Указ " * 500}})
        assert r.status_code == 413, r.text
        assert conforms(r)["type"] == "urn:lextime:problem:body-too-large"
