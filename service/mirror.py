"""Mirroring: follow another Lextime's change feed into a local database, `lextime mirror --from URL`.

A new (empty) mirror loads the source's snapshot first, in one transaction, then follows the feed
from the seq the snapshot names. Each page of the feed is applied in one transaction, every entry
checked against the local head (seq and prev_hash), its hash recomputed, its texts checked against
their addresses. The local ledger is the only cursor: after a crash at any point, the mirror resumes
from its own head, and nothing is applied twice or skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import orjson
import structlog

from service.domain.bulk import BULK_MEDIA_TYPE
from service.domain.exchange import Lines, entry_from_json
from service.store.bulk_snapshot import load_bulk_snapshot
from service.store.replica import local_head, replicate
from service.store.snapshot import load_snapshot

log = structlog.get_logger("lextime.mirror")

RETRIES = 8
NDJSON = "application/x-ndjson"
_BACKOFF_S = (0.2, 0.5, 1.0, 2.0, 5.0, 10.0)


class MirrorError(Exception):
    """The source cannot be followed (unreachable, answering errors, or not a Lextime)."""


@dataclass(frozen=True)
class MirrorReport:
    from_snapshot: int  # entries loaded from the snapshot
    applied: int  # entries applied from the feed
    head_seq: int
    head_hash: str
    source_seq: int  # the source's head when last asked

    @property
    def caught_up(self) -> bool:
        return self.head_seq >= self.source_seq


Progress = Callable[[int, int], None]  # (local head seq, source head seq)


class Source:
    """The source's HTTP API."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def get_json(self, url: str) -> dict[str, Any]:
        for attempt in range(RETRIES):
            try:
                r = await self.client.get(url)
            except httpx.TransportError as exc:
                error = f"{type(exc).__name__}: {exc}"
            else:
                if r.status_code == 200:
                    return dict(orjson.loads(r.content))
                if r.status_code < 500:
                    raise MirrorError(f"the source answered {r.status_code} to {url}: {r.text[:300]}")
                error = f"HTTP {r.status_code}"
            log.warning("mirror_source_retry", url=url, attempt=attempt + 1, error=error)
            await asyncio.sleep(_BACKOFF_S[min(attempt, len(_BACKOFF_S) - 1)])
        raise MirrorError(f"the source did not answer {url} after {RETRIES} attempts: {error}")

    @contextlib.asynccontextmanager
    async def _snapshot(self, accept: str) -> AsyncIterator[httpx.Response]:
        """`GET /v1/snapshot` in `accept`, a recent one: the newest the source keeps, whatever its seq (the
        mirror follows the feed after the seq it names). A source older than `recent` refuses it
        (`unknown-parameters`): then the snapshot at its head."""
        async with self.client.stream("GET", "/v1/snapshot", params={"recent": "true"},
                                      headers={"Accept": accept}) as r:
            if r.status_code != 400 or not _unknown_parameters(await r.aread()):
                yield r
                return
        log.info("mirror_source_without_recent_snapshots")
        async with self.client.stream("GET", "/v1/snapshot", headers={"Accept": accept}) as r:
            yield r

    async def snapshot(self) -> AsyncIterator[dict[str, Any]]:
        """The NDJSON snapshot's lines, decoded."""
        async with self._snapshot(NDJSON) as r:
            if r.status_code != 200:
                raise MirrorError(f"the source answered {r.status_code} to /v1/snapshot")
            lines = Lines()
            async for chunk in r.aiter_bytes():
                for line in lines.feed(chunk):
                    yield orjson.loads(line)
            for line in lines.end():
                yield orjson.loads(line)

    async def bulk_snapshot(self) -> AsyncIterator[bytes]:
        """The bulk snapshot's bytes; `NoBulkSnapshot` (before any) from a source that serves NDJSON only."""
        async with self._snapshot(BULK_MEDIA_TYPE) as r:
            media = r.headers.get("content-type", "").split(";")[0].strip()
            if r.status_code == 406 or (r.status_code == 200 and media != BULK_MEDIA_TYPE):
                raise NoBulkSnapshot(f"the source answered {r.status_code} {media or 'without a media type'}")
            if r.status_code != 200:
                raise MirrorError(f"the source answered {r.status_code} to /v1/snapshot")
            async for chunk in r.aiter_bytes():
                yield chunk


