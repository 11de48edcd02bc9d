"""Driver errors translated at the boundary into domain errors, by constraint name and SQLSTATE class."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from service.domain.errors import Conflict, DomainError

_CONFLICTS = {
    "acts_current_id": "an act with this id is already recorded",
    "act_aliases_current": "an act with this identifier (AKN work URI or external id) is already recorded",
    "editions_current": "the act already has an edition starting on this date",
    "relations_current_id": "a relation with this id is already recorded",
    "api_keys_name_key": "a key with this name already exists",
}


class Unavailable(DomainError, slug="database-unavailable"):
    """The database cannot be reached or is overloaded; the client may retry."""


class Timeout(DomainError, slug="database-timeout"):
    pass


@asynccontextmanager
async def translate() -> AsyncIterator[None]:
    try:
        yield
    except asyncpg.UniqueViolationError as exc:
        detail = _CONFLICTS.get(exc.constraint_name or "", "this fact is already recorded")
        raise Conflict(detail, constraint=exc.constraint_name) from exc
    except asyncpg.QueryCanceledError as exc:
        raise Timeout("the database did not answer within the statement timeout") from exc
    except (OSError, asyncpg.CannotConnectNowError, asyncpg.TooManyConnectionsError,
            asyncpg.ConnectionDoesNotExistError, asyncpg.InterfaceError,
            # A connection killed under a running statement can leave the driver's protocol confused.
            asyncpg.InternalClientError) as exc:
        raise Unavailable(f"the database is unavailable: {type(exc).__name__}") from exc
    except asyncpg.PostgresError as exc:
        if (exc.sqlstate or "").startswith(("08", "53", "57P")):
            raise Unavailable(f"the database is unavailable ({exc.sqlstate})") from exc
        raise
