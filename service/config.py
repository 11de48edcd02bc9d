"""Settings read once from the environment; a bad value stops start-up with a message naming the variable."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = Path(os.environ.get("LEXTIME_SQL_DIR", ROOT / "sql"))


class ConfigError(Exception):
    """A setting is missing or malformed."""


def _int(env: Mapping[str, str], name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be positive, got {value}")
    return value


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its environment."""

    database_url: str | None
    data_dir: Path
    pool_min: int
    pool_max: int
    statement_timeout_ms: int
    connect_timeout_s: float
    max_body_bytes: int
    log_format: str
    log_level: str
    cache_mb: int = 64

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        log_format = env.get("LEXTIME_LOG_FORMAT", "auto")
        if log_format not in ("auto", "json", "console"):
            raise ConfigError(f"LEXTIME_LOG_FORMAT must be auto, json or console, got {log_format!r}")
        log_level = env.get("LEXTIME_LOG_LEVEL", "info").lower()
        if log_level not in ("debug", "info", "warning", "error"):
            raise ConfigError(f"LEXTIME_LOG_LEVEL must be debug, info, warning or error, got {log_level!r}")
        settings = cls(
            database_url=env.get("DATABASE_URL") or None,
            data_dir=Path(env.get("LEXTIME_DATA_DIR", ".lextime")).expanduser(),
            pool_min=_int(env, "LEXTIME_POOL_MIN", 1, minimum=0),
            pool_max=_int(env, "LEXTIME_POOL_MAX", 10, minimum=1),
            statement_timeout_ms=_int(env, "LEXTIME_STATEMENT_TIMEOUT_MS", 5000, minimum=1),
            connect_timeout_s=_float(env, "LEXTIME_CONNECT_TIMEOUT_S", 5.0),
            max_body_bytes=_int(env, "LEXTIME_MAX_BODY_BYTES", 10 * 1024 * 1024, minimum=1024),
            log_format=log_format,
            log_level=log_level,
            cache_mb=_int(env, "LEXTIME_CACHE_MB", 64, minimum=0),
        )
        if settings.pool_min > settings.pool_max:
            raise ConfigError("LEXTIME_POOL_MIN must not exceed LEXTIME_POOL_MAX")
        return settings

    def with_database(self, url: str) -> Settings:
        """The same settings pointed at another database (the embedded one, or a test database)."""
        return Settings(**{**self.__dict__, "database_url": url})
