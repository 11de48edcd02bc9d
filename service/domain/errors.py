"""Domain errors: raised by the domain and the store, turned into problem responses at the HTTP boundary."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the domain or the store raises on purpose."""

    slug = "domain-error"

    def __init__(self, detail: str, **extra: object) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(DomainError):
    slug = "not-found"


class Conflict(DomainError):
    slug = "conflict"


class Invalid(DomainError):
    slug = "invalid-request"


class Unprocessable(DomainError):
    """A well-formed request that the recorded facts do not allow (HTTP 422)."""

    slug = "unprocessable"


class UnitNotInForce(Unprocessable):
    """An operation names a unit that is not in the act's text on the day it takes effect."""

    slug = "unit-not-in-force"


class InvalidOperation(Unprocessable):
    """An operation that cannot apply as given (an eId already in use, an anchor in no language, …)."""

    slug = "invalid-operation"


class AmendmentConflict(Conflict):
    """A late amendment contradicts one already recorded for a later day (e.g. repeals a unit it amends)."""

    slug = "amendment-conflict"


class UnitNotFound(NotFound):
    slug = "unit-not-found"
