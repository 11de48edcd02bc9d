"""Kept snapshots. A snapshot as of a seq never changes: the ledger is append-only and every fact row carries
the seqs it was recorded and superseded at. So the first snapshot made at a seq is kept in a file of the
service's data folder, compressed with zstd, and the next request for that seq (the head, until the next
write) is answered from the file instead of PostgreSQL producing the same state again.

A file is named by everything its bytes depend on: the form, the seq, the hash of the newest entry up to
it (which chains every entry before it, so two ledgers never share a name) and the schema — the migrations
and the code and formats of this version of Lextime that write snapshots. It is one zstd frame followed by
a skippable frame holding the sha256 of the first; it is written to a temporary name, flushed to disk and
renamed into place only once the stream it copies has ended whole. Every answer from it checks the digest
as it goes (much cheaper than decoding), and a file found damaged is removed at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import os
import re
import secrets
import threading
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import anyio
import structlog
import zstandard

from service import API_VERSION, __version__
from service.config import SQL_DIR
from service.domain.bulk import COPY_FORMAT
from service.domain.exchange import SNAPSHOT_FORMAT
from service.store.migrate import load_migrations

log = structlog.get_logger("lextime.kept")

SUFFIX = ".zst"
LEVEL = 1  # 0.15 of the bytes at ≈ 800 MB/s; higher levels took 5× the time for no smaller file
READ_BYTES = 1024 * 1024
STALE_S = 3600.0  # a temporary file this old was left by a process that stopped mid-write
_SKIPPABLE = 0x184D2A5C  # one of zstd's skippable frame magic numbers
_TRAILER_TAG = b"lextime-sha256:"
TRAILER_BYTES = 8 + len(_TRAILER_TAG) + 32
SERVICE = Path(__file__).resolve().parent
_SNAPSHOT_CODE = ("store/snapshot.py", "store/bulk_snapshot.py", "domain/exchange.py", "domain/bulk.py", "api/feed.py",
                  "kept.py")
_NAME = re.compile(r"^(?P<form>[a-z]+)-(?P<seq>[0-9]{20})-(?P<hash>[0-9a-f]{64})-(?P<schema>[0-9a-f]{16})\.zst$")
_MAKING = ".making.lock"


def schema_digest() -> str:
    """What a snapshot's bytes depend on beyond the ledger: the migrations (tables and their columns), the
    code and queries that write snapshots, the snapshot and COPY formats, the API and Lextime versions."""
    parts = [f"{m.name}:{m.checksum}" for m in load_migrations()]
    sources = [*(SERVICE / p for p in _SNAPSHOT_CODE), *sorted((SQL_DIR / "queries").glob("*.sql"))]
    parts += [f"{p.name}:{hashlib.sha256(p.read_bytes()).hexdigest()}" for p in sources]
    parts += [f"format:{SNAPSHOT_FORMAT}", f"copy:{COPY_FORMAT}", f"api:{API_VERSION}", f"lextime:{__version__}"]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SnapshotKey:
    form: str  # "ndjson" or "pgcopy"
    seq: int
    hash: str  # of the newest entry up to seq (64 hex digits; zeros on an empty ledger)
    schema: str

    @property
    def name(self) -> str:
        return f"{self.form}-{self.seq:020d}-{self.hash}-{self.schema}{SUFFIX}"


class KeptSnapshots:
    """The kept snapshots of one folder: of each form, the `keep` most recently kept or served (a folder may
    be shared by services of other databases, so the most recent use, not the highest seq, decides)."""

    def __init__(self, folder: Path, *, keep: int, schema: str) -> None:
        self.folder = folder
        self.keep = keep
        self.schema = schema

    @classmethod
    def open(cls, folder: Path, *, keep: int) -> KeptSnapshots | None:
        """The folder's kept snapshots (created, readable by this user only); None when keeping is off or the
        folder cannot be made (snapshots are then made every time, as a log line says)."""
        if keep <= 0:
            return None
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            log.warning("snapshots_not_kept", folder=str(folder), error=str(exc))
            return None
        return cls(folder, keep=keep, schema=schema_digest())

    def key(self, form: str, seq: int, digest: str) -> SnapshotKey:
        if not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise ValueError(f"not a ledger hash: {digest!r}")
        return SnapshotKey(form, seq, digest, self.schema)

    def opened(self, key: SnapshotKey) -> BinaryIO | None:
        """The kept file of `key`, open (so a prune that removes it meanwhile does not cut the answer short),
        marked as used now."""
        path = self.folder / key.name
        try:
            file = path.open("rb")
        except FileNotFoundError:
            return None
        except OSError as exc:  # unreadable (or no descriptor left): made from the tables instead
            log.warning("kept_snapshot_unreadable", name=key.name, error=str(exc))
            return None
        with contextlib.suppress(OSError):
            os.utime(path)
        return file

    def has(self, key: SnapshotKey) -> bool:
        """Whether `key` is kept (without marking it used)."""
        return (self.folder / key.name).is_file()

    def newest(self, form: str) -> list[SnapshotKey]:
        """The form's kept snapshots of this schema, the highest seq first (of any ledger sharing the folder:
        the caller checks each one's hash against its own)."""
        try:
            names = [path.name for path in self.folder.iterdir()]
        except OSError:
            return []
        found = [_NAME.fullmatch(name) for name in names]
        keys = [SnapshotKey(form, int(m["seq"]), m["hash"], self.schema) for m in found
                if m is not None and m["form"] == form and m["schema"] == self.schema]
        return sorted(keys, key=lambda k: k.seq, reverse=True)

    @contextlib.contextmanager
    def making(self) -> Iterator[bool]:
        """Whether this caller may make a snapshot ahead now: one at a time among every process and task
        sharing the folder (an exclusive `flock` on a file of its own, never waited for; the kernel releases
        it if the process dies)."""
        try:
            fd = os.open(self.folder / _MAKING, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            yield False
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            ours = True
        except BlockingIOError:  # another one is making
            ours = False
        except OSError as exc:  # a file system without locks (some network ones): none made ahead
            log.warning("snapshot_folder_cannot_lock", folder=str(self.folder), error=str(exc))
            ours = False
        try:
            yield ours
        finally:
            os.close(fd)  # releases the lock

    def keeper(self, key: SnapshotKey) -> Keeper:
        return Keeper(self, key)

    def forget(self, key: SnapshotKey) -> None:
        with contextlib.suppress(OSError):  # gone already, or not a file: nothing to serve either way
            (self.folder / key.name).unlink()

    def prune(self, form: str) -> list[str]:
        """Remove the form's kept files beyond the `keep` most recently used, files of another schema not used
        for a while (a service of another version may share the folder), and temporary files left by a process
        that stopped mid-write; the names removed."""
        removed: list[str] = []
        kept: list[tuple[float, Path]] = []
        now = time.time()
        for path in self.folder.iterdir():
            try:
                if path.name.startswith(".") and path.name.endswith(".tmp"):
                    if now - path.stat().st_mtime > STALE_S:
                        path.unlink()
                        removed.append(path.name)
                    continue
                found = _NAME.fullmatch(path.name)
                if found is None or found["form"] != form:
                    continue
                if not path.name.endswith(f"-{self.schema}{SUFFIX}"):
                    if now - path.stat().st_mtime > STALE_S:
                        path.unlink()
                        removed.append(path.name)
                    continue
                kept.append((path.stat().st_mtime, path))
            except FileNotFoundError:  # another worker removed it first
                continue
        for _, path in sorted(kept, reverse=True)[self.keep:]:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed.append(path.name)
        return removed


class _Digesting:
    """The file a keeper's compressor writes to, hashing what it is given."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.file.write(data)

    def flush(self) -> None:
        self.file.flush()


def trailer(digest: bytes) -> bytes:
    """A zstd skippable frame (decoders pass over it) holding the sha256 of the frame before it: serving a kept
    file checks that instead of decoding it."""
    return _SKIPPABLE.to_bytes(4, "little") + len(_TRAILER_TAG + digest).to_bytes(4, "little") + _TRAILER_TAG + digest


class Keeper:
    """One snapshot's bytes, compressed into a temporary file as they are streamed; `keep` flushes it to disk
    and renames it into place, `drop` removes it. The file work runs in threads (zstd releases the GIL), so
    the event loop goes on serving, one step at a time under a lock: a write still running in its thread
    when the stream is cancelled ends before the file is closed, and none starts after. A failing disk stops
    the keeping, never the stream."""

    def __init__(self, kept: KeptSnapshots, key: SnapshotKey) -> None:
        self.kept = kept
        self.key = key
        self.final = kept.folder / key.name
        self.temporary = kept.folder / f".{key.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        self._file: _Digesting | None = None
        self._writer: zstandard.ZstdCompressionWriter | None = None
        self._lock = threading.Lock()
        self._closed = False
        self.failed = False

    async def write(self, chunk: bytes) -> None:
        if self.failed:
            return
        try:
            await asyncio.to_thread(self._write, chunk)
        except OSError as exc:
            log.warning("snapshot_not_kept", name=self.key.name, error=str(exc))
            self.failed = True
            await self.drop()

    def _write(self, chunk: bytes) -> None:
        with self._lock:
            if self._closed:
                return
            if self._writer is None:
                self._file = _Digesting(self.temporary.open("xb"))
                self._writer = zstandard.ZstdCompressor(level=LEVEL, write_checksum=True).stream_writer(
                    self._file, closefd=False)
            self._writer.write(chunk)

    async def keep(self) -> int | None:
        """Put the file in place (the size kept), unless a write failed; then prune the form's older files."""
        if self.failed or self._writer is None:
            return None
        try:
            size = await asyncio.to_thread(self._finish)
        except OSError as exc:
            log.warning("snapshot_not_kept", name=self.key.name, error=str(exc))
            await self.drop()
            return None
        with contextlib.suppress(OSError):
            await asyncio.to_thread(self.kept.prune, self.key.form)
        return size

    def _finish(self) -> int:
        with self._lock:
            assert self._writer is not None and self._file is not None and not self._closed
            writer, self._writer = self._writer, None
            writer.close()  # ends the one frame, with its checksum (closefd=False: the file stays open)
            self._file.file.write(trailer(self._file.digest.digest()))
            self._file.file.flush()
            os.fsync(self._file.file.fileno())
            size = self._file.file.tell()
            self._close()
            os.replace(self.temporary, self.final)
            return size

    def _close(self) -> None:
        writer, file = self._writer, self._file
        self._writer = self._file = None
        self._closed = True
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.close()
        if file is not None:
            file.file.close()

    def _remove(self) -> None:
        with self._lock:
            self._close()
            with contextlib.suppress(FileNotFoundError):
                self.temporary.unlink()

    async def drop(self) -> None:
        with contextlib.suppress(OSError):
            await asyncio.to_thread(self._remove)


async def keeping(chunks: AsyncGenerator[bytes, None], keeper: Keeper) -> AsyncGenerator[bytes, None]:
    """The stream, copied into the keeper's file as it goes; kept only when it ended whole."""
    whole = False
    try:
        async for chunk in chunks:
            await keeper.write(chunk)
            yield chunk
        whole = True
    finally:
        with anyio.CancelScope(shield=True):
            if whole:
                size = await keeper.keep()
                if size is not None:
                    log.info("snapshot_kept", name=keeper.key.name, bytes=size)
            else:
                await keeper.drop()
            await chunks.aclose()


async def compressed(file: BinaryIO, kept: KeptSnapshots, key: SnapshotKey) -> AsyncIterator[bytes] | None:
    """A kept file's bytes as they are, for a client that accepts zstd."""
    return await _checked(file, kept, key, decode=False)


async def decompressed(file: BinaryIO, kept: KeptSnapshots, key: SnapshotKey) -> AsyncIterator[bytes] | None:
    """A kept file's snapshot, decompressed."""
    return await _checked(file, kept, key, decode=True)


async def _checked(file: BinaryIO, kept: KeptSnapshots, key: SnapshotKey, *,
                   decode: bool) -> AsyncIterator[bytes] | None:
    """The pieces of a kept file, each checked before the piece before it is sent: the frame's bytes against
    the sha256 its trailer holds (and, decoded, zstd's own checksum), so damage is found here, not by the
    client alone. Found before the first piece: None (the file is removed; the caller makes the snapshot).
    Found later: the file is removed and the stream is cut short without its last piece (which holds the
    trailer; decoded, the snapshot's end line), so no client takes it for whole. The file is closed at the
    end."""
    size = os.fstat(file.fileno()).st_size
    frame_end = size - TRAILER_BYTES
    digest = hashlib.sha256()
    checker = zstandard.ZstdDecompressor().decompressobj()
    tail = bytearray()
    offset = 0

    def read() -> bytes | None:
        nonlocal offset
        chunk = file.read(READ_BYTES)
        if not chunk:
            if offset != size or frame_end < 0 or bytes(tail) != trailer(digest.digest()):
                raise zstandard.ZstdError("the file does not match the digest it ends with")
            if decode and not checker.eof:
                raise zstandard.ZstdError("the file ends inside its frame")
            return None
        framed = chunk[:max(0, frame_end - offset)]
        offset += len(chunk)
        digest.update(framed)
        tail.extend(chunk[len(framed):])
        if not decode:
            return chunk
        if checker.eof and framed:
            raise zstandard.ZstdError("bytes after the file's one frame")
        decoded = checker.decompress(framed) if framed else b""
        if checker.eof and checker.unused_data:
            raise zstandard.ZstdError("bytes after the file's one frame")
        return decoded

    def first_pieces() -> tuple[bytes | None, bytes | None]:
        """The first piece with something in it (decoding gives nothing until a whole block is in) and the
        one after, read ahead as every piece's next is: a file of one piece is checked whole here."""
        while (piece := read()) == b"":
            pass
        return piece, None if piece is None else read()

    try:
        first, following = await asyncio.to_thread(first_pieces)
    except (zstandard.ZstdError, OSError) as exc:
        _damaged(kept, key, exc)
        file.close()
        return None
    return _rest(first, following, read, file, kept, key)


async def _rest(piece: bytes | None, following: bytes | None, read: Callable[[], bytes | None], file: BinaryIO,
                kept: KeptSnapshots, key: SnapshotKey) -> AsyncIterator[bytes]:
    """Each piece sent once the one after it is read (and checked); the last once the file's end is."""
    try:
        while piece is not None:
            if piece:
                yield piece
            if following is None:
                break
            piece, following = following, await asyncio.to_thread(read)
    except (zstandard.ZstdError, OSError) as exc:
        _damaged(kept, key, exc)
        raise
    finally:
        file.close()


def _damaged(kept: KeptSnapshots, key: SnapshotKey, exc: Exception) -> None:
    log.error("kept_snapshot_damaged", name=key.name, error=str(exc))
    kept.forget(key)


def accepts(header: str | None, coding: str) -> bool:
    """Whether an `Accept-Encoding` header admits `coding` (RFC 9110 section 12.5.3): named, or `*`, with a
    weight above zero; a coding named with `q=0` is refused even when `*` is admitted."""
    if not header:
        return False
    star: bool | None = None
    for part in header.split(","):
        name, _, params = part.partition(";")
        name = name.strip().lower()
        weight = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value.strip())
                except ValueError:
                    weight = 0.0
        if name == coding:
            return weight > 0
        if name == "*" and star is None:  # the first mention counts, as for a coding named
            star = weight > 0
    return bool(star)
