"""The demo act for `lextime serve --demo`: written for Lextime, not a real act of any country.

A bilingual (Kazakh, Russian) order in Adilet's plain-text layout, loaded through the Adilet importer from
two documents kept in the package: the order as signed (2020), then its current text, whose footnotes say
that point 3 got a new wording by order No. 2 from 2021-07-01 and that order No. 3 repeals it from
2027-01-01. The second import adds only what is new, so the demo has both wordings of point 3. Loading
again records nothing: the importer finds the documents already imported.
"""

from __future__ import annotations

from pathlib import Path

import asyncpg
import structlog

from service.importer.adilet import import_document
from service.store.db import create_pool

log = structlog.get_logger("lextime.demo")

DEMO_EXTERNAL_ID = "lextime-demo-order-1"
ACTOR = "demo"
DEMO_DIR = Path(__file__).resolve().parent / "data" / "demo"
# In the order they were published: the act as signed, then its current text with the footnotes.
DOCUMENTS = ("lextime-demo-order-1.2020-01-10.txt", "lextime-demo-order-1.txt")


async def load_into(pool: asyncpg.Pool) -> str:
    """Import the demo documents (a no-op when they are in); returns the demo order's id."""
    act_id = ""
    for name in DOCUMENTS:
        result = await import_document(pool, data=(DEMO_DIR / name).read_bytes(), actor=ACTOR, name=name,
                                       external_ids=(DEMO_EXTERNAL_ID,))
        act_id = result.plan.act_id
    log.info("demo_loaded", act_id=act_id)
    return act_id


async def load_demo(dsn: str) -> str:
    pool = await create_pool(dsn, min_size=1, max_size=2)
    try:
        return await load_into(pool)
    finally:
        await pool.close()
