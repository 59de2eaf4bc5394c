"""The process-local limiter's pause and lateness, on a fake clock."""

from __future__ import annotations

import pytest
from sentinelhub_byoc.ratelimit import MAX_LATENESS, RateLimiter


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_pause_holds_the_next_slot_then_the_rate_goes_on() -> None:
    time = FakeTime()
    limiter = RateLimiter(60, burst=5, clock=time)
    assert limiter.reserve() == 0.0
    limiter.pause(10.0)
    assert [limiter.reserve(), limiter.reserve()] == pytest.approx([10.0, 11.0])


def test_a_pause_shorter_than_the_queue_changes_nothing() -> None:
    time = FakeTime()
    limiter = RateLimiter(60, burst=1, clock=time)
    waits = [limiter.reserve() for _ in range(5)]
    assert waits[-1] == pytest.approx(4.0)
    limiter.pause(1.0)
    assert limiter.reserve() == pytest.approx(5.0)


def test_lateness_is_charged_up_to_a_cap() -> None:
    time = FakeTime()

    def oversleep(seconds: float) -> None:
        time.now += seconds + 3600  # suspended for an hour

    limiter = RateLimiter(60, burst=1, clock=time, sleep=oversleep)
    limiter.acquire()
    limiter.acquire()
    # Charged a second at most, not the hour.
    assert limiter.reserve() == pytest.approx(MAX_LATENESS)
