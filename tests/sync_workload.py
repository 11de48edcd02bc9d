"""A mixed write workload for sync tests, written through the same commands as the API: acts, editions,
relations, corrections, retractions and checkpoints; and the whole state of a database, for comparing
a mirror with its source."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import asyncpg

from service import commands
from service.commands import NewEdition
from service.domain.checkpoints import Signer
from service.domain.corrections import Target
from service.domain.errors import Conflict
from service.domain.model import Act, EntryIntoForce, Relation, Unit
from service.domain.records import new_id
from service.domain.units import with_hashes
from service.store.checkpoints import sign_head
from service.store.snapshot import fact_tables


def act(writer: int, i: int) -> Act:
    return Act(id=new_id(), jurisdiction="kz", type="order", number=f"{writer}-{i}", adopted_on=date(2020, 1, 1),
               issuing_body=None, titles={"ru": f"Приказ {writer}-{i}"}, languages=("ru",), publication_date=None,
               publication_source=None, entry_into_force=EntryIntoForce(date(2020, 1, 2)), expires_on=None,
               akn_uri=None, external_ids=(f"ext-{writer}-{i}-{new_id()}",))


def edition(act_id: str, day: date, words: str) -> NewEdition:
    units = [Unit(f"point_{n}", f"point_{n}", "point", str(n), None, f"{words} {n}.", True) for n in (1, 2)]
    return NewEdition(act_id, day, (), None, {"ru": with_hashes(units)})


def relation(source: str, target: str, day: date) -> Relation:
    return Relation(new_id(), "amends", source, None, target, "point_1", day, None, None, None, None, "stated", None)


@dataclass
class Writer:
    """One writer's own acts, so that concurrent writers never step on each other's facts."""

    n: int
    acts: list[str] = field(default_factory=list)
    relations: list[str] = field(default_factory=list)
    editions: list[tuple[str, date]] = field(default_factory=list)
    writes: int = 0

    async def step(self, pool: asyncpg.Pool, rng: random.Random, signer: Signer | None) -> None:
        kind = rng.random()
        actor = f"writer-{self.n}"
        if len(self.acts) < 2 or kind < 0.4:
            a = act(self.n, self.writes)
            await commands.create_act(pool, actor=actor, act=a)
            self.acts.append(a.id)
        elif kind < 0.6:
            act_id, day = rng.choice(self.acts), date(2020, 1, 2) + timedelta(days=rng.randrange(0, 2000))
            if (act_id, day) in self.editions:
                return
            await commands.add_edition(pool, actor=actor, edition=edition(act_id, day, f"w{self.n} {self.writes}"))
            self.editions.append((act_id, day))
        elif kind < 0.75:
            source, target = rng.sample(self.acts, 2)
            r = relation(source, target, date(2021, 1, 1) + timedelta(days=rng.randrange(0, 900)))
            await commands.add_relation(pool, actor=actor, relation=r)
            self.relations.append(r.id)
        elif kind < 0.85 and self.editions:
            act_id, day = rng.choice(self.editions)
            await commands.correct(pool, actor=actor, target=Target("edition", act_id=act_id, valid_from=day),
                                   reason="typo", replacement=edition(act_id, day, f"fixed {self.writes}"))
        elif kind < 0.92 and self.relations:
            rid = self.relations.pop(rng.randrange(len(self.relations)))
            await commands.retract(pool, actor=actor, target=Target("relation", id=rid), reason="recorded in error")
        elif kind < 0.96 and self.editions:
            act_id, day = self.editions.pop(rng.randrange(len(self.editions)))
            await commands.retract(pool, actor=actor, target=Target("edition", act_id=act_id, valid_from=day),
                                   reason="not an edition of this act")
        elif signer is not None:
            try:
                _, created = await sign_head(pool, signer)
            except Conflict:
                return
            if not created:  # the head was a checkpoint already: nothing appended
                return
        else:
            return
        self.writes += 1


async def run_writer(pool: asyncpg.Pool, n: int, writes: int, *, seed: int, signer: Signer | None = None) -> int:
    """Perform about `writes` writes; returns how many entries it appended (checkpoints may be skipped)."""
    writer, rng = Writer(n), random.Random(seed)
    while writer.writes < writes:
        await writer.step(pool, rng, signer)
    return writer.writes


async def state_of(dsn: str) -> dict[str, list[Any]]:
    """Everything a mirror must reproduce: the ledger, the texts, and every fact table without row ids."""
    conn = await asyncpg.connect(dsn)
    try:
        state = {"ledger": [tuple(r) for r in await conn.fetch("SELECT * FROM ledger ORDER BY seq")],
                 "texts": [tuple(r) for r in await conn.fetch("SELECT * FROM texts ORDER BY sha256")]}
        for t in await fact_tables(conn):
            cols = ", ".join(f'"{c}"' for c in t.columns)
            rows = await conn.fetch(f'SELECT {cols} FROM "{t.name}"')
            state[t.name] = sorted(tuple(str(v) for v in r) for r in rows)
        return state
    finally:
        await conn.close()
