"""Snapshots made ahead: the lifespan runs this task when snapshots are kept and LEXTIME_SNAPSHOT_AHEAD_S > 0.

A snapshot made on request keeps its client waiting while PostgreSQL reads the whole state (about a second at
1,000 acts, growing with the corpus), and every write makes the next seq's snapshot new. So every
LEXTIME_SNAPSHOT_AHEAD_S seconds, when the head has moved past the newest kept bulk snapshot, the bulk
snapshot at the head is made in the background and kept. A mirror asks for `GET /v1/snapshot?recent=true`,
is answered from that file whatever seq it was made at, and follows the feed from there.

Writes coming meanwhile share the next one: at most one is made per interval, one at a time among the
processes sharing the snapshot folder (an `flock`: the others find it taken, or the file kept). It holds a
connection of its own, not one of the snapshot slots of requests, so no request is turned away for it. A
request for the head may still make the same snapshot meanwhile: both end in the same file.
"""

from __future__ import annotations

import asyncio
import time

import asyncpg
import structlog

from service import API_VERSION
from service.kept import KeptSnapshots, SnapshotKey, keeping
from service.store import feed as feed_store
from service.store import statuses
from service.store.bulk_snapshot import bulk_snapshot

log = structlog.get_logger("lextime.ahead")

FORM = "pgcopy"  # the bulk snapshot, which `lextime mirror` starts from


class SnapshotsAhead:
    """Keeps the bulk snapshot at the head made ahead of the mirrors that will ask for it."""

    def __init__(self, pool: asyncpg.Pool, kept: KeptSnapshots, *, interval_s: float) -> None:
        self.pool = pool
        self.kept = kept
        self.interval_s = interval_s
        self.made = asyncio.Event()  # set once a snapshot has been made ahead
        self.newest: SnapshotKey | None = None

    async def once(self) -> SnapshotKey | None:
        """Make and keep the bulk snapshot at the head, unless it is kept already, its status periods are not
        all written yet or another process or task is making one; the key kept, else None."""
        head = await feed_store.head_seq(self.pool)
        if head == 0:
            return None
        key = self.kept.key(FORM, head, await feed_store.hash_at(self.pool, seq=head))
        if self.kept.has(key) or await statuses.projected_seq(self.pool) < head:
            return None
        with self.kept.making() as ours:
            if not ours or self.kept.has(key):
                return None
            started = time.perf_counter()
            async for _ in keeping(bulk_snapshot(self.pool, seq=head, api_version=API_VERSION), self.kept.keeper(key)):
                pass
        if not self.kept.has(key):  # the disk refused it (logged by the keeper)
            return None
        log.info("snapshot_made_ahead", seq=head, seconds=round(time.perf_counter() - started, 3))
        self.newest = key
        self.made.set()
        return key

    async def run(self) -> None:
        """Every interval, once: forever, until cancelled. A failure of any kind is logged, and the next
        interval tries again."""
        while True:
            await asyncio.sleep(self.interval_s)
            try:
                await self.once()
            except Exception:  # a background task that ended would end making snapshots ahead unseen
                log.exception("snapshot_ahead_failed")
