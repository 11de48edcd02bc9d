"""Projections of corrections and retractions, from the entry's payload alone.

The superseded fact is closed (`superseded_seq` = the entry's seq; it stays in history) and a
correction's replacement is projected exactly as the operation that records such a fact would project
it. Each target names the seq that recorded the version it supersedes: if the current version is
another one (corrected meanwhile), the entry is refused and nothing is written.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import asyncpg

from service.domain.errors import Conflict, NotFound
from service.domain.ledger import LedgerEntry
from service.store import history, unit_projections
from service.store import projections as base
from service.store.queries import q

# A unit version as it is restored: eid, kind, num, heading, sha256, text available, the act credited,
# whether it is a repeal, and the unit-level amendment that made it.
_Version = tuple[str, str | None, str | None, str | None, str | None, bool, str | None, bool, str | None]


def _expect(recorded: int | None, target: dict[str, Any], what: str) -> None:
    if recorded is None:
        raise NotFound(f"there is no current {what} to supersede")
    if recorded != target["recorded_seq"]:
        raise Conflict(f"the {what} was changed by entry {recorded} since entry {target['recorded_seq']} that "
                       "this names: read it again", recorded_seq=recorded)


async def _state(conn: asyncpg.Connection, act_id: str, lang: str, day: date) -> dict[str, _Version]:
    rows = await conn.fetch(q("unit_versions_current_at"), act_id, lang, day)
    return {r["wid"]: (r["eid"], r["kind"], r["num"], r["heading"], r["text_sha256"], r["text_available"],
                       r["source_act"], r["repealed"], r["amendment_id"]) for r in rows}


async def _restore(conn: asyncpg.Connection, act_id: str, lang: str, day: date, seq: int,
                   versions: dict[str, _Version]) -> None:
    if not versions:
        return
    cols = [list(c) for c in zip(*versions.values())]
    await conn.execute(q("unit_versions_restore"), act_id, lang, day, seq, list(versions), *cols)


async def _shape(conn: asyncpg.Connection, act_id: str, lang: str, day: date) -> history.Shape | None:
    """The current structure in force at the end of `day`: its wIds and line breaks."""
    row = await conn.fetchrow(q("structure_current_at"), act_id, lang, day)
    return history.shape_from_row(row) if row is not None else None


async def remove_edition(conn: asyncpg.Connection, act_id: str, day: date, seq: int) -> None:
    """Close the edition from `day` and its expressions, leaving every later edition's wording as it was.

    Unit versions are stored as changes: the later editions' wording may rest on versions recorded on
    `day`. So every current version from `day` on is closed, and on each later day the state the act
    had there is recorded again where it now differs.
    """
    for lang in [r["lang"] for r in await conn.fetch(q("expression_languages"), act_id)]:
        days = [r["valid_from"] for r in await conn.fetch(q("expression_days_after"), act_id, lang, day)]
        before = {d: await _state(conn, act_id, lang, d) for d in days}
        # Structures are written only where they change, so a later day may rest on the one closed here.
        shapes = {d: await _shape(conn, act_id, lang, d) for d in days}
        await conn.execute(q("unit_versions_supersede_from"), act_id, lang, day, seq)
        await conn.execute(q("structure_supersede"), act_id, lang, day, seq)
        for d in days:
            shape = shapes[d]
            if shape is not None and await _shape(conn, act_id, lang, d) != shape:
                await conn.execute(q("structure_insert"), act_id, lang, d, list(shape[0]), seq,
                                   list(shape[1]) if shape[1] is not None else None)
            now = await _state(conn, act_id, lang, d)
            await _restore(conn, act_id, lang, d, seq, {w: v for w, v in before[d].items() if now.get(w) != v})


async def _supersede(conn: asyncpg.Connection, target: dict[str, Any], seq: int) -> None:
    kind = target["kind"]
    if kind == "act":
        _expect(await conn.fetchval(q("act_supersede"), target["act_id"], seq), target, "act")
        await conn.execute(q("aliases_supersede"), target["act_id"], seq)
    elif kind == "relation":
        _expect(await conn.fetchval(q("relation_supersede"), target["id"], seq), target, "relation")
    elif kind == "edition":
        day = date.fromisoformat(target["valid_from"])
        _expect(await conn.fetchval(q("edition_supersede"), target["act_id"], day, seq), target, "edition")
        await remove_edition(conn, target["act_id"], day, seq)
    else:
        raise NotFound(f"a correction cannot target a {kind!r}")


_PROJECT = {"act": base._create_act, "relation": base._add_relation, "edition": unit_projections.add_edition}


async def apply_correction(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    correction = entry.payload["correction"]
    target = correction["target"]
    await _supersede(conn, target, entry.seq)
    await _PROJECT[target["kind"]](conn, replace(entry, payload=correction["replacement"]))


async def apply_retraction(conn: asyncpg.Connection, entry: LedgerEntry) -> None:
    await _supersede(conn, entry.payload["retraction"]["target"], entry.seq)
