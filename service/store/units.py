"""Reading units: their version rows and structure membership, one unit or a language at a time, the
amendments of an act, and texts by their hashes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import asyncpg

from service.domain.amendments import Amendment
from service.domain.expressions import UnitVersion
from service.domain.unit_history import VersionRow
from service.store.errors import translate
from service.store.history import amendment_from_row, version_from_row
from service.store.queries import q


@dataclass(frozen=True)
class UnitRows:
    """One unit's version rows and structure membership per language, with the texts of its versions."""

    rows: dict[str, list[VersionRow]]
    structure: dict[str, list[tuple[date, bool]]]  # at each structure change, whether the unit is in it
    texts: dict[str, str]
    known: dict[str, list[tuple[date, bool]]]  # at each structure change, whether the language has any unit

    def has_units(self, lang: str, day: date) -> bool:
        """Whether `lang` has a text with units on `day` (not one known only without its words)."""
        found = [nonempty for d, nonempty in self.known.get(lang, []) if d <= day]
        return bool(found and found[-1])


async def unit_rows(conn: asyncpg.Connection | asyncpg.Pool, *, act_id: str, wid: str, as_of: int) -> UnitRows:
    async with translate():
        rows = await conn.fetch(q("unit_rows_of"), act_id, wid, as_of)
        presence = await conn.fetch(q("unit_presence"), act_id, wid, as_of)
    by_lang: dict[str, list[VersionRow]] = defaultdict(list)
    texts = {}
    for r in rows:
        by_lang[r["lang"]].append(VersionRow(r["valid_from"], version_from_row(r), r["recorded_seq"]))
        if r["text"] is not None:
            texts[r["text_sha256"]] = r["text"]
    structure: dict[str, list[tuple[date, bool]]] = defaultdict(list)
    known: dict[str, list[tuple[date, bool]]] = defaultdict(list)
    for r in presence:
        structure[r["lang"]].append((r["valid_from"], r["present"]))
        known[r["lang"]].append((r["valid_from"], r["nonempty"]))
    return UnitRows(dict(by_lang), dict(structure), texts, dict(known))


async def units_with_eids_at(conn: asyncpg.Connection | asyncpg.Pool, *, act_id: str, eids: list[str], day: date,
                             as_of: int) -> dict[str, dict[str, str]]:
    """Per language, eId → wId of the units that have one of these eIds on `day`."""
    if not eids:
        return {}
    async with translate():
        rows = await conn.fetch(q("units_with_eids_at"), act_id, eids, day, as_of)
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for r in rows:
        out[r["lang"]].setdefault(r["eid"], r["wid"])
    return dict(out)


async def units_rows(conn: asyncpg.Connection | asyncpg.Pool, *, act_id: str, lang: str, wids: list[str], as_of: int
                     ) -> tuple[dict[str, list[VersionRow]], dict[str, list[tuple[date, bool]]]]:
    """Version rows and structure membership of several units in one language."""
    async with translate():
        rows = await conn.fetch(q("unit_rows_of_many"), act_id, lang, wids, as_of)
        presence = await conn.fetch(q("unit_presence_many"), act_id, lang, wids, as_of)
    by_wid: dict[str, list[VersionRow]] = defaultdict(list)
    for r in rows:
        by_wid[r["wid"]].append(VersionRow(r["valid_from"], version_from_row(r), r["recorded_seq"]))
    structure: dict[str, list[tuple[date, bool]]] = defaultdict(list)
    for r in presence:
        structure[r["wid"]].append((r["valid_from"], r["present"]))
    return dict(by_wid), dict(structure)


async def language_history(conn: asyncpg.Connection | asyncpg.Pool, *, act_id: str, lang: str, as_of: int
                           ) -> tuple[list[tuple[date, str, UnitVersion]],
                                      list[tuple[date, tuple[str, ...], tuple[str, ...]]]]:
    """Every version row of one language, and each structure change as the wIds entering and leaving."""
    async with translate():
        rows = await conn.fetch(q("unit_rows_of_language"), act_id, lang, as_of)
        structures = await conn.fetch(q("structure_changes_of_language"), act_id, lang, as_of)
    return ([(r["valid_from"], r["wid"], version_from_row(r)) for r in rows],
            [(r["valid_from"], tuple(r["entered"]), tuple(r["left_"])) for r in structures])


async def eid_rows(conn: asyncpg.Connection | asyncpg.Pool, *, act_id: str, eid: str, as_of: int) -> list[tuple[str, str, date]]:
    """(lang, wId, day) of every version row that gave a unit this eId, oldest first."""
    async with translate():
        rows = await conn.fetch(q("unit_rows_by_eid"), act_id, eid, as_of)
    return [(r["lang"], r["wid"], r["valid_from"]) for r in rows]


async def wid_exists(conn: asyncpg.Connection | asyncpg.Pool, *, act_id: str, wid: str, as_of: int) -> bool:
    async with translate():
        return bool(await conn.fetchval(q("wid_exists"), act_id, wid, as_of))


async def act_wids(conn: asyncpg.Connection | asyncpg.Pool, *, act_id: str, as_of: int) -> set[str]:
    async with translate():
        return {r["wid"] for r in await conn.fetch(q("act_wids"), act_id, as_of)}


async def texts(conn: asyncpg.Connection | asyncpg.Pool, *, hashes: list[str]) -> dict[str, str]:
    if not hashes:
        return {}
    async with translate():
        return {r["sha256"]: r["body"] for r in await conn.fetch(q("texts_by_sha"), hashes)}


async def amendment(conn: asyncpg.Connection | asyncpg.Pool, *, amendment_id: str, as_of: int) -> Amendment | None:
    async with translate():
        row = await conn.fetchrow(q("amendment_by_id"), amendment_id, as_of)
    return amendment_from_row(row) if row is not None else None


async def amendments_of_act(conn: asyncpg.Connection | asyncpg.Pool, *, act_id: str, as_of: int) -> list[Amendment]:
    async with translate():
        rows = await conn.fetch(q("amendments_of_act"), act_id, as_of)
    return [amendment_from_row(r) for r in rows]


@dataclass(frozen=True)
class EditionOrigin:
    """What made an edition: a full edition, or the amendments effective that day (in order)."""

    valid_from: date
    origin: str
    amendments: tuple[str, ...]
    source_acts: tuple[str, ...]
    note: str | None
    text_completeness: str


async def edition_origins(conn: asyncpg.Connection | asyncpg.Pool, *, act_id: str, as_of: int) -> list[EditionOrigin]:
    async with translate():
        rows = await conn.fetch(q("edition_rows_of_act"), act_id, as_of)
    return [EditionOrigin(r["valid_from"], r["origin"], tuple(r["amendments"]), tuple(r["source_acts"]), r["note"],
                          r["text_completeness"]) for r in rows]


async def rows_between(conn: asyncpg.Connection | asyncpg.Pool, *, act_id: str, lang: str, after: date, upto: date, as_of: int
                       ) -> tuple[list[tuple[date, str, UnitVersion]], list[tuple[date, tuple[str, ...]]]]:
    """One language's version rows and structures effective after `after` up to `upto`."""
    async with translate():
        rows = await conn.fetch(q("unit_rows_after"), act_id, lang, after, upto, as_of)
        structures = await conn.fetch(q("structure_rows_after"), act_id, lang, after, upto, as_of)
    return ([(r["valid_from"], r["wid"], version_from_row(r)) for r in rows],
            [(r["valid_from"], tuple(r["wids"])) for r in structures])
