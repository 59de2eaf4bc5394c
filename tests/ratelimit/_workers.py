"""What the processes of the shared-budget tests run (importable, for multiprocessing's spawn)."""

from __future__ import annotations

import time

from sentinelhub_byoc.shared_ratelimit import SharedRateLimiter

RATE_PER_MINUTE = 6000.0  # 100 a second: a slot every 10 ms
CLIENT_ID = "budget-test-id"
TOKEN_URL = "https://example.com/oauth/token"


class ReadClock:
    """The wall clock, remembering the time it last gave (the time a reservation was made at)."""

    def __init__(self) -> None:
        self.last = 0.0

    def __call__(self) -> float:
        self.last = time.time()
        return self.last


def reserve_many(directory: str, count: int) -> list[float]:
    """Reserve *count* slots of the shared budget; the wall-clock time each slot starts at.

    Nothing sleeps: a slot starts at the time its reservation was made (under the file lock)
    plus the wait ``reserve`` returns.
    """
    clock = ReadClock()
    limiter = SharedRateLimiter(
        RATE_PER_MINUTE, client_id=CLIENT_ID, token_url=TOKEN_URL, burst=1, directory=directory, clock=clock
    )
    starts = []
    for _ in range(count):
        wait = limiter.reserve()
        starts.append(clock.last + wait)
    return starts
