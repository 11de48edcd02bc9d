"""Access control through HTTP: writes need a key with the right scope, refusals leave no trace in the
ledger, revocation and expiry take effect at once, the actor is the key's name, private reads, and the
service's run-time role that cannot touch the schema or rewrite the ledger."""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest
import pytest_asyncio

from service.store.db import create_pool
from service.store.keys import SCOPES, insert_key, revoke_key
from tests.conftest import Api, served

ACT = {"jurisdiction": "kz", "type": "decree", "number": "12", "adopted_on": "2019-05-05", "titles": {"ru": "Указ"}}
TOKEN = re.compile(r"^lx_(?P<id>[0-9a-f]{16})_(?P<secret>[A-Za-z0-9_-]{43})$")


async def ledger_size(owner: asyncpg.Connection) -> int:
    return int(await owner.fetchval("SELECT count(*) FROM ledger"))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Basic dXNlcjpwYXNz"},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer lx_0000000000000000_" + "A" * 43},
    {"Authorization": "Bearer " + "lx_" + "x" * 10_000},
    {"Authorization": "Bearer lx_ünïcode_secret".encode("latin-1")},
], ids=["none", "basic", "empty", "unknown", "huge", "non-ascii"])
async def test_writes_without_a_valid_key_are_401_and_leave_no_trace(api: Api, owner: asyncpg.Connection,
                                                                     headers: dict[str, str | bytes]) -> None:
    r = await api.client.post("/v1/acts", json=ACT, headers=headers)
    assert r.status_code == 401, r.text
    assert r.headers["WWW-Authenticate"] == 'Bearer realm="lextime"'
    assert r.json()["type"] == "urn:lextime:problem:unauthorized"
    assert await ledger_size(owner) == 0
    assert await owner.fetchval("SELECT count(*) FROM acts") == 0


@pytest.mark.parametrize("scopes", [("read",), ("correct",), ("admin",), ("read", "correct", "admin")])
async def test_a_key_without_the_write_scope_is_403_and_leaves_no_trace(api: Api, owner: asyncpg.Connection,
                                                                        scopes: tuple[str, ...]) -> None:
    token = await insert_key(owner, name=f"scoped-{'-'.join(scopes)}", scopes=scopes)
    act_id = (await api.post("/v1/acts", ACT)).json()["id"]
    before = await ledger_size(owner)
    for path, body in (("/v1/acts", ACT | {"number": "13"}),
                       (f"/v1/acts/{act_id}/editions", {"valid_from": "2019-05-05", "expressions": {"ru": {"text": "Т."}}}),
                       ("/v1/relations", {"type": "cites", "source_act": act_id, "target_act": act_id})):
        r = await api.client.post(path, json=body, headers=bearer(token))
        assert r.status_code == 403, r.text
        assert r.json()["type"] == "urn:lextime:problem:forbidden"
        assert "'write'" in r.json()["detail"]
    assert await ledger_size(owner) == before


async def test_the_actor_in_the_ledger_is_the_keys_name(api: Api, owner: asyncpg.Connection) -> None:
    token = await insert_key(owner, name="adilet-sync", scopes=("write",))
    r = await api.client.post("/v1/acts", json=ACT, headers=bearer(token))
    assert r.status_code == 201, r.text
    assert await owner.fetchval("SELECT actor FROM ledger ORDER BY seq DESC LIMIT 1") == "adilet-sync"


async def test_a_revoked_key_is_refused_at_once(api: Api, owner: asyncpg.Connection) -> None:
    token = await insert_key(owner, name="to-revoke")
    assert (await api.client.post("/v1/acts", json=ACT, headers=bearer(token))).status_code == 201
    revoked = await revoke_key(owner, name="to-revoke")
    assert revoked.revoked_at is not None
    before = await ledger_size(owner)
    r = await api.client.post("/v1/acts", json=ACT | {"number": "14"}, headers=bearer(token))
    assert r.status_code == 401, r.text
    assert await ledger_size(owner) == before
    # Revoked for good: the owner cannot bring it back, nor swap its secret.
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await owner.execute("UPDATE api_keys SET revoked_at = NULL WHERE name = 'to-revoke'")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await owner.execute("UPDATE api_keys SET secret_hash = 'x' WHERE name = 'to-revoke'")
    assert (await revoke_key(owner, name="to-revoke")).revoked_at == revoked.revoked_at


async def test_an_expired_key_is_refused(api: Api, owner: asyncpg.Connection) -> None:
    expired = await insert_key(owner, name="expired", expires_at=datetime.now(tz=UTC) - timedelta(seconds=1))
    valid = await insert_key(owner, name="valid-a-day", expires_at=datetime.now(tz=UTC) + timedelta(days=1))
    assert (await api.client.post("/v1/acts", json=ACT, headers=bearer(expired))).status_code == 401
    assert (await api.client.post("/v1/acts", json=ACT, headers=bearer(valid))).status_code == 201


async def test_a_right_key_id_with_a_wrong_secret_is_refused(api: Api, owner: asyncpg.Connection) -> None:
    token = await insert_key(owner, name="guessed")
    m = TOKEN.match(token)
    assert m is not None
    wrong = f"lx_{m['id']}_{'B' * 43}"
    assert (await api.client.post("/v1/acts", json=ACT, headers=bearer(wrong))).status_code == 401


async def test_keys_are_random_256_bit_secrets_stored_only_as_hashes(owner: asyncpg.Connection) -> None:
    tokens = [await insert_key(owner, name=f"k{i}") for i in range(20)]
    secrets_ = []
    for token in tokens:
        m = TOKEN.match(token)
        assert m is not None, token
        assert len(base64.urlsafe_b64decode(m["secret"] + "=")) == 32
        secrets_.append(m["secret"])
    assert len(set(secrets_)) == len(secrets_)
    stored = " ".join(str(dict(r)) for r in await owner.fetch("SELECT * FROM api_keys"))
    assert not any(s in stored for s in secrets_), "a secret is stored in clear"


