"""API keys: random, shown once, stored as a hash, compared in constant time, revocable, optionally expiring.

Keys are access state, not legal facts: they live beside the ledger. The service's role may only read
them; creating and revoking keys runs as the schema's owner (the `lextime keys` commands).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg

from service.domain.errors import Invalid, NotFound
from service.store.errors import translate
from service.store.queries import q

PREFIX = "lx"
# read: reads when they are configured private; write: acts, editions, relations, imports;
# correct: corrections; admin: keys and operations (metrics). Every valid key may read.
SCOPES = ("read", "write", "correct", "admin")
DEFAULT_SCOPES = ("write",)
MAX_TOKEN_LENGTH = 200
# A key id is 16 hex digits, the secret 43 characters of URL-safe base64 (256 bits).
_KEY_ID_LENGTH = 16


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    name: str
    scopes: tuple[str, ...]

    def allows(self, scope: str) -> bool:
        return scope == "read" or scope in self.scopes


@dataclass(frozen=True)
class KeyInfo:
    """A key as `lextime keys list` shows it: never its secret, nor the secret's hash."""

    key_id: str
    name: str
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    def state(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_key() -> tuple[str, str, str]:
    """A fresh key as (key_id, secret, the token a client sends): 256 random bits of secret."""
    key_id = secrets.token_hex(_KEY_ID_LENGTH // 2)
    secret = secrets.token_urlsafe(32)
    return key_id, secret, f"{PREFIX}_{key_id}_{secret}"


def split_token(token: str) -> tuple[str, str] | None:
    if len(token) > MAX_TOKEN_LENGTH or not token.isascii():
        return None
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def check_scopes(scopes: tuple[str, ...]) -> tuple[str, ...]:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise Invalid(f"scopes must be some of {', '.join(SCOPES)}, got {', '.join(unknown) or 'none'}")
    return tuple(s for s in SCOPES if s in scopes)


def check_name(name: str) -> str:
    if not name or len(name) > 100 or not name.isprintable() or name != name.strip():
        raise Invalid("a key name is 1 to 100 printable characters without surrounding spaces")
    return name


async def insert_key(
    conn: asyncpg.Connection, *, name: str, scopes: tuple[str, ...] = DEFAULT_SCOPES,
    expires_at: datetime | None = None,
) -> str:
    key_id, secret, token = new_key()
    async with translate():
        await conn.execute(q("key_insert"), key_id, check_name(name), _hash(secret), list(check_scopes(scopes)),
                           expires_at)
    return token


async def create_key(
    dsn: str, *, name: str, scopes: tuple[str, ...] = DEFAULT_SCOPES, expires_at: datetime | None = None,
) -> str:
    """Create a key through an owner's connection (the CLI); returns the token, which is never stored."""
    conn = await asyncpg.connect(dsn)
    try:
        return await insert_key(conn, name=name, scopes=scopes, expires_at=expires_at)
    finally:
        await conn.close()


async def list_keys(conn: asyncpg.Connection | asyncpg.Pool) -> list[KeyInfo]:
    async with translate():
        rows = await conn.fetch(q("key_list"))
    return [KeyInfo(r["key_id"], r["name"], tuple(r["scopes"]), r["created_at"], r["expires_at"],
                    r["revoked_at"]) for r in rows]


async def revoke_key(conn: asyncpg.Connection, *, name: str) -> KeyInfo:
    """Revoke the key named `name` (an owner's connection); revoking a revoked key changes nothing."""
    async with translate():
        row = await conn.fetchrow(q("key_revoke"), name)
    if row is None:
        raise NotFound(f"no API key is named {name!r}")
    return KeyInfo(row["key_id"], row["name"], tuple(row["scopes"]), row["created_at"], row["expires_at"],
                   row["revoked_at"])


async def authenticate(conn: asyncpg.Pool | asyncpg.Connection, token: str) -> ApiKey | None:
    """The key a bearer token names, if the token is right and the key neither revoked nor expired."""
    parts = split_token(token)
    if parts is None:
        return None
    key_id, secret = parts
    async with translate():
        row = await conn.fetchrow(q("key_by_id"), key_id)
    # Compared even when the key id is unknown, so that timing does not tell which key ids exist.
    expected = row["secret_hash"] if row is not None else _hash("")
    if not hmac.compare_digest(expected, _hash(secret)) or row is None:
        return None
    now = datetime.now(tz=UTC)
    if row["revoked_at"] is not None or (row["expires_at"] is not None and row["expires_at"] <= now):
        return None
    return ApiKey(row["key_id"], row["name"], tuple(row["scopes"]))
