"""Deadlines that hold even when the database's network is dead: the work runs as a task of its own, and
at the deadline the caller answers at once while the cancelled task finishes its clean-up in the background
(the driver's clean-up of a cancelled query is bounded by the pool's command timeout, not by this one)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

T = TypeVar("T")


def _retrieve(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()  # retrieved, so that asyncio does not report it as never retrieved


async def within(seconds: float, work: Awaitable[T]) -> T:
    """The result of `work`, or TimeoutError after `seconds` (the work is then cancelled, not awaited)."""
    task = asyncio.ensure_future(work)
    try:
        done, _ = await asyncio.wait({task}, timeout=seconds)
    except asyncio.CancelledError:
        task.cancel()
        task.add_done_callback(_retrieve)
        raise
    if not done:
        task.cancel()
        task.add_done_callback(_retrieve)
        raise TimeoutError(f"not done within {seconds} s")
    return task.result()
