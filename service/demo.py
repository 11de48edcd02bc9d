"""The demo act for `lextime serve --demo`: written for Lextime, not a real act of any country.

A bilingual (Kazakh, Russian) order with two editions, an amending order and a repealing order, so that
the README's examples answer at once. Loaded through the same parsers and write commands as the API, and
only once: a second start finds it by its external id and loads nothing.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import structlog

from service import commands
from service.api.acts import parse_act
from service.api.editions import parse_edition
from service.api.relations import parse_relation
from service.store import acts as acts_store
from service.store.db import LATEST, create_pool

log = structlog.get_logger("lextime.demo")

DEMO_EXTERNAL_ID = "lextime-demo-order-1"
ACTOR = "demo"

ORDER: dict[str, Any] = {
    "jurisdiction": "kz", "type": "order", "number": "1", "adopted_on": "2020-01-10",
    "issuing_body": "Lextime (demonstration)",
    "titles": {"kk": "Lextime демонстрациялық тізілімі туралы (демонстрациялық акт)",
               "ru": "О демонстрационном реестре Lextime (демонстрационный акт)"},
    "entry_into_force": {"date": "2020-01-21",
                         "rule": "вводится в действие по истечении десяти календарных дней после дня его подписания"},
    "external_ids": [DEMO_EXTERNAL_ID],
}
AMENDING: dict[str, Any] = {
    "jurisdiction": "kz", "type": "order", "number": "2", "adopted_on": "2021-06-30",
    "issuing_body": "Lextime (demonstration)",
    "titles": {"kk": "Демонстрациялық бұйрыққа өзгеріс енгізу туралы",
               "ru": "О внесении изменения в демонстрационный приказ"},
    "entry_into_force": {"date": "2021-07-01"},
    "external_ids": ["lextime-demo-order-2"],
}
REPEALING: dict[str, Any] = {
    "jurisdiction": "kz", "type": "order", "number": "3", "adopted_on": "2025-12-15",
    "issuing_body": "Lextime (demonstration)",
    "titles": {"kk": "Демонстрациялық бұйрықтың күші жойылды деп тану туралы",
               "ru": "О признании утратившим силу демонстрационного приказа"},
    "entry_into_force": {"date": "2025-12-15"},
    "external_ids": ["lextime-demo-order-3"],
}

_POINTS = {
    "kk": ["1. Осы бұйрық Lextime жұмысын көрсету үшін жазылған.",
           "2. Тізілім актілерді, олардың редакцияларын және байланыстарын сақтайды.",
           "3. Тізілімге жазбалар күнтізбелік күндер бойынша енгізіледі."],
    "ru": ["1. Настоящий приказ написан для демонстрации работы Lextime.",
           "2. Реестр хранит акты, их редакции и связи между ними.",
           "3. Записи в реестр вносятся по календарным дням."],
}
_POINT_3_AMENDED = {
    "kk": "3. Тізілімге жазбалар күнтізбелік күндер бойынша енгізіледі және хэш-тізбекпен расталады.",
    "ru": "3. Записи в реестр вносятся по календарным дням и подтверждаются цепочкой хэшей.",
}


def _expression(lang: str, *, amended: bool) -> dict[str, Any]:
    points = [*_POINTS[lang][:2], _POINT_3_AMENDED[lang] if amended else _POINTS[lang][2]]
    return {"units": [{"eId": f"point_{i}", "kind": "point", "num": str(i), "text": t}
                      for i, t in enumerate(points, 1)]}


async def load_into(pool: asyncpg.Pool) -> str:
    """Record the demo acts unless they are there; returns the demo order's id."""
    existing = await acts_store.act_id_by_alias(pool, alias=DEMO_EXTERNAL_ID, as_of=LATEST)
    if existing is not None:
        log.info("demo_already_loaded", act_id=existing)
        return existing
    order, amending, repealing = (parse_act(body) for body in (ORDER, AMENDING, REPEALING))
    for act in (order, amending, repealing):
        await commands.create_act(pool, actor=ACTOR, act=act)
    for valid_from, amended, sources in (("2020-01-21", False, []), ("2021-07-01", True, [amending.id])):
        body = {"valid_from": valid_from, "source_acts": sources,
                "expressions": {lang: _expression(lang, amended=amended) for lang in ("kk", "ru")}}
        await commands.add_edition(pool, actor=ACTOR, edition=parse_edition(order.id, body))
    relations = [
        {"type": "amends", "source_act": amending.id, "target_act": order.id, "target_unit": "point_3",
         "effective_date": "2021-07-01", "basis": "stated", "note": "Пункт 3 изложен в новой редакции."},
        {"type": "repeals", "source_act": repealing.id, "target_act": order.id, "effective_date": "2027-01-01",
         "basis": "stated", "note": "Признан утратившим силу с 1 января 2027 года."},
    ]
    for body in relations:
        await commands.add_relation(pool, actor=ACTOR, relation=parse_relation(body))
    log.info("demo_loaded", act_id=order.id)
    return order.id


async def load_demo(dsn: str) -> str:
    pool = await create_pool(dsn, min_size=1, max_size=2)
    try:
        return await load_into(pool)
    finally:
        await pool.close()
