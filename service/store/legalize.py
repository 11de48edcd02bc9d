"""The legalize importer's bookkeeping: checkpoints per repository, the act each law file became, and the
changes it could not record yet. Working state beside the ledger, not legal facts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeAlias

import asyncpg

from service.store.errors import translate
from service.store.queries import q

Db: TypeAlias = asyncpg.Connection | asyncpg.Pool


@dataclass(frozen=True)
class LawFile:
    identifier: str
    path: str
    act_id: str
    last_commit: str | None
    last_valid_from: date | None
    retracted: bool


@dataclass(frozen=True)
class Deferred:
    commit: str
    path: str
    identifier: str | None
    act_id: str | None
    kind: str
    detail: str
    noticed_at: datetime


def _file(row: asyncpg.Record | None) -> LawFile | None:
    return LawFile(**dict(row)) if row is not None else None


async def checkpoint(db: Db, *, repository: str, scope: str) -> str | None:
    async with translate():
        value = await db.fetchval(q("legalize_checkpoint"), repository, scope)
    return str(value) if value is not None else None


async def set_checkpoint(db: Db, *, repository: str, scope: str, location: str, commit: str) -> None:
    async with translate():
        await db.execute(q("legalize_checkpoint_set"), repository, scope, location, commit)


async def law_file(db: Db, *, repository: str, identifier: str) -> LawFile | None:
    async with translate():
        return _file(await db.fetchrow(q("legalize_file"), repository, identifier))


async def law_file_at(db: Db, *, repository: str, path: str) -> LawFile | None:
    async with translate():
        return _file(await db.fetchrow(q("legalize_file_by_path"), repository, path))


@dataclass(frozen=True)
class LawFileSet:
    """What `set_law_files` records of one law file: the act it became and the version last recorded from it."""

    identifier: str
    path: str
    act_id: str
    last_commit: str | None
    last_valid_from: date | None


async def set_law_files(db: Db, *, repository: str, sets: list[LawFileSet]) -> None:
    """Law files' rows, each noted in turn (legalize_file_set), in one round trip."""
    async with translate():
        await db.executemany(q("legalize_file_set"), [(repository, s.identifier, s.path, s.act_id, s.last_commit,
                                                       s.last_valid_from) for s in sets])


async def set_retracted(db: Db, *, repository: str, identifier: str) -> None:
    """The act the law file became was retracted (its file removed)."""
    async with translate():
        await db.execute(q("legalize_file_retracted"), repository, identifier)


async def defer(
    db: Db, *, repository: str, commit: str, path: str, identifier: str | None, act_id: str | None, kind: str,
    detail: str,
) -> None:
    async with translate():
        await db.execute(q("legalize_deferred_insert"), repository, commit, path, identifier, act_id, kind,
                         detail[:4000])


async def deferred(db: Db, *, repository: str) -> list[Deferred]:
    async with translate():
        rows = await db.fetch(q("legalize_deferred_of"), repository)
    return [Deferred(**dict(r)) for r in rows]
