"""Ledger entries and their hash chain: RFC 8785 canonical JSON, sha256, each entry naming the one before."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
import rfc8785

GENESIS_HASH = "0" * 64
OPERATIONS = ("create_act", "add_edition", "add_relation", "amend_units", "correct", "retract", "checkpoint",
              "import_document")


def format_recorded_at(moment: datetime) -> str:
    """The one textual form of a recorded_at that enters the hash: UTC, microseconds, 'Z'."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class LedgerEntry:
    seq: int
    recorded_at: datetime
    actor: str
    operation: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str

    def hashed_fields(self) -> dict[str, Any]:
        return hashed_fields(self.seq, self.recorded_at, self.actor, self.operation, self.payload, self.prev_hash)


def hashed_fields(
    seq: int, recorded_at: datetime, actor: str, operation: str, payload: dict[str, Any], prev_hash: str
) -> dict[str, Any]:
    return {
        "seq": seq,
        "recorded_at": format_recorded_at(recorded_at),
        "actor": actor,
        "operation": operation,
        "payload": payload,
        "prev_hash": prev_hash,
    }


def canonical_json(value: Any) -> bytes:
    """RFC 8785. For the values ledger payloads hold (strings, whole numbers within ±(2^53 − 1), booleans,
    null, lists, objects whose keys have no character beyond U+FFFF) orjson with sorted keys writes the same
    bytes, much faster: the same escapes, UTF-8 otherwise, and key order by code point, which is the UTF-16
    order RFC 8785 asks for when no key needs a surrogate pair. Anything else (a number with a fraction or
    an exponent, such a key, a value orjson refuses) goes to the reference implementation."""
    if _plain(value):
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:
            pass
    return rfc8785.dumps(value)


_SAFE_INT = 2**53 - 1
_LAST_BMP = "\uffff"


def _plain(value: Any) -> bool:
    """Whether every value inside `value` is one orjson writes as RFC 8785 does. Walked with a stack, not by
    recursion: it runs over every payload hashed (writes, the chain's checks, a mirror's load), and a payload
    is mostly strings — hundreds of them in an edition — for which the loop's one type test is all."""
    stack = [value]
    pop, extend = stack.pop, stack.extend
    while stack:
        v = pop()
        kind = type(v)
        if kind is str or v is None or kind is bool:
            continue
        if kind is dict:
            for k in v:
                if type(k) is not str or not (k.isascii() or max(k) <= _LAST_BMP):
                    return False
            extend(v.values())
        elif kind is list:
            extend(v)
        elif kind is not int or not -_SAFE_INT <= v <= _SAFE_INT:
            return False
    return True


def entry_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(fields)).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def verify_chain(entries: list[LedgerEntry], *, prev_hash: str = GENESIS_HASH, prev_seq: int = 0) -> ChainBreak | None:
    """The first entry that does not follow from the one before it, or None when the chain holds."""
    for e in entries:
        if e.seq != prev_seq + 1:
            return ChainBreak(e.seq, f"expected seq {prev_seq + 1}")
        if e.prev_hash != prev_hash:
            return ChainBreak(e.seq, "prev_hash does not match the previous entry's hash")
        if entry_hash(e.hashed_fields()) != e.hash:
            return ChainBreak(e.seq, "hash does not match the entry's content")
        prev_hash, prev_seq = e.hash, e.seq
    return None
