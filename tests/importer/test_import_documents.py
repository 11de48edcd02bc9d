"""Documents the tests write, in the three layouts, imported through `POST /v1/imports`: a Russian-only
order with a footnote of every kind, a Kazakh-only decree whose status line says it lost force, a
bilingual law as a web page and as Markdown, and a document that cannot be read."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg

from tests.conftest import Api, served
from tests.test_openapi import conforms

from .conftest import act_by_citation, ledger_size, post_document
from .documents import DECREE_KK, LAW_META, ORDER_RU, law_html, law_markdown, law_text


async def _text(api: Api, act: str, day: str, lang: str) -> dict[str, Any]:
    r = await api.get(f"/v1/acts/{act}/text", params={"date": day, "lang": lang})
    assert r.status_code == 200, r.text
    return conforms(r)  # type: ignore[no-any-return]


async def _status(api: Api, act: str, day: str) -> dict[str, Any]:
    return conforms(await api.get(f"/v1/acts/{act}/status", params={"date": day}))["status"]  # type: ignore[no-any-return]


def _units(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {u["eId"]: u for u in answer["units"]}


async def _relations(api: Api, act: str) -> list[dict[str, Any]]:
    return conforms(await api.get(f"/v1/acts/{act}/relations"))["items"]  # type: ignore[no-any-return]


async def _count(api: Api, table: str) -> int:
    conn = await asyncpg.connect(api.dsn)
    try:
        return int(await conn.fetchval(f"SELECT count(*) FROM {table}"))
    finally:
        await conn.close()


# -- a Russian-only order with every kind of footnote ---------------------------------------------------------

async def test_russian_order_entry_into_force_after_publication(api: Api) -> None:
    r = await post_document(api, ORDER_RU, name="V1600013160.txt")
    assert r.status_code == 201, r.text
    summary = conforms(r)
    assert summary["source"]["languages"] == ["ru"]
    assert summary["counts"]["editions_created"] == 3 and summary["counts"]["acts_created"] == 6
    assert sum("no earlier than 2019-10-18" in u for u in summary["uncertain"]) == 2
    act = conforms(await api.get(f"/v1/acts/{summary['act']}"))
    assert (act["type"], act["number"], act["adopted_on"]) == ("order", "30", "2016-01-20")
    assert act["external_ids"] == ["V1600013160"]  # the Adilet code in the file name
    # Registered on 2016-02-05, in force ten calendar days after first publication: no earlier than D+11.
    assert act["entry_into_force"]["date"] is None and act["entry_into_force"]["earliest"] == "2016-02-16"
    assert (await _status(api, act["id"], "2016-02-15")) | {"window": None} == {
        **(await _status(api, act["id"], "2016-02-15")), "code": "not_yet_in_force", "certain": True, "window": None}
    early = await _status(api, act["id"], "2016-06-01")
    assert (early["code"], early["certain"]) == ("in_force", False)
    assert early["window"] == {"earliest": "2016-02-16", "latest": "2018-04-01"}  # amended on 2018-04-01
    assert (await _status(api, act["id"], "2018-04-01"))["certain"] is True


async def test_russian_order_editions_follow_the_footnotes(api: Api) -> None:
    summary = conforms(await post_document(api, ORDER_RU))
    order = summary["act"]
    editions = conforms(await api.get(f"/v1/acts/{order}/editions"))["items"]
    assert [(e["valid_from"], e["text_completeness"]) for e in editions] == [
        ("2016-02-16", "partial"), ("2018-04-01", "partial"), ("2019-10-18", "full")]
    signed = _units(await _text(api, order, "2017-01-01", "ru"))
    assert [k for k, u in signed.items() if not u["text_available"]] == ["point_2", "point_3", "point_4"]
    assert "point_3-1" not in signed  # inserted in 2018
    assert signed["point_6"]["text"] == "Запись в реестр вносится в течение одного рабочего дня."
    mid = _units(await _text(api, order, "2018-06-01", "ru"))
    assert mid["point_2"]["text"] == "Реестр ведется в электронной форме на казахском и русском языках."
    assert not mid["point_3"]["text_available"]  # amended again by order No. 180, later
    assert mid["point_3-1"]["text"] == "Сведения реестра хранятся бессрочно."
    assert mid["point_4"]["text"].startswith("Исключен приказом")
    latest = await _text(api, order, "2020-01-01", "ru")
    assert all(u["text_available"] for u in latest["units"])
    no_180 = await act_by_citation(api, "приказ Министра юстиции РК от 07.10.2019 № 180")
    assert latest["edition"]["source_acts"] == [no_180["id"]]
    r = await api.get(f"/v1/acts/{order}/text", params={"date": "2020-01-01", "lang": "kk"})
    assert r.status_code == 404 and conforms(r)["type"] == "urn:lextime:problem:language-not-available"


async def test_russian_order_relations_of_every_kind(api: Api) -> None:
    order = conforms(await post_document(api, ORDER_RU))["act"]
    no_400 = (await act_by_citation(api, "приказ Министра юстиции РК от 15.03.2018 № 400"))["id"]
    no_180 = (await act_by_citation(api, "приказ Министра юстиции РК от 07.10.2019 № 180"))["id"]
    no_5 = (await act_by_citation(api, "приказ Министра юстиции РК от 10.01.2020 № 5"))["id"]
    no_12 = (await act_by_citation(api, "приказ Министра юстиции Республики Казахстан от 27 января 2015 года № 12"))["id"]
    law = (await act_by_citation(api, "Закон Республики Казахстан от 7 октября 2019 года № 250-VI"))["id"]
    got = {(x["label"], x["source_act"], x["target_act"], x["source_unit"], x["target_unit"]): x
           for x in await _relations(api, order)}
    for unit in ("point_2", "point_3", "point_3-1", "point_4"):  # new edition, amendment, insertion, exclusion
        x = got[("amended_by", no_400, order, None, unit)]
        assert (x["effective_date"], x["basis"]) == ("2018-04-01", "stated")
    window = got[("amended_by", no_180, order, None, "point_3")]
    assert window["effective_date"] is None and window["effective_window"] == {"earliest": "2019-10-18", "latest": None}
    assert window["effective_rule"] == "after ten calendar days after first official publication"
    title = got[("amended_by", no_180, order, None, None)]  # "Заголовок в редакции …"
    assert title["effective_window"]["earliest"] == "2019-10-18"
    suspension = got[("suspended_by", no_5, order, None, "point_6")]
    assert (suspension["effective_date"], suspension["basis"], suspension["ends_on"]) == (
        "2020-01-10", "convention", "2021-01-01")
    repeal = got[("repeals", order, no_12, "point_5", None)]
    assert repeal["effective_window"] == {"earliest": "2016-02-16", "latest": "2018-04-01"}
    assert got[("cites", order, law, "preamble", None)]["basis"] == "stated"
    assert len(got) == 9  # the inline "4. Исключен приказом …" is not a citation
    assert (await _status(api, no_12, "2018-04-01"))["code"] == "repealed"
    no_400_act = conforms(await api.get(f"/v1/acts/{no_400}"))
    assert no_400_act["titles"] == {"ru": "Приказ Министра юстиции РК от 15 марта 2018 года № 400"}  # a designation
    assert no_400_act["issuing_body"] == "Министра юстиции РК"  # as the citation words it: no name is invented
    cited_law = conforms(await api.get(f"/v1/acts/{law}"))
    assert cited_law["titles"] == {"ru": "О демонстрационных реестрах"} and cited_law["number"] == "250-VI"


# -- a Kazakh-only decree --------------------------------------------------------------------------------------

async def test_kazakh_only_decree_lost_force_at_an_unknown_date(api: Api) -> None:
    summary = conforms(await post_document(api, DECREE_KK, retrieved_at="2025-03-01T10:00:00+05:00"))
    decree = summary["act"]
    assert summary["source"]["languages"] == ["kk"]
    assert any("lost force" in u and "2025-03-01" in u for u in summary["uncertain"])
    act = conforms(await api.get(f"/v1/acts/{decree}"))
    assert (act["type"], act["number"], act["languages"]) == ("decree", "440", ["kk"])
    assert (await _status(api, decree, "2018-01-01"))["certain"] is True
    unsure = await _status(api, decree, "2020-01-01")  # after its last amendment, before the document's day
    assert (unsure["code"], unsure["certain"]) == ("in_force", False)
    assert unsure["window"] == {"earliest": "2019-06-06", "latest": "2025-03-01"}
    gone = await _status(api, decree, "2025-03-01")
    assert (gone["code"], gone["certain"]) == ("repealed", True)
    signed = _units(await _text(api, decree, "2018-01-01", "kk"))
    assert [k for k, u in signed.items() if not u["text_available"]] == ["point_2", "point_3"]
    now = _units(await _text(api, decree, "2019-06-05", "kk"))
    assert now["point_3"]["text"].startswith("Алып тасталды")
    no_31 = (await act_by_citation(api, "ҚР Президентінің 05.06.2019 № 31 Жарлығы"))["id"]
    labels = sorted((x["label"], x["target_unit"] or "", x["basis"]) for x in await _relations(api, decree))
    assert labels == [("amended_by", "point_2", "convention"), ("amended_by", "point_3", "convention"),
                      ("repeals", "", "stated")]
    assert all(x["source_act"] in (no_31, decree) for x in await _relations(api, decree))
    r = await api.get(f"/v1/acts/{decree}/text", params={"date": "2019-06-05", "lang": "ru"})
    assert r.status_code == 404


# -- one law, as a web page and as Markdown -------------------------------------------------------------------

async def test_web_page_then_markdown_give_one_act_with_the_same_texts(api: Api) -> None:
    page = conforms(await post_document(api, law_html(2), media="text/html", name="Z1900000250.html"))
    assert page["source"]["layout"] == "html" and page["source"]["languages"] == ["kk", "ru"]
    law = page["act"]
    assert page["counts"]["editions_created"] == 2 and page["counts"]["relations_created"] == 2
    for lang in ("kk", "ru"):
        markdown = f"---\n{LAW_META}---\n\n{law_markdown(lang, 2)}"
        again = conforms(await post_document(api, markdown, media="text/markdown", name=f"{lang}.md"))
        assert again["act"] == law and again["source"]["layout"] == "markdown"
        # The same provisions from the web page and from Markdown hash the same: no edition changes.
        assert again["counts"]["editions_created"] == again["counts"]["editions_revised"] == 0
        assert again["counts"]["relations_created"] == 0
    act = conforms(await api.get(f"/v1/acts/{law}"))
    assert act["external_ids"] == ["Z1900000250"]
    assert len(conforms(await api.get("/v1/acts", params={"type": "law", "adopted": "2019-10-07"}))["items"]) == 1
    text = await _text(api, law, "2023-01-01", "kk")
    assert _units(text)["art_2"]["text"] == "Тізілімді уәкілетті орган электрондық нысанда жүргізеді."
    assert (await _status(api, law, "2024-07-01"))["code"] == "repealed"
    assert (await _status(api, law, "2024-06-30"))["code"] == "in_force"


# -- documents that cannot be imported ------------------------------------------------------------------------

async def test_a_malformed_document_names_its_line_and_leaves_nothing(api: Api) -> None:
    cases = [
        ("1. Утвердить прилагаемые Правила.\n\n2. Настоящий приказ вводится в действие.", 1),
        ("О реестре\n\nПриказ Министра юстиции Республики Казахстан от 20 января 2016 года № 30.\n\x00\n", 4),
        ("О реестре\n\n" + "\u00a0" * 5 + " 1. Текст.\n\n\x7f", 5),
    ]
    for body, line in cases:
        r = await post_document(api, body)
        assert r.status_code == 400, r.text
        problem = conforms(r)
        assert problem["type"] == "urn:lextime:problem:unparseable-document"
        assert problem["line"] == line and f"line {line}" in problem["detail"]
    r = await post_document(api, b"\xff\xfeO\x00", media="application/octet-stream")
    assert r.status_code == 400 and conforms(r)["type"] == "urn:lextime:problem:unparseable-document"
    unidentified = await post_document(api, "О реестре\n\n" + "\u00a0" * 5 + " 1. Утвердить правила.")
    assert unidentified.status_code == 400, unidentified.text
    assert conforms(unidentified)["type"] == "urn:lextime:problem:unidentified-act"
    assert await ledger_size(api) == 0
    assert await _count(api, "sources") == 0 and await _count(api, "texts") == 0 and await _count(api, "acts") == 0


async def test_a_write_that_fails_halfway_leaves_nothing_behind(api: Api) -> None:
    # An act (by hand) holding, as an external id, the AKN address the import will give decree No. 31: the
    # import fails in its projection, after the source, the texts and the entry were written.
    r = await api.post("/v1/acts", {"jurisdiction": "kz", "type": "law", "titles": {"ru": "Другой акт"},
                                    "external_ids": ["/akn/kz/act/decree/2019-06-05/31"]})
    assert r.status_code == 201
    r = await post_document(api, DECREE_KK)
    assert r.status_code == 409, r.text
    assert conforms(r)["type"] == "urn:lextime:problem:conflict"
    assert await ledger_size(api) == 1
    assert await _count(api, "sources") == 0 and await _count(api, "texts") == 0
    assert await _count(api, "acts") == 1 and await _count(api, "fact_sources") == 0


async def test_an_ambiguous_act_is_not_guessed(api: Api) -> None:
    ids = []
    for title in ("A law of that day", "Another law of that day"):  # no number, no title in kk or ru to tell
        r = await api.post("/v1/acts", {"jurisdiction": "kz", "type": "law", "adopted_on": "2019-10-07",
                                        "titles": {"en": title}})
        ids.append(r.json()["id"])
    r = await post_document(api, law_text(1))
    assert r.status_code == 409, r.text
    problem = conforms(r)
    assert problem["type"] == "urn:lextime:problem:ambiguous-act" and sorted(problem["candidates"]) == sorted(ids)
    assert await ledger_size(api) == 2
    # A law of the same day with another title in Russian is another act, not a candidate.
    r = await api.post("/v1/acts", {"jurisdiction": "kz", "type": "law", "adopted_on": "2019-10-07",
                                    "titles": {"ru": "О другом"}})
    assert r.status_code == 201
    assert (await post_document(api, law_text(1))).status_code == 409


async def test_import_refuses_other_media_types_and_anonymous_writers(api: Api) -> None:
    r = await post_document(api, '{"a": 1}', media="application/json")
    assert r.status_code == 415 and conforms(r)["accepted"][0] == "text/plain"
    r = await api.client.post("/v1/imports", content=ORDER_RU.encode(), headers={"Content-Type": "text/plain"})
    assert r.status_code == 401 and conforms(r)["type"] == "urn:lextime:problem:unauthorized"
    r = await post_document(api, ORDER_RU, retrieved_at="yesterday")
    assert r.status_code == 400 and conforms(r)["invalid_params"][0]["name"] == "retrieved_at"
    r = await post_document(api, ORDER_RU, retrieved_at="2025-03-01T10:00:00")  # no offset
    assert r.status_code == 400
    assert await ledger_size(api) == 0


async def test_a_document_over_the_body_limit_is_413(api: Api) -> None:
    async with served(api.dsn, LEXTIME_MAX_BODY_BYTES="1024") as client:
        r = await client.post("/v1/imports", content=ORDER_RU.encode(),
                              headers={**api.auth, "Content-Type": "text/plain"})
        assert r.status_code == 413, r.text
        assert conforms(r)["type"] == "urn:lextime:problem:body-too-large"
    assert await ledger_size(api) == 0


async def test_a_chunked_document_over_the_body_limit_is_413(api: Api) -> None:
    # No Content-Length: the limit is enforced while the body streams in, not only on the declared size.
    data = ORDER_RU.encode()
    assert len(data) > 1024

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(data), 256):
            yield data[start:start + 256]

    async with served(api.dsn, LEXTIME_MAX_BODY_BYTES="1024") as client:
        r = await client.post("/v1/imports", content=chunks(), headers={**api.auth, "Content-Type": "text/plain"})
        assert r.status_code == 413, r.text
        assert conforms(r)["type"] == "urn:lextime:problem:body-too-large"
    assert await ledger_size(api) == 0
