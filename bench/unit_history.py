"""Measure unit-level history on a real PostgreSQL: amendment writes (in date order and late ones that make
later amendments apply again) and the provision reads, over HTTP against the service in this process.

    python bench/unit_history.py --units 2000 --amendments 100

Creates a throwaway database on the server of DATABASE_URL (dropped at the end), prints latencies
(median, p95, max) per operation and the rows stored.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.store.keys import insert_key
from service.store.migrate import migrate
from tests.conftest import start_server, with_database

console = Console()


def _args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--units", type=int, default=2000, help="points in the act's first text (default 2000)")
    p.add_argument("--amendments", type=int, default=100, help="amendments in date order (default 100)")
    p.add_argument("--late", type=int, default=10, help="late amendments, effective before all others (default 10)")
    p.add_argument("--reads", type=int, default=50, help="reads of each kind (default 50)")
    return p.parse_args()


class Timer:
    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = defaultdict(list)

    async def time(self, name: str, call: Any) -> Any:
        started = time.perf_counter()
        r = await call
        self.samples[name].append((time.perf_counter() - started) * 1000)
        if r.status_code >= 400:
            raise RuntimeError(f"{name}: {r.status_code} {r.text[:300]}")
        return r

    def table(self) -> Table:
        t = Table(title="latency (ms)")
        for col in ("operation", "n", "median", "p95", "max"):
            t.add_column(col, justify="right" if col != "operation" else "left")
        for name, xs in self.samples.items():
            xs = sorted(xs)
            t.add_row(name, str(len(xs)), f"{statistics.median(xs):.1f}", f"{xs[int(len(xs) * 0.95) - 1]:.1f}",
                      f"{xs[-1]:.1f}")
        return t


async def run(a: argparse.Namespace, dsn: str) -> None:
    timer = Timer()
    owner = await asyncpg.connect(dsn)
    key = await insert_key(owner, name="bench")
    server, task, base = await start_server(dsn, LEXTIME_STATEMENT_TIMEOUT_MS="60000")
    auth = {"Authorization": f"Bearer {key}"}
    try:
        async with httpx.AsyncClient(base_url=base, timeout=120, headers=auth) as http:
            law = (await http.post("/v1/acts", json={"jurisdiction": "kz", "type": "code", "number": "1",
                                                      "adopted_on": "2000-01-01", "titles": {"ru": "Кодекс"},
                                                      "entry_into_force": {"date": "2000-01-01"}})).json()["id"]
            amending = (await http.post("/v1/acts", json={"jurisdiction": "kz", "type": "law", "number": "2",
                                                           "titles": {"ru": "Закон"}})).json()["id"]
            units = {lang: {"units": [{"eId": f"point_{i}", "kind": "point", "num": str(i),
                                       "text": f"{lang} пункт {i}: " + "слово " * 40} for i in range(1, a.units + 1)]}
                     for lang in ("kk", "ru")}
            await timer.time("first edition", http.post(f"/v1/acts/{law}/editions", json={
                "valid_from": "2000-01-01", "expressions": units}))
            with Progress(console=console, transient=True) as progress:
                job = progress.add_task("amendments in date order", total=a.amendments)
                for n in range(1, a.amendments + 1):
                    unit = (n * 37) % a.units + 1
                    day = f"{2001 + n // 12:04d}-{n % 12 + 1:02d}-01"
                    ops = [{"op": "replace", "unit": f"point_{unit}", "texts": {"ru": f"ру {n}", "kk": f"kk {n}"}},
                           {"op": "insert", "kind": "point", "num": f"{unit}-{n}", "after": f"point_{unit}",
                            "texts": {"ru": f"вставка {n}"}}]
                    await timer.time("amendment (in order)", http.post(f"/v1/acts/{law}/amendments", json={
                        "amending_act": amending, "effective_date": day, "operations": ops}))
                    progress.advance(job)
                job = progress.add_task("late amendments", total=a.late)
                for n in range(a.late):
                    ops = [{"op": "replace", "unit": f"point_{n + 2}", "texts": {"ru": f"поздняя {n}"}}]
                    await timer.time(f"late amendment (re-applies {a.amendments})", http.post(
                        f"/v1/acts/{law}/amendments", json={"amending_act": amending,
                                                            "effective_date": f"2000-06-{n + 1:02d}",
                                                            "operations": ops}))
                    progress.advance(job)
                job = progress.add_task("reads", total=a.reads)
                for n in range(a.reads):
                    unit, day = f"point_{(n * 37) % a.units + 1}", f"{2001 + n % 8}-03-15"
                    await timer.time("GET units/{id}", http.get(f"/v1/acts/{law}/units/{unit}", params={"date": day}))
                    await timer.time("GET units/{id}/versions", http.get(f"/v1/acts/{law}/units/{unit}/versions"))
                    await timer.time("GET text (one language)", http.get(f"/v1/acts/{law}/text",
                                                                          params={"date": day, "lang": "ru"}))
                    await timer.time("GET toc", http.get(f"/v1/acts/{law}/toc", params={"date": day, "lang": "ru"}))
                    await timer.time("GET compare (2 years)", http.get(f"/v1/acts/{law}/compare", params={
                        "from": day, "to": f"{2003 + n % 8}-03-15", "lang": "ru"}))
                    if n < 10:
                        await timer.time("GET timeline", http.get(f"/v1/acts/{law}/timeline", params={"lang": "ru"}))
                    progress.advance(job)
        console.print(timer.table())
        rows = await owner.fetch("SELECT lang, count(*) AS n FROM unit_versions GROUP BY lang ORDER BY lang")
        console.print("unit_versions per language: " + ", ".join(f"{r['lang']} {r['n']}" for r in rows))
        console.print(f"texts: {await owner.fetchval('SELECT count(*) FROM texts')}; "
                      f"structures: {await owner.fetchval('SELECT count(*) FROM expression_structures')}; "
                      f"editions: {await owner.fetchval('SELECT count(*) FROM editions WHERE superseded_seq IS NULL')}")
    finally:
        server.should_exit = True
        await task
        await owner.close()


async def main() -> None:
    a = _args()
    server_dsn = os.environ.get("DATABASE_URL")
    if not server_dsn:
        sys.exit("set DATABASE_URL to a PostgreSQL server on which a database may be created")
    name = f"lextime_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(server_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        dsn = with_database(server_dsn, name)
        await migrate(dsn)
        await run(a, dsn)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    console.print(f"[bold]done[/]: {a.units} units, {a.amendments} amendments in order, {a.late} late")


if __name__ == "__main__":
    asyncio.run(main())
