"""The Concept of DESIGN.md, entered through the API by hand: the answers DESIGN.md lists, through
`/v1/acts/{id}/text` and the AKN addresses."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest import Api

RU_POINTS = [
    "1. Утвердить прилагаемую Концепцию развития Ассамблеи народа Казахстана (до 2025 года) (далее – Концепция).",
    "2. Правительству Республики Казахстан в трехмесячный срок разработать и утвердить План мероприятий.",
    "3. Центральным государственным и местным исполнительным органам и организациям принять меры.",
    "4. Признать утратившим силу Указ Президента Республики Казахстан от 18 апреля 2013 года № 552.",
    "5. Настоящий Указ вводится в действие со дня его подписания.",
]
KK_POINTS = [
    "1. Қоса беріліп отырған Қазақстан халқы Ассамблеясының (2025 жылға дейінгі) даму тұжырымдамасы бекітілсін.",
    "2. Қазақстан Республикасының Үкіметі үш ай мерзімде іс-шаралар жоспарын әзірлесін және бекітсін.",
    "3. Орталық мемлекеттік және жергілікті атқарушы органдар мен ұйымдар шаралар қабылдасын.",
    "4. Қазақстан Республикасы Президентінің 2013 жылғы 18 сәуірдегі № 552 Жарлығының күші жойылды деп танылсын.",
    "5. Осы Жарлық қол қойылған күнінен бастап қолданысқа енгізіледі.",
]
RU_ANNEX_2019 = "КОНЦЕПЦИЯ развития Ассамблеи народа Казахстана (до 2025 года)"
KK_ANNEX_2019 = "Қазақстан халқы Ассамблеясының (2025 жылға дейінгі) даму ТҰЖЫРЫМДАМАСЫ"


def _points(texts: list[str]) -> list[dict[str, object]]:
    return [{"eId": f"point_{i}", "kind": "point", "num": str(i), "text": t} for i, t in enumerate(texts, 1)]


def _expression(points: list[str], annex: str | None) -> dict[str, object]:
    annex_unit: dict[str, object] = {"eId": "att_1", "kind": "annex", "num": "1"}
    annex_unit.update({"text": annex} if annex else {"text_available": False})
    return {"units": [*_points(points), annex_unit]}


@dataclass
class Concept:
    d148: str
    d552: str
    d824: str
    d1014: str
    law2008: str
    d149: str


async def _act(api: Api, **fields: object) -> str:
    body = {"jurisdiction": "kz", "issuing_body": "President of the Republic of Kazakhstan", **fields}
    r = await api.post("/v1/acts", body)
    assert r.status_code == 201, r.text
    assert r.headers["location"] == f"/v1/acts/{r.json()['id']}"
    return str(r.json()["id"])


async def _relation(api: Api, **fields: object) -> None:
    r = await api.post("/v1/relations", fields)
    assert r.status_code == 201, r.text


@pytest.fixture
async def concept(api: Api) -> Concept:
    d148 = await _act(
        api, type="decree", number="148", adopted_on="2015-12-28",
        titles={"kk": "Қазақстан халқы Ассамблеясының (2025 жылға дейінгі) даму тұжырымдамасын бекіту туралы",
                "ru": "Об утверждении Концепции развития Ассамблеи народа Казахстана (до 2025 года)"},
        entry_into_force={"date": "2015-12-28", "rule": "вводится в действие со дня его подписания"},
        external_ids=["U1500000148"],
    )
    d552 = await _act(api, type="decree", number="552", adopted_on="2013-04-18",
                      titles={"ru": "Об утверждении Концепции развития Ассамблеи народа Казахстана (до 2020 года)"})
    d824 = await _act(api, type="decree", number="824", adopted_on="2019-01-09", titles={"ru": "Указ № 824"})
    d1014 = await _act(api, type="decree", number="1014", adopted_on="2022-09-15", titles={"ru": "Указ № 1014"})
    law2008 = await _act(api, type="law", adopted_on="2008-10-20", issuing_body="Parliament",
                         titles={"ru": "Об Ассамблее народа Казахстана"})
    d149 = await _act(api, type="decree", adopted_on="2011-09-07", titles={"ru": "Указ от 7 сентября 2011 года"})

    r = await api.post(f"/v1/acts/{d148}/editions", {
        "valid_from": "2015-12-28",
        "note": "the annex's 2015 wording is not given by the source",
        "expressions": {"kk": _expression(KK_POINTS, None), "ru": _expression(RU_POINTS, None)},
    })
    assert r.status_code == 201, r.text
    assert r.json()["text_completeness"] == "partial"
    r = await api.post(f"/v1/acts/{d148}/editions", {
        "valid_from": "2019-01-09", "source_acts": [d824],
        "expressions": {"kk": _expression(KK_POINTS, KK_ANNEX_2019), "ru": _expression(RU_POINTS, RU_ANNEX_2019)},
    })
    assert r.status_code == 201, r.text
    assert r.json()["text_completeness"] == "full"

    await _relation(api, type="amends", source_act=d824, target_act=d148, target_unit="att_1",
                    effective_date="2019-01-09", basis="convention",
                    note="Сноска. Концепция в редакции Указа Президента РК от 09.01.2019 № 824.")
    await _relation(api, type="repeals", source_act=d1014, target_act=d148, effective_date="2022-09-15",
                    basis="convention", note="Сноска. Утратил силу Указом Президента РК от 15.09.2022 № 1014.")
    await _relation(api, type="repeals", source_act=d148, source_unit="point_4", target_act=d552,
                    effective_date="2015-12-28", basis="stated", note=RU_POINTS[3])
    await _relation(api, type="cites", source_act=d148, source_unit="att_1", target_act=law2008, basis="stated")
    await _relation(api, type="cites", source_act=d148, source_unit="att_1", target_act=d149, basis="stated")
    return Concept(d148, d552, d824, d1014, law2008, d149)


async def _text(api: Api, act: str, day: str, lang: str = "ru") -> dict[str, object]:
    r = await api.get(f"/v1/acts/{act}/text", params={"date": day, "lang": lang})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


async def test_before_signing_not_yet_in_force(api: Api, concept: Concept) -> None:
    answer = await _text(api, concept.d148, "2015-12-27")
    assert answer["status"]["code"] == "not_yet_in_force"
    assert answer["status"]["until"] == "2015-12-27"
    assert answer["status"]["certain"] is True
    assert answer["text"] is None and answer["edition"] is None and answer["units"] == []
    assert answer["nearest_editions"] == {"on_or_before": None, "after": "2015-12-28"}


@pytest.mark.parametrize("lang, points", [("ru", RU_POINTS), ("kk", KK_POINTS)])
async def test_2016_points_known_annex_unknown(api: Api, concept: Concept, lang: str, points: list[str]) -> None:
    answer = await _text(api, concept.d148, "2016-06-01", lang)
    assert answer["status"]["code"] == "in_force"
    assert answer["status"]["since"] == "2015-12-28"
    assert answer["edition"]["valid_from"] == "2015-12-28"
    assert answer["edition"]["valid_to"] == "2019-01-08"
    assert answer["edition"]["text_completeness"] == "partial"
    units = answer["units"]
    assert [u["text"] for u in units[:5]] == points
    assert units[5]["eId"] == "att_1" and units[5]["text_available"] is False and units[5]["text"] is None
    assert answer["text"] == "\n\n".join(points)


@pytest.mark.parametrize("day", ["2019-06-01", "2022-09-14"])
async def test_2019_edition_full_text_both_languages(api: Api, concept: Concept, day: str) -> None:
    for lang, annex in (("ru", RU_ANNEX_2019), ("kk", KK_ANNEX_2019)):
        answer = await _text(api, concept.d148, day, lang)
        assert answer["status"]["code"] == "in_force"
        assert answer["status"]["until"] == "2022-09-14"
        assert answer["edition"]["valid_from"] == "2019-01-09"
        assert answer["edition"]["source_acts"] == [concept.d824]
        assert answer["edition"]["valid_to"] == "2022-09-14"
        assert answer["edition"]["text_completeness"] == "full"
        assert all(u["text_available"] for u in answer["units"])
        assert answer["units"][-1]["text"] == annex


async def test_repealed_by_1014_from_2022_09_15(api: Api, concept: Concept) -> None:
    answer = await _text(api, concept.d148, "2022-09-15")
    status = answer["status"]
    assert status["code"] == "repealed"
    assert status["since"] == "2022-09-15" and status["until"] is None
    assert status["reason"]["act"] == concept.d1014
    assert status["reason"]["basis"] == "convention"
    assert "1014" in status["reason"]["note"]
    assert status["label"] == {"kk": "Күші жойылған", "ru": "Утративший силу", "en": "Repealed"}
    assert answer["text"] is None and answer["edition"] is None
    assert answer["nearest_editions"]["on_or_before"] == "2019-01-09"


async def test_decree_552_repealed_by_148_and_presumed_in_force_before(api: Api, concept: Concept) -> None:
    r = await api.get(f"/v1/acts/{concept.d552}/status", params={"date": "2015-12-28"})
    assert r.json()["status"]["code"] == "repealed"
    assert r.json()["status"]["reason"]["act"] == concept.d148
    r = await api.get(f"/v1/acts/{concept.d552}/status", params={"date": "2015-12-27"})
    assert r.json()["status"] == {**r.json()["status"], "code": "in_force", "certain": True}
    r = await api.get(f"/v1/acts/{concept.d552}/status", params={"date": "2014-06-01"})
    status = r.json()["status"]
    assert status["code"] == "in_force" and status["certain"] is False
    assert status["window"] == {"earliest": "2013-04-18", "latest": "2015-12-27"}
    r = await api.get(f"/v1/acts/{concept.d552}/status", params={"date": "2013-04-17"})
    assert r.json()["status"]["code"] == "not_yet_in_force"


async def test_acts_known_by_reference_have_no_text(api: Api, concept: Concept) -> None:
    for act in (concept.d552, concept.d824, concept.d1014, concept.law2008, concept.d149):
        r = await api.get(f"/v1/acts/{act}/editions")
        assert r.json()["items"] == []


async def test_relations_labelled_both_ways(api: Api, concept: Concept) -> None:
    r = await api.get(f"/v1/acts/{concept.d148}/relations")
    labels = {(x["label"], x["source_act"], x["target_act"]) for x in r.json()["items"]}
    assert ("repealed_by", concept.d1014, concept.d148) in labels
    assert ("amended_by", concept.d824, concept.d148) in labels
    assert ("repeals", concept.d148, concept.d552) in labels
    assert ("cites", concept.d148, concept.law2008) in labels
    r = await api.get(f"/v1/acts/{concept.d552}/relations")
    assert [x["label"] for x in r.json()["items"]] == ["repealed_by"]


AKN = "/akn/kz/act/decree/2015-12-28/148"


async def test_akn_work_uri_resolves_to_the_act(api: Api, concept: Concept) -> None:
    r = await api.get(AKN)
    assert r.status_code == 200
    assert r.json()["id"] == concept.d148 and r.json()["akn_uri"] == AKN


@pytest.mark.parametrize("suffix, valid_from, day", [
    ("rus@2019-01-09", "2019-01-09", "2019-01-09"),
    ("rus:2020-06-01", "2019-01-09", "2020-06-01"),
    ("rus:2016-06-01", "2015-12-28", "2016-06-01"),
    ("kaz:2022-09-14", "2019-01-09", "2022-09-14"),
    ("rus@", "2015-12-28", "2015-12-28"),
])
async def test_akn_expressions(api: Api, concept: Concept, suffix: str, valid_from: str, day: str) -> None:
    r = await api.get(f"{AKN}/{suffix}")
    assert r.status_code == 200, r.text
    assert r.json()["edition"]["valid_from"] == valid_from
    assert r.json()["date"] == day
    assert r.json()["lang"] == ("kk" if suffix.startswith("kaz") else "ru")


async def test_akn_points_in_time_match_v1(api: Api, concept: Concept) -> None:
    for day in ("2015-12-27", "2016-06-01", "2019-06-01", "2022-09-14", "2022-09-15"):
        akn = (await api.get(f"{AKN}/rus:{day}")).json()
        assert akn == await _text(api, concept.d148, day)


async def test_akn_current_is_repealed_and_exact_date_without_edition_is_404(api: Api, concept: Concept) -> None:
    r = await api.get(f"{AKN}/rus")
    assert r.json()["status"]["code"] == "repealed" and r.json()["text"] is None
    r = await api.get(f"{AKN}/rus@2016-01-01")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"] == "urn:lextime:problem:edition-not-found"


async def test_plain_text_format(api: Api, concept: Concept) -> None:
    r = await api.get(f"/v1/acts/{concept.d148}/text", params={"date": "2016-06-01", "format": "text", "lang": "ru"})
    assert r.headers["content-type"].startswith("text/plain")
    assert r.text == "\n\n".join(RU_POINTS)


async def test_default_language_is_the_first_recorded(api: Api, concept: Concept) -> None:
    answer = (await api.get(f"/v1/acts/{concept.d148}/text", params={"date": "2016-06-01"})).json()
    assert answer["lang"] == "kk"
