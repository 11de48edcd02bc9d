"""The status projection: each act's timeline of status periods as known at each seq (`status_periods`),
so that a list filtered by status on a day is one indexed query.

The periods are those the per-act status answer derives (service.domain.status.status_periods over the
act's record, the relations that target it, in the order an act's own reads give them, and its units not
in force), with adjacent periods of the same status merged. They are written in the transaction of the
entries that change them: after an entry's projections (`advance`), after a batch's (`advance_many`), and
by `catch_up` for whatever the projection has not yet seen (a database upgraded to migration 0011, a
corpus loaded in bulk). `status_projection.seq` says how far it has got; its row lock serialises the
writers, which hold the ledger's append lock anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import asyncpg

from service.domain.facts import status_facts
from service.domain.model import Act, Relation
from service.domain.status import UnitPending, status_periods
from service.store.acts import act_from_row, relation_from_row
from service.store.queries import q

CHUNK = 500  # acts whose versions are read at once

Period = tuple[str, date | None, date | None]  # code, since, until (inclusive; None: open)


@dataclass(frozen=True)
class _Version:
    recorded: int
    superseded: int | None

    def visible(self, seq: int) -> bool:
        return self.recorded <= seq and (self.superseded is None or self.superseded > seq)


def merged_periods(act: Act, relations: list[Relation], pending: tuple[UnitPending, ...] = ()) -> list[Period]:
    """The act's status timeline with adjacent periods of the same status joined."""
    periods: list[Period] = []
    facts = status_facts(act, relations, pending_units=pending)
    for p in status_periods(facts):
        if periods and periods[-1][0] == p.code.value:
            periods[-1] = (p.code.value, periods[-1][1], p.until)
        else:
            periods.append((p.code.value, p.since, p.until))
    return periods


async def advance(conn: asyncpg.Connection, seq: int, acts: Iterable[str]) -> None:
    """After the projections of entry `seq`, which concerns `acts`: the periods it changes."""
    await advance_many(conn, [(seq, list(acts))])


async def advance_many(conn: asyncpg.Connection, changes: Sequence[tuple[int, Sequence[str]]]) -> None:
    """After the projections of consecutive entries, each with the acts it concerns."""
    if not changes:
        return
    done = await conn.fetchval(q("status_projection_lock"))
    first, last = changes[0][0], changes[-1][0]
    if done >= last:
        return
    if done != first - 1:  # the projection is behind (or the caller's list starts later): read what it missed
        await _catch_up_locked(conn, done)
        return
    by_seq: dict[int, set[str]] = {}
    for seq, acts in changes:
        by_seq.setdefault(seq, set()).update(acts)
    for r in await conn.fetch(q("status_closed_relation_targets"), [s for s, _ in changes]):
        by_seq.setdefault(r["seq"], set()).add(r["act_id"])
    await _project(conn, by_seq)
    await conn.execute(q("status_projection_set"), last)


async def projected_seq(conn: asyncpg.Connection | asyncpg.Pool) -> int:
    """The last entry whose effects on statuses are written."""
    return int(await conn.fetchval(q("status_projection_seq")))


async def catch_up(conn: asyncpg.Connection) -> int:
    """Write the periods every entry the projection has not seen changes; returns how many entries that was."""
    done = await conn.fetchval(q("status_projection_lock"))
    return await _catch_up_locked(conn, done)


async def _catch_up_locked(conn: asyncpg.Connection, done: int) -> int:
    head = await conn.fetchval(q("status_head"))
    if head <= done:
        return 0
    by_seq: dict[int, set[str]] = {}
    for r in await conn.fetch(q("status_changes_since"), done, head):
        by_seq.setdefault(r["seq"], set()).add(r["act_id"])
    await _project(conn, by_seq)
    await conn.execute(q("status_projection_set"), head)
    return int(head - done)


async def _project(conn: asyncpg.Connection, by_seq: dict[int, set[str]]) -> None:
    by_act: dict[str, list[int]] = {}
    for seq in sorted(by_seq):
        for act_id in by_seq[seq]:
            by_act.setdefault(act_id, []).append(seq)
    ids = sorted(by_act)
    for start in range(0, len(ids), CHUNK):
        await _project_acts(conn, {a: by_act[a] for a in ids[start:start + CHUNK]})


async def _project_acts(conn: asyncpg.Connection, seqs_of: dict[str, list[int]]) -> None:
    # The units an act has not in force come from its unit history, which the API's reads assemble.
    from service.api.unit_answers import pending_of_act

    ids = list(seqs_of)
    versions: dict[str, list[tuple[_Version, Act]]] = {}
    for r in await conn.fetch(q("status_act_versions"), ids):
        versions.setdefault(r["id"], []).append((_Version(r["recorded_seq"], r["superseded_seq"]),
                                                 act_from_row(_with_external_ids(r))))
    targeting: dict[str, list[tuple[_Version, Relation]]] = {}
    for r in await conn.fetch(q("status_relation_versions"), ids):
        targeting.setdefault(r["target_act"], []).append((_Version(r["recorded_seq"], r["superseded_seq"]),
                                                          relation_from_row(r)))
    current: dict[str, list[tuple[int, Period]]] = {}
    for r in await conn.fetch(q("status_current_periods"), ids):
        current.setdefault(r["act_id"], []).append((r["row_id"], (r["code"], r["since"], r["until"])))

    close_ids: list[int] = []
    close_seqs: list[int] = []
    new: list[list[object]] = []  # act, code, since, until, recorded, superseded (None: still current)
    for act_id, seqs in seqs_of.items():
        stored = current.get(act_id, [])
        held: list[Period] = [p for _, p in stored]
        open_rows: list[int] = [row_id for row_id, _ in stored]  # rows in the table still current
        open_new: list[list[object]] = []  # rows written by this pass still current
        for seq in seqs:
            act = next((a for v, a in versions.get(act_id, []) if v.visible(seq)), None)
            periods: list[Period] = []
            if act is not None:
                relations = [r for v, r in targeting.get(act_id, []) if v.visible(seq)]
                pending = await pending_of_act(conn, act, relations, as_of=seq)
                periods = merged_periods(act, relations, pending)
            if periods == held:
                continue
            close_ids.extend(open_rows)
            close_seqs.extend([seq] * len(open_rows))
            for row in open_new:
                row[5] = seq
            open_rows = []
            open_new = [[act_id, code, since, until, seq, None] for code, since, until in periods]
            new.extend(open_new)
            held = periods
    if close_ids:
        await conn.execute(q("status_periods_close"), close_ids, close_seqs)
    if new:
        await conn.execute(q("status_periods_insert"), *(list(column) for column in zip(*new)))


def _with_external_ids(row: asyncpg.Record) -> dict[str, object]:
    """An acts row as act_from_row reads it (the status depends on no alias)."""
    return {**dict(row), "external_ids": []}
