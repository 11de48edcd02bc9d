"""Named SQL queries, loaded once from `sql/queries/*.sql` and called by name.

A file holds blocks that each start with `-- name: <name>` followed by a one-line comment saying what the
query answers; the block's SQL runs with `$n` parameters.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from service.config import SQL_DIR

_BLOCK = re.compile(r"^--\s*name:\s*(?P<name>[a-z_][a-z0-9_]*)\s*$", re.MULTILINE)


def parse_queries(source: str, *, origin: str) -> dict[str, str]:
    """Split a .sql file into its named blocks."""
    marks = list(_BLOCK.finditer(source))
    if not marks:
        raise ValueError(f"{origin}: no '-- name:' blocks")
    queries: dict[str, str] = {}
    for mark, following in zip(marks, [*marks[1:], None]):
        end = following.start() if following else len(source)
        body = source[mark.end() : end].strip()
        name = mark.group("name")
        if name in queries:
            raise ValueError(f"{origin}: query {name!r} is defined twice")
        if not body:
            raise ValueError(f"{origin}: query {name!r} is empty")
        queries[name] = body
    return queries


@cache
def all_queries(directory: Path = SQL_DIR / "queries") -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted(directory.glob("*.sql")):
        for name, sql in parse_queries(path.read_text(encoding="utf-8"), origin=path.name).items():
            if name in merged:
                raise ValueError(f"{path.name}: query {name!r} is also defined in another file")
            merged[name] = sql
    return merged


def q(name: str) -> str:
    """The SQL of the named query."""
    return all_queries()[name]
