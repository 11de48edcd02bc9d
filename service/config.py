"""Settings read once from the environment; a bad value stops start-up with a message naming the variable."""

from __future__ import annotations

import math
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


def _float(env: Mapping[str, str], name: str, default: float, *, zero: bool = False) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero):
        raise ConfigError(f"{name} must be {'zero or ' if zero else ''}positive, got {raw!r}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = env.get(name, "").strip().lower() or default
    if raw not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw


def _origins(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Comma-separated origins such as https://portal.gov.kz; `*` allows any; empty turns CORS off."""
    origins = tuple(o.strip().rstrip("/") for o in env.get(name, "").split(",") if o.strip())
    for origin in origins:
        if origin != "*" and not origin.startswith(("http://", "https://")):
            raise ConfigError(f"{name} must list origins such as https://example.org, got {origin!r}")
    return origins


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
    signing_key_file: Path
    signing_key_generate: bool  # create the key when absent (only at the default place in the data folder)
    checkpoint_interval_s: float  # 0: no periodic checkpoints
    # Access, limits and exposure (see README "Operating Lextime").
    app_database_url: str | None = None
    private_reads: bool = False
    write_rate_per_minute: int = 600
    expensive_rate_per_minute: int = 300
    rate_burst: int = 30
    request_timeout_s: float = 30.0
    metrics: str = "protected"
    cors_origins: tuple[str, ...] = ()
    cache_mb: int = 48  # each worker at about 150 MB RSS after the bench's loads (docs/performance.md)
    lean_reads: bool = True  # cached text reads answered without the middleware stack (service/api/lean.py)
    max_in_flight: int = 256  # requests in progress per worker; more: 503 overloaded (0: no bound)
    snapshot_dir: Path | None = None  # where snapshots are kept (service/kept.py); None: the data folder's
    snapshots_kept: int = 2  # per form, the most recently used (0: none kept, each one made afresh)
    snapshot_ahead_s: float = 60.0  # the bulk snapshot at a moved head made ahead this often (service/ahead.py; 0: never)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        log_format = env.get("LEXTIME_LOG_FORMAT", "auto")
        if log_format not in ("auto", "json", "console"):
            raise ConfigError(f"LEXTIME_LOG_FORMAT must be auto, json or console, got {log_format!r}")
        log_level = env.get("LEXTIME_LOG_LEVEL", "info").lower()
        if log_level not in ("debug", "info", "warning", "error"):
            raise ConfigError(f"LEXTIME_LOG_LEVEL must be debug, info, warning or error, got {log_level!r}")
        data_dir = Path(env.get("LEXTIME_DATA_DIR", ".lextime")).expanduser()
        key_file = env.get("LEXTIME_SIGNING_KEY_FILE") or None
        settings = cls(
            database_url=env.get("DATABASE_URL") or None,
            data_dir=data_dir,
            pool_min=_int(env, "LEXTIME_POOL_MIN", 1, minimum=0),
            pool_max=_int(env, "LEXTIME_POOL_MAX", 10, minimum=1),
            statement_timeout_ms=_int(env, "LEXTIME_STATEMENT_TIMEOUT_MS", 5000, minimum=1),
            connect_timeout_s=_float(env, "LEXTIME_CONNECT_TIMEOUT_S", 5.0),
            max_body_bytes=_int(env, "LEXTIME_MAX_BODY_BYTES", 10 * 1024 * 1024, minimum=1024),
            log_format=log_format,
            log_level=log_level,
            signing_key_file=Path(key_file).expanduser() if key_file else data_dir / "signing-key.pem",
            signing_key_generate=key_file is None,
            checkpoint_interval_s=_float(env, "LEXTIME_CHECKPOINT_INTERVAL_S", 3600.0, zero=True),
            app_database_url=env.get("LEXTIME_APP_DATABASE_URL") or None,
            private_reads=_bool(env, "LEXTIME_PRIVATE_READS", False),
            write_rate_per_minute=_int(env, "LEXTIME_WRITE_RATE_PER_MINUTE", 600, minimum=0),
            expensive_rate_per_minute=_int(env, "LEXTIME_EXPENSIVE_RATE_PER_MINUTE", 300, minimum=0),
            rate_burst=_int(env, "LEXTIME_RATE_BURST", 30, minimum=1),
            request_timeout_s=_float(env, "LEXTIME_REQUEST_TIMEOUT_S", 30.0),
            metrics=_choice(env, "LEXTIME_METRICS", "protected", ("public", "protected", "off")),
            cors_origins=_origins(env, "LEXTIME_CORS_ORIGINS"),
            cache_mb=_int(env, "LEXTIME_CACHE_MB", 48, minimum=0),
            lean_reads=_bool(env, "LEXTIME_LEAN_READS", True),
            max_in_flight=_int(env, "LEXTIME_MAX_IN_FLIGHT", 256, minimum=0),
            snapshot_dir=Path(env["LEXTIME_SNAPSHOT_DIR"]).expanduser() if env.get("LEXTIME_SNAPSHOT_DIR") else None,
            snapshots_kept=_int(env, "LEXTIME_SNAPSHOTS_KEPT", 2, minimum=0),
            snapshot_ahead_s=_float(env, "LEXTIME_SNAPSHOT_AHEAD_S", 60.0, zero=True),
        )
        if settings.pool_min > settings.pool_max:
            raise ConfigError("LEXTIME_POOL_MIN must not exceed LEXTIME_POOL_MAX")
        return settings

    @property
    def snapshot_folder(self) -> Path:
        return self.snapshot_dir or self.data_dir / "snapshots"

    def with_database(self, url: str) -> Settings:
        """The same settings pointed at another database (the embedded one, or a test database)."""
        return Settings(**{**self.__dict__, "database_url": url})
