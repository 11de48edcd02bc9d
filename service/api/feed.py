"""The change feed: ledger entries in seq order with a `next` cursor (long-polling with `wait`), the same
as Atom, texts by content address, and the snapshot a new mirror starts from."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncGenerator, AsyncIterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import anyio
import asyncpg
import orjson
import structlog
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from service import API_VERSION
from service.api.atom import atom_feed
from service.api.negotiate import negotiate
from service.api.params import ACT_ID, AsOf, Fields, invalid, query_bool, query_int, query_string, read_as_of, read_json
from service.api.reads import ONE_YEAR_S, read_headers, read_response
from service.api.render import json_response
from service.domain.asof import MAX_SEQ
from service.domain.bulk import BULK_MEDIA_TYPE
from service.domain.feed import FeedItem
from service.errors import Problem
from service.kept import KeptSnapshots, SnapshotKey, accepts, compressed, decompressed, keeping
from service.middleware import waiting_without_work
from service.store import feed as feed_store
from service.store import statuses
from service.store.bulk_snapshot import bulk_snapshot
from service.store.snapshot import snapshot_lines

log = structlog.get_logger("lextime.feed")

MAX_WAIT_S = 30
SNAPSHOTS_AT_ONCE = 2  # per process
SNAPSHOT_MEDIA_TYPES = ("application/x-ndjson", BULK_MEDIA_TYPE)  # the default first
RECENT_BEHIND = 1000  # entries a recent snapshot may be behind the head (or a tenth of the ledger, if more)
NEWEST_LOOKED_AT = 8  # kept snapshots checked against the ledger for `recent`, the highest seqs first
SNAPSHOT_FORMS = {"application/x-ndjson": "ndjson", BULK_MEDIA_TYPE: "pgcopy"}  # as kept files are named
MAX_BATCH = 1000
SHA256 = re.compile(r"^[0-9a-f]{64}$")
_OPERATION = re.compile(r"^[a-z][a-z_]{0,39}$")
_SEQ = re.compile(r"^[0-9]{1,19}$")


def query_seq(request: Request, name: str) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return 0
    if not _SEQ.fullmatch(raw) or int(raw) > MAX_SEQ:
        raise invalid(f"{name} must be a ledger seq (a whole number, 0 for the beginning), got {raw!r}", name=name)
    return int(raw)


def _operations(request: Request) -> list[str] | None:
    raw = query_string(request, "operation")
    if raw is None:
        return None
    ops = sorted({o.strip() for o in raw.split(",")})
    if not all(_OPERATION.fullmatch(o) for o in ops):
        raise invalid("operation must be operation names separated by commas (e.g. correct,retract)",
                      name="operation")
    return ops


def _act(request: Request) -> str | None:
    raw = query_string(request, "act", max_len=64)
    if raw is not None and not ACT_ID.fullmatch(raw):
        raise invalid("act must be an act id (a ULID)", name="act")
    return raw


def _include_texts(request: Request) -> bool:
    raw = request.query_params.get("include")
    if raw not in (None, "texts"):
        raise invalid("include may only be 'texts'", name="include")
    return raw == "texts"


def _filters(request: Request) -> list[tuple[str, str]]:
    return [(k, v) for k, v in request.query_params.multi_items() if k in ("act", "operation")]


async def _page(request: Request, *, after: int, as_of: AsOf, limit: int, wait: float,
                operations: list[str] | None, act: str | None, texts: bool) -> tuple[list[FeedItem], int]:
    """Entries after `after`, waiting up to `wait` seconds for one; and the seq they were read up to."""
    pool, watcher = request.app.state.pool, request.app.state.watcher
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    upto = as_of.seq
    while True:
        items = await feed_store.change_items(pool, after=after, upto=upto, operations=operations, act=act,
                                              limit=limit, texts=texts)
        remaining = deadline - loop.time()
        if items or remaining <= 0 or as_of.pinned:
            return items, upto
        with waiting_without_work(request.scope):  # a long poll waiting holds no connection and does no work
            heard = await watcher.wait_beyond(max(upto, after), remaining)
        upto = await feed_store.head_seq(pool)
        if not heard:  # timed out (or shutting down): one last look, in case a notification was lost
            items = await feed_store.change_items(pool, after=after, upto=upto, operations=operations, act=act,
                                                  limit=limit, texts=texts)
            return items, upto


async def changes(request: Request) -> Response:
    after = query_seq(request, "after")
    limit = query_int(request, "limit", default=100, low=1, high=MAX_BATCH)
    wait = query_int(request, "wait", default=0, low=0, high=MAX_WAIT_S)
    operations, act, include = _operations(request), _act(request), _include_texts(request)
    as_of = await read_as_of(request)
    items, upto = await _page(request, after=after, as_of=as_of, limit=limit, wait=wait, operations=operations,
                              act=act, texts=include)
    if not as_of.pinned:
        as_of = AsOf(upto)
    texts: dict[str, str] = {}
    if include:
        texts = await feed_store.texts(request.app.state.pool, hashes=sorted({h for i in items for h in i.texts}))
    next_after = items[-1].seq if len(items) == limit else max(after, upto)
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "after"]
    next_url = "/v1/changes?" + urlencode([*params, ("after", str(next_after))])
    body = {"items": [_item(i, texts if include else None) for i in items], "next": next_url}
    return read_response(as_of, body, headers={"Link": f'<{next_url}>; rel="next"'})


def _item(item: FeedItem, texts: dict[str, str] | None) -> orjson.Fragment:
    """The entry's JSON as the database wrote it, never parsed here; with its texts as a last member."""
    if texts is None:
        return orjson.Fragment(item.json)
    own = orjson.dumps({h: texts[h] for h in item.texts if h in texts}).decode()
    return orjson.Fragment(f'{item.json[:-1]}, "texts" : {own}}}')


