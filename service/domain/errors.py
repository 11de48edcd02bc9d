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
