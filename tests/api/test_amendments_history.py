"""An act built through unit-level amendments only (one full edition, then amendments recorded out of date
order, a prospective one and its commencement), checked on the day before and the day of every change,
through HTTP: the consolidated text in both languages, each unit's text, status and versions, the table of
contents, the act's status, compare between the two days, and the timeline. The expected answers come from
the table below, written by hand from what each amendment says, not from the code."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import asyncpg
import pytest

from tests.conftest import Api
from tests.test_openapi import conforms

D = timedelta(days=1)
EIF = date(2020, 1, 10)


def t(wid: str, lang: str, version: str) -> str:
    """The words of a unit version, distinct per unit, language and version."""
    words = {"ru": "Текст", "kk": "Мәтін"}[lang]
    return f"{words} {wid.replace('__', '/').replace('_', ' ')}, редакция {version}."


# The units of the original text, in document order: (wId, kind, num, heading).
ORIGINAL = [
    ("chp_1", "chapter", "1", "Общие положения"),
    ("chp_1__art_1", "article", "1", None),
    ("chp_1__art_2", "article", "2", None),
    ("chp_1__art_2__point_1", "point", "1", None),
    ("chp_1__art_2__point_2", "point", "2", None),
    ("chp_2", "chapter", "2", "Реестр"),
    ("chp_2__art_3", "article", "3", None),
    ("chp_2__art_4", "article", "4", None),
    ("att_1", "annex", "1", None),
]


@dataclass(frozen=True)
class V:
    """A unit version from a day: its eId and words per language (None: not known), or repealed."""

    since: date
    eid: str
    ru: str | None
    kk: str | None
    repealed: bool = False


def _orig(wid: str) -> V:
    return V(EIF, wid, t(wid, "ru", "0"), t(wid, "kk", "0"))


A1, A7, A3, A4, A2, SUSPENSION_END, A6 = (date(2021, 3, 1), date(2021, 6, 1), date(2021, 9, 15), date(2022, 1, 1),
                                          date(2022, 7, 1), date(2023, 1, 1), date(2023, 6, 1))

# Every unit's versions, as the amendments below make them (the expected history).
HISTORY: dict[str, list[V]] = {
    "chp_1": [_orig("chp_1")],
    "chp_1__art_1": [_orig("chp_1__art_1"),
                     V(A1, "chp_1__art_1", t("chp_1__art_1", "ru", "A1"), t("chp_1__art_1", "kk", "A1")),
                     V(A7, "chp_1__art_1", t("chp_1__art_1", "ru", "A7"), t("chp_1__art_1", "kk", "A7"))],
    "chp_1__art_2": [_orig("chp_1__art_2")],
    "chp_1__art_2__point_1": [_orig("chp_1__art_2__point_1"),
                              V(A3, "chp_1__art_2__point_1", t("chp_1__art_2__point_1", "ru", "A3"), None)],
    "chp_1__art_2__point_2": [_orig("chp_1__art_2__point_2")],
    "chp_1__art_2__point_2-1": [V(A1, "chp_1__art_2__point_2-1", t("chp_1__art_2__point_2-1", "ru", "A1"),
                                  t("chp_1__art_2__point_2-1", "kk", "A1"))],
    "chp_2": [_orig("chp_2")],
    "chp_2__art_3": [_orig("chp_2__art_3"),
                     V(A6, "chp_2__art_3", t("chp_2__art_3", "ru", "A5"), t("chp_2__art_3", "kk", "A5"))],
    "chp_2__art_4": [_orig("chp_2__art_4"),
                     V(A3, "chp_2__art_5", t("chp_2__art_4", "ru", "0"), t("chp_2__art_4", "kk", "0"))],
    "chp_2__art_6": [V(A6, "chp_2__art_6", t("chp_2__art_6", "ru", "A5"), t("chp_2__art_6", "kk", "A5"))],
    "att_1": [_orig("att_1"), V(A2, "att_1", None, None, repealed=True)],
}
ORDER = ["chp_1", "chp_1__art_1", "chp_1__art_2", "chp_1__art_2__point_1", "chp_1__art_2__point_2",
         "chp_1__art_2__point_2-1", "chp_2", "chp_2__art_3", "chp_2__art_4", "chp_2__art_6", "att_1"]
CHANGE_DAYS = [EIF, A1, A7, A3, A4, A2, SUSPENSION_END, A6]


def version_on(wid: str, day: date) -> V | None:
    found = [v for v in HISTORY[wid] if v.since <= day]
    return found[-1] if found else None


def unit_status(wid: str, day: date) -> str:
    """What each amendment says about the unit's status (the act is in force from EIF, never ended)."""
    v = version_on(wid, day)
    if day < EIF or v is None:
        return "not_yet_in_force"
    if v.repealed:
        return "repealed"
    if wid == "chp_2__art_3" and day < A4:
        return "not_yet_in_force"
    if wid == "chp_2__art_4" and A2 <= day < SUSPENSION_END:
        return "suspended"
    return "in_force"


