"""Audit reads: the whole ledger verified page by page (constant memory), and where the parts of an
answer were recorded (for proofs)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import asyncpg

from service.domain.audit import AuditReport, ChainWalk
from service.domain.checkpoints import Checkpoint
from service.domain.feed import texts_of
from service.store import feed as feed_store
from service.store.errors import translate
from service.store.queries import q

PAGE = 1000


async def verify(
    pool: asyncpg.Pool, *, upto: int, public_key: str | None = None, kept: tuple[Checkpoint, ...] = (),
    progress: Callable[[int], None] | None = None,
) -> AuditReport:
    """Recompute the hash chain up to `upto` and the content hash of every text an entry references;
    check the checkpoints the ledger publishes (and the one an auditor kept)."""
    walk = ChainWalk(public_key=public_key, kept=kept)
    after = 0
    async with pool.acquire() as conn:
        while True:
            entries = await feed_store.changes(conn, after=after, upto=upto, operations=None, act=None, limit=PAGE)
            if not entries:
                break
            referenced: dict[str, int] = {}
            for e in entries:
                walk.add(e)
                for sha in texts_of(e.payload):
                    referenced.setdefault(sha, e.seq)
            stored = await feed_store.texts(conn, hashes=list(referenced))
            for sha, seq in referenced.items():
                walk.text(seq, sha, stored.get(sha))
            after = entries[-1].seq
            if progress is not None:
                progress(len(entries))
    return walk.finish()


@dataclass(frozen=True)
class UnitSource:
    """Where one unit of an answer comes from: the version's day and the entry that recorded it."""

    eid: str
    wid: str
    sha256: str | None
    text_available: bool
    valid_from: date
    recorded_seq: int
    breaks: int | None = None  # the line breaks before the unit in the text, where the layout is recorded


async def expression_sources(
    conn: asyncpg.Connection | asyncpg.Pool, *, act_id: str, lang: str, day: date, as_of: int,
) -> tuple[int | None, list[UnitSource]]:
    """The seq that recorded the structure in force at the end of `day`, and each unit's source."""
    async with translate():
        rows = await conn.fetch(q("expression_sources_at"), act_id, lang, day, as_of)
    structure = rows[0]["structure_seq"] if rows else None
    return structure, [UnitSource(r["eid"], r["wid"], r["text_sha256"], r["text_available"], r["valid_from"],
                                  r["recorded_seq"], r["breaks"]) for r in rows]
