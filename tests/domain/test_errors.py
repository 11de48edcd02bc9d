"""Every domain error keeps its problem type, status and title, and no subclass answers with its parent's
type by omission."""

from __future__ import annotations

from http import HTTPStatus

import orjson
import pytest

from service.commands import EditionNotFound, StillReferenced
from service.domain.errors import (
    AmendmentConflict,
    Conflict,
    DomainError,
    Invalid,
    InvalidOperation,
    NotFound,
    UnitNotFound,
    UnitNotInForce,
    Unprocessable,
)
from service.errors import from_domain, problem_response
from service.importer.plan import AmbiguousAct, UnidentifiedAct
from service.store.errors import Timeout, Unavailable
from service.store.replica import Diverged

# The title is the status's reason phrase; Python 3.13 renamed 422's (RFC 9110), 3.11 (the image's) has the old one.
UNPROCESSABLE = HTTPStatus(422).phrase
assert UNPROCESSABLE in ("Unprocessable Entity", "Unprocessable Content")

PROBLEMS: list[tuple[type[DomainError], str, int, str]] = [
    (NotFound, "not-found", 404, "Not Found"),
    (UnitNotFound, "unit-not-found", 404, "Not Found"),
    (EditionNotFound, "edition-not-found", 404, "Not Found"),
    (Conflict, "conflict", 409, "Conflict"),
    (AmendmentConflict, "amendment-conflict", 409, "Conflict"),
    (StillReferenced, "still-referenced", 409, "Conflict"),
    (AmbiguousAct, "ambiguous-act", 409, "Conflict"),
    (Diverged, "mirror-diverged", 409, "Conflict"),
    (Invalid, "invalid-request", 400, "Bad Request"),
    (UnidentifiedAct, "unidentified-act", 400, "Bad Request"),
    (Unprocessable, "unprocessable", 422, UNPROCESSABLE),
    (UnitNotInForce, "unit-not-in-force", 422, UNPROCESSABLE),
    (InvalidOperation, "invalid-operation", 422, UNPROCESSABLE),
    (Unavailable, "database-unavailable", 503, "Service Unavailable"),
    (Timeout, "database-timeout", 503, "Service Unavailable"),
]


@pytest.mark.parametrize(("cls", "slug", "status", "title"), PROBLEMS, ids=[p[1] for p in PROBLEMS])
def test_each_error_answers_its_type_status_and_title(cls: type[DomainError], slug: str, status: int,
                                                      title: str) -> None:
    response = problem_response(from_domain(cls("what went wrong")))
    body = orjson.loads(response.body)
    assert (response.status_code, body["type"], body["status"], body["title"], body["detail"]) == (
        status, f"urn:lextime:problem:{slug}", status, title, "what went wrong")


def _subclasses(cls: type[DomainError]) -> list[type[DomainError]]:
    return [c for sub in cls.__subclasses__() for c in (sub, *_subclasses(sub))]


def test_problem_types_are_unique_and_all_pinned_above() -> None:
    # Only the classes of the modules imported here; test-local subclasses are defined after this runs
    # or are named with a leading underscore.
    loaded = [c for c in _subclasses(DomainError) if not c.__name__.startswith("_")]
    slugs = [c.slug for c in loaded]
    assert len(slugs) == len(set(slugs))
    assert {c for c in loaded if c.__module__.startswith("service.")} >= {p[0] for p in PROBLEMS}


def test_a_subclass_must_name_its_problem_type() -> None:
    with pytest.raises(TypeError, match="_Unnamed does not name its problem type"):
        class _Unnamed(NotFound):
            pass


def test_a_slug_class_attribute_names_it_too() -> None:
    class _Named(Conflict):
        slug = "named-conflict"

    class _Keyword(Conflict, slug="keyword-conflict"):
        pass

    assert (_Named.slug, _Keyword.slug, Conflict.slug) == ("named-conflict", "keyword-conflict", "conflict")
