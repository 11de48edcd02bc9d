"""The change feed over HTTP: entries in seq order with a `next` cursor, filters, texts inline or by
hash, long-polling woken by LISTEN/NOTIFY, Atom for feed readers, and the snapshot's shape."""

from __future__ import annotations

import asyncio
import hashlib
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest

from service.api import feed as feed_api
from service.domain.bulk import BULK_MEDIA_TYPE
from service.domain.ledger import entry_hash
from tests.conftest import Api

ATOM = "{http://www.w3.org/2005/Atom}"
ACT = {"jurisdiction": "kz", "type": "decree", "number": "1", "adopted_on": "2020-01-01", "titles": {"ru": "Указ"}}


async def ok(api: Api, path: str, body: object) -> dict[str, Any]:
    r = await api.post(path, body)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


async def record_some(api: Api) -> tuple[str, str]:
    a = await ok(api, "/v1/acts", ACT)
    b = await ok(api, "/v1/acts", {**ACT, "number": "2"})
    await ok(api, f"/v1/acts/{a['id']}/editions", {"valid_from": "2020-01-01", "expressions": {
        "ru": {"text": "Первый абзац.\n\nВторой абзац."}, "kk": {"text": "Бірінші."}}})
    await ok(api, "/v1/relations", {"type": "amends", "source_act": b["id"], "target_act": a["id"],
                                    "effective_date": "2021-01-01"})
    return str(a["id"]), str(b["id"])


async def follow(api: Api, url: str) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    while True:
        page = (await api.get(url)).json()
        if not page["items"]:
            return seen
        seen.extend(page["items"])
        url = page["next"]


async def test_entries_in_order_with_a_next_cursor(api: Api) -> None:
    await record_some(api)
    seen = await follow(api, "/v1/changes?limit=3")
    assert [e["seq"] for e in seen] == [1, 2, 3, 4]
    assert [e["operation"] for e in seen] == ["create_act", "create_act", "add_edition", "add_relation"]
    prev = "0" * 64
    for e in seen:  # each entry carries exactly what its hash covers
        fields = {k: e[k] for k in ("seq", "recorded_at", "actor", "operation", "payload", "prev_hash")}
        assert e["prev_hash"] == prev and entry_hash(fields) == e["hash"]
        prev = e["hash"]
    last = (await api.get("/v1/changes", params={"after": "4"})).json()
    assert last["items"] == [] and last["next"] == "/v1/changes?after=4" and last["as_of_seq"] == 4


async def test_filters_by_act_and_operation(api: Api) -> None:
    _, b = await record_some(api)
    by_act = (await api.get("/v1/changes", params={"act": b})).json()
    assert [e["seq"] for e in by_act["items"]] == [2, 4]
    editions = (await api.get("/v1/changes", params={"operation": "add_edition,add_relation", "limit": "1"})).json()
    assert [e["seq"] for e in editions["items"]] == [3]
    assert editions["next"] == "/v1/changes?operation=add_edition%2Cadd_relation&limit=1&after=3"
    rest = (await api.get(editions["next"])).json()
    assert [e["seq"] for e in rest["items"]] == [4]
    nothing = (await api.get("/v1/changes", params={"operation": "retract"})).json()
    assert nothing["items"] == [] and nothing["next"].endswith("after=4")  # the cursor moves past what was read
    for bad in ({"act": "x"}, {"operation": "Drop Table"}, {"after": "-1"}, {"limit": "0"}, {"limit": "1001"},
                {"include": "units"}, {"wait": "31"}):
        r = await api.get("/v1/changes", params=bad)
        assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json", bad


async def test_texts_inline_by_hash_and_in_batches(api: Api) -> None:
    await record_some(api)
    edition = (await api.get("/v1/changes", params={"after": "2", "limit": "1", "include": "texts"})).json()["items"][0]
    texts = edition["texts"]
    assert sorted(texts.values()) == ["Бірінші.", "Второй абзац.", "Первый абзац."]
    for sha, body in texts.items():
        assert hashlib.sha256(body.encode()).hexdigest() == sha
        one = await api.get(f"/v1/texts/{sha}")
        assert one.json() == {"sha256": sha, "text": body}
        assert one.headers["ETag"] == f'"{sha}"' and "immutable" in one.headers["Cache-Control"]
    assert "texts" not in (await api.get("/v1/changes")).json()["items"][2]
    unknown = "0" * 64
    batch = await api.client.post("/v1/texts/batch", json={"sha256": [*texts, unknown]})  # reads need no key
    assert batch.status_code == 200
    assert batch.json() == {"texts": dict(sorted(texts.items())), "missing": [unknown]}
    assert (await api.get(f"/v1/texts/{unknown}")).json()["type"] == "urn:lextime:problem:text-not-found"
    assert (await api.get("/v1/texts/ABC")).status_code == 400
    assert (await api.client.post("/v1/texts/batch", json={"sha256": ["x"]})).status_code == 400
    assert (await api.client.post("/v1/texts/batch", json={"sha256": []})).status_code == 400


