"""The Starlette application: routes, middleware, error handlers, and the lifespan that owns the pool."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import structlog
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from service.ahead import SnapshotsAhead
from service.api import (
    acts,
    akn,
    amendments,
    audit,
    batch,
    compare,
    corrections,
    editions,
    feed,
    health,
    history,
    imports,
    keys,
    relations,
    resolve,
    sources,
    timeline,
    units,
)
from service.api import metrics as metrics_route
from service.api.access import guarded
from service.api.contract import query_parameters
from service.api.lean import ROUTE as TEXT_ROUTE
from service.api.lean import LeanText
from service.caching import ConditionalGet
from service.checkpointer import sign_periodically
from service.config import Settings
from service.domain.errors import DomainError
from service.domain.ratelimit import Rate, RateLimiter
from service.errors import Problem, from_domain, problem_response
from service.kept import KeptSnapshots
from service.metrics import Metrics, MetricsMiddleware
from service.middleware import Cors, InFlightLimit, RequestLog, SecurityHeaders
from service.signing import load_signer
from service.store.cache import ReadCache
from service.store.db import create_pool
from service.store.listen import LedgerListener, LedgerWatcher

log = structlog.get_logger("lextime.app")

Endpoint = Callable[[Request], Awaitable[Response]]


def route(path: str, **endpoints: Endpoint) -> Route:
    """One route per path, dispatching on the method, so that a 405 names every allowed method; every
    endpoint guarded (rate limits, query parameters, private reads, deadline)."""
    endpoints = {method: guarded(path, method, endpoint) for method, endpoint in endpoints.items()}
    if len(endpoints) == 1:
        [(method, endpoint)] = endpoints.items()
        return Route(path, endpoint, methods=[method])

    async def dispatch(request: Request) -> Response:
        return await endpoints[request.method if request.method != "HEAD" else "GET"](request)

    return Route(path, dispatch, methods=list(endpoints), name=path)


ROUTES = [
    route("/healthz", GET=health.healthz),
    route("/readyz", GET=health.readyz),
    route("/v1/acts", GET=acts.list_acts, POST=acts.create_act),
    route("/v1/acts/{act_id}", GET=acts.get_act),
    route("/v1/acts/{act_id}/status", GET=acts.act_status),
    route("/v1/acts/{act_id}/text", GET=acts.act_text),
    route("/v1/acts/{act_id}/editions", GET=editions.list_editions, POST=editions.create_edition),
    route("/v1/acts/{act_id}/relations", GET=relations.list_relations),
    route("/v1/relations", POST=relations.create_relation),
    route("/v1/acts/{act_id}/amendments", GET=amendments.list_amendments, POST=amendments.create_amendment),
    route("/v1/acts/{act_id}/units/{unit_id}", GET=units.get_unit),
    route("/v1/acts/{act_id}/units/{unit_id}/versions", GET=units.get_versions),
    route("/v1/acts/{act_id}/toc", GET=units.get_toc),
    route("/v1/acts/{act_id}/compare", GET=compare.compare),
    route("/v1/acts/{act_id}/timeline", GET=timeline.timeline),
    route("/akn/{path:path}", GET=akn.resolve),
    route("/metrics", GET=metrics_route.metrics),
    route("/v1/keys", GET=keys.list_keys),
    route("/v1/keys/{name}/revoke", POST=keys.revoke_key),
    route("/v1/changes", GET=feed.changes),
    route("/v1/changes.atom", GET=feed.changes_atom),
    route("/v1/batch/text", POST=batch.batch_text),
    route("/v1/texts/batch", POST=feed.texts_batch),
    route("/v1/texts/{sha256}", GET=feed.get_text),
    route("/v1/snapshot", GET=feed.snapshot),
    route("/v1/corrections", POST=corrections.create_correction),
    route("/v1/retractions", POST=corrections.create_retraction),
    route("/v1/acts/{act_id}/ledger", GET=history.act_ledger),
    route("/v1/audit/verify", GET=audit.verify),
    route("/v1/audit/proof", GET=audit.proof),
    route("/v1/audit/checkpoints", GET=audit.list_checkpoints, POST=audit.create_checkpoint),
    route("/v1/audit/public-key", GET=audit.public_key),
    route("/v1/imports", POST=imports.create_import),
    route("/v1/sources/{sha256}", GET=sources.get_source_document),
    route("/v1/resolve", GET=resolve.resolve_citation),
]


async def _problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return problem_response(exc, instance=request.url.path)


async def _domain(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return problem_response(from_domain(exc), instance=request.url.path)


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
    detail = {404: f"nothing is at {request.url.path}",
              405: f"{request.method} is not allowed on {request.url.path}"}.get(exc.status_code, str(exc.detail))
    return problem_response(Problem(exc.status_code, slug, detail, headers=exc.headers), instance=request.url.path)


async def _close_pool(pool: asyncpg.Pool, settings: Settings) -> None:
    """Close the pool gracefully, or, when the database does not answer (a dead network), drop it."""
    try:
        await asyncio.wait_for(pool.close(), settings.connect_timeout_s + settings.statement_timeout_ms / 1000)
    except TimeoutError:
        pool.terminate()
        log.warning("pool_terminated", reason="the database did not answer the pool's close in time")


def create_limiter(settings: Settings, clock: Callable[[], float] = time.monotonic) -> RateLimiter:
    return RateLimiter({"write": Rate(settings.write_rate_per_minute, settings.rate_burst),
                        "expensive": Rate(settings.expensive_rate_per_minute, settings.rate_burst)}, clock=clock)


def create_app(settings: Settings) -> Starlette:
    if not settings.database_url:
        raise RuntimeError("create_app needs settings.database_url (the CLI sets it for the embedded database)")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.signer = load_signer(settings.signing_key_file, create=settings.signing_key_generate)
        app.state.pool = await create_pool(
            settings.app_database_url or settings.database_url or "", min_size=settings.pool_min, max_size=settings.pool_max,
            statement_timeout_ms=settings.statement_timeout_ms, connect_timeout_s=settings.connect_timeout_s,
        )
        app.state.watcher = LedgerWatcher()
        app.state.snapshot_slots = asyncio.Semaphore(feed.SNAPSHOTS_AT_ONCE)
        app.state.kept_snapshots = KeptSnapshots.open(settings.snapshot_folder, keep=settings.snapshots_kept)
        listener = LedgerListener(settings.database_url or "", app.state.watcher,
                                  connect_timeout_s=settings.connect_timeout_s)
        checkpoints: asyncio.Task[None] | None = None
        app.state.ahead = (SnapshotsAhead(app.state.pool, app.state.kept_snapshots, interval_s=settings.snapshot_ahead_s)
                           if app.state.kept_snapshots is not None and settings.snapshot_ahead_s > 0 else None)
        ahead: asyncio.Task[None] | None = None
        app.state.metrics.watch_pool(app.state.pool)
        # The per-worker cache of point-in-time answers' facts, kept exact by the ledger (0 MB: none).
        # It holds a connection of the pool for each head check in flight (two when the pool has room for
        # them and for the handlers, else one), so a pool of one connection has no cache.
        app.state.read_cache = (ReadCache(max_bytes=settings.cache_mb * 2**20, checks=2 if settings.pool_max >= 4 else 1)
                                if settings.cache_mb and settings.pool_max > 1 else None)
        try:
            await listener.start()
            if settings.checkpoint_interval_s > 0:
                checkpoints = asyncio.create_task(sign_periodically(
                    app.state.pool, app.state.signer, interval_s=settings.checkpoint_interval_s))
            if app.state.ahead is not None:
                ahead = asyncio.create_task(app.state.ahead.run())
            log.info("service_started")
            yield
        finally:
            await _stop_tasks([t for t in (checkpoints, ahead) if t is not None], settings.connect_timeout_s)
            await listener.close()
            if app.state.read_cache is not None:  # give its connection back, within the pool's close bound
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(app.state.read_cache.close(app.state.pool), settings.connect_timeout_s)
            await _close_pool(app.state.pool, settings)
            log.info("service_stopped")

    app = Starlette(
        routes=ROUTES,
        lifespan=lifespan,
        exception_handlers={
            Problem: _problem, DomainError: _domain, HTTPException: _http,
        },
    )
    app.state.settings = settings
    app.add_middleware(ConditionalGet, private=settings.private_reads)
    app.state.limiter = create_limiter(settings)
    app.state.metrics = Metrics()
    app.state.query_parameters = query_parameters()
    # Added innermost first: metrics, the lean path of text reads, the bound on requests in progress, CORS
    # (off unless origins are configured; outside the bound, so that a shed answer carries its headers too),
    # the request log (with the last-resort problem for unexpected errors), and the security headers on
    # everything, that one included.
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    if settings.lean_reads and not settings.private_reads and not settings.cors_origins:
        # Text reads answered here skip metrics' middleware (they count themselves), routing and the guard.
        app.add_middleware(LeanText, state=app.state, route=next(r for r in ROUTES if r.path == TEXT_ROUTE))
    if settings.max_in_flight:
        app.add_middleware(InFlightLimit, limit=settings.max_in_flight, metrics=app.state.metrics)
    if settings.cors_origins:
        app.add_middleware(
            Cors, allow_origins=list(settings.cors_origins), allow_methods=["GET", "HEAD", "POST"],
            allow_headers=["Authorization", "Content-Type", "If-None-Match", "If-Match", "X-Request-Id"],
            expose_headers=["ETag", "Link", "Location", "Retry-After", "X-Request-Id", "X-Lextime-Api-Version",
                            "X-Lextime-Status", "Content-Location"],
            max_age=600,
        )
    app.add_middleware(RequestLog)
    app.add_middleware(SecurityHeaders)
    return app


# The cyclic collector's young generation is collected after this many net allocations (Python's default:
# 700); the older two as by default.
GC_THRESHOLDS = (10_000, 10, 10)


# glibc's mallopt parameters, and the sizes a serving worker sets them to (see settle_allocator).
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_ARENA_MAX = -1, -3, -8
MMAP_THRESHOLD_BYTES = 128 * 1024
TRIM_THRESHOLD_BYTES = 256 * 1024
ARENAS = 1  # the event loop's thread allocates nearly everything; the threads that keep snapshots share its heap


async def _stop_tasks(tasks: list[asyncio.Task[None]], timeout_s: float) -> None:
    """Cancel the lifespan's background tasks and wait for them, at most `timeout_s` (a make stuck on a dead
    network must not hold the shutdown); a task that had ended with an error is logged, never raised."""
    for task in tasks:
        task.cancel()
    if not tasks:
        return
    done, pending = await asyncio.wait(tasks, timeout=timeout_s)
    for task in done:
        if not task.cancelled() and task.exception() is not None:
            log.error("background_task_failed", task=task.get_name(), error=repr(task.exception()))
    if pending:
        log.warning("background_tasks_not_stopped", tasks=[t.get_name() for t in pending])


def settle_allocator() -> bool:
    """Keep a serving worker's heap from growing with its largest transient buffers (glibc only; elsewhere
    nothing is changed and False is returned). glibc grows the heap for a request it cannot serve from free
    memory unless the request is at least the mmap threshold, in which case the block is mapped on its own
    and unmapped when freed; and it gives free memory at the heap's top back above the trim threshold. Both
    thresholds rise by default with every mapped block freed (to its size, up to 32 MB, and twice that):
    after the first feed page or large comparison, buffers of hundreds of KB grow the heap between the read
    cache's long-lived values, and the heap is no longer trimmed. Fixed (mmap at glibc's starting 128 KB,
    trim at twice that), they stay there (worker RSS after the bench's steady loads, measured per
    workload: 162 → 140–148 MB). And each thread that allocates would get a heap (an arena) of its own, up to
    eight per core, each keeping what it freed: the threads that compress and check kept snapshots now share
    the one heap (the worker that served the bench's snapshots: 75.1–81.6 → 74.4–76.5 MB)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):  # not glibc (musl has no mallopt)
        return False
    return all(mallopt(param, value) for param, value in ((M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES),
                                                          (M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES), (M_ARENA_MAX, ARENAS)))


def settle_collector() -> None:
    """Tune a serving worker's garbage collector for a steady load. A full pass scans every tracked object
    of the process, the read cache's included: under the fixed-rate text load each took 100–750 ms, the
    requests that came meanwhile waiting behind it, and they were most of the slow 1 %. At the default
    young threshold of 700 a worker ran a young collection every ~50 requests and a full one every few
    seconds; at 10,000 none ran in 10 s of that load (a request's own objects are gone before the next
    young collection, so few are promoted). The objects made at start-up (modules, routes, the app) are
    frozen out of every pass."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def app_from_env() -> Starlette:
    """The factory uvicorn's workers call: settings from the environment, logging configured, the
    collector and the allocator settled (after every import the app makes)."""
    from service.logs import configure_logging

    settings = Settings.from_env()
    configure_logging(settings.log_format, settings.log_level)
    app = create_app(settings)
    settle_collector()
    settle_allocator()
    return app
