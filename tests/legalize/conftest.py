"""Fixtures for the legalize tests: the shared Peruvian sample cloned from its bundle, repositories built in the
test, imports and exports run against the test's database, and a second empty database for round trips."""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from service.legalize.exporter import Exporter, ExportOptions, ExportReport
from service.legalize.gitrepo import GitRepo, git_environment
from service.legalize.importer import Importer, ImportOptions, ImportReport, Progress
from service.store.db import create_pool
from tests.conftest import fresh_database, served, shared_data

SAMPLE_BUNDLE = "legalize/legalize-pe-sample.bundle"


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True,
                            env={**git_environment(), **(env or {})})
    return result.stdout


def clone_sample(dest: Path) -> Path:
    bundle = shared_data(SAMPLE_BUNDLE)  # skipped without the shared documents, failed in CI
    subprocess.run(["git", "clone", "--quiet", str(bundle), str(dest)], check=True, env=git_environment())
    return dest


@pytest.fixture(scope="session")
def pe_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clone of the sample that no test changes."""
    return clone_sample(tmp_path_factory.mktemp("legalize") / "legalize-pe")


@pytest.fixture
def pe_clone(tmp_path: Path) -> Path:
    """A clone of the sample of this test's own, to add commits to."""
    return clone_sample(tmp_path / "legalize-pe")


async def import_repo(dsn: str, repo: Path, progress: Progress | None = None, **options: object) -> ImportReport:
    pool = await create_pool(dsn, min_size=1, max_size=2, statement_timeout_ms=60_000)
    try:
        with GitRepo(repo) as g:
            return await Importer(pool, g, ImportOptions(repo=repo, **options), progress).run()  # type: ignore[arg-type]
    finally:
        await pool.close()


async def export_repo(dsn: str, directory: Path, **options: object) -> ExportReport:
    pool = await create_pool(dsn, min_size=1, max_size=2, statement_timeout_ms=60_000)
    try:
        return await Exporter(pool, ExportOptions(directory=directory, **options)).run()  # type: ignore[arg-type]
    finally:
        await pool.close()


@pytest_asyncio.fixture(loop_scope="session")
async def other_database(server_dsn: str, template_db: str) -> AsyncIterator[str]:
    """A second fresh, migrated database (an export imported into an empty database)."""
    async with fresh_database(server_dsn, template_db) as dsn:
        yield dsn


@pytest_asyncio.fixture(loop_scope="session")
async def other_api(other_database: str) -> AsyncIterator[httpx.AsyncClient]:
    """The service on the second database (read-only: no key)."""
    async with served(other_database) as client:
        yield client


def _without_seq(value: Any) -> Any:
    """An answer without its transaction-time positions (`recorded_seq`), which differ between databases."""
    if isinstance(value, dict):
        return {k: _without_seq(v) for k, v in value.items() if k != "recorded_seq"}
    if isinstance(value, list):
        return [_without_seq(v) for v in value]
    return value


async def _get(client: httpx.AsyncClient, path: str, **params: str) -> Any:
    r = await client.get(path, params=params)
    assert r.status_code == 200, f"{path} {params}: {r.status_code} {r.text[:300]}"
    return _without_seq(r.json())


async def answers(client: httpx.AsyncClient) -> dict[str, Any]:
    """Everything the API says about every act: the act, its editions and relations, and its status and text on
    every day an edition or a relation takes effect, the day before, and a fixed day."""
    found: dict[str, Any] = {}
    path = "/v1/acts?limit=500"
    acts: list[dict[str, Any]] = []
    while path:
        page = (await client.get(path)).json()
        acts += page["items"]
        path = page["next"]
    for act in acts:
        a = act["id"]
        editions = await _get(client, f"/v1/acts/{a}/editions")
        relations = await _get(client, f"/v1/acts/{a}/relations")
        # Relations on the same day are listed in the order they were recorded (transaction time): an import
        # records them file by file, so that order is the one thing a round trip may not keep.
        relations["items"].sort(key=lambda r: (r["effective_date"] or "", r["id"]))
        days = {"2026-01-01"}
        starts = [e["valid_from"] for e in editions["items"]] + [
            r["effective_date"] for r in relations["items"] if r["effective_date"]]
        for start in map(date.fromisoformat, starts):
            days |= {start.isoformat(), date.fromordinal(start.toordinal() - 1).isoformat()}
        found[a] = {
            "act": _without_seq(act), "editions": editions, "relations": relations,
            "status": {d: await _get(client, f"/v1/acts/{a}/status", date=d) for d in sorted(days)},
            "text": {d: await _get(client, f"/v1/acts/{a}/text", date=d) for d in sorted(days)},
        }
    return found


async def facts(dsn: str) -> dict[str, Any]:
    """What a database holds, named by external ids rather than by ids (two imports of one repository assign
    different ids): acts, editions with their texts, relations, and how many entries of each operation."""
    from service.domain.units import text_of
    from service.store import acts as acts_store
    from service.store import editions as editions_store
    from service.store.db import LATEST

    pool = await create_pool(dsn, min_size=1, max_size=2)
    try:
        acts = await acts_store.list_acts(pool, as_of=LATEST, after="", type=None, number=None, adopted=None,
                                          title_pattern=None, external_id=None, limit=10_000)
        name = {a.id: a.external_ids[0] for a in acts}
        found: dict[str, Any] = {"acts": {}, "editions": [], "relations": set()}
        for a in acts:
            found["acts"][name[a.id]] = (a.type, a.jurisdiction, a.titles, a.number, a.publication_date,
                                         a.entry_into_force, a.akn_uri, a.languages)
            for e in await editions_store.editions_of_act(pool, act_id=a.id, as_of=LATEST):
                units = await editions_store.expression_at(pool, act_id=a.id, lang=e.languages[0],
                                                           day=e.valid_from, as_of=LATEST)
                found["editions"].append((name[a.id], e.valid_from, tuple(name[s] for s in e.source_acts),
                                          e.text_completeness, e.note, text_of(units),
                                          tuple((u.eid, u.kind, u.breaks) for u in units)))
            for r in await acts_store.relations_of_act(pool, act_id=a.id, as_of=LATEST):
                found["relations"].add((r.type, name[r.source_act], name[r.target_act], r.target_unit,
                                        r.effective_date, r.effective_earliest, r.basis, r.note))
        found["editions"].sort(key=lambda e: (e[0], e[1]))
        rows = await pool.fetch("SELECT operation, count(*) AS n FROM ledger GROUP BY operation")
        found["operations"] = {r["operation"]: r["n"] for r in rows}
        return found
    finally:
        await pool.close()