async def test_texts_batch_passes_any_text_through_exactly_in_address_order(api: Api) -> None:
    a = await ok(api, "/v1/acts", ACT)
    tricky = ['"Quoted", back\\slash / solidus', "tab\tand\nnew line", "emoji 😀 and \u2028 separator",
              "Қазақ тілі «кавычки»", "plain"]
    await ok(api, f"/v1/acts/{a['id']}/editions", {"valid_from": "2020-01-01", "expressions": {
        "ru": {"text": "\n\n".join(tricky)}, "kk": {"text": "Бірінші."}}})
    edition = (await api.get("/v1/changes", params={"after": "1", "include": "texts"})).json()["items"][0]
    texts = edition["texts"]
    unknown = ["0" * 64, "f" * 64]
    batch = await api.client.post("/v1/texts/batch", json={"sha256": [unknown[1], *texts, *texts, unknown[0]]})
    answer = orjson.loads(batch.content)
    assert batch.status_code == 200 and batch.headers["content-type"] == "application/json"
    assert list(answer) == ["texts", "missing"] and answer["missing"] == unknown
    assert list(answer["texts"]) == sorted(texts) and answer["texts"] == texts
    for sha, body in answer["texts"].items():
        assert hashlib.sha256(body.encode()).hexdigest() == sha
    none = await api.client.post("/v1/texts/batch", json={"sha256": unknown})
    assert orjson.loads(none.content) == {"texts": {}, "missing": unknown}


async def test_wait_returns_as_soon_as_an_entry_is_committed(api: Api) -> None:
    await ok(api, "/v1/acts", ACT)
    poll = asyncio.create_task(api.get("/v1/changes", params={"after": "1", "wait": "25"}))
    await ok(api, "/v1/acts", {**ACT, "number": "2"})
    page = (await asyncio.wait_for(poll, 20)).json()
    assert [e["seq"] for e in page["items"]] == [2] and page["as_of_seq"] == 2


async def test_wait_with_a_filter_skips_what_does_not_match(api: Api) -> None:
    a = await ok(api, "/v1/acts", ACT)
    poll = asyncio.create_task(api.get("/v1/changes", params={"after": "1", "wait": "25", "act": a["id"]}))
    await ok(api, "/v1/acts", {**ACT, "number": "2"})  # another act: the poll keeps waiting
    await ok(api, f"/v1/acts/{a['id']}/editions", {"valid_from": "2020-01-01", "expressions": {"ru": {"text": "Т."}}})
    page = (await asyncio.wait_for(poll, 20)).json()
    assert [e["seq"] for e in page["items"]] == [3]


async def test_wait_times_out_with_nothing_new(api: Api) -> None:
    await ok(api, "/v1/acts", ACT)
    r = await api.get("/v1/changes", params={"after": "1", "wait": "1"})
    assert r.status_code == 200 and r.json()["items"] == [] and r.json()["next"].endswith("after=1")


