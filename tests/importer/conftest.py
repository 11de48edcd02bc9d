"""Importer test helpers: the shared sample, documents posted through HTTP, acts looked up by citation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tests.conftest import Api, shared_data

SAMPLE_NAME = "adilet/ukaz-2015-12-28-148-concept.txt"


def sample_bytes() -> bytes:
    """The real Adilet document beside the checkout (skipped without it, failed in CI: see shared_data)."""
    return shared_data(SAMPLE_NAME).read_bytes()


async def post_document(api: Api, data: bytes | str, *, media: str = "text/plain; charset=utf-8",
                        name: str | None = None, **params: str) -> httpx.Response:
    body = data.encode("utf-8") if isinstance(data, str) else data
    query = {**({"name": name} if name else {}), **params}
    return await api.client.post("/v1/imports", content=body, params=query,
                                 headers={**api.auth, "Content-Type": media})


async def imported(api: Api, data: bytes | str, **kwargs: Any) -> dict[str, Any]:
    r = await post_document(api, data, **kwargs)
    assert r.status_code in (200, 201), r.text
    return r.json()  # type: ignore[no-any-return]


async def act_by_citation(api: Api, citation: str) -> dict[str, Any]:
    r = await api.get("/v1/resolve", params={"citation": citation})
    assert r.status_code == 200, r.text
    assert r.json()["act"] is not None, r.json()
    return r.json()["act"]  # type: ignore[no-any-return]


async def ledger_size(api: Api) -> int:
    import asyncpg

    conn = await asyncpg.connect(api.dsn)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM ledger"))
    finally:
        await conn.close()


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