def expected_text(day: date, lang: str) -> list[tuple[str, str | None]]:
    out = []
    for wid in ORDER:
        v = version_on(wid, day)
        if v is not None and not v.repealed and day >= EIF:
            out.append((v.eid, getattr(v, lang)))
    return out


def pending_on(day: date) -> list[str]:
    return [w for w in ORDER if unit_status(w, day) in ("not_yet_in_force", "suspended")
            and version_on(w, day) is not None and day >= EIF]


# ---- building the act through the API ---------------------------------------------------------------------

@dataclass
class Built:
    law: str
    amending: str
    commencing: str
    amendments: dict[str, dict[str, Any]]


async def _act(api: Api, number: str, adopted: str, **fields: Any) -> str:
    r = await api.post("/v1/acts", {"jurisdiction": "kz", "type": "law", "number": number, "adopted_on": adopted,
                                    "titles": {"kk": f"Заң № {number}", "ru": f"Закон № {number}"},
                                    "languages": ["kk", "ru"], **fields})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def _amend(api: Api, law: str, body: dict[str, Any]) -> dict[str, Any]:
    r = await api.post(f"/v1/acts/{law}/amendments", body)
    assert r.status_code == 201, r.text
    return conforms(r)  # type: ignore[no-any-return]


def _texts(wid: str, version: str, langs: tuple[str, ...] = ("ru", "kk")) -> dict[str, str]:
    return {lang: t(wid, lang, version) for lang in langs}


async def build(api: Api) -> Built:
    law = await _act(api, "7", "2020-01-01", entry_into_force={"date": EIF.isoformat()})
    amending = await _act(api, "8", "2021-01-15")
    commencing = await _act(api, "9", "2023-05-20")
    units = {lang: {"units": [{"eId": w, "kind": k, "num": n, "heading": h, "text": t(w, lang, "0")}
                              for w, k, n, h in ORIGINAL]} for lang in ("kk", "ru")}
    r = await api.post(f"/v1/acts/{law}/editions", {"valid_from": EIF.isoformat(), "expressions": units})
    assert r.status_code == 201, r.text
    done: dict[str, dict[str, Any]] = {}
    # The act's own final provision: article 3 enters into force later than the act.
    done["A4"] = await _amend(api, law, {"amending_act": law, "amending_unit": "chp_2__art_4",
                                         "effective_date": A4.isoformat(),
                                         "note": "Статья 3 вводится в действие с 1 января 2022 года.",
                                         "operations": [{"op": "commence", "unit": "chp_2__art_3"}]})
    done["A1"] = await _amend(api, law, {"amending_act": amending, "effective_date": A1.isoformat(), "operations": [
        {"op": "replace", "unit": "chp_1__art_1", "texts": _texts("chp_1__art_1", "A1")},
        {"op": "insert", "kind": "point", "num": "2-1", "after": "chp_1__art_2__point_2",
         "texts": _texts("chp_1__art_2__point_2-1", "A1")}]})
    done["A2"] = await _amend(api, law, {"amending_act": amending, "effective_date": A2.isoformat(), "operations": [
        {"op": "repeal", "unit": "att_1"},
        {"op": "suspend", "unit": "chp_2__art_4", "until": SUSPENSION_END.isoformat()}]})
    # Recorded after A2, effective before it: article 4 becomes article 5 from A3 on.
    done["A3"] = await _amend(api, law, {"amending_act": amending, "effective_date": A3.isoformat(), "operations": [
        {"op": "renumber", "unit": "chp_2__art_4", "num": "5"},
        {"op": "replace", "unit": "chp_1__art_2__point_1", "texts": _texts("chp_1__art_2__point_1", "A3", ("ru",))}]})
    done["A5"] = await _amend(api, law, {"amending_act": amending, "effective_rule": "со дня, определяемого указом",
                                         "operations": [
        {"op": "insert", "kind": "article", "num": "6", "parent": "chp_2", "texts": _texts("chp_2__art_6", "A5")},
        {"op": "replace", "unit": "chp_2__art_3", "texts": _texts("chp_2__art_3", "A5")}]})
    done["A6"] = await _amend(api, law, {"amending_act": commencing, "effective_date": A6.isoformat(),
                                         "operations": [{"op": "commence", "amendment": done["A5"]["id"]}]})
    # Recorded last, effective between A1 and A3: article 1 in a third wording.
    done["A7"] = await _amend(api, law, {"amending_act": amending, "effective_date": A7.isoformat(), "operations": [
        {"op": "replace", "unit": "chp_1__art_1", "texts": _texts("chp_1__art_1", "A7")}]})
    return Built(law, amending, commencing, done)


