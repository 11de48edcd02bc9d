"""The bulk snapshot's framing: JSON lines that a client reads one at a time, some followed by raw bytes
(a piece of a table's `COPY` output) whose length the line names, so that the sections are split without
reading a row.

    {"kind": "snapshot", ..., "copy": "binary"}           the NDJSON snapshot's header, and the COPY format
    {"kind": "section", "table": T, "columns": [...]}     a table's section starts
    {"kind": "data", "bytes": N} + N bytes                 a piece of its COPY output (repeated)
    {"kind": "section_end", "table": T, "rows": R}        the rows COPY wrote
    {"kind": "end", ...}                                   the NDJSON snapshot's end line
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson

from service.domain.errors import Invalid

BULK_MEDIA_TYPE = "application/vnd.lextime.snapshot.pgcopy"
COPY_FORMAT = "binary"
MAX_LINE = 1 << 20  # a frame's line is small; a longer one is not this format
MAX_DATA = 1 << 24  # and a piece of data at most 16 MiB (the server sends ≈ 256 KiB)


def frame(line: dict[str, Any], data: bytes = b"") -> bytes:
    """One frame: the line, and the data its `bytes` member announces."""
    return orjson.dumps(line) + b"\n" + data


def data_frame(data: bytes) -> bytes:
    return frame({"kind": "data", "bytes": len(data)}, data)


class Frames:
    """Reads frames from a byte stream as its chunks arrive; copies each byte of data at most once."""

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = bytearray()
        self._at = 0
        self.rows = -1  # the rows the last section_end announced

    async def _fill(self) -> bool:
        chunk = await anext(self._chunks, None)
        if chunk is None:
            return False
        if self._at:
            del self._buffer[:self._at]
            self._at = 0
        self._buffer += chunk
        return True

    async def line(self) -> dict[str, Any]:
        """The next line, decoded; a stream that ends before it was cut short."""
        while (end := self._buffer.find(b"\n", self._at)) < 0:
            if len(self._buffer) - self._at > MAX_LINE:
                raise Invalid("the snapshot has a line too long for its format: not a bulk snapshot")
            if not await self._fill():
                raise Invalid("the snapshot ended before its last line: it was cut short")
        raw, self._at = bytes(self._buffer[self._at:end]), end + 1
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise Invalid("the snapshot has a line that is not JSON: not a bulk snapshot") from None
        if not isinstance(value, dict):
            raise Invalid("the snapshot has a line that is not a JSON object: not a bulk snapshot")
        return value

    async def _data(self, size: int) -> AsyncIterator[bytes]:
        """`size` bytes, in the pieces they arrive in."""
        while size > 0:
            if self._at >= len(self._buffer):
                chunk = await anext(self._chunks, None)
                if chunk is None:
                    raise Invalid("the snapshot ended inside a section: it was cut short")
                self._buffer.clear()
                self._at = 0
                if len(chunk) <= size:  # all of it is data: passed on as it came
                    size -= len(chunk)
                    yield chunk
                    continue
                self._buffer += chunk
            piece = bytes(self._buffer[self._at:self._at + size])
            self._at += len(piece)
            size -= len(piece)
            yield piece

    async def section(self, table: str) -> AsyncIterator[bytes]:
        """The data of the section of `table` that has just started, up to its section_end (whose row count
        is then in `rows`)."""
        self.rows = -1
        while True:
            line = await self.line()
            kind = line.get("kind")
            if kind == "section_end":
                rows = line.get("rows")
                if line.get("table") != table or not isinstance(rows, int) or isinstance(rows, bool):
                    raise Invalid(f"the snapshot's section {table} ends with a malformed line")
                self.rows = rows
                return
            size = line.get("bytes")
            if kind != "data" or not isinstance(size, int) or isinstance(size, bool) or not 0 < size <= MAX_DATA:
                raise Invalid(f"the snapshot's section {table} has a malformed line (kind {kind!r})")
            async for piece in self._data(size):
                yield piece
