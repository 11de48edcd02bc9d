"""Named points in the write path where tests interrupt a write — kill its connection, kill the process —
to prove that nothing half-done is left behind. No hook is set in production: a point is then a no-op."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg

# In the order a write passes them, all inside the write's one transaction.
POINTS = ("before_append", "after_append", "between_projections", "before_commit")

Hook = Callable[[str, asyncpg.Connection], Awaitable[None]]
_hook: Hook | None = None


def set_hook(hook: Hook | None) -> None:
    """Install (or, with None, remove) the one hook called at every point."""
    global _hook
    _hook = hook


async def reached(point: str, conn: asyncpg.Connection) -> None:
    if _hook is not None:
        await _hook(point, conn)
