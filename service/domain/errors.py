"""Domain errors: raised by the domain and the store, turned into problem responses at the HTTP boundary
(service/errors.py maps each family below to its status)."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the domain or the store raises on purpose. Each subclass names its own problem
    type, `class Gone(NotFound, slug="gone")`, so that none answers with its parent's type by omission."""

    slug = "domain-error"

    def __init_subclass__(cls, *, slug: str | None = None, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if slug is not None:
            cls.slug = slug
        elif "slug" not in cls.__dict__:  # a `slug = …` class attribute names it too
            raise TypeError(f"{cls.__qualname__} does not name its problem type: give it slug=")

    def __init__(self, detail: str, **extra: object) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


# The families (one HTTP status each) ...

class NotFound(DomainError, slug="not-found"):
    pass


class Conflict(DomainError, slug="conflict"):
    pass


class Invalid(DomainError, slug="invalid-request"):
    pass


class Unprocessable(DomainError, slug="unprocessable"):
    """A well-formed request that the recorded facts do not allow (HTTP 422)."""


# ... and the particular cases, each answered with its family's status.

class UnitNotInForce(Unprocessable, slug="unit-not-in-force"):
    """An operation names a unit that is not in the act's text on the day it takes effect."""


class InvalidOperation(Unprocessable, slug="invalid-operation"):
    """An operation that cannot apply as given (an eId already in use, an anchor in no language, …)."""


class AmendmentConflict(Conflict, slug="amendment-conflict"):
    """A late amendment contradicts one already recorded for a later day (e.g. repeals a unit it amends)."""


class UnitNotFound(NotFound, slug="unit-not-found"):
    pass
