"""Token buckets, on a clock the tests move: never more than the burst plus what the rate earns back, and a
client that waits the Retry-After it was given is let in."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from service.domain.ratelimit import Rate, RateLimiter, retry_after


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limiter(per_minute: int, burst: int) -> tuple[RateLimiter, Clock]:
    clock = Clock()
    return RateLimiter({"write": Rate(per_minute, burst)}, clock=clock), clock


@given(per_minute=st.integers(1, 6000), burst=st.integers(1, 50),
       gaps=st.lists(st.floats(0, 5, allow_nan=False), min_size=1, max_size=200))
def test_never_more_than_the_burst_plus_what_the_rate_earns(per_minute: int, burst: int, gaps: list[float]) -> None:
    rl, clock = limiter(per_minute, burst)
    start, allowed = clock.now, 0
    for gap in gaps:
        clock.now += gap
        if rl.take("write", "key:a") is None:
            allowed += 1
        bound = burst + (clock.now - start) * per_minute / 60.0
        assert allowed <= math.floor(bound + 1e-6)


@given(per_minute=st.integers(1, 6000), burst=st.integers(1, 50), extra=st.integers(1, 20))
def test_waiting_the_retry_after_lets_the_client_in(per_minute: int, burst: int, extra: int) -> None:
    rl, clock = limiter(per_minute, burst)
    assert all(rl.take("write", "address:x") is None for _ in range(burst))
    for _ in range(extra):
        wait = rl.take("write", "address:x")
        assert wait is not None and wait > 0
        clock.now += int(retry_after(wait))
        assert rl.take("write", "address:x") is None
        for _ in range(burst):  # spend what the wait earned beyond the one request, to be refused again
            if rl.take("write", "address:x") is not None:
                break


def test_subjects_and_kinds_are_separate_and_a_zero_rate_is_no_limit() -> None:
    clock = Clock()
    rl = RateLimiter({"write": Rate(60, 1), "expensive": Rate(0, 1)}, clock=clock)
    assert rl.take("write", "key:a") is None
    assert rl.take("write", "key:a") == 1.0
    assert rl.take("write", "key:b") is None
    assert all(rl.take("expensive", "key:a") is None for _ in range(100))
    assert rl.take("unlimited-kind", "key:a") is None


def test_memory_stays_bounded_under_many_subjects() -> None:
    clock = Clock()
    rl = RateLimiter({"write": Rate(60, 2)}, clock=clock, max_subjects=100)
    for i in range(10_000):
        rl.take("write", f"address:{i}")
    assert len(rl._buckets) <= 100


@given(st.floats(0.0, 10_000, allow_nan=False))
def test_retry_after_is_whole_seconds_never_early(seconds: float) -> None:
    value = retry_after(seconds)
    assert value.isdigit() and int(value) >= 1 and int(value) >= seconds - 1e-6
