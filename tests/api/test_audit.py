"""Audit: the ledger verified end to end by the API and by `lextime audit verify`; tampering through a
superuser connection found; a consistent rewrite of history caught by a checkpoint signed before it;
checkpoints published in the feed; proofs of answers checked offline."""

from __future__ import annotations

import asyncio
import base64
import os
import sys
from pathlib import Path
from typing import Any

import asyncpg
import orjson
import pytest

from service.domain.checkpoints import checkpoint_from_json, signature_holds
from service.domain.ledger import entry_hash, hashed_fields
from service.domain.proof import check_proof
from tests.conftest import TEST_DATA_DIR, Api, start_server

LAW = {"jurisdiction": "kz", "type": "law", "number": "1", "adopted_on": "2020-01-01", "titles": {"ru": "Закон"},
       "entry_into_force": {"date": "2020-01-10"}}


def lextime() -> list[str]:
    script = Path(sys.executable).parent / "lextime"
    return [str(script)] if script.exists() else [sys.executable, "-m", "service.cli"]


async def cli(dsn: str, *args: str) -> tuple[int, str, str]:
    env = {**os.environ, "DATABASE_URL": dsn, "LEXTIME_DATA_DIR": TEST_DATA_DIR, "LEXTIME_LOG_FORMAT": "json"}
    proc = await asyncio.create_subprocess_exec(*lextime(), *args, env=env, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def ok(api: Api, path: str, body: object) -> dict[str, Any]:
    r = await api.post(path, body)
    assert r.status_code in (200, 201), r.text
    return r.json()  # type: ignore[no-any-return]


async def record_law(api: Api) -> str:
    """Five entries: the law, an amending act, two editions (texts), a relation."""
    law = await ok(api, "/v1/acts", LAW)
    amending = await ok(api, "/v1/acts", {**LAW, "number": "2", "adopted_on": "2021-01-01"})
    editions = f"/v1/acts/{law['id']}/editions"
    await ok(api, editions, {"valid_from": "2020-01-10", "expressions": {"ru": {"units": [
        {"eId": "art_1", "kind": "article", "num": "1", "text": "Статья первая."},
        {"eId": "art_2", "kind": "article", "num": "2", "text": "Статья вторая."}]}}})
    await ok(api, editions, {"valid_from": "2021-02-01", "source_acts": [amending["id"]], "expressions": {"ru": {
        "units": [{"eId": "art_1", "kind": "article", "num": "1", "text": "Статья первая."},
                  {"eId": "art_2", "kind": "article", "num": "2", "text": "Статья вторая в новой редакции."}]}}})
    await ok(api, "/v1/relations", {"type": "amends", "source_act": amending["id"], "target_act": law["id"],
                                    "target_unit": "art_2", "effective_date": "2021-02-01"})
    return str(law["id"])


async def verify(api: Api) -> dict[str, Any]:
    r = await api.get("/v1/audit/verify")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    return r.json()  # type: ignore[no-any-return]


async def as_superuser(owner: asyncpg.Connection, sql: str) -> None:
    """Tampering as a superuser can: triggers (and foreign keys) switched off for the session."""
    await owner.execute("SET session_replication_role = replica")
    try:
        await owner.execute(sql)
    finally:
        await owner.execute("SET session_replication_role = DEFAULT")


async def test_an_untouched_ledger_verifies(api: Api) -> None:
    await record_law(api)
    report = await verify(api)
    last = (await api.get("/v1/changes", params={"after": "4"})).json()["items"][0]
    assert report["ok"] is True and report["first_break"] is None
    assert report["count"] == 5 and report["head"] == {"seq": 5, "hash": last["hash"]}
    assert report["texts_checked"] == 3
    code, out, _ = await cli(api.dsn, "audit", "verify")
    assert code == 0, out
    assert f"Head: seq 5, hash {last['hash']}." in out and "The ledger holds" in out


TAMPERING = [
    ("UPDATE ledger SET actor = 'mallory' WHERE seq = 2", 2, "hash does not match"),
    ("UPDATE ledger SET payload = jsonb_set(payload, '{act,number}', '\"7\"') WHERE seq = 1", 1, "hash does not match"),
    ("UPDATE ledger SET recorded_at = recorded_at - interval '1 day' WHERE seq = 4", 4, "hash does not match"),
    ("UPDATE ledger SET prev_hash = repeat('a', 64) WHERE seq = 3", 3, "prev_hash"),
    ("DELETE FROM ledger WHERE seq = 2", 2, "missing"),
    ("DELETE FROM ledger WHERE seq = 5", None, None),  # the tail: only a checkpoint can tell (see below)
    ("UPDATE texts SET body = 'Статья вторая (подделка).' WHERE body = 'Статья вторая.'", 3, "altered"),
    ("DELETE FROM texts WHERE body = 'Статья вторая в новой редакции.'", 4, "missing"),
]


@pytest.mark.parametrize(("tamper", "seq", "reason"), TAMPERING, ids=[t[0][:48] for t in TAMPERING])
async def test_tampering_through_a_superuser_is_found(api: Api, owner: asyncpg.Connection, tamper: str,
                                                      seq: int | None, reason: str | None) -> None:
    await record_law(api)
    await as_superuser(owner, tamper)
    report = await verify(api)
    code, out, _ = await cli(api.dsn, "audit", "verify")
    if seq is None:
        assert report["ok"] is True and code == 0
        return
    assert report["ok"] is False and report["first_break"]["seq"] == seq and reason in report["first_break"]["reason"]
    assert code == 3, out
    assert f"BROKEN at entry {seq}:" in out


async def rewrite_history(owner: asyncpg.Connection, *, seq: int, drop_checkpoints: bool) -> None:
    """What a superuser who knows the hashing would do: change an entry and recompute every hash after it."""
    rows = await owner.fetch("SELECT * FROM ledger ORDER BY seq")
    if drop_checkpoints:
        await as_superuser(owner, "DELETE FROM ledger WHERE operation = 'checkpoint'")
        rows = [r for r in rows if r["operation"] != "checkpoint"]
    prev = rows[0]["prev_hash"]
    await owner.execute("SET session_replication_role = replica")
    try:
        for new_seq, r in enumerate(rows, start=1):
            actor = "mallory" if r["seq"] == seq else r["actor"]
            payload = orjson.loads(r["payload"])
            digest = entry_hash(hashed_fields(new_seq, r["recorded_at"], actor, r["operation"], payload, prev))
            await owner.execute("UPDATE ledger SET seq = $1, actor = $2, prev_hash = $3, hash = $4 WHERE seq = $5",
                                new_seq, actor, prev, digest, r["seq"])
            prev = digest
    finally:
        await owner.execute("SET session_replication_role = DEFAULT")


async def test_a_consistent_rewrite_is_caught_by_a_checkpoint_taken_before(api: Api, owner: asyncpg.Connection,
                                                                           tmp_path: Path) -> None:
    await record_law(api)
    created = await api.post("/v1/audit/checkpoints", {})
    assert created.status_code == 201
    checkpoint = created.json()
    assert (checkpoint["seq"], checkpoint["entry_seq"]) == (5, 6)
    kept = tmp_path / "checkpoint.json"
    kept.write_bytes(orjson.dumps(checkpoint))
    await ok(api, "/v1/acts", {**LAW, "number": "3"})

    await rewrite_history(owner, seq=2, drop_checkpoints=True)
    assert (await verify(api))["ok"] is True, "a consistent rewrite passes the chain check alone"
    assert (await cli(api.dsn, "audit", "verify"))[0] == 0
    code, out, _ = await cli(api.dsn, "audit", "verify", "--checkpoint", str(kept))
    assert code == 3, out
    assert "BROKEN at entry 5: the entry differs from the one the kept checkpoint signed" in out


async def test_a_rewrite_that_keeps_the_published_checkpoints_is_caught_by_them(api: Api,
                                                                                owner: asyncpg.Connection) -> None:
    await record_law(api)
    await ok(api, "/v1/audit/checkpoints", {})
    await rewrite_history(owner, seq=3, drop_checkpoints=False)
    report = await verify(api)
    assert report["ok"] is False and report["first_break"]["seq"] == 5
    assert "signed a hash the ledger no longer has" in report["first_break"]["reason"]


async def test_a_kept_checkpoint_beyond_a_truncated_ledger(api: Api, owner: asyncpg.Connection,
                                                           tmp_path: Path) -> None:
    await record_law(api)
    kept = tmp_path / "checkpoints.json"
    await ok(api, "/v1/audit/checkpoints", {})
    kept.write_bytes((await api.get("/v1/audit/checkpoints")).content)  # a page of them, as published
    await as_superuser(owner, "DELETE FROM ledger WHERE seq >= 5")
    code, out, _ = await cli(api.dsn, "audit", "verify", "--checkpoint", str(kept))
    assert code == 3 and "the ledger ends at seq 4, before the kept checkpoint's seq 5" in out


async def test_checkpoints_are_signed_published_and_listed(api: Api) -> None:
    empty = await api.post("/v1/audit/checkpoints", {})
    assert empty.status_code == 409
    await record_law(api)
    first = await ok(api, "/v1/audit/checkpoints", {})
    again = await api.post("/v1/audit/checkpoints", {})
    assert again.status_code == 200 and again.json() == first  # nothing new to sign
    key = (await api.get("/v1/audit/public-key")).json()
    assert key["algorithm"] == "Ed25519" and key["key_id"] == first["key_id"]
    assert key["pem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert len(base64.b64decode(key["public_key"])) == 32
    cp = checkpoint_from_json(first)
    assert signature_holds(cp, public_key=key["public_key"])
    forged = checkpoint_from_json({**first, "hash": "0" * 64})
    assert not signature_holds(forged, public_key=key["public_key"])

    in_feed = (await api.get("/v1/changes", params={"operation": "checkpoint"})).json()["items"]
    assert [e["seq"] for e in in_feed] == [6] and in_feed[0]["payload"]["checkpoint"] == {
        k: v for k, v in first.items() if k != "entry_seq"}
    await ok(api, "/v1/acts", {**LAW, "number": "9"})
    second = await ok(api, "/v1/audit/checkpoints", {})
    assert (second["seq"], second["entry_seq"]) == (7, 8)
    listed = (await api.get("/v1/audit/checkpoints", params={"limit": "1"})).json()
    assert listed["items"] == [first] and listed["next"] == "/v1/audit/checkpoints?limit=1&after=6"
    assert (await api.get(listed["next"])).json()["items"] == [second]
    assert (await api.client.post("/v1/audit/checkpoints", json={})).status_code == 401
    assert (await verify(api))["checkpoints"] == {"published": 2, "verified": 2}


async def test_checkpoints_at_an_interval(api: Api) -> None:
    server, task, base = await start_server(api.dsn, LEXTIME_CHECKPOINT_INTERVAL_S="0.05")
    try:
        await ok(api, "/v1/acts", LAW)
        r = await api.client.get(f"{base}/v1/changes", params={"operation": "checkpoint", "wait": "20"})
        [entry] = r.json()["items"]
        assert entry["seq"] == 2 and entry["payload"]["checkpoint"]["seq"] == 1
    finally:
        server.should_exit = True
        await task


async def test_a_proof_checks_offline(api: Api, tmp_path: Path) -> None:
    law = await record_law(api)
    key = (await api.get("/v1/audit/public-key")).json()["public_key"]
    params = {"act_id": law, "date": "2021-06-01", "lang": "ru"}
    unsigned = (await api.get("/v1/audit/proof", params=params)).json()
    assert unsigned["checkpoint"] is None and unsigned["chain_end"]["seq"] == 5
    assert check_proof(unsigned) == []

    await ok(api, "/v1/audit/checkpoints", {})
    await ok(api, "/v1/acts", {**LAW, "number": "5"})  # after the checkpoint: not needed in the chain
    proof = (await api.get("/v1/audit/proof", params=params)).json()
    text = (await api.get(f"/v1/acts/{law}/text", params={"date": "2021-06-01", "lang": "ru"})).json()
    assert proof["answer"] == {k: v for k, v in text.items() if k != "as_of_seq"}
    assert [u["sha256"] for u in proof["units"]] == [u["sha256"] for u in text["units"]]
    assert proof["checkpoint"]["seq"] == 5 and [e["seq"] for e in proof["chain"]] == [1, 2, 3, 4, 5, 6]
    assert proof["produced_by"] == [1, 3, 4]
    assert check_proof(proof, public_key=key) == []

    good, bad = tmp_path / "proof.json", tmp_path / "forged.json"
    good.write_bytes(orjson.dumps(proof))
    forged = orjson.loads(orjson.dumps(proof))
    forged["texts"] = {sha: body.replace("новой", "старой") for sha, body in forged["texts"].items()}
    bad.write_bytes(orjson.dumps(forged))
    assert check_proof(forged, public_key=key)
    pem = Path(TEST_DATA_DIR) / "signing-key.pem"
    code, out, _ = await cli(api.dsn, "audit", "check-proof", str(good), "--public-key", str(pem))
    assert code == 0 and "The proof holds." in out
    code, out, err = await cli(api.dsn, "audit", "check-proof", str(bad), "--public-key", str(pem))
    assert code == 3 and "does not hash" in err


@pytest.mark.parametrize("params", [{}, {"act_id": "x"}, {"act_id": "01ARZ3NDEKTSV4RRFFQ69G5FAV", "lang": "zu"},
                                    {"act_id": "01ARZ3NDEKTSV4RRFFQ69G5FAV", "date": "2020-02-30"}])
async def test_bad_proof_requests(api: Api, params: dict[str, str]) -> None:
    r = await api.get("/v1/audit/proof", params=params)
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"


async def test_proof_of_an_unknown_act(api: Api) -> None:
    r = await api.get("/v1/audit/proof", params={"act_id": "01ARZ3NDEKTSV4RRFFQ69G5FAV"})
    assert r.status_code == 404