@pytest.fixture
async def built(api: Api) -> Built:
    return await build(api)


def days_around() -> list[date]:
    return sorted({d for c in CHANGE_DAYS for d in (c - D, c)})


async def get(api: Api, path: str, **params: str) -> Any:
    r = await api.get(path, params=params)
    assert r.status_code == 200, f"{path} {params}: {r.text}"
    return conforms(r)


# ---- the checks -----------------------------------------------------------------------------------------------

async def test_recorded_amendments_say_what_they_did(api: Api, built: Built) -> None:
    a = built.amendments
    assert a["A3"]["flags"]["missing_languages"] == {"chp_1__art_2__point_1": ["kk"]}
    assert a["A1"]["operations"][1]["unit"] == {"wId": "chp_1__art_2__point_2-1", "eId": "chp_1__art_2__point_2-1"}
    assert a["A1"]["operations"][1]["position"] == {"where": "after", "anchor": "chp_1__art_2__point_2"}
    assert a["A5"]["state"] == "prospective" and a["A5"]["edition"] is None
    assert a["A5"]["operations"][0]["unit"]["eId"] == "chp_2__art_6"
    assert a["A6"]["operations"][0]["targets"][0]["wId"] == "chp_2__art_6"
    assert a["A4"]["edition"] is None, "a commencement changes no text"
    assert a["A7"]["edition"]["valid_from"] == A7.isoformat() and a["A7"]["edition"]["valid_to"] == (A3 - D).isoformat()
    listed = (await get(api, f"/v1/acts/{built.law}/amendments"))["items"]
    by_id = {x["id"]: x for x in listed}
    assert by_id[a["A5"]["id"]]["state"] == "in_effect"
    assert by_id[a["A5"]["id"]]["effective_date"] == A6.isoformat()
    assert by_id[a["A5"]["id"]]["commenced_by"] == a["A6"]["id"]
    assert [x["effective_date"] for x in listed] == sorted(x["effective_date"] for x in listed)


async def test_consolidated_text_on_every_day_around_each_change(api: Api, built: Built) -> None:
    for day in days_around():
        for lang in ("ru", "kk"):
            answer = await get(api, f"/v1/acts/{built.law}/text", date=day.isoformat(), lang=lang)
            got = [(u["eId"], u["text"]) for u in answer["units"]]
            assert got == expected_text(day, lang), (day, lang)
            joined = "\n\n".join(x for _, x in expected_text(day, lang) if x) or None
            assert answer["text"] == joined, (day, lang)


async def test_each_unit_on_every_day_around_each_change(api: Api, built: Built) -> None:
    for day in days_around():
        for wid in ORDER:
            if wid == "chp_2__art_6" and day < A6 - D:
                continue  # not yet in any text: covered by the day before its insertion
            answer = await get(api, f"/v1/acts/{built.law}/units/{wid}", date=day.isoformat())
            assert answer["status"]["code"] == unit_status(wid, day), (wid, day)
            v = version_on(wid, day)
            for lang in ("ru", "kk"):
                shown = answer["expressions"][lang]
                if v is None or day < EIF:
                    assert shown is None, (wid, day, lang)
                    continue
                assert shown["eId"] == v.eid and shown["repealed"] == v.repealed, (wid, day)
                assert shown["text"] == (None if v.repealed else getattr(v, lang)), (wid, day, lang)
                assert shown["version"]["valid_from"] == v.since.isoformat(), (wid, day)