async def test_unknown_scopes_are_refused_by_the_database(owner: asyncpg.Connection) -> None:
    with pytest.raises(asyncpg.CheckViolationError):
        await owner.execute("INSERT INTO api_keys (key_id, name, secret_hash, scopes) VALUES ('k', 'n', 'h', '{root}')")
    assert set(SCOPES) == {"read", "write", "correct", "admin"}


@pytest_asyncio.fixture(loop_scope="session")
async def private(database: str, owner: asyncpg.Connection) -> AsyncIterator[httpx.AsyncClient]:
    async with served(database, LEXTIME_PRIVATE_READS="true") as client:
        yield client


async def test_private_reads_need_a_key(private: httpx.AsyncClient, owner: asyncpg.Connection) -> None:
    reader = await insert_key(owner, name="reader", scopes=("read",))
    writer = await insert_key(owner, name="writer", scopes=("write",))
    for path in ("/v1/acts", "/akn/kz/act/decree/2019-05-05/12"):
        r = await private.get(path)
        assert r.status_code == 401, r.text
        assert r.headers["WWW-Authenticate"] == 'Bearer realm="lextime"'
    created = await private.post("/v1/acts", json=ACT, headers=bearer(writer))
    assert created.status_code == 201
    for token in (reader, writer):  # every valid key may read
        r = await private.get(f"/v1/acts/{created.json()['id']}", headers=bearer(token))
        assert r.status_code == 200, r.text
    assert (await private.post("/v1/acts", json=ACT, headers=bearer(reader))).status_code == 403
    assert (await private.get("/healthz")).status_code == 200  # probes stay open
    assert (await private.get("/readyz")).status_code == 200


async def test_reads_are_open_by_default(api: Api) -> None:
    assert (await api.get("/v1/acts")).status_code == 200


@pytest_asyncio.fixture(loop_scope="session")
async def login_role(database: str, owner: asyncpg.Connection) -> AsyncIterator[str]:
    """A login role that is nothing but a member of lextime_app: the DSN a production service runs with."""
    name = f"lextime_svc_{uuid.uuid4().hex[:8]}"
    await owner.execute(f'CREATE ROLE "{name}" LOGIN IN ROLE lextime_app')
    try:
        yield database.replace("//postgres@", f"//{name}@", 1)
    finally:
        await owner.execute(f'DROP ROLE IF EXISTS "{name}"')


async def test_the_service_runs_as_a_role_that_cannot_escalate(database: str, owner: asyncpg.Connection,
                                                              login_role: str) -> None:
    token = await insert_key(owner, name="app-writer")
    async with served(database, LEXTIME_APP_DATABASE_URL=login_role) as client:
        assert (await client.post("/v1/acts", json=ACT, headers=bearer(token))).status_code == 201
    assert await owner.fetchval("SELECT count(*) FROM ledger") == 1
    pool = await create_pool(login_role)
    try:
        async with pool.acquire() as conn:
            assert await conn.fetchval("SELECT current_user") == "lextime_app"
            await conn.execute("RESET ROLE")  # what an injected statement would try first
            for statement in ("CREATE TABLE intruder (x int)", "UPDATE ledger SET actor = 'mallory'",
                              "DELETE FROM ledger", "ALTER TABLE acts ADD COLUMN x int",
                              "UPDATE api_keys SET scopes = '{admin}'", "SET ROLE postgres"):
                with pytest.raises(asyncpg.InsufficientPrivilegeError):
                    await conn.execute(statement)
    finally:
        await pool.close()


async def test_an_admin_key_lists_keys_without_secrets(api: Api, owner: asyncpg.Connection) -> None:
    admin = await insert_key(owner, name="ops", scopes=("admin",))
    r = await api.get("/v1/keys", headers=bearer(admin))
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [(k["name"], k["scopes"], k["state"]) for k in items] == [("test-writer", ["write"], "active"),
                                                                    ("ops", ["admin"], "active")]
    assert api.key.split("_", 2)[2] not in r.text and "secret" not in r.text
    assert (await api.get("/v1/keys", headers=api.auth)).status_code == 403
    assert (await api.get("/v1/keys")).status_code == 401


async def test_an_admin_key_revokes_a_key_through_the_api(api: Api, owner: asyncpg.Connection) -> None:
    admin = await insert_key(owner, name="ops", scopes=("admin",))
    assert (await api.post("/v1/acts", ACT)).status_code == 201
    assert (await api.client.post("/v1/keys/test-writer/revoke", headers=api.auth)).status_code == 403
    r = await api.client.post("/v1/keys/test-writer/revoke", headers=bearer(admin))
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "revoked" and r.json()["revoked_at"]
    refused = await api.post("/v1/acts", ACT | {"number": "99"})
    assert refused.status_code == 401  # at once: the very next request
    assert (await api.client.post("/v1/keys/nobody/revoke", headers=bearer(admin))).status_code == 404
    assert (await api.client.post("/v1/keys/%09tab/revoke", headers=bearer(admin))).status_code == 404
    assert await owner.fetchval("SELECT actor FROM ledger ORDER BY seq DESC LIMIT 1") == "test-writer"


async def test_the_service_role_may_only_revoke_keys(database: str) -> None:
    pool = await create_pool(database)
    try:
        for statement in ("UPDATE api_keys SET scopes = '{admin}'", "UPDATE api_keys SET secret_hash = 'x'",
                          "DELETE FROM api_keys"):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await pool.execute(statement)
    finally:
        await pool.close()
