"""Finding the recorded act a citation names: same type and adoption date, the same number where both
give one, the same title where both give a real one in the same language (a designation Lextime made up
for an act known only by reference is not a title). An exact number beats a missing one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import asyncpg

from service.domain.model import Act
from service.importer.naming import designation, same_number, same_title
from service.store import acts as acts_store
from service.store.db import LATEST

_PAGE = 200


@dataclass(frozen=True)
class Wanted:
    """What a citation says of an act."""

    act_type: str
    adopted_on: date | None
    number: str | None
    titles: tuple[tuple[str, str], ...] = ()


def real_titles(act: Act) -> dict[str, str]:
    """The act's titles that are titles, not the designation Lextime gives an act known only by reference
    ("Указ Президента Республики Казахстан от … № …", "… № … Жарлығы")."""
    return {lang: t for lang, t in act.titles.items() if not is_designation(act, lang, t)}


def is_designation(act: Act, language: str, title: str) -> bool:
    bare = designation(act.type, act.adopted_on, act.number, None, language) or ""
    head, _, tail = bare.partition(" ")  # ru: "<Type> от …"; kk: "… <type word>", the issuer in between
    if language == "ru":
        return title.startswith(head + " ") and title.endswith(tail)
    return bare != "" and title.endswith(bare.rsplit(" ", 1)[-1]) and all(
        part in title for part in bare.split(" ")[:-1])


def compatible(wanted: Wanted, act: Act) -> bool:
    if act.type != wanted.act_type or act.adopted_on != wanted.adopted_on:
        return False
    if wanted.number and act.number:
        return same_number(wanted.number, act.number)  # the number decides; titles are cited loosely
    titles = real_titles(act)
    return all(same_title(t, titles[lang]) for lang, t in wanted.titles if lang in titles)


async def _candidates(conn: asyncpg.Connection | asyncpg.Pool, wanted: Wanted, as_of: int = LATEST) -> list[Act]:
    found: list[Act] = []
    after = ""
    while True:
        page = await acts_store.list_acts(
            conn, as_of=as_of, after=after, type=wanted.act_type,
            number=wanted.number if wanted.adopted_on is None else None, adopted=wanted.adopted_on,
            title_pattern=None, external_id=None, limit=_PAGE)
        found += page
        if len(page) < _PAGE:
            return found
        after = page[-1].id


async def matching_acts(conn: asyncpg.Connection | asyncpg.Pool, wanted: Wanted, *, as_of: int = LATEST) -> list[Act]:
    """The recorded acts the citation may name, best first: with the same number, then without one."""
    if wanted.adopted_on is None and not wanted.number:
        return []
    acts = [a for a in await _candidates(conn, wanted, as_of) if _fits(wanted, a)]
    exact = [a for a in acts if wanted.number and a.number and same_number(wanted.number, a.number)]
    return exact or acts


def _fits(wanted: Wanted, act: Act) -> bool:
    if wanted.adopted_on is None:  # "Указ № 1014" without a date: type and number must agree
        return act.type == wanted.act_type and act.number is not None and same_number(wanted.number or "", act.number)
    return compatible(wanted, act)