async def test_unit_status_periods_reasons_and_day_boundaries(api: Api, built: Built) -> None:
    art3 = await get(api, f"/v1/acts/{built.law}/units/chp_2__art_3", date=(A4 - D).isoformat())
    assert art3["status"]["until"] == (A4 - D).isoformat()
    assert art3["status"]["reason"]["note"] == "Статья 3 вводится в действие с 1 января 2022 года."
    assert art3["status"]["reason"]["relation"] == built.amendments["A4"]["operations"][0]["relation"]
    art4 = await get(api, f"/v1/acts/{built.law}/units/chp_2__art_5", date=A2.isoformat())
    assert art4["wId"] == "chp_2__art_4" and art4["eId"] == "chp_2__art_5", "an eId resolves to the unit that has it"
    assert (art4["status"]["since"], art4["status"]["until"]) == (A2.isoformat(), (SUSPENSION_END - D).isoformat())
    assert art4["status"]["reason"]["act"] == built.amending
    annex = await get(api, f"/v1/acts/{built.law}/units/att_1", date="2030-01-01")
    assert annex["status"]["code"] == "repealed" and annex["status"]["since"] == A2.isoformat()
    assert annex["status"]["reason"]["relation"] == built.amendments["A2"]["operations"][0]["relation"]
    assert annex["expressions"]["ru"]["text"] is None and annex["expressions"]["ru"]["repealed"] is True
    # The same eId names different units on different days: before A3, chp_2__art_5 did not exist.
    r = await api.get(f"/v1/acts/{built.law}/units/chp_2__art_5", params={"date": (A3 - D).isoformat()})
    assert r.json()["wId"] == "chp_2__art_4" and r.json()["eId"] == "chp_2__art_4"


async def test_versions_of_every_unit(api: Api, built: Built) -> None:
    for wid in ORDER:
        answer = await get(api, f"/v1/acts/{built.law}/units/{wid}/versions")
        for lang in ("ru", "kk"):
            got = [(x["valid_from"], x["valid_to"], x["eId"], x["text"], x["repealed"]) for x in answer["languages"][lang]]
            expected = []
            for i, v in enumerate(HISTORY[wid]):
                nxt = HISTORY[wid][i + 1].since - D if i + 1 < len(HISTORY[wid]) else None
                expected.append((v.since.isoformat(), nxt.isoformat() if nxt else None, v.eid,
                                 None if v.repealed else getattr(v, lang), v.repealed))
            assert got == expected, (wid, lang)
        periods = answer["status_periods"]
        assert periods[0]["since"] is None and periods[-1]["until"] is None
        for a, b in itertools.pairwise(periods):
            assert date.fromisoformat(a["until"]) + D == date.fromisoformat(b["since"])
    art1 = await get(api, f"/v1/acts/{built.law}/units/chp_1__art_1/versions", lang="ru")
    assert [x["source_act"] for x in art1["languages"]["ru"]] == [None, built.amending, built.amending]
    assert art1["languages"]["ru"][1]["amendment"] == built.amendments["A1"]["id"]
    assert list(art1["languages"]) == ["ru"]


async def test_toc_and_act_status_on_every_day_around_each_change(api: Api, built: Built) -> None:
    for day in days_around():
        status = (await get(api, f"/v1/acts/{built.law}/status", date=day.isoformat()))["status"]
        pending = pending_on(day)
        if day < EIF:
            assert status["code"] == "not_yet_in_force"
        elif pending:
            assert status["code"] == "partially_in_force", day
            assert sorted(u["wId"] for u in status["units"]) == sorted(pending), day
        else:
            assert status["code"] == "in_force" and "units" not in status, day
        toc = await get(api, f"/v1/acts/{built.law}/toc", date=day.isoformat(), lang="ru")
        expected = [(w, version_on(w, day).eid, unit_status(w, day)) for w in ORDER  # type: ignore[union-attr]
                    if version_on(w, day) is not None and day >= EIF]
        assert [(x["wId"], x["eId"], x["status"]) for x in toc["items"]] == expected, day
        assert toc["languages_agree"] is True
    toc = await get(api, f"/v1/acts/{built.law}/toc", date=A6.isoformat(), lang="kk")
    depth = {x["wId"]: (x["depth"], x["parent"]) for x in toc["items"]}
    assert depth["chp_1__art_2__point_2-1"] == (2, "chp_1__art_2") and depth["chp_2__art_6"] == (1, "chp_2")