async def changes_atom(request: Request) -> Response:
    limit = query_int(request, "limit", default=50, low=1, high=500)
    operations, act = _operations(request), _act(request)
    as_of = await read_as_of(request)
    entries = await feed_store.latest(request.app.state.pool, upto=as_of.seq, operations=operations, act=act,
                                      limit=limit)
    filters = _filters(request)
    feed_id = "urn:lextime:changes" + ("?" + urlencode(filters) if filters else "")
    self_url = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    xml = atom_feed(entries, feed_id=feed_id, self_url=self_url, filters=filters,
                    updated=as_of.moment or datetime.now(UTC))
    return Response(xml, media_type="application/atom+xml; charset=utf-8", headers=read_headers(as_of))


def _sha256(value: str, name: str) -> str:
    if not SHA256.fullmatch(value):
        raise invalid(f"{name} must be a sha256: 64 lower-case hex digits", name=name)
    return value


async def get_text(request: Request) -> Response:
    sha = _sha256(request.path_params["sha256"], "sha256")
    found = await feed_store.texts(request.app.state.pool, hashes=[sha])
    if sha not in found:
        raise Problem(404, "text-not-found", f"no text is stored under {sha}")
    # Content-addressed: what is under a hash never changes.
    return json_response({"sha256": sha, "text": found[sha]},
                         headers={"ETag": f'"{sha}"', "Cache-Control": f"public, max-age={ONE_YEAR_S}, immutable"})


async def texts_batch(request: Request) -> Response:
    f = Fields(await read_json(request), allowed={"sha256"})
    asked = f.string_list("sha256", max_items=MAX_BATCH)
    if not asked:
        raise invalid("body.sha256 must list at least one content address", name="body.sha256")
    hashes = sorted({_sha256(h, "body.sha256") for h in asked})
    found = await feed_store.texts(request.app.state.pool, hashes=hashes)
    return json_response({"texts": {h: found[h] for h in hashes if h in found},
                          "missing": [h for h in hashes if h not in found]})


async def snapshot(request: Request) -> Response:
    media = negotiate(request.headers.get("accept"), SNAPSHOT_MEDIA_TYPES)
    form = SNAPSHOT_FORMS[media]
    recent = query_bool(request, "recent")
    if recent and "as_of" in request.query_params:
        raise invalid("recent and as_of exclude each other: with recent, the service chooses the seq", name="recent")
    as_of = await read_as_of(request)
    pool = request.app.state.pool
    kept: KeptSnapshots | None = request.app.state.kept_snapshots
    # A snapshot as of a seq never changes: the first one made is kept (service/kept.py). With `recent`, the
    # newest kept one answers, whatever its seq; a mirror follows the feed from there.
    newest = await _newest_kept(pool, kept, form, head=as_of.seq) if kept is not None and recent else None
    if request.method == "HEAD":
        return Response(media_type=media, headers=_snapshot_headers(as_of if newest is None else AsOf(newest.seq)))
    if kept is not None and newest is not None:
        answer = await _kept(request, kept, newest, media, AsOf(newest.seq))
        if answer is not None:
            return answer  # else pruned or damaged meanwhile: the head's, as without `recent`
    key = None
    if kept is not None:
        key = kept.key(form, as_of.seq, await feed_store.hash_at(pool, seq=as_of.seq))
        answer = await _kept(request, kept, key, media, as_of) if key != newest else None
        if answer is not None:
            return answer
    # Kept only when every fact up to the seq is projected: `lextime migrate` may still be writing the status
    # periods of a database upgraded with history, in a transaction this snapshot would not see.
    keeper = (kept.keeper(key) if kept is not None and key is not None
              and await statuses.projected_seq(pool) >= as_of.seq else None)
    slots: asyncio.Semaphore = request.app.state.snapshot_slots
    if slots.locked():  # each snapshot made holds a connection for its whole stream: a few at a time
        raise Problem(503, "snapshot-busy", "other snapshots are being streamed: retry later, or follow the feed",
                      headers={"Retry-After": "30"})
    await slots.acquire()
    slot = _Slot(slots)  # from here on, given back by the response whatever happens
    if media == BULK_MEDIA_TYPE:
        body = bulk_snapshot(pool, seq=as_of.seq, api_version=API_VERSION)
    else:
        body = _ndjson(snapshot_lines(pool, seq=as_of.seq, api_version=API_VERSION))
    if keeper is not None:
        body = keeping(body, keeper)
    return _SlotStream(_releasing(body, slot), slot, media_type=media,
                       headers={**_snapshot_headers(as_of), "X-Lextime-Snapshot": "made"})


