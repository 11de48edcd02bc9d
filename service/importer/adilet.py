"""Importing one Adilet document: parse it, match it against the store, and record what is new as one
ledger entry (`import_document`) with its source bytes — all in one transaction, so a document that
cannot be read or recorded leaves nothing behind, and a document already imported changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any

import asyncpg
import structlog

from service.domain.adilet import AdiletParseError, ParsedDocument, parse_document
from service.domain.dates import today_in
from service.importer.plan import Plan, plan_import
from service.store.ledger import record_in, write_transaction
from service.store.sources import SourceDocument, insert_source, source_is_known

log = structlog.get_logger("lextime.import")

OPERATION = "import_document"
MEDIA_TYPES = {"text": "text/plain", "html": "text/html", "markdown": "text/markdown"}
_SUFFIXES = {"text/plain": ".txt", "text/html": ".html", "application/xhtml+xml": ".html", "text/markdown": ".md",
             "text/x-markdown": ".md"}
_KNOWN_SUFFIXES = (".txt", ".html", ".htm", ".xhtml", ".md", ".markdown")

__all__ = ["AdiletParseError", "ImportResult", "import_document"]


@dataclass(frozen=True)
class ImportResult:
    """What one import did: the entry it appended (None: nothing new) and the account of its facts."""

    sha256: str
    name: str | None
    media_type: str
    size: int
    layout: str
    languages: tuple[str, ...]
    source_known: bool
    seq: int | None
    plan: Plan
    warnings: tuple[str, ...]

    @property
    def unchanged(self) -> bool:
        return self.seq is None


def _charset(data: bytes) -> str:
    return "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8"


def _parse_name(name: str | None, media_type: str | None) -> str | None:
    """The file name the parser sees: the source's own when it says the layout, else one the media type gives."""
    base = (media_type or "").split(";")[0].strip().lower()
    if name and PurePosixPath(name).suffix.lower() in _KNOWN_SUFFIXES:
        return name
    suffix = _SUFFIXES.get(base)
    if suffix is None:
        return name
    stem = PurePosixPath(name).stem if name else "document"
    return f"{stem or 'document'}{suffix}"


def _document_day(doc: ParsedDocument, retrieved_at: datetime | None, today: date | None) -> date:
    """The latest day the document is known to describe: its version date, when it was retrieved, or today."""
    versions = [e.version_date for e in doc.expressions if e.version_date is not None]
    if versions:
        return max(versions)
    if retrieved_at is not None:
        return today_in("kz", now=retrieved_at)
    return today or today_in("kz")


def _payload(source: SourceDocument, layout: str, plan: Plan) -> dict[str, Any]:
    return {
        "source": {"sha256": source.sha256, "name": source.name, "media_type": source.media_type,
                   "retrieved_at": source.retrieved_at.isoformat() if source.retrieved_at else None,
                   "layout": layout, "size": len(source.body)},
        "act_id": plan.act_id,
        "facts": plan.facts,
    }


async def import_document(
    pool: asyncpg.Pool, *, data: bytes, actor: str, name: str | None = None, media_type: str | None = None,
    retrieved_at: datetime | None = None, meta_yaml: str | None = None, external_ids: Sequence[str] = (),
    today: date | None = None,
) -> ImportResult:
    """Import one document; raises AdiletParseError (naming the line) when it cannot be read."""
    doc = parse_document(data, filename=_parse_name(name, media_type), meta_yaml=meta_yaml)
    media = f"{MEDIA_TYPES[doc.layout]}; charset={_charset(data)}"
    source = SourceDocument(data, media, name, retrieved_at)
    log.info("import_started", name=name, sha256=source.sha256, layout=doc.layout)
    async with write_transaction(pool) as conn:
        known = await source_is_known(conn, sha256=source.sha256)
        plan = await plan_import(conn, doc, document_day=_document_day(doc, retrieved_at, today), name=name,
                                 external_ids=external_ids)
        seq = None
        if plan.facts:
            await insert_source(conn, source=source)
            entry = await record_in(conn, actor=actor, operation=OPERATION, payload=_payload(source, doc.layout, plan),
                                    texts=plan.texts)
            seq = entry.seq
    if seq is not None:
        log.info("ledger_appended", seq=seq, operation=OPERATION, actor=actor)
    log.info("import_finished", name=name, act_id=plan.act_id, seq=seq, facts=len(plan.facts))
    return ImportResult(source.sha256, name, media, len(data), doc.layout, doc.languages, known, seq, plan,
                        doc.warnings)
