"""The ledger's exchange form: an entry as JSON, exactly the fields its hash covers plus the hash, so that
a mirror can recompute every hash from what it receives; and the lines of a snapshot."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from service.domain.errors import Invalid
from service.domain.ledger import LedgerEntry, format_recorded_at

SNAPSHOT_FORMAT = 1
_HASH = re.compile(r"^[0-9a-f]{64}$")
_RECORDED_AT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


def entry_json(e: LedgerEntry) -> dict[str, Any]:
    return {"seq": e.seq, "recorded_at": format_recorded_at(e.recorded_at), "actor": e.actor,
            "operation": e.operation, "payload": e.payload, "prev_hash": e.prev_hash, "hash": e.hash}


def entry_from_json(value: Any) -> LedgerEntry:
    """An entry received from another Lextime, checked for shape (its hash is checked by the chain)."""
    if not isinstance(value, dict):
        raise Invalid("a ledger entry is a JSON object")
    seq, at = value.get("seq"), value.get("recorded_at")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise Invalid(f"entry seq must be a positive whole number, got {seq!r}")
    if not isinstance(at, str) or not _RECORDED_AT.fullmatch(at):
        raise Invalid(f"entry {seq}: recorded_at must look like 2024-01-01T00:00:00.000000Z, got {at!r}")
    for name in ("actor", "operation"):
        if not isinstance(value.get(name), str) or not value[name]:
            raise Invalid(f"entry {seq}: {name} must be a non-empty string")
    for name in ("prev_hash", "hash"):
        if not isinstance(value.get(name), str) or not _HASH.fullmatch(value[name]):
            raise Invalid(f"entry {seq}: {name} must be 64 hex digits")
    if not isinstance(value.get("payload"), dict):
        raise Invalid(f"entry {seq}: payload must be a JSON object")
    recorded_at = datetime.fromisoformat(at)
    return LedgerEntry(seq, recorded_at, value["actor"], value["operation"], value["payload"], value["prev_hash"],
                       value["hash"])


def snapshot_header(*, seq: int, hash: str, api_version: str, tables: dict[str, list[str]]) -> dict[str, Any]:
    return {"kind": "snapshot", "format": SNAPSHOT_FORMAT, "api_version": api_version, "seq": seq, "hash": hash,
            "tables": tables}


def snapshot_end(*, seq: int, hash: str, entries: int, texts: int, rows: dict[str, int]) -> dict[str, Any]:
    return {"kind": "end", "seq": seq, "hash": hash, "counts": {"entries": entries, "texts": texts, "rows": rows}}


class Lines:
    """Splits a byte stream of NDJSON into its non-empty lines as the chunks arrive, copying each byte once."""

    def __init__(self) -> None:
        self._partial = bytearray()

    def feed(self, chunk: bytes) -> list[bytes]:
        head, newline, tail = chunk.rpartition(b"\n")
        if not newline:
            self._partial += chunk
            return []
        self._partial += head
        lines = [line for line in self._partial.split(b"\n") if line]
        self._partial = bytearray(tail)
        return [bytes(line) for line in lines]

    def end(self) -> list[bytes]:
        """The last line, when the stream did not end with a newline."""
        rest, self._partial = bytes(self._partial), bytearray()
        return [rest] if rest else []
