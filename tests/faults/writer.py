"""A process that records one edition and kills itself (SIGKILL, no clean-up of any kind) when the write
reaches a fault point: `python -m tests.faults.writer DSN ACT_ID POINT`."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import date

import asyncpg

from service import commands
from service.commands import NewEdition
from service.domain.units import units_from_plain_text, with_hashes
from service.logs import configure_logging
from service.store import faults
from service.store.db import create_pool

KILLED_AT = "killed-at-"


def edition(act_id: str) -> NewEdition:
    text = "1. Первый пункт в новой редакции.\n\n2. Второй пункт в новой редакции."
    return NewEdition(act_id=act_id, valid_from=date(2021, 3, 1), source_acts=(), note="interrupted",
                      expressions={"ru": with_hashes(units_from_plain_text(text))})


async def main(dsn: str, act_id: str, point: str) -> None:
    async def die(reached: str, conn: asyncpg.Connection) -> None:
        if reached == point:
            print(KILLED_AT + point, flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    configure_logging("json", "warning")  # stdout carries only what the test reads
    faults.set_hook(die)
    pool = await create_pool(dsn)
    await commands.add_edition(pool, actor="importer", edition=edition(act_id))
    print("written", flush=True)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
