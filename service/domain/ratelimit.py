"""Token buckets: each subject (a key, a client address) may spend `burst` requests at once and earns them
back at `per_minute`; the clock is given, so that the arithmetic is tested without waiting."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

_EPSILON = 1e-9


@dataclass
class Bucket:
    tokens: float
    stamp: float


@dataclass(frozen=True)
class Rate:
    per_minute: int
    burst: int

    @property
    def per_second(self) -> float:
        return self.per_minute / 60.0

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0


class RateLimiter:
    """Buckets by (kind, subject) for the kinds it has a rate for; memory stays bounded by forgetting
    the buckets that have filled up again (their subjects are back to a clean slate anyway)."""

    def __init__(self, rates: dict[str, Rate], *, clock: Callable[[], float], max_subjects: int = 100_000) -> None:
        self.rates = {kind: rate for kind, rate in rates.items() if rate.enabled}
        self.clock = clock
        self.max_subjects = max_subjects
        self._buckets: dict[tuple[str, str], Bucket] = {}

    def take(self, kind: str, subject: str) -> float | None:
        """Spend one token: None when allowed, else the seconds until one is earned back."""
        rate = self.rates.get(kind)
        if rate is None:
            return None
        now = self.clock()
        bucket = self._buckets.get((kind, subject))
        if bucket is None:
            if len(self._buckets) >= self.max_subjects:
                self._forget_full(now)
            bucket = self._buckets[(kind, subject)] = Bucket(float(rate.burst), now)
        bucket.tokens = min(float(rate.burst), bucket.tokens + max(0.0, now - bucket.stamp) * rate.per_second)
        bucket.stamp = now
        if bucket.tokens >= 1.0 - _EPSILON:  # a client that waited exactly as told is not refused by rounding
            bucket.tokens = max(0.0, bucket.tokens - 1.0)
            return None
        return (1.0 - bucket.tokens) / rate.per_second

    def _forget_full(self, now: float) -> None:
        for key, bucket in list(self._buckets.items()):
            rate = self.rates[key[0]]
            if bucket.tokens + (now - bucket.stamp) * rate.per_second >= rate.burst:
                del self._buckets[key]
        if len(self._buckets) >= self.max_subjects:  # under attack from many subjects: start over
            self._buckets.clear()


def retry_after(seconds: float) -> str:
    """A Retry-After value: whole seconds, at least 1, rounded up so a client that obeys it is let in."""
    return str(max(1, math.ceil(seconds - 1e-9)))
