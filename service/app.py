"""The Starlette application: routes, middleware, error handlers, and the lifespan that owns the pool."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import structlog
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from service.api import acts, akn, batch, editions, health, relations
from service.config import Settings
from service.domain.errors import DomainError
from service.errors import Problem, from_domain, problem_response
from service.middleware import RequestLog
from service.store.cache import ReadCache
from service.store.db import create_pool

log = structlog.get_logger("lextime.app")

Endpoint = Callable[[Request], Awaitable[Response]]


def route(path: str, **endpoints: Endpoint) -> Route:
    """One route per path, dispatching on the method, so that a 405 names every allowed method."""
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
    route("/akn/{path:path}", GET=akn.resolve),
    route("/v1/batch/text", POST=batch.batch_text),
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


def create_app(settings: Settings) -> Starlette:
    if not settings.database_url:
        raise RuntimeError("create_app needs settings.database_url (the CLI sets it for the embedded database)")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.pool = await create_pool(
            settings.database_url or "", min_size=settings.pool_min, max_size=settings.pool_max,
            statement_timeout_ms=settings.statement_timeout_ms, connect_timeout_s=settings.connect_timeout_s,
        )
        # The per-worker cache of point-in-time answers' facts, kept exact by the ledger (0 MB: none).
        app.state.read_cache = ReadCache(max_bytes=settings.cache_mb * 2**20) if settings.cache_mb else None
        log.info("service_started")
        try:
            yield
        finally:
            if app.state.read_cache is not None:
                await app.state.read_cache.close(app.state.pool)
            await app.state.pool.close()
            log.info("service_stopped")

    app = Starlette(
        routes=ROUTES,
        lifespan=lifespan,
        exception_handlers={
            Problem: _problem, DomainError: _domain, HTTPException: _http,
        },
    )
    app.state.settings = settings
    app.add_middleware(RequestLog)
    return app


def app_from_env() -> Starlette:
    """The factory uvicorn's workers call: settings from the environment, logging configured."""
    from service.logs import configure_logging

    settings = Settings.from_env()
    configure_logging(settings.log_format, settings.log_level)
    return create_app(settings)
