"""RFC 9457 problem details: the one shape every error takes, produced by one helper."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import orjson
from starlette.responses import Response

from service.domain.errors import Conflict, DomainError, Invalid, NotFound, Unprocessable
from service.store.errors import Timeout, Unavailable

TYPE_PREFIX = "urn:lextime:problem:"
MEDIA_TYPE = "application/problem+json"

_STATUS_OF: dict[type[DomainError], int] = {
    NotFound: 404,
    Conflict: 409,
    Invalid: 400,
    Unprocessable: 422,
    Unavailable: 503,
    Timeout: 503,
}


class Problem(Exception):
    """An error answered to the client: a stable `type` slug, a status, a human `detail`, extra members."""

    def __init__(self, status: int, slug: str, detail: str, *, headers: dict[str, str] | None = None,
                 **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra


def problem_body(problem: Problem, *, instance: str | None = None) -> dict[str, Any]:
    """The problem document itself (also used for one failed item of a batch)."""
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + problem.slug,
        "title": HTTPStatus(problem.status).phrase,
        "status": problem.status,
        "detail": problem.detail,
    }
    if instance:
        body["instance"] = instance
    body.update({k: v for k, v in problem.extra.items() if v is not None})
    return body


def problem_response(problem: Problem, *, instance: str | None = None) -> Response:
    return Response(orjson.dumps(problem_body(problem, instance=instance)), status_code=problem.status,
                    media_type=MEDIA_TYPE, headers=problem.headers)


def from_domain(error: DomainError) -> Problem:
    status = next((s for cls, s in _STATUS_OF.items() if isinstance(error, cls)), 400)
    headers = {"Retry-After": "1"} if status == 503 else None
    extra = dict(error.extra)
    field = extra.pop("field", None)
    if field is not None:
        extra["invalid_params"] = [{"name": field, "reason": error.detail}]
    return Problem(status, error.slug, error.detail, headers=headers, **extra)
