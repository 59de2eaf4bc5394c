"""A clock for limiter tests that moves only when told, or when something sleeps on it."""

from __future__ import annotations


class FakeClock:
    """Call it for the time; ``sleep`` records the wait and moves the time on by it."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)