async def test_compare_the_day_before_with_the_day_of_each_change(api: Api, built: Built) -> None:
    for day in CHANGE_DAYS[1:]:
        answer = await get(api, f"/v1/acts/{built.law}/compare", **{"from": (day - D).isoformat(),
                                                                      "to": day.isoformat(), "lang": "ru"})
        expected: dict[str, set[str]] = {"added": set(), "repealed": set(), "changed": set(), "renumbered": set()}
        for wid in ORDER:
            old, new = version_on(wid, day - D), version_on(wid, day)
            if new is None or old == new:
                continue
            if old is None:
                expected["added"].add(wid)
            elif new.repealed:
                expected["repealed"].add(wid)
            else:
                if (old.ru, old.kk) != (new.ru, new.kk):
                    expected["changed"].add(wid)
                if old.eid != new.eid:
                    expected["renumbered"].add(wid)
        got = {k: {x["wId"] for x in answer[k]} for k in expected}
        assert got == expected, day
        for x in answer["changed"]:
            old, new = version_on(x["wId"], day - D), version_on(x["wId"], day)
            assert old is not None and new is not None
            rebuilt_old = "".join(s["text"] for s in x["diff"] if s["op"] != "insert")
            rebuilt_new = "".join(s["text"] for s in x["diff"] if s["op"] != "delete")
            assert (rebuilt_old, rebuilt_new) == (old.ru, new.ru)
            assert {m["act"] for m in x["by"]} <= {built.amending, built.commencing}
    whole = await get(api, f"/v1/acts/{built.law}/compare", **{"from": "2020-06-01", "to": "2024-01-01", "lang": "ru"})
    assert whole["summary"] == {"added": 2, "repealed": 1, "changed": 3, "renumbered": 1, "unchanged": 4}
    art1 = next(x for x in whole["changed"] if x["wId"] == "chp_1__art_1")
    assert [m["valid_from"] for m in art1["by"]] == [A1.isoformat(), A7.isoformat()]
    r = await api.get(f"/v1/acts/{built.law}/compare", params={"from": "2020-06-01", "to": "2024-01-01",
                                                              "format": "html", "lang": "ru"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "<del>" in r.text and "<ins>" in r.text and "chp_2__art_5" in r.text and "Закон № 8" in r.text


async def test_timeline_lists_every_change_in_order(api: Api, built: Built) -> None:
    answer = await get(api, f"/v1/acts/{built.law}/timeline", lang="ru")
    days = [p["date"] for p in answer["points"]]
    assert days == sorted(days) and set(days) == {d.isoformat() for d in CHANGE_DAYS}
    events = {p["date"]: p["events"] for p in answer["points"]}
    assert [e["status"] for e in events[EIF.isoformat()] if e["type"] == "status"] == ["partially_in_force"]
    assert {(e["wId"], tuple(e["changes"])) for e in events[A3.isoformat()] if e["type"] == "unit"} == {
        ("chp_2__art_4", ("renumbered",)), ("chp_1__art_2__point_1", ("changed",))}
    assert [e["relation_type"] for e in events[A4.isoformat()] if e["type"] == "unit_status"] == ["commences"]
    assert [e["status"] for e in events[SUSPENSION_END.isoformat()] if e["type"] == "unit_status"] == ["in_force"]
    six = [e for e in events[A6.isoformat()] if e["type"] == "amendment"]
    assert {e["amendment"]["id"] for e in six} == {built.amendments["A5"]["id"], built.amendments["A6"]["id"]}
    assert answer["undated"] == []


async def test_unknown_days_prospective_amendments_and_commencements_not_yet_appointed(api: Api) -> None:
    law = await _act(api, "70", "2020-01-01", entry_into_force={"date": "2020-01-01"})
    units = {"ru": {"units": [{"eId": f"point_{i}", "kind": "point", "num": str(i), "text": f"Пункт {i}."}
                              for i in (1, 2, 3)]}}
    await api.post(f"/v1/acts/{law}/editions", {"valid_from": "2020-01-01", "expressions": units})
    # "Пункт 2 вводится в действие со дня, определяемого Правительством": not yet appointed.
    unappointed = await _amend(api, law, {"amending_act": law, "effective_rule": "со дня, определяемого Правительством",
                                          "operations": [{"op": "commence", "unit": "point_2"}]})
    # Point 3 enters into force on a day known only to lie within 2020.
    windowed = await _amend(api, law, {"amending_act": law,
                                       "effective_window": {"earliest": "2020-03-01", "latest": "2020-12-31"},
                                       "operations": [{"op": "commence", "unit": "point_3"}]})
    pending = await _amend(api, law, {"amending_act": law, "effective_window": {"earliest": "2021-01-01"},
                                      "operations": [{"op": "replace", "unit": "point_1", "texts": {"ru": "Новый."}}]})
    assert pending["effective_window"] == {"earliest": "2021-01-01", "latest": None}
    assert windowed["state"] == unappointed["state"] == "prospective"
    assert (await get(api, f"/v1/acts/{law}/text", date="2030-01-01", lang="ru"))["text"].startswith("Пункт 1.")

    two = await get(api, f"/v1/acts/{law}/units/point_2", date="2030-01-01")
    assert two["status"]["code"] == "not_yet_in_force" and two["status"]["since"] == "2020-01-01"
    assert two["status"]["until"] is None and two["status"]["certain"] is True
    assert two["status"]["reason"]["note"] == "со дня, определяемого Правительством"
    assert two["status"]["reason"]["relation"] == unappointed["operations"][0]["relation"]
    three = await get(api, f"/v1/acts/{law}/units/point_3", date="2020-06-01")
    assert three["status"]["code"] == "in_force" and three["status"]["certain"] is False
    assert three["status"]["window"] == {"earliest": "2020-03-01", "latest": "2020-12-31"}
    early = await get(api, f"/v1/acts/{law}/units/point_3", date="2020-02-29")
    assert early["status"]["code"] == "not_yet_in_force" and early["status"]["certain"] is True
    status = (await get(api, f"/v1/acts/{law}/status", date="2030-01-01"))["status"]
    assert status["code"] == "partially_in_force" and [u["wId"] for u in status["units"]] == ["point_2"]

    timeline = await get(api, f"/v1/acts/{law}/timeline")
    assert [e["type"] for e in timeline["undated"]] == ["amendment", "amendment", "amendment", "unit_status",
                                                        "unit_status"]
    versions = await get(api, f"/v1/acts/{law}/units/point_1/versions")
    assert [p["amendment"]["id"] for p in versions["prospective"]] == [pending["id"]]

    # The Government appoints the day for point 2; a later decree brings the new point 1 into effect.
    await _amend(api, law, {"amending_act": law, "effective_date": "2022-01-01",
                            "operations": [{"op": "commence", "unit": "point_2"}]})
    done = await _amend(api, law, {"amending_act": law, "effective_date": "2023-01-01",
                                   "operations": [{"op": "commence", "amendment": pending["id"]}]})
    assert done["edition"]["valid_from"] == "2023-01-01"
    assert (await get(api, f"/v1/acts/{law}/units/point_2", date="2021-12-31"))["status"]["code"] == "not_yet_in_force"
    assert (await get(api, f"/v1/acts/{law}/units/point_2", date="2022-01-01"))["status"]["code"] == "in_force"
    assert (await get(api, f"/v1/acts/{law}/status", date="2022-01-01"))["status"]["code"] == "in_force"
    one = await get(api, f"/v1/acts/{law}/units/point_1", date="2023-01-01")
    assert one["expressions"]["ru"]["text"] == "Новый." and one["status"]["code"] == "in_force"
    assert one["status"]["since"] == "2020-01-01", "the new wording's commencement is not the point's"
    assert (await get(api, f"/v1/acts/{law}/units/point_1", date="2022-12-31"))["expressions"]["ru"]["text"] == "Пункт 1."
    r = await api.post(f"/v1/acts/{law}/amendments", {"amending_act": law, "effective_date": "2024-01-01",
                                                      "operations": [{"op": "commence", "amendment": pending["id"]}]})
    assert r.status_code == 409 and conforms(r)["type"] == "urn:lextime:problem:amendment-conflict"


async def test_one_ledger_entry_per_amendment(api: Api, built: Built, owner: asyncpg.Connection) -> None:
    operations = [r["operation"] for r in await owner.fetch("SELECT operation FROM ledger ORDER BY seq")]
    assert operations.count("amend_units") == 7
    relations = await owner.fetch("SELECT type, target_unit, target_wid FROM relations WHERE target_act = $1 "
                                  "AND superseded_seq IS NULL ORDER BY recorded_seq, id", built.law)
    kinds = [(r["type"], r["target_wid"]) for r in relations]
    assert ("repeals", "att_1") in kinds and ("suspends", "chp_2__art_4") in kinds
    assert ("commences", "chp_2__art_3") in kinds and kinds.count(("amends", "chp_1__art_1")) == 2
    assert ("commences", "chp_2__art_6") in kinds, "the commencement of A5 names each unit it brings in"
