"""Source documents: their bytes stored once by sha256, and the links from recorded facts back to them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import asyncpg

from service.store.errors import translate
from service.store.queries import q


@dataclass(frozen=True)
class SourceDocument:
    """The bytes of a document as an import read them, and what is known of where they came from."""

    body: bytes
    media_type: str
    name: str | None = None
    retrieved_at: datetime | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


@dataclass(frozen=True)
class SourceRef:
    """Where a recorded fact was read from: the document's sha256 and, per language, its first and last line."""

    sha256: str
    lines: dict[str, list[int]]


async def insert_source(conn: asyncpg.Connection, *, source: SourceDocument) -> None:
    async with translate():
        await conn.execute(q("source_insert"), source.sha256, source.body, source.media_type, source.name,
                           source.retrieved_at)


async def get_source(conn: asyncpg.Connection | asyncpg.Pool, *, sha256: str) -> SourceDocument | None:
    async with translate():
        row = await conn.fetchrow(q("source_by_sha256"), sha256)
    if row is None:
        return None
    return SourceDocument(bytes(row["body"]), row["media_type"], row["name"], row["retrieved_at"])


async def source_is_known(conn: asyncpg.Connection | asyncpg.Pool, *, sha256: str) -> bool:
    async with translate():
        return bool(await conn.fetchval(q("source_is_known"), sha256))


def _ref(row: asyncpg.Record) -> SourceRef:
    lines: dict[str, Any] = row["lines"] or {}
    return SourceRef(row["source_sha256"], {lang: [int(x) for x in span] for lang, span in lines.items()})


async def relation_sources(
    conn: asyncpg.Connection | asyncpg.Pool, *, versions: list[tuple[str, int]]
) -> dict[tuple[str, int], SourceRef]:
    """The sources of relation versions, keyed by (relation id, recorded_seq)."""
    if not versions:
        return {}
    async with translate():
        rows = await conn.fetch(q("relation_sources"), sorted({rid for rid, _ in versions}))
    wanted = set(versions)
    return {(r["relation_id"], r["recorded_seq"]): _ref(r) for r in rows
            if (r["relation_id"], r["recorded_seq"]) in wanted}


async def edition_sources(
    conn: asyncpg.Connection | asyncpg.Pool, *, act_id: str
) -> dict[tuple[date, int], SourceRef]:
    """The sources of an act's edition versions, keyed by (valid_from, recorded_seq)."""
    async with translate():
        rows = await conn.fetch(q("edition_sources"), act_id)
    return {(r["valid_from"], r["recorded_seq"]): _ref(r) for r in rows}


async def act_sources(
    conn: asyncpg.Connection | asyncpg.Pool, *, versions: list[tuple[str, int]]
) -> dict[tuple[str, int], SourceRef]:
    """The sources of act versions, keyed by (act id, recorded_seq)."""
    if not versions:
        return {}
    async with translate():
        rows = await conn.fetch(q("act_sources"), sorted({aid for aid, _ in versions}))
    wanted = set(versions)
    return {(r["act_id"], r["recorded_seq"]): _ref(r) for r in rows if (r["act_id"], r["recorded_seq"]) in wanted}