def _snapshot_headers(as_of: AsOf) -> dict[str, str]:
    return {**read_headers(as_of), "Vary": "Accept, Accept-Encoding"}


async def _newest_kept(pool: asyncpg.Pool, kept: KeptSnapshots, form: str, *, head: int) -> SnapshotKey | None:
    """The kept snapshot of the highest seq up to `head` that is this ledger's (a folder may be shared by
    services of other databases: the hash at its seq must be the one it was made at), when it is recent: at
    most a tenth of the ledger or RECENT_BEHIND entries behind the head, whichever is more, and not the empty
    one of seq 0 (every ledger's). None if there is none such among the few newest."""
    behind = max(head // 10, RECENT_BEHIND)
    for key in [k for k in kept.newest(form) if 0 < k.seq <= head and head - k.seq <= behind][:NEWEST_LOOKED_AT]:
        if key.hash == await feed_store.hash_at(pool, seq=key.seq):
            return key
    return None


async def _kept(request: Request, kept: KeptSnapshots, key: SnapshotKey, media: str, as_of: AsOf) -> Response | None:
    """The kept snapshot of `key`, as of `as_of`: its file as it is, zstd-compressed, to a client that accepts
    zstd; else decompressed. None when it is not kept, or is found damaged before anything is sent (it is gone
    then)."""
    file = kept.opened(key)
    if file is None:
        return None
    headers = {**_snapshot_headers(as_of), "X-Lextime-Snapshot": "kept"}
    if accepts(request.headers.get("accept-encoding"), "zstd"):
        size = os.fstat(file.fileno()).st_size
        body = await compressed(file, kept, key)
        headers |= {"Content-Encoding": "zstd", "Content-Length": str(size)}
    else:
        body = await decompressed(file, kept, key)
    return None if body is None else StreamingResponse(body, media_type=media, headers=headers)


class _Slot:
    """One of the process's snapshot slots, held from the handler on; given back once, by whichever comes
    first: the stream's end or the response's (a response whose body never started holds none after)."""

    def __init__(self, slots: asyncio.Semaphore) -> None:
        self.slots = slots
        self.held = True  # taken by the caller

    def give_back(self) -> None:
        if self.held:
            self.held = False
            self.slots.release()


class _SlotStream(StreamingResponse):
    def __init__(self, body: AsyncIterator[bytes], slot: _Slot, **kwargs: Any) -> None:
        super().__init__(body, **kwargs)
        self.slot = slot

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.slot.give_back()


async def _releasing(chunks: AsyncGenerator[bytes, None], slot: _Slot) -> AsyncIterator[bytes]:
    """The stream, its snapshot slot (and connection) given back when it ends, fails or its client goes away."""
    try:
        async for chunk in chunks:
            yield chunk
    finally:
        slot.give_back()
        with anyio.CancelScope(shield=True):  # a client gone cancels the response: the cleanup still runs
            await chunks.aclose()


async def _ndjson(lines: AsyncIterator[dict[str, object] | orjson.Fragment]) -> AsyncGenerator[bytes, None]:
    buffer = bytearray()
    header = True
    async for line in lines:
        buffer += orjson.dumps(line)
        buffer += b"\n"
        if len(buffer) >= 256 * 1024 or header:  # the header line at once
            yield bytes(buffer)
            buffer.clear()
            header = False
    if buffer:
        yield bytes(buffer)
