"""Reading requests strictly: JSON bodies within limits, known fields only, typed query parameters."""

from __future__ import annotations

import base64
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
from starlette.requests import Request

from service.domain.asof import parse_as_of
from service.domain.dates import parse_date, today_in
from service.domain.model import AKN_LANGUAGES, LANGUAGES
from service.errors import Problem
from service.store import feed as feed_store

MAX_STRING = 10_000_000
ACT_ID = re.compile(r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$")
MAX_DEPTH = 32
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def invalid(detail: str, *, name: str | None = None, slug: str = "invalid-request") -> Problem:
    params = [{"name": name, "reason": detail}] if name else None
    return Problem(400, slug, detail, invalid_params=params)


def _too_large(limit: int) -> Problem:
    return Problem(413, "body-too-large", f"the request body is over the limit of {limit} bytes")


async def read_body(request: Request) -> bytes:
    """The raw request body, refused (413) past the configured limit (declared or streamed)."""
    limit: int = request.app.state.settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json(request: Request) -> Any:
    """The request body as JSON: refused when too large (413), not JSON (400) or nested too deep."""
    body = await read_body(request)
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise Problem(400, "malformed-json", f"the request body is not valid JSON: {exc}") from None
    _check_shape(value, 0)
    return value


def _check_shape(value: Any, depth: int, path: str = "body") -> None:
    if depth > MAX_DEPTH:
        raise Problem(400, "malformed-json", f"the request body is nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, dict):
        for k, v in value.items():
            _check_string(k, path)
            _check_shape(v, depth + 1, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_shape(v, depth + 1, f"{path}[{i}]")
    elif isinstance(value, str):
        _check_string(value, path)


def _check_string(value: str, path: str) -> None:
    if len(value) > MAX_STRING:
        raise Problem(400, "string-too-long", f"{path} is over {MAX_STRING} characters",
                      invalid_params=[{"name": path, "reason": "too long"}])
    if "\x00" in value:
        raise invalid(f"{path} contains a NUL character", name=path)


class Fields:
    """Typed access to a JSON object's members, refusing members it does not know."""

    def __init__(self, value: Any, *, allowed: set[str], where: str = "body") -> None:
        if not isinstance(value, dict):
            raise invalid(f"{where} must be a JSON object", name=where)
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise Problem(400, "unknown-fields", f"{where} has fields Lextime does not know: {', '.join(unknown)}",
                          invalid_params=[{"name": f"{where}.{u}", "reason": "unknown field"} for u in unknown])
        self.value: dict[str, Any] = value
        self.where = where

    def _name(self, key: str) -> str:
        return f"{self.where}.{key}"

    def _invalid(self, key: str, reason: str) -> Problem:
        """A 400 naming the member `key` and what is wrong with it."""
        return invalid(f"{self._name(key)} {reason}", name=self._name(key))

    def _member(self, key: str, *, required: bool) -> Any:
        """The member's value, None when it is absent or null; refused when it is required."""
        v = self.value.get(key)
        if v is None and required:
            raise self._invalid(key, "is required")
        return v

    def get(self, key: str) -> Any:
        return self.value.get(key)

    def string(self, key: str, *, required: bool = False, max_len: int = 2000, identifier: bool = False) -> str | None:
        v = self._member(key, required=required)
        if v is None:
            return None
        if not isinstance(v, str):
            raise self._invalid(key, "must be a string")
        v = unicodedata.normalize("NFC", v)
        if required and not v.strip():
            raise self._invalid(key, "must not be empty")
        if len(v) > max_len:
            raise self._invalid(key, f"is longer than {max_len} characters")
        if identifier and (_CONTROL.search(v) or v != v.strip()):
            raise self._invalid(key, "must not contain control characters or surrounding spaces")
        return v

    def required_string(self, key: str, **kwargs: Any) -> str:
        value = self.string(key, required=True, **kwargs)
        assert value is not None
        return value

    def date(self, key: str, *, required: bool = False) -> date | None:
        v = self._member(key, required=required)
        if v is None:
            return None
        if not isinstance(v, str):
            raise self._invalid(key, "must be a date string YYYY-MM-DD")
        return parse_date(v, field=self._name(key))

    def boolean(self, key: str, *, default: bool) -> bool:
        v = self.value.get(key, default)
        if not isinstance(v, bool):
            raise self._invalid(key, "must be true or false")
        return v

    def obj(self, key: str, *, allowed: set[str], required: bool = False) -> Fields | None:
        v = self._member(key, required=required)
        if v is None:
            return None
        return Fields(v, allowed=allowed, where=self._name(key))

    def string_list(self, key: str, *, max_items: int = 1000) -> list[str]:
        v = self.value.get(key)
        if v is None:
            return []
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            raise self._invalid(key, "must be a list of non-empty strings")
        if len(v) > max_items:
            raise self._invalid(key, f"has more than {max_items} items")
        return [unicodedata.normalize("NFC", x) for x in v]


def language(value: str, *, field: str = "lang") -> str:
    """A language code: two-letter (kk, ru, en) or the AKN three-letter form (kaz, rus, eng)."""
    code = AKN_LANGUAGES.get(value, value)
    if code not in LANGUAGES:
        known = ", ".join([*LANGUAGES, *AKN_LANGUAGES])
        raise Problem(400, "unknown-language", f"{field} {value!r} is not a language Lextime knows ({known})",
                      invalid_params=[{"name": field, "reason": "unknown language"}])
    return code


def query_date(request: Request, name: str = "date") -> date | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    return parse_date(raw, field=name)


def query_int(request: Request, name: str, *, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not re.fullmatch(r"\d{1,9}", raw) or not low <= int(raw) <= high:
        raise invalid(f"{name} must be a whole number from {low} to {high}, got {raw!r}", name=name)
    return int(raw)


def query_string(request: Request, name: str, *, max_len: int = 500) -> str | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if len(raw) > max_len or _CONTROL.search(raw):
        raise invalid(f"{name} must be at most {max_len} characters without control characters", name=name)
    return unicodedata.normalize("NFC", raw)


def query_bool(request: Request, name: str) -> bool:
    """A boolean query parameter: `true` or `false` (absent: false)."""
    raw = request.query_params.get(name)
    if raw is None or raw == "false":
        return False
    if raw == "true":
        return True
    raise invalid(f"{name} must be true or false, got {raw[:40]!r}", name=name)


def encode_cursor(last_id: str) -> str:
    return base64.urlsafe_b64encode(orjson.dumps({"after": last_id})).decode().rstrip("=")


def decode_cursor(raw: str | None) -> str:
    if raw is None:
        return ""
    try:
        value = orjson.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        after = value["after"]
        if not isinstance(after, str) or not ACT_ID.match(after):
            raise TypeError
        return after
    except (ValueError, TypeError, KeyError, orjson.JSONDecodeError):
        raise invalid("cursor is not one Lextime gave out", name="cursor", slug="invalid-cursor") from None


MAX_SEQ = 2**63 - 1


def query_seq(request: Request, name: str) -> int | None:
    """A ledger sequence number (`as_of`, `after`): digits only, 0 to 2^63−1, no sign, no spaces."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not re.fullmatch(r"[0-9]{1,19}", raw) or int(raw) > MAX_SEQ:
        raise invalid(f"{name} must be a ledger sequence number (0 to {MAX_SEQ}), got {raw[:40]!r}", name=name)
    return int(raw)
# -- transaction time ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AsOf:
    """The transaction time a read answers at: the ledger seq it reflects, and what the client asked."""

    seq: int
    given: str | None = None  # the `as_of` the client sent, echoed in the answer
    moment: datetime | None = None  # the timestamp asked for, or when entry `seq` was recorded

    @property
    def pinned(self) -> bool:
        """An answer at a past `as_of` never changes (later entries all have higher seqs and later times)."""
        return self.given is not None

    def today(self, jurisdiction: str) -> date:
        """The default `date`: the `as_of` day in the jurisdiction; today without `as_of`."""
        return today_in(jurisdiction, now=self.moment)


async def read_as_of(request: Request) -> AsOf:
    """The `as_of` of a read: an RFC 3339 timestamp (the highest seq recorded at or before it) or a seq;
    without it, the head (so that every query of the request sees the same state). A timestamp or seq
    beyond what is recorded is refused: the service cannot answer as it will know things later."""
    pool = request.app.state.pool
    raw = request.query_params.get("as_of")
    if raw is None:
        # The worker's read cache, when there is one, is brought up to the head as it is read (one check
        # shared by the requests that arrive together), so every answer at that seq may use it.
        cache = getattr(request.app.state, "read_cache", None)
        return AsOf(await cache.pin(pool) if cache is not None else await feed_store.head_seq(pool))
    asked = parse_as_of(raw)
    if asked.moment is not None:
        seq, now = await feed_store.seq_at(pool, moment=asked.moment)
        if asked.moment > now:
            raise _future(f"as_of {raw} is later than the service's clock ({now.isoformat()})")
        return AsOf(seq, raw, asked.moment)
    assert asked.seq is not None
    recorded_at, head = await feed_store.seq_time(pool, seq=asked.seq)
    if asked.seq > head:
        raise _future(f"as_of {raw} is beyond the newest ledger entry ({head})")
    return AsOf(asked.seq, raw, recorded_at)


def _future(detail: str) -> Problem:
    return Problem(400, "as-of-in-future", detail, invalid_params=[{"name": "as_of", "reason": detail}])