def _unknown_parameters(body: bytes) -> bool:
    """Whether a problem answer says a query parameter is unknown."""
    try:
        problem = orjson.loads(body)
    except orjson.JSONDecodeError:
        return False
    return isinstance(problem, dict) and str(problem.get("type", "")).endswith("unknown-parameters")


class NoBulkSnapshot(Exception):
    """The source serves the NDJSON snapshot only (an older Lextime)."""


async def load_from_snapshot(pool: asyncpg.Pool, source: Source, progress: Progress | None = None) -> int:
    """Load the source's snapshot into the empty local database in one transaction: the bulk form, or the
    NDJSON one from a source that has no other."""
    try:
        async with pool.acquire() as conn, conn.transaction():
            loaded = await load_bulk_snapshot(conn, source.bulk_snapshot(), progress=progress)
    except NoBulkSnapshot as why:
        log.info("mirror_snapshot_ndjson", reason=str(why))
        async with pool.acquire() as conn, conn.transaction():
            loaded = await load_snapshot(conn, source.snapshot(), progress=progress)
    log.info("mirror_snapshot_loaded", seq=loaded.seq, texts=loaded.texts, rows=sum(loaded.rows.values()))
    return loaded.entries


async def apply_page(pool: asyncpg.Pool, page: dict[str, Any]) -> int:
    """Apply one page of the feed (fetched with include=texts) in one transaction."""
    items = page.get("items") or []
    if not items:
        return 0
    entries = [entry_from_json({k: v for k, v in item.items() if k != "texts"}) for item in items]
    texts = {h: body for item in items for h, body in (item.get("texts") or {}).items()}
    async with pool.acquire() as conn, conn.transaction():
        await replicate(conn, entries, texts)
    return len(entries)


async def mirror(
    source: Source, pool: asyncpg.Pool, *, use_snapshot: bool = True, follow: bool = False, batch: int = 500,
    wait_s: int = 25, progress: Progress | None = None, stop: Callable[[int], bool] | None = None,
) -> MirrorReport:
    """Bring the local database up to the source's head; with `follow`, keep following until `stop`
    (given the local head seq) says so, or forever."""
    seq, digest = await local_head(pool)
    from_snapshot = 0
    if seq == 0 and use_snapshot:
        from_snapshot = await load_from_snapshot(pool, source, progress)
        seq, digest = await local_head(pool)
    applied, source_seq = 0, seq
    url = f"/v1/changes?after={seq}&limit={batch}&include=texts" + (f"&wait={wait_s}" if follow else "")
    fetching = asyncio.create_task(source.get_json(url))
    try:
        while True:
            page = await fetching
            url = str(page["next"])
            fetching = asyncio.create_task(source.get_json(url))  # the next page comes while this one is applied
            n = await apply_page(pool, page)
            applied += n
            seq, digest = await local_head(pool)
            source_seq = max(int(page.get("as_of_seq", seq)), seq)
            if progress is not None:
                progress(seq, source_seq)
            if not url.endswith(f"after={seq}"):
                raise MirrorError(f"the source's next page ({url}) does not continue from the local head {seq}")
            if (stop is not None and stop(seq)) or (n == 0 and not follow):
                break
    finally:
        await _abandon(fetching)
    return MirrorReport(from_snapshot, applied, seq, digest, source_seq)


async def _abandon(fetching: asyncio.Task[dict[str, Any]]) -> None:
    """A page fetched ahead and not needed (the mirror stops, or failed): cancelled, its outcome dropped."""
    fetching.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await fetching
