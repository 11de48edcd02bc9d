"""The shared sample imported through `POST /v1/imports` gives DESIGN.md's table ("The Concept, worked
through"): every row and every date, in both languages, through `/v1/acts/{id}/text` and the AKN
addresses, and none of the traps. The same assertions as tests/api/test_concept.py, which enters the
Concept by hand."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import Api
from tests.test_openapi import conforms

from .conftest import act_by_citation, ledger_size, post_document, sample_bytes

AKN = "/akn/kz/act/decree/2015-12-28/148"
DAYS = ("2015-12-27", "2016-06-01", "2019-06-01", "2022-09-14", "2022-09-15")
RU_POINTS = [
    "Утвердить прилагаемую Концепцию развития Ассамблеи народа Казахстана (до 2025 года) (далее – Концепция).",
    ("Правительству Республики Казахстан в трехмесячный срок разработать и утвердить План мероприятий по "
    "реализации Концепции (далее – План)."),
    ("Центральным государственным и местным исполнительным органам и организациям принять меры по реализации "
    "Плана."),
    ("Признать утратившим силу Указ Президента Республики Казахстан от 18 апреля 2013 года № 552 \"Об утверждении "
    "Концепции развития Ассамблеи народа Казахстана (до 2020 года)\" (САПП Республики Казахстан, 2013 г., № 25, "
    "ст. 397)."),
    "Настоящий Указ вводится в действие со дня его подписания.",
]
KK_POINT_5 = "Осы Жарлық қол қойылған күнінен бастап қолданысқа енгізіледі."


@dataclass
class Concept:
    summary: dict[str, Any]
    d148: str
    d552: str
    d824: str
    d1014: str
    law2008: str
    d149: str
    d1995: str


@pytest.fixture
async def concept(api: Api) -> Concept:
    r = await post_document(api, sample_bytes(), name="ukaz-2015-12-28-148-concept.txt")
    assert r.status_code == 201, r.text
    summary = conforms(r)
    assert r.headers["location"] == f"/v1/acts/{summary['act']}"
    ids = {}
    for key, citation in (("d552", "Указ Президента Республики Казахстан от 18 апреля 2013 года № 552"),
                          ("d824", "Указ Президента РК от 09.01.2019 № 824"),
                          ("d1014", "Указ Президента РК от 15.09.2022 № 1014"),
                          ("law2008", "Закон Республики Казахстан от 20 октября 2008 года"),
                          ("d149", "Указ Президента Республики Казахстан от 7 сентября 2011 года"),
                          ("d1995", "Указ Президента Республики Казахстан от 1 марта 1995 года")):
        ids[key] = (await act_by_citation(api, citation))["id"]
    return Concept(summary, summary["act"], **ids)


async def _text(api: Api, act: str, day: str, lang: str = "ru") -> dict[str, Any]:
    r = await api.get(f"/v1/acts/{act}/text", params={"date": day, "lang": lang})
    assert r.status_code == 200, r.text
    return conforms(r)  # type: ignore[no-any-return]


async def _status(api: Api, act: str, day: str) -> dict[str, Any]:
    r = await api.get(f"/v1/acts/{act}/status", params={"date": day})
    assert r.status_code == 200, r.text
    return conforms(r)["status"]  # type: ignore[no-any-return]


def _unit(answer: dict[str, Any], eid: str) -> dict[str, Any]:
    return next(u for u in answer["units"] if u["eId"] == eid)


async def test_the_summary_counts_what_was_recorded(api: Api, concept: Concept) -> None:
    s = concept.summary
    assert s["akn_uri"] == AKN and s["seq"] == 1 and s["unchanged"] is False
    assert s["counts"] == {"acts_created": 7, "acts_revised": 0, "editions_created": 2, "editions_revised": 0,
                           "relations_created": 8, "relations_revised": 0}
    assert [a["by_reference"] for a in s["acts_created"]] == [False, *[True] * 6]
    assert s["editions_created"] == [
        {"valid_from": "2015-12-28", "text_completeness": "partial", "derived": True},
        {"valid_from": "2019-01-09", "text_completeness": "full", "derived": False}]
    assert s["source"]["languages"] == ["kk", "ru"] and s["source"]["layout"] == "text"
    assert s["skipped"] == [] and s["uncertain"] == [] and s["warnings"] == []


async def test_decree_148_requisites_and_entry_into_force(api: Api, concept: Concept) -> None:
    act = conforms(await api.get(f"/v1/acts/{concept.d148}"))
    assert (act["type"], act["number"], act["adopted_on"]) == ("decree", "148", "2015-12-28")
    assert act["issuing_body"] == "Президент Республики Казахстан"
    assert act["titles"]["ru"] == "Об утверждении Концепции развития Ассамблеи народа Казахстана (до 2025 года)"
    assert act["titles"]["kk"].startswith("Қазақстан халқы Ассамблеясының (2025 жылға дейінгі)")
    assert act["languages"] == ["kk", "ru"]
    assert act["entry_into_force"] == {"date": "2015-12-28", "earliest": None,
                                       "rule": "Настоящий Указ вводится в действие со дня его подписания."}
    assert act["expires_on"] is None  # "(до 2025 года)" is the Concept's horizon, not an expiry
    assert act["external_ids"] == []


@pytest.mark.parametrize("lang", ["ru", "kk"])
async def test_2015_12_27_not_yet_in_force(api: Api, concept: Concept, lang: str) -> None:
    answer = await _text(api, concept.d148, "2015-12-27", lang)
    assert answer["status"]["code"] == "not_yet_in_force"
    assert answer["status"]["until"] == "2015-12-27" and answer["status"]["certain"] is True
    assert answer["text"] is None and answer["edition"] is None and answer["units"] == []
    assert answer["nearest_editions"] == {"on_or_before": None, "after": "2015-12-28"}


@pytest.mark.parametrize("lang", ["ru", "kk"])
async def test_2016_06_01_points_as_signed_and_the_annex_unknown(api: Api, concept: Concept, lang: str) -> None:
    answer = await _text(api, concept.d148, "2016-06-01", lang)
    status = answer["status"]
    assert (status["code"], status["since"], status["until"], status["certain"]) == (
        "in_force", "2015-12-28", "2022-09-14", True)
    assert status["reason"]["note"] == "Настоящий Указ вводится в действие со дня его подписания."
    edition = answer["edition"]
    assert (edition["valid_from"], edition["valid_to"], edition["text_completeness"]) == (
        "2015-12-28", "2019-01-08", "partial")
    assert edition["source_acts"] == [] and "att_1" in edition["note"]
    assert [u["eId"] for u in answer["units"]] == [
        "preamble", "point_1", "point_2", "point_3", "point_4", "point_5", "signature", "att_1"]
    assert all(u["text_available"] for u in answer["units"][:-1])
    annex = answer["units"][-1]
    assert (annex["kind"], annex["text_available"], annex["text"], annex["heading"]) == ("annex", False, None, None)
    if lang == "ru":
        assert [u["text"] for u in answer["units"][1:6]] == RU_POINTS
    else:
        assert _unit(answer, "point_5")["text"] == KK_POINT_5
    assert "Концепция разработана" not in (answer["text"] or "")


@pytest.mark.parametrize("day", ["2019-06-01", "2022-09-14"])
@pytest.mark.parametrize("lang", ["ru", "kk"])
async def test_2019_and_2022_the_full_text(api: Api, concept: Concept, day: str, lang: str) -> None:
    answer = await _text(api, concept.d148, day, lang)
    assert answer["status"]["code"] == "in_force" and answer["status"]["until"] == "2022-09-14"
    edition = answer["edition"]
    assert (edition["valid_from"], edition["valid_to"], edition["text_completeness"]) == (
        "2019-01-09", "2022-09-14", "full")
    assert edition["source_acts"] == [concept.d824]
    assert "824" in edition["note"]
    assert len(answer["units"]) == 159 and all(u["text_available"] for u in answer["units"])
    intro = _unit(answer, "att_1__chp_1__para_1")["text"]
    if lang == "ru":
        assert intro.startswith("Концепция разработана в соответствии с Законом Республики Казахстан от 20 октября 2008")
        assert _unit(answer, "att_1")["heading"].startswith("КОНЦЕПЦИЯ развития Ассамблеи")
    else:
        assert intro.startswith("Тұжырымдама \"Қазақстан халқы Ассамблеясы туралы\" 2008 жылғы 20 қазандағы")


@pytest.mark.parametrize("lang", ["ru", "kk"])
async def test_from_2022_09_15_repealed_by_1014(api: Api, concept: Concept, lang: str) -> None:
    answer = await _text(api, concept.d148, "2022-09-15", lang)
    status = answer["status"]
    assert (status["code"], status["since"], status["until"], status["certain"]) == (
        "repealed", "2022-09-15", None, True)
    assert status["reason"]["act"] == concept.d1014 and status["reason"]["basis"] == "convention"
    assert status["reason"]["note"] == "Сноска. Утратил силу Указом Президента РК от 15.09.2022 № 1014."
    assert answer["text"] is None and answer["edition"] is None
    assert answer["nearest_editions"] == {"on_or_before": "2019-01-09", "after": None}
    assert (await _status(api, concept.d148, "2030-01-01"))["code"] == "repealed"  # not "expired" in 2025


async def test_decree_552_repealed_by_point_4_and_presumed_in_force_before(api: Api, concept: Concept) -> None:
    assert (await _status(api, concept.d552, "2013-04-17"))["code"] == "not_yet_in_force"
    window = await _status(api, concept.d552, "2014-06-01")
    assert (window["code"], window["certain"]) == ("in_force", False)
    assert window["window"] == {"earliest": "2013-04-18", "latest": "2015-12-27"}
    assert window["reason"]["basis"] == "convention"
    assert (await _status(api, concept.d552, "2015-12-27"))["certain"] is True
    repealed = await _status(api, concept.d552, "2015-12-28")
    assert (repealed["code"], repealed["since"]) == ("repealed", "2015-12-28")
    assert repealed["reason"]["act"] == concept.d148 and repealed["reason"]["basis"] == "stated"
    act = conforms(await api.get(f"/v1/acts/{concept.d552}"))
    assert act["number"] == "552" and act["adopted_on"] == "2013-04-18"  # not 25 or 397 (САПП)
    assert act["titles"]["ru"] == "Об утверждении Концепции развития Ассамблеи народа Казахстана (до 2020 года)"


async def test_relations_both_ways_with_their_dates_and_sources(api: Api, concept: Concept) -> None:
    items = conforms(await api.get(f"/v1/acts/{concept.d148}/relations"))["items"]
    by = {(x["label"], x["source_act"] if x["label"].endswith("_by") else x["target_act"], x["source_unit"]): x
          for x in items}
    repeal = by[("repealed_by", concept.d1014, None)]
    assert (repeal["effective_date"], repeal["basis"], repeal["target_unit"]) == ("2022-09-15", "convention", None)
    assert repeal["source"]["lines"] == {"kk": [3, 5], "ru": [356, 358]}
    amended = by[("amended_by", concept.d824, None)]
    assert (amended["effective_date"], amended["basis"], amended["target_unit"]) == ("2019-01-09", "convention", "att_1")
    assert amended["note"] == "Сноска. Концепция в редакции Указа Президента РК от 09.01.2019 № 824."
    point4 = by[("repeals", concept.d552, "point_4")]
    assert (point4["effective_date"], point4["basis"]) == ("2015-12-28", "stated")
    assert point4["effective_rule"] == "Настоящий Указ вводится в действие со дня его подписания."
    assert point4["source"]["lines"] == {"kk": [15, 15], "ru": [368, 368]}
    cites = {(x["target_act"], x["source_unit"]) for x in items if x["label"] == "cites"}
    assert cites == {(concept.law2008, "att_1__chp_1__para_1"), (concept.d149, "att_1__chp_1__para_1"),
                     (concept.d1995, "att_1__chp_2__para_7"), (concept.law2008, "att_1__chp_6__para_2"),
                     (concept.d149, "att_1__chp_6__para_3")}
    assert len(items) == 8
    seen_from_552 = conforms(await api.get(f"/v1/acts/{concept.d552}/relations"))["items"]
    assert [x["label"] for x in seen_from_552] == ["repealed_by"]


async def test_a_relation_leads_back_to_the_words(api: Api, concept: Concept) -> None:
    items = conforms(await api.get(f"/v1/acts/{concept.d148}/relations"))["items"]
    repeal = next(x for x in items if x["label"] == "repealed_by")
    r = await api.get(repeal["source"]["href"])
    assert r.status_code == 200 and r.content == sample_bytes()
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    lines = r.content.decode("utf-8").split("\n")
    first, last = repeal["source"]["lines"]["ru"]
    assert "Утратил силу Указом Президента РК от 15.09.2022 № 1014" in "\n".join(lines[first - 1 : last])
    first, last = repeal["source"]["lines"]["kk"]
    assert "15.09.2022 № 1014 Жарлығымен" in "\n".join(lines[first - 1 : last])
    editions = conforms(await api.get(f"/v1/acts/{concept.d148}/editions"))["items"]
    assert [e["source"]["lines"] for e in editions] == [{"kk": [1, 352], "ru": [354, 700]}] * 2
    assert lines[353].startswith("Об утверждении Концепции")


async def test_acts_known_only_by_reference_have_no_text(api: Api, concept: Concept) -> None:
    everything = conforms(await api.get("/v1/acts"))["items"]
    assert len(everything) == 7
    assert {a["type"] for a in everything} == {"decree", "law"}  # ҚАУЛЫ ЕТЕМІН makes no resolution
    for act in (concept.d552, concept.d824, concept.d1014, concept.law2008, concept.d149, concept.d1995):
        assert conforms(await api.get(f"/v1/acts/{act}/editions"))["items"] == []
        answer = await _text(api, act, "2020-01-01")
        assert answer["units"] == [] and answer["text"] is None
    law = conforms(await api.get(f"/v1/acts/{concept.law2008}"))
    assert (law["number"], law["adopted_on"], law["akn_uri"]) == (None, "2008-10-20", None)
    assert law["titles"] == {"kk": "Қазақстан халқы Ассамблеясы туралы", "ru": "Об Ассамблее народа Казахстана"}
    d149 = conforms(await api.get(f"/v1/acts/{concept.d149}"))
    assert d149["number"] == "149" and d149["titles"]["ru"] == "О Положении об Ассамблее народа Казахстана"
    d1014 = conforms(await api.get(f"/v1/acts/{concept.d1014}"))
    assert d1014["titles"]["ru"] == "Указ Президента Республики Казахстан от 15 сентября 2022 года № 1014"
    assert d1014["akn_uri"] == "/akn/kz/act/decree/2022-09-15/1014"


async def test_the_annex_contents_list_is_a_table_of_contents_not_points(api: Api, concept: Concept) -> None:
    answer = await _text(api, concept.d148, "2020-01-01")
    eids = [u["eId"] for u in answer["units"]]
    assert "att_1__toc" in eids and _unit(answer, "att_1__toc")["kind"] == "toc"
    assert not any(e.startswith("att_1__point_") for e in eids)
    ru = await _text(api, concept.d148, "2020-01-01", "ru")
    assert "Рухани жаңғыру" in (ru["text"] or "")  # Kazakh words inside the Russian block stay Russian
    assert [u["eId"] for u in ru["units"]] == eids  # the two languages' units paired one to one


async def test_akn_work_and_expressions(api: Api, concept: Concept) -> None:
    work = await api.get(AKN)
    assert conforms(work)["id"] == concept.d148
    for suffix, valid_from, day, lang in (("rus@2019-01-09", "2019-01-09", "2019-01-09", "ru"),
                                          ("rus:2020-06-01", "2019-01-09", "2020-06-01", "ru"),
                                          ("kaz:2016-06-01", "2015-12-28", "2016-06-01", "kk"),
                                          ("rus@", "2015-12-28", "2015-12-28", "ru"),
                                          ("kaz@2015-12-28", "2015-12-28", "2015-12-28", "kk")):
        answer = conforms(await api.get(f"{AKN}/{suffix}"))
        assert (answer["edition"]["valid_from"], answer["date"], answer["lang"]) == (valid_from, day, lang)
    assert (await api.get(f"{AKN}/rus@2016-01-01")).status_code == 404


@pytest.mark.parametrize("lang, akn", [("ru", "rus"), ("kk", "kaz")])
async def test_akn_points_in_time_match_v1(api: Api, concept: Concept, lang: str, akn: str) -> None:
    for day in DAYS:
        assert conforms(await api.get(f"{AKN}/{akn}:{day}")) == await _text(api, concept.d148, day, lang)


async def test_importing_it_again_changes_nothing_and_says_so(api: Api, concept: Concept) -> None:
    before = await ledger_size(api)
    r = await post_document(api, sample_bytes(), name="ukaz-2015-12-28-148-concept.txt")
    assert r.status_code == 200, r.text
    again = conforms(r)
    assert again["unchanged"] is True and again["seq"] is None and again["act"] == concept.d148
    assert again["source"]["known"] is True
    assert set(again["counts"].values()) == {0}
    assert await ledger_size(api) == before == 1
