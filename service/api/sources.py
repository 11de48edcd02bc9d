"""Source documents: the bytes an import read, by their sha256, for an auditor to check the words."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from service.errors import Problem
from service.store.sources import get_source

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


async def get_source_document(request: Request) -> Response:
    sha256 = request.path_params["sha256"]
    if not _SHA256.match(sha256):
        raise Problem(404, "source-not-found", "no source document has this address: sources are named by the "
                      "sha256 of their bytes (64 lower-case hex digits)")
    etag = f'"{sha256}"'
    source = await get_source(request.app.state.pool, sha256=sha256)
    if source is None:
        raise Problem(404, "source-not-found", f"no source document with sha256 {sha256} is stored")
    headers = {"ETag": etag, "Cache-Control": "public, max-age=31536000, immutable"}
    if source.name:
        headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(PurePosixPath(source.name).name)}"
    if source.retrieved_at is not None:
        headers["X-Lextime-Retrieved-At"] = source.retrieved_at.isoformat()
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(source.body, media_type=source.media_type, headers=headers)
