"""Single facts by their stable ids, and what still refers to an act: the checks before a correction."""

from __future__ import annotations

import asyncpg

from service.domain.errors import NotFound
from service.domain.model import Relation
from service.store.acts import relation_from_row
from service.store.errors import translate
from service.store.queries import q


async def relation_by_id(conn: asyncpg.Connection | asyncpg.Pool, *, relation_id: str, as_of: int) -> Relation:
    async with translate():
        row = await conn.fetchrow(q("relation_by_id"), relation_id, as_of)
    if row is None:
        raise NotFound(f"no relation with id {relation_id!r}", relation_id=relation_id)
    return relation_from_row(row)


async def editions_citing_act(conn: asyncpg.Connection | asyncpg.Pool, *, act_id: str) -> list[str]:
    """A few current editions (as 'act_id@valid_from') that name the act among their source acts."""
    async with translate():
        rows = await conn.fetch(q("editions_citing_act"), act_id)
    return [f"{r['act_id']}@{r['valid_from'].isoformat()}" for r in rows]
