"""Reading acts, their aliases and the relations around them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg

from service.domain.errors import NotFound
from service.domain.model import Act, Edition, EntryIntoForce, Relation
from service.store.errors import translate
from service.store.queries import q


def act_from_row(r: asyncpg.Record) -> Act:
    return Act(
        id=r["id"], jurisdiction=r["jurisdiction"], type=r["type"], number=r["number"],
        adopted_on=r["adopted_on"], issuing_body=r["issuing_body"], titles=r["titles"],
        languages=tuple(r["languages"]), publication_date=r["publication_date"],
        publication_source=r["publication_source"],
        entry_into_force=EntryIntoForce(r["eif_date"], r["eif_rule"], r["eif_earliest"]),
        expires_on=r["expires_on"], akn_uri=r["akn_uri"], external_ids=tuple(r["external_ids"]),
        recorded_seq=r["recorded_seq"],
    )


def relation_from_row(r: asyncpg.Record) -> Relation:
    return Relation(
        id=r["id"], type=r["type"], source_act=r["source_act"], source_unit=r["source_unit"],
        target_act=r["target_act"], target_unit=r["target_unit"], effective_date=r["effective_date"],
        effective_rule=r["effective_rule"], effective_earliest=r["effective_earliest"],
        effective_latest=r["effective_latest"], ends_on=r["ends_on"], basis=r["basis"], note=r["note"],
        recorded_seq=r["recorded_seq"], target_wid=r["target_wid"], commenced_amendment=r["commenced_amendment"],
    )


async def get_act(conn: asyncpg.Connection | asyncpg.Pool, *, act_id: str, as_of: int) -> Act:
    async with translate():
        row = await conn.fetchrow(q("act_by_id"), act_id, as_of)
    if row is None:
        raise NotFound(f"no act with id {act_id!r}", act_id=act_id)
    return act_from_row(row)


async def act_id_by_alias(conn: asyncpg.Connection | asyncpg.Pool, *, alias: str, as_of: int) -> str | None:
    async with translate():
        value = await conn.fetchval(q("act_id_by_alias"), alias, as_of)
    return str(value) if value is not None else None


@dataclass(frozen=True)
class StatusOn:
    """A list's status filter: the acts whose status is `code` on `day`, or, without a day, today in the
    act's jurisdiction (`today` for the jurisdictions with a zone on record, `elsewhere` for the rest)."""

    code: str
    day: date | None
    today: Mapping[str, date]
    elsewhere: date


async def list_acts(
    conn: asyncpg.Connection | asyncpg.Pool, *, as_of: int, after: str, type: str | None, number: str | None,
    adopted: date | None, title_pattern: str | None, external_id: str | None, limit: int,
    status: StatusOn | None = None,
) -> list[Act]:
    """A page of acts in id order after `after`, as known at seq `as_of`; with `status`, from the status
    projection (service.store.statuses)."""
    async with translate():
        if status is None:
            rows = await conn.fetch(
                q("acts_page"), as_of, after, type, number, adopted, title_pattern, external_id, limit
            )
        else:
            rows = await conn.fetch(
                q("acts_page_status"), as_of, after, type, number, adopted, title_pattern, external_id, limit,
                status.code, status.day, list(status.today), list(status.today.values()), status.elsewhere,
            )
    return [act_from_row(r) for r in rows]


async def relations_of_act(conn: asyncpg.Connection | asyncpg.Pool, *, act_id: str, as_of: int) -> list[Relation]:
    async with translate():
        rows = await conn.fetch(q("relations_of_act"), act_id, as_of)
    return [relation_from_row(r) for r in rows]


async def relations_targeting(
    conn: asyncpg.Connection | asyncpg.Pool, *, act_ids: list[str], as_of: int
) -> list[Relation]:
    async with translate():
        rows = await conn.fetch(q("relations_targeting"), act_ids, as_of)
    return [relation_from_row(r) for r in rows]


# PostgreSQL's infinite dates, as jsonb writes them; asyncpg's date codec reads them as date.min / date.max.
_INFINITE = {"-infinity": date.min, "infinity": date.max}


def _json_day(value: str) -> date:
    return _INFINITE.get(value) or date.fromisoformat(value)


def _day(value: str | None) -> date | None:
    return _json_day(value) if value else None


def _relation_from_json(r: dict[str, Any]) -> Relation:
    return Relation(
        id=r["id"], type=r["type"], source_act=r["source_act"], source_unit=r["source_unit"],
        target_act=r["target_act"], target_unit=r["target_unit"], effective_date=_day(r["effective_date"]),
        effective_rule=r["effective_rule"], effective_earliest=_day(r["effective_earliest"]),
        effective_latest=_day(r["effective_latest"]), ends_on=_day(r["ends_on"]), basis=r["basis"], note=r["note"],
        recorded_seq=r["recorded_seq"], target_wid=r["target_wid"], commenced_amendment=r["commenced_amendment"],
    )


@dataclass(frozen=True)
class ActEntry:
    """An act with its relations (both directions), its editions and, per language, the days its text changes."""

    act: Act
    relations: list[Relation]
    editions: list[Edition]
    change_days: dict[str, tuple[date, ...]]


async def act_entry(conn: asyncpg.Connection | asyncpg.Pool, *, act_id: str, as_of: int) -> ActEntry:
    """What act_by_id, relations_of_act, editions_of_act and expression_change_days give, in one round trip."""
    async with translate():
        row = await conn.fetchrow(q("act_entry"), act_id, as_of)
    if row is None:
        raise NotFound(f"no act with id {act_id!r}", act_id=act_id)
    editions = [Edition(act_id, _json_day(e["valid_from"]), tuple(e["source_acts"]), tuple(e["languages"]),
                        e["text_completeness"], e["note"], e["recorded_seq"]) for e in row["editions"]]
    days = {lang: tuple(_json_day(d) for d in ds) for lang, ds in row["change_days"].items()}
    return ActEntry(act_from_row(row), [_relation_from_json(r) for r in row["relations"]], editions, days)
