"""API keys: random, shown once, stored as a hash, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg

from service.store.errors import translate
from service.store.queries import q

PREFIX = "lx"
DEFAULT_SCOPES = ("write",)


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    name: str
    scopes: tuple[str, ...]


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_key() -> tuple[str, str, str]:
    """A fresh key as (key_id, secret, the token a client sends): 256 random bits of secret."""
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return key_id, secret, f"{PREFIX}_{key_id}_{secret}"


def split_token(token: str) -> tuple[str, str] | None:
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


async def insert_key(
    conn: asyncpg.Connection, *, name: str, scopes: tuple[str, ...] = DEFAULT_SCOPES,
    expires_at: datetime | None = None,
) -> str:
    key_id, secret, token = new_key()
    async with translate():
        await conn.execute(q("key_insert"), key_id, name, _hash(secret), list(scopes), expires_at)
    return token


async def create_key(dsn: str, *, name: str, scopes: tuple[str, ...] = DEFAULT_SCOPES) -> str:
    """Create a key through an owner's connection (the CLI); returns the token, which is never stored."""
    conn = await asyncpg.connect(dsn)
    try:
        return await insert_key(conn, name=name, scopes=scopes)
    finally:
        await conn.close()


async def authenticate(conn: asyncpg.Pool | asyncpg.Connection, token: str) -> ApiKey | None:
    """The key a bearer token names, if the token is right and the key neither revoked nor expired."""
    parts = split_token(token)
    if parts is None:
        return None
    key_id, secret = parts
    async with translate():
        row = await conn.fetchrow(q("key_by_id"), key_id)
    if row is None or not hmac.compare_digest(row["secret_hash"], _hash(secret)):
        return None
    now = datetime.now(tz=UTC)
    if row["revoked_at"] is not None or (row["expires_at"] is not None and row["expires_at"] <= now):
        return None
    return ApiKey(row["key_id"], row["name"], tuple(row["scopes"]))
