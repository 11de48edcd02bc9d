"""`GET /v1/resolve`: a citation in Russian or Kazakh to the recorded act, with the importer's matching;
`GET /v1/sources/{sha256}`: the bytes an import read."""

from __future__ import annotations

import hashlib

import pytest

from tests.conftest import Api
from tests.test_openapi import conforms

from .conftest import post_document, sample_bytes
from .documents import ORDER_RU


@pytest.fixture
async def concept(api: Api) -> str:
    r = await post_document(api, sample_bytes(), name="https://adilet.zan.kz/rus/docs/U1500000148",
                            retrieved_at="2025-03-01T10:00:00+05:00")
    assert r.status_code == 201, r.text
    return str(r.json()["act"])


@pytest.mark.parametrize("citation, number, adopted", [
    ("Указ Президента РК от 15.09.2022 № 1014", "1014", "2022-09-15"),
    ("указом Президента Республики Казахстан от 15 сентября 2022 года № 1014", "1014", "2022-09-15"),
    ("ҚР Президентінің 2022 жылғы 15 қыркүйектегі № 1014 Жарлығы", "1014", "2022-09-15"),
    ("Указ Президента РК № 1014", "1014", "2022-09-15"),
    ("Указ Президента Республики Казахстан от 28 декабря 2015 года № 148", "148", "2015-12-28"),
    ("Закон Республики Казахстан от 20 октября 2008 года \"Об Ассамблее народа Казахстана\"", None, "2008-10-20"),
    ("Указом Президента Республики Казахстан от 7 сентября 2011 года", "149", "2011-09-07"),
])
async def test_a_citation_resolves_to_its_act(api: Api, concept: str, citation: str, number: str | None,
                                              adopted: str) -> None:
    answer = conforms(await api.get("/v1/resolve", params={"citation": citation}))
    assert answer["act"] is not None and answer["candidates"] == [answer["act"]]
    assert (answer["act"]["number"], answer["act"]["adopted_on"]) == (number, adopted)
    assert answer["citation"]["adopted_on"] in (adopted, None)


async def test_the_document_act_has_its_adilet_code(api: Api, concept: str) -> None:
    act = conforms(await api.get("/v1/resolve", params={"citation": "Указ Президента РК от 28.12.2015 № 148"}))["act"]
    assert act["id"] == concept and act["external_ids"] == ["U1500000148"]


async def test_no_act_fits_and_not_a_citation(api: Api, concept: str) -> None:
    r = await api.get("/v1/resolve", params={"citation": "Указ Президента РК от 01.02.2001 № 1"})
    assert r.status_code == 404
    problem = conforms(r)
    assert problem["type"] == "urn:lextime:problem:no-matching-act" and problem["citation"]["number"] == "1"
    r = await api.get("/v1/resolve", params={"citation": "Закон Республики Казахстан от 20 октября 2008 года \"О другом\""})
    assert r.status_code == 404  # same type and day, another title: another act
    for text in ("просто слова", "Указ Президента", "в 2017 году"):
        r = await api.get("/v1/resolve", params={"citation": text})
        assert r.status_code == 400 and conforms(r)["type"] == "urn:lextime:problem:not-a-citation", text
    r = await api.get("/v1/resolve")
    assert r.status_code == 400 and conforms(r)["invalid_params"][0]["name"] == "citation"


async def test_several_acts_fit_an_undated_or_numberless_citation(api: Api) -> None:
    for title in ("First", "Second"):
        r = await api.post("/v1/acts", {"jurisdiction": "kz", "type": "law", "adopted_on": "2008-10-20",
                                        "titles": {"en": title}})
        assert r.status_code == 201
    answer = conforms(await api.get("/v1/resolve", params={"citation": "Закон РК от 20.10.2008"}))
    assert answer["act"] is None and len(answer["candidates"]) == 2


async def test_a_source_is_served_as_imported(api: Api, concept: str) -> None:
    sha = hashlib.sha256(sample_bytes()).hexdigest()
    r = await api.get(f"/v1/sources/{sha}")
    assert r.status_code == 200 and r.content == sample_bytes()
    assert conforms(r) == sample_bytes().decode("utf-8")
    assert r.headers["etag"] == f'"{sha}"'
    assert r.headers["content-disposition"] == "inline; filename*=UTF-8''U1500000148"
    assert r.headers["x-lextime-retrieved-at"] == "2025-03-01T05:00:00+00:00"
    r = await api.get(f"/v1/sources/{sha}", headers={"If-None-Match": f'"{sha}"'})
    assert r.status_code == 304 and r.content == b""
    r = await api.client.head(f"/v1/sources/{sha}")
    assert r.status_code == 200 and r.headers["content-length"] == str(len(sample_bytes()))
    for missing in ("0" * 64, "not-a-hash", sha.upper()):
        r = await api.get(f"/v1/sources/{missing}")
        assert r.status_code == 404 and conforms(r)["type"] == "urn:lextime:problem:source-not-found"


async def test_a_web_page_is_served_as_html(api: Api) -> None:
    page = "<html><body><h1>Об утверждении Правил</h1>" + "".join(
        f"<p>{line}</p>" for line in ORDER_RU.split("\n")[2:] if line) + "</body></html>"
    summary = conforms(await post_document(api, page, media="text/html"))
    r = await api.get(summary["source"]["href"])
    assert r.headers["content-type"] == "text/html; charset=utf-8" and r.text == page
    assert "content-disposition" not in r.headers  # imported without a name


async def test_the_readme_resolve_example_answers_on_the_demo(api: Api) -> None:
    import re
    from pathlib import Path

    from service.demo import load_demo

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    [citation] = re.findall(r'/v1/resolve" --data-urlencode "citation=([^"]+)"', readme)
    await load_demo(api.dsn)
    answer = conforms(await api.get("/v1/resolve", params={"citation": citation}))
    assert (answer["act"]["type"], answer["act"]["number"], answer["act"]["adopted_on"]) == ("order", "2", "2021-06-30")
    assert answer["act"]["titles"]["ru"].startswith("Приказ")  # known by reference: a designation
