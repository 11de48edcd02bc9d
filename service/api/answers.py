"""Point-in-time answers shared by the v1 routes and the AKN addresses: status and text of an act on a day."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeGuard

import asyncpg

from service.api.render import edition_json, joined_text, status_json, unit_json
from service.api.unit_answers import pending_of_act
from service.domain.editions import EditionPeriod, edition_periods
from service.domain.facts import status_facts
from service.domain.model import Act, Edition, Relation, Unit
from service.domain.status import (
    Period,
    Status,
    StatusFacts,
    breakpoints,
    in_force_on,
    status_at,
    status_periods,
)
from service.errors import Problem
from service.store import acts as acts_store
from service.store import editions as editions_store
from service.store import sources as sources_store
from service.store.sources import SourceRef

if TYPE_CHECKING:
    from service.api.reader import Reader


@dataclass(frozen=True)
class ActState:
    """What the answers about one act need, read once per request."""

    act: Act
    facts: StatusFacts
    editions: list[Edition]
    relations: tuple[Relation, ...] = ()
    sources: dict[tuple[date, int], SourceRef] = field(default_factory=dict)

    def status(self, day: date) -> Status:
        return status_at(self.facts, day, periods=self._status_periods)

    @cached_property
    def _status_periods(self) -> list[Period]:
        # A state is read once per request, or kept in the worker's cache and asked about many days.
        return status_periods(self.facts)

    def periods(self) -> list[EditionPeriod]:
        return self._edition_periods

    @cached_property
    def _edition_periods(self) -> list[EditionPeriod]:
        ends = [t.boundary.latest for t in self.facts.terminations if t.boundary.latest is not None]
        return edition_periods(self.editions, ends=min(ends, default=None))

    def period_of(self, edition: Edition) -> EditionPeriod:
        return next(p for p in self.periods() if p.edition == edition)

    def edition_in_force(self, day: date) -> Edition | None:
        """As service.domain.editions.edition_in_force, with the editions sorted once per state."""
        ordered, starts = self._ordered
        i = bisect.bisect_right(starts, day)
        return ordered[i - 1] if i else None

    def nearest_editions(self, day: date) -> tuple[date | None, date | None]:
        """As service.domain.editions.nearest_editions, with the editions sorted once per state."""
        starts = self._ordered[1]
        i = bisect.bisect_right(starts, day)
        return (starts[i - 1] if i else None, starts[i] if i < len(starts) else None)

    @cached_property
    def _ordered(self) -> tuple[list[Edition], list[date]]:
        ordered = sorted(self.editions, key=lambda e: e.valid_from)
        return ordered, [e.valid_from for e in ordered]

    @cached_property
    def answer_breakpoints(self) -> frozenset[date]:
        """The days on which the status, the edition in force or the nearest editions may differ from the
        day before."""
        return frozenset((*breakpoints(self.facts), *self._ordered[1]))

    @cached_property
    def known_languages(self) -> list[str]:
        """The act's languages, then those only its editions have, in order."""
        return list(dict.fromkeys([*self.act.languages, *(l for e in self.editions for l in e.languages)]))

    def source_of(self, edition: Edition) -> SourceRef | None:
        """The document an edition was read from, when an import recorded it."""
        return self.sources.get((edition.valid_from, edition.recorded_seq))


async def act_state(pool: asyncpg.Pool | Reader, act: Act, *, as_of: int) -> ActState:
    """The act's state as known at `as_of`; from a request's pinned (and cached) reader when given one."""
    if _is_reader(pool):
        return await pool.state(act)
    relations = await acts_store.relations_of_act(pool, act_id=act.id, as_of=as_of)
    editions = await editions_store.editions_of_act(pool, act_id=act.id, as_of=as_of)
    pending = await pending_of_act(pool, act, relations, as_of=as_of)
    sources = await sources_store.edition_sources(pool, act_id=act.id) if editions else {}
    return ActState(act, status_facts(act, relations, pending_units=pending), editions, tuple(relations), sources)


def _is_reader(source: object) -> TypeGuard[Reader]:
    from service.api.reader import Reader  # here: reader builds on this module's ActState

    return isinstance(source, Reader)


def choose_language(state: ActState, lang: str | None) -> str:
    """The language asked for, or the act's primary one; 404 when the act has never had it."""
    known = state.known_languages
    if lang is None:
        if not known:
            raise Problem(404, "language-not-available", "the act has no text in any language on record")
        return known[0]
    if lang not in known:
        raise Problem(404, "language-not-available", f"the act has no expression in {lang!r}",
                      available=known)
    return lang


def text_at(state: ActState, day: date, lang: str, edition: Edition | None = None,
            ) -> tuple[Status, Edition | None, date | None]:
    """The status on `day`, the edition whose text answers (in force, or the one given), and the day from
    which that edition's units in `lang` are read (None: no text in `lang` to read)."""
    status = state.status(day)
    if edition is None and in_force_on(status):
        edition = state.edition_in_force(day)
    at = max(day, edition.valid_from) if edition is not None and lang in edition.languages else None
    return status, edition, at


def text_answer_days(state: ActState, change_days: Iterable[date]) -> tuple[date, ...]:
    """Every day on which the text answer in a language whose text changes on `change_days` may differ
    from the day before, its date and seq aside: status, edition (with its period and source), nearest
    editions and units are each the same on every day from one of these to the day before the next, as
    `text_at` and `text_body` choose them (tests/api/test_answer_days.py)."""
    return tuple(sorted(state.answer_breakpoints.union(change_days)))


def text_body(state: ActState, *, day: date, lang: str, status: Status, edition: Edition | None,
              units: list[Unit]) -> dict[str, Any]:
    """The text answer's document, from what `text_at` chose and the units read for it."""
    previous, following = state.nearest_editions(day)
    return {
        "act": state.act.id,
        "date": day.isoformat(),
        "lang": lang,
        "status": status_json(status),
        "edition": edition_json(state.period_of(edition), source=state.source_of(edition))
        if edition is not None else None,
        "text": joined_text(units),
        "units": [unit_json(u) for u in units],
        "nearest_editions": {"on_or_before": previous.isoformat() if previous else None,
                             "after": following.isoformat() if following else None},
    }


async def text_answer(
    pool: asyncpg.Pool | Reader, state: ActState, *, day: date, lang: str, as_of: int, edition: Edition | None = None,
) -> dict[str, Any]:
    """The text in force on `day` (or of the given edition), with the status and how we know."""
    status, edition, at = text_at(state, day, lang, edition)
    units = []
    if at is not None:
        units = (await editions_store.expression_at(pool, act_id=state.act.id, lang=lang, day=at, as_of=as_of)
                 if not _is_reader(pool) else await pool.expression(state.act.id, lang, at))
    return text_body(state, day=day, lang=lang, status=status, edition=edition, units=units)
