"""The service's rate-limit headers: read tolerantly, and a spent budget pauses the client's limiter."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sentinelhub_byoc._ratelimit_headers import budget_spent_for
from sentinelhub_byoc.errors import RateLimitError
from sentinelhub_byoc.ratelimit import MAX_PAUSE, RateLimiter
from sentinelhub_byoc.retries import RetryPolicy
from sentinelhub_byoc.testing import Emulator, client_for, serve
from sentinelhub_byoc.testing._answers import rate_limited_response
from sentinelhub_byoc.testing._clock import ManualClock
from sentinelhub_byoc.testing._faults import FaultInjector, Faults

NOW = 1_767_225_600.0


def spent(**headers: str) -> float | None:
    return budget_spent_for(httpx.Headers({name.replace("_", "-"): v for name, v in headers.items()}), NOW)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"x_ratelimit_remaining": "0", "x_ratelimit_reset": "12"}, 12.0),
        ({"X_RateLimit_Remaining": " 0 ", "X_RateLimit_Reset": "3"}, 3.0),
        ({"x_ratelimit_remaining": "0", "x_ratelimit_reset": str(int(NOW) + 30)}, 30.0),  # a time
        ({"ratelimit_remaining": "0", "ratelimit_reset": "5"}, 5.0),
        ({"ratelimit": '"default";r=0;t=30'}, 30.0),
        ({"ratelimit": '"minute";r=0;t=20, "day";r=0;t=50'}, 50.0),
        ({"ratelimit": '"minute";r=4;t=20, "day";r=0;t=9'}, 9.0),
        ({"ratelimit": "limit=20, remaining=0, reset=7"}, 7.0),
        ({"x_ratelimit_remaining": "0", "x_ratelimit_reset": "3600"}, MAX_PAUSE),  # capped
    ],
)
def test_a_spent_budget_says_how_long_to_wait(headers: dict[str, str], expected: float) -> None:
    assert spent(**headers) == pytest.approx(expected)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"x_ratelimit_remaining": "5", "x_ratelimit_reset": "12"},  # budget left
        {"x_ratelimit_remaining": "0"},  # spent, but until when?
        {"x_ratelimit_remaining": "-1", "x_ratelimit_reset": "12"},
        {"x_ratelimit_remaining": "0", "x_ratelimit_reset": "-12"},
        {"x_ratelimit_remaining": "0", "x_ratelimit_reset": "0"},
        {"x_ratelimit_remaining": "0", "x_ratelimit_reset": "nan"},
        {"x_ratelimit_remaining": "0", "x_ratelimit_reset": "inf"},
        {"x_ratelimit_remaining": "0", "x_ratelimit_reset": "1e3"},
        {"x_ratelimit_remaining": "0", "x_ratelimit_reset": "12.5"},
        {"x_ratelimit_remaining": "0", "x_ratelimit_reset": "9" * 4000},  # huge: never int()-ed
        {"x_ratelimit_remaining": "0", "x_ratelimit_reset": str(int(NOW) - 30)},  # a time gone by
        {"x_ratelimit_remaining": "zero", "x_ratelimit_reset": "12"},
        {"x_ratelimit_remaining": "0, 0", "x_ratelimit_reset": "12"},
        {"ratelimit": '"default";r=1;t=30'},
        {"ratelimit": '"default";r=0;t=-30'},
        {"ratelimit": ";;;,,,==="},
        {"ratelimit": "r=0;t=" + "1" * 20},
    ],
)
def test_anything_else_is_ignored(headers: dict[str, str]) -> None:
    assert spent(**headers) is None


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "x-ratelimit-remaining",
                "x-ratelimit-reset",
                "ratelimit-remaining",
                "ratelimit-reset",
                "ratelimit",
            ]
        ),
        st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60),
    )
)
def test_hostile_headers_never_crash_nor_ask_for_long(headers: dict[str, str]) -> None:
    wait = budget_spent_for(httpx.Headers(headers), NOW)
    assert wait is None or 0 < wait <= MAX_PAUSE


def test_the_emulator_says_a_window_is_spent_on_its_429() -> None:
    response = rate_limited_response(2500)
    assert response.headers["Retry-After"] == "2500"
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert response.headers["X-RateLimit-Reset"] == "3"


def test_the_emulator_counts_down_a_rate_limited_clients_window() -> None:
    injector = FaultInjector()
    injector.configure(Faults(rate_limit_per_minute=2))
    decisions = [injector.decide(False, "me", NOW + second) for second in (0, 10, 20)]
    headers = [dict(decision.headers) for decision in decisions]
    assert [h["X-RateLimit-Remaining"] for h in headers] == ["1", "0", "0"]
    assert headers[1]["X-RateLimit-Reset"] == "50"  # the first request leaves the window then
    assert decisions[2].fault is not None
    assert decisions[2].fault.status == 429
    assert headers[2]["X-RateLimit-Reset"] == "40"
    # A client without a limit hears nothing of one.
    assert FaultInjector().decide(False, "me", NOW).headers == ()


def _emulator_limits(per_minute: int) -> tuple[ManualClock, Emulator]:
    clock = ManualClock(NOW)
    emulator = Emulator(clock=clock)
    emulator.set_rate_limit(per_minute)
    return clock, emulator


def test_a_429_saying_the_budget_is_spent_holds_the_next_requests() -> None:
    clock, emulator = _emulator_limits(3)
    limiter = RateLimiter(600, burst=100, clock=clock.now, sleep=clock.sleep)
    with emulator, serve(emulator) as server:
        # Another client of the account, with no limiter to pause, spends the window first.
        with client_for(server, retry=RetryPolicy(max_attempts=1)) as other:
            collection = other.collections.create(name="budget", s3_bucket="budget-bucket").id
            other.collections.get(collection)
            other.collections.get(collection)
        options = {"rate_limit": limiter, "retry": RetryPolicy(max_attempts=1), "token_cache": False}
        with client_for(server, **options) as client:
            with pytest.raises(RateLimitError):
                client.collections.get(collection)
            before = clock.now()
            # The limiter waits until the window has room: this one goes through.
            assert client.collections.get(collection).id == collection
            assert 59 <= clock.now() - before <= 61
    assert [record.status for record in emulator.requests if "byoc" in record.path].count(429) == 1


def test_a_client_against_a_rate_limited_emulator_meets_no_429() -> None:
    clock, emulator = _emulator_limits(3)
    limiter = RateLimiter(600, burst=100, clock=clock.now, sleep=clock.sleep)
    with emulator, serve(emulator) as server:
        options = {"rate_limit": limiter, "retry": RetryPolicy(max_attempts=1), "token_cache": False}
        with client_for(server, **options) as client:
            collection = client.collections.create(name="budget", s3_bucket="budget-bucket").id
            for _ in range(7):
                client.collections.get(collection)
    assert 429 not in [record.status for record in emulator.requests]
    assert clock.now() - NOW >= 120  # eight requests at three a minute
