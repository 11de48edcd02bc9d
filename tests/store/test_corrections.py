"""Corrections and retractions of editions, differentially: an act whose editions were recorded in any
order, then one retracted or corrected, must read, on every day and in every language, exactly like an
act recorded with the final editions alone, in date order. Unit versions are stored as changes, so this
is where a late edition or a correction could leak into the editions around it."""

from __future__ import annotations

import random
from datetime import date, timedelta

import asyncpg

from service import commands
from service.commands import NewEdition
from service.domain.corrections import Target
from service.domain.model import Act, EntryIntoForce, Unit
from service.domain.records import new_id
from service.domain.units import with_hashes
from service.store.db import LATEST, create_pool
from service.store.editions import expression_at

DAYS = [date(2020, 1, 1), date(2020, 6, 1), date(2021, 1, 1), date(2021, 6, 1), date(2022, 1, 1)]
SCENARIOS = 40


def an_act() -> Act:
    return Act(new_id(), "kz", "law", None, date(2019, 1, 1), None, {"ru": "Закон"}, ("ru", "kk"), None, None,
               EntryIntoForce(date(2019, 1, 1)), None, None)


def random_expression(rng: random.Random) -> list[Unit]:
    points = sorted(rng.sample([1, 2, 3, 4], rng.randint(1, 4)))
    units = []
    for n in points:
        words = rng.choice(["а", "б", "в", None])
        units.append(Unit(f"point_{n}", f"point_{n}", "point", str(n), None,
                          None if words is None else f"Пункт {n}: {words}.", words is not None))
    return with_hashes(units)


def random_edition(rng: random.Random, act_id: str, day: date) -> NewEdition:
    langs = rng.choice([("ru",), ("ru", "kk"), ("kk",)])
    return NewEdition(act_id, day, (), None, {lang: random_expression(rng) for lang in langs})


def retarget(edition: NewEdition, act_id: str) -> NewEdition:
    return NewEdition(act_id, edition.valid_from, edition.source_acts, edition.note, edition.expressions)


async def reading(pool: asyncpg.Pool, act_id: str) -> list[object]:
    days = sorted({d + timedelta(days=k) for d in DAYS for k in (-1, 0, 1)})
    out = []
    for lang in ("ru", "kk"):
        for day in days:
            units = await expression_at(pool, act_id=act_id, lang=lang, day=day, as_of=LATEST)
            out.append((lang, day, [(u.wid, u.text, u.text_available) for u in units]))
    return out


async def test_a_corrected_or_retracted_edition_reads_like_never_recorded(database: str) -> None:
    pool = await create_pool(database, min_size=1, max_size=2)
    try:
        for scenario in range(SCENARIOS):
            rng = random.Random(scenario)
            subject, oracle = an_act(), an_act()
            for a in (subject, oracle):
                await commands.create_act(pool, actor="t", act=a)
            editions = {d: random_edition(rng, subject.id, d) for d in rng.sample(DAYS, rng.randint(1, 4))}
            for d in rng.sample(list(editions), len(editions)):  # recorded in any order: late editions too
                await commands.add_edition(pool, actor="t", edition=editions[d])
            chosen = rng.choice(list(editions))
            target = Target("edition", act_id=subject.id, valid_from=chosen)
            if rng.random() < 0.4:
                await commands.retract(pool, actor="t", target=target, reason="error")
                del editions[chosen]
            else:
                free = [d for d in DAYS if d not in editions or d == chosen]
                replacement = random_edition(rng, subject.id, rng.choice(free))
                await commands.correct(pool, actor="t", target=target, reason="error", replacement=replacement)
                del editions[chosen]
                editions[replacement.valid_from] = replacement
            for d in sorted(editions):  # the oracle: in date order, where no restoring is ever needed
                await commands.add_edition(pool, actor="t", edition=retarget(editions[d], oracle.id))
            assert await reading(pool, subject.id) == await reading(pool, oracle.id), f"scenario {scenario}"
    finally:
        await pool.close()


async def test_a_late_edition_is_not_undone_by_a_later_edition_without_its_language(database: str) -> None:
    """An edition of 2022 in Kazakh only does not restate the Russian text: a Russian edition of 2021
    recorded after it still applies in 2022."""
    pool = await create_pool(database, min_size=1, max_size=2)

    def one(act_id: str, day: date, lang: str, words: str) -> NewEdition:
        units = with_hashes([Unit("point_1", "point_1", "point", "1", None, words, True)])
        return NewEdition(act_id, day, (), None, {lang: units})

    try:
        act = an_act()
        await commands.create_act(pool, actor="t", act=act)
        for edition in (one(act.id, date(2020, 1, 1), "ru", "Старая редакция."),
                        one(act.id, date(2022, 1, 1), "kk", "Жаңа редакция."),
                        one(act.id, date(2021, 1, 1), "ru", "Новая редакция.")):  # the last recorded late
            await commands.add_edition(pool, actor="t", edition=edition)
        units = await expression_at(pool, act_id=act.id, lang="ru", day=date(2022, 6, 1), as_of=LATEST)
        assert [u.text for u in units] == ["Новая редакция."]
    finally:
        await pool.close()
