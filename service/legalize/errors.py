"""Errors of the legalize reader and writer, raised as domain errors so the CLI reports them in one line."""

from __future__ import annotations

from service.domain.errors import DomainError


class LegalizeError(DomainError):
    """A repository, file or commit that does not follow the format, or that Lextime refuses to read."""

    slug = "legalize-invalid"