async def test_atom_feed(api: Api) -> None:
    a, _ = await record_some(api)
    r = await api.get("/v1/changes.atom", params={"limit": "3"})
    assert r.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(r.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id").split(":")[3] for e in entries] == ["4", "3", "2"]  # type: ignore[union-attr]
    assert entries[0].find(f"{ATOM}category").get("term") == "add_relation"  # type: ignore[union-attr]
    assert "relation recorded" in (entries[0].findtext(f"{ATOM}title") or "")
    assert feed.findtext(f"{ATOM}updated") == entries[0].findtext(f"{ATOM}updated")
    for_act = ET.fromstring((await api.get("/v1/changes.atom", params={"act": a})).content)
    assert len(for_act.findall(f"{ATOM}entry")) == 3


async def test_snapshot_shape(api: Api) -> None:
    await record_some(api)
    r = await api.get("/v1/snapshot")
    assert r.headers["content-type"] == "application/x-ndjson" and r.headers["X-Lextime-Seq"] == "4"
    lines = [orjson.loads(line) for line in r.content.splitlines()]
    header, end = lines[0], lines[-1]
    assert header["kind"] == "snapshot" and header["seq"] == 4 and "acts" in header["tables"]
    assert [x["seq"] for x in lines if x["kind"] == "entry"] == [1, 2, 3, 4]
    assert len([x for x in lines if x["kind"] == "text"]) == 3
    assert end["kind"] == "end" and end["hash"] == header["hash"] == lines[4]["hash"]
    assert end["counts"]["rows"]["acts"] == 2
    pinned = await api.get("/v1/snapshot", params={"as_of": "2"})
    assert [orjson.loads(x)["kind"] for x in pinned.content.splitlines()].count("entry") == 2
    assert "immutable" in pinned.headers["Cache-Control"]


async def test_a_snapshot_shows_a_fact_superseded_later_as_current(api: Api) -> None:
    a, _ = await record_some(api)
    await ok(api, "/v1/corrections", {"target": {"kind": "act", "act_id": a}, "reason": "misread number",
                                      "replacement": {**ACT, "number": "9"}})

    async def acts_rows(**params: str) -> list[tuple[str, int | None]]:
        lines = [orjson.loads(x) for x in (await api.get("/v1/snapshot", params=params)).content.splitlines()]
        return sorted((x["row"]["number"], x["row"]["superseded_seq"]) for x in lines
                      if x["kind"] == "row" and x["table"] == "acts")

    assert await acts_rows() == [("1", 5), ("2", None), ("9", None)]
    assert await acts_rows(as_of="4") == [("1", None), ("2", None)]


async def test_the_snapshot_is_negotiated_by_accept(api: Api) -> None:
    await record_some(api)
    ndjson = (await api.get("/v1/snapshot")).content

    async def media(accept: str) -> str:
        r = await api.get("/v1/snapshot", headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["Vary"] == "Accept, Accept-Encoding", r.text
        if r.headers["content-type"] == "application/x-ndjson":
            assert r.content == ndjson  # the default, whatever the Accept that picks it
        return str(r.headers["content-type"])

    assert await media("*/*") == await media("application/*") == "application/x-ndjson"
    assert await media("application/x-ndjson, text/html;q=0.1") == "application/x-ndjson"
    assert await media(BULK_MEDIA_TYPE) == await media(f"application/x-ndjson;q=0.5, {BULK_MEDIA_TYPE}") == \
        await media(f"{BULK_MEDIA_TYPE}, */*") == await media("application/x-ndjson;q=0, */*") == BULK_MEDIA_TYPE
    assert await media(f"{BULK_MEDIA_TYPE};q=0.2, application/x-ndjson;q=0.9") == "application/x-ndjson"
    for accept in ("text/html", "application/json", f"{BULK_MEDIA_TYPE};q=0", "*/*;q=0", "application/x-ndjson;q=x"):
        r = await api.get("/v1/snapshot", headers={"Accept": accept})
        assert r.status_code == 406 and r.headers["content-type"] == "application/problem+json", accept
        assert r.json()["type"] == "urn:lextime:problem:not-acceptable"
        assert r.json()["accepted"] == ["application/x-ndjson", BULK_MEDIA_TYPE]
    head = await api.client.head("/v1/snapshot", headers={"Accept": BULK_MEDIA_TYPE})
    assert head.headers["content-type"] == BULK_MEDIA_TYPE and head.headers["X-Lextime-Seq"] == "4"
    assert (await api.client.head("/v1/snapshot", headers={"Accept": "text/html"})).status_code == 406


async def test_bulk_snapshot_frames(api: Api) -> None:
    a, _ = await record_some(api)
    await ok(api, "/v1/corrections", {"target": {"kind": "act", "act_id": a}, "reason": "misread number",
                                      "replacement": {**ACT, "number": "9"}})
    body = (await api.get("/v1/snapshot", params={"as_of": "4"}, headers={"Accept": BULK_MEDIA_TYPE})).content
    frames, at = [], 0
    while at < len(body):
        end = body.index(b"\n", at)
        line = orjson.loads(body[at:end])
        at = end + 1 + line.get("bytes", 0)
        frames.append(line)
    header, last = frames[0], frames[-1]
    assert header["kind"] == "snapshot" and header["seq"] == 4 and header["copy"] == "binary"
    assert body.startswith(b"{") and at == len(body)
    sections = [f["table"] for f in frames if f["kind"] == "section"]
    assert sections == ["ledger", "texts", *header["tables"]]
    assert [f["columns"] for f in frames if f["kind"] == "section"][2:] == list(header["tables"].values())
    rows = {f["table"]: f["rows"] for f in frames if f["kind"] == "section_end"}
    assert last == {"kind": "end", "seq": 4, "hash": header["hash"],
                    "counts": {"entries": 4, "texts": 3, "rows": {t: rows[t] for t in header["tables"]}}}
    assert rows["ledger"] == 4 and rows["acts"] == 2  # as of 4: the correction (seq 5) is not there
    assert b"PGCOPY\n\xff\r\n\x00" in body  # each section's data is binary COPY output


async def test_snapshots_are_streamed_a_few_at_a_time(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    await record_some(api)
    assert (await api.client.head("/v1/snapshot")).headers["X-Lextime-Seq"] == "4"
    release = asyncio.Event()

    async def held(pool: object, *, seq: int, api_version: str) -> AsyncIterator[dict[str, object]]:
        yield {"kind": "snapshot", "seq": seq}
        await release.wait()  # a slow reader: the stream stays open
        yield {"kind": "end", "seq": seq}

    monkeypatch.setattr(feed_api, "snapshot_lines", held)
    async with api.client.stream("GET", "/v1/snapshot") as first, api.client.stream("GET", "/v1/snapshot") as second:
        assert first.status_code == second.status_code == 200
        third = await api.get("/v1/snapshot")
        assert third.status_code == 503 and third.json()["type"] == "urn:lextime:problem:snapshot-busy"
        assert third.headers["Retry-After"] == "30"
        release.set()
        assert (await first.aread()).count(b"\n") == (await second.aread()).count(b"\n") == 2
    monkeypatch.undo()
    assert (await api.get("/v1/snapshot")).status_code == 200  # the slots are free again
