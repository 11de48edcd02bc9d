"""Reading editions and the units of an expression at a day."""

from __future__ import annotations

from datetime import date

import asyncpg

from service.domain.model import Edition, Unit
from service.store.errors import translate
from service.store.queries import q


async def editions_of_act(conn: asyncpg.Connection | asyncpg.Pool, *, act_id: str, as_of: int) -> list[Edition]:
    async with translate():
        rows = await conn.fetch(q("editions_of_act"), act_id, as_of)
    return [
        Edition(r["act_id"], r["valid_from"], tuple(r["source_acts"]), tuple(r["languages"]),
                r["text_completeness"], r["note"], r["recorded_seq"])
        for r in rows
    ]


async def expression_at(
    conn: asyncpg.Connection | asyncpg.Pool, *, act_id: str, lang: str, day: date, as_of: int
) -> list[Unit]:
    """The units of one language in force at the end of `day`, in document order."""
    async with translate():
        rows = await conn.fetch(q("expression_at"), act_id, lang, day, as_of)
    return [
        Unit(r["eid"], r["wid"], r["kind"], r["num"], r["heading"], r["text"], r["text_available"],
             r["text_sha256"], r["breaks"])
        for r in rows
    ]

