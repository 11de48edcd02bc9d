"""Imports: one source document in the request body, recorded as one ledger entry; the answer says what it
added, what it skipped and what it left uncertain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from service.api.auth import require_key
from service.api.params import invalid, query_string, read_body
from service.api.render import json_response
from service.domain.adilet import AdiletParseError
from service.errors import Problem
from service.importer.adilet import ImportResult, import_document

# The layouts an import reads, by media type; `application/octet-stream` leaves the layout to the content.
ACCEPTED = ("text/plain", "text/html", "application/xhtml+xml", "text/markdown", "text/x-markdown",
            "application/octet-stream")


def _media_type(request: Request) -> str:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in ACCEPTED:
        raise Problem(415, "unsupported-media-type",
                      f"an import takes one document as text/plain (Adilet's export), text/html (its web page) or "
                      f"text/markdown, not {media or 'a body without Content-Type'}", accepted=list(ACCEPTED))
    return media


def _retrieved_at(request: Request) -> datetime | None:
    raw = query_string(request, "retrieved_at", max_len=64)
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise invalid(f"retrieved_at must be an RFC 3339 date-time with its offset, got {raw!r}", name="retrieved_at")
    return moment


def _source_json(result: ImportResult) -> dict[str, Any]:
    return {"sha256": result.sha256, "href": f"/v1/sources/{result.sha256}", "name": result.name,
            "media_type": result.media_type, "size": result.size, "layout": result.layout,
            "languages": list(result.languages), "known": result.source_known}


def import_json(result: ImportResult) -> dict[str, Any]:
    plan = result.plan
    lists = {
        "acts_created": plan.acts_created, "acts_revised": plan.acts_completed,
        "editions_created": plan.editions_created, "editions_revised": plan.editions_revised,
        "relations_created": plan.relations_created, "relations_revised": plan.relations_revised,
    }
    return {
        "act": plan.act_id,
        "akn_uri": plan.akn_uri,
        "seq": result.seq,
        "unchanged": result.unchanged,
        "source": _source_json(result),
        "counts": {name: len(items) for name, items in lists.items()},
        **lists,
        "skipped": plan.skipped,
        "uncertain": plan.uncertain,
        "warnings": list(result.warnings),
    }


def parse_problem(error: AdiletParseError) -> Problem:
    where = f"line {error.line}" if error.line else "the document"
    return Problem(400, "unparseable-document", f"{error.source} {where}: {error.reason}", line=error.line,
                   reason=error.reason)


async def create_import(request: Request) -> Response:
    key = await require_key(request)
    media = _media_type(request)
    name = query_string(request, "name", max_len=2000)
    retrieved_at = _retrieved_at(request)
    data = await read_body(request)
    try:
        result = await import_document(request.app.state.pool, data=data, actor=key.name, name=name,
                                       media_type=None if media == "application/octet-stream" else media,
                                       retrieved_at=retrieved_at)
    except AdiletParseError as exc:
        raise parse_problem(exc) from None
    status = 200 if result.unchanged else 201
    return json_response(import_json(result), status=status, headers={"Location": f"/v1/acts/{result.plan.act_id}"})
