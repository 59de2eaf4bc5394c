"""Pure policy functions: Retry-After, retry decisions, backoff, pagination."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sentinelhub_byoc import auth, retries
from sentinelhub_byoc._pagination import PageTokenTracker, next_page_token
from sentinelhub_byoc.errors import PaginationError, ValidationError
from sentinelhub_byoc.retries import (
    RetryPolicy,
    backoff_delay,
    parse_retry_after,
    should_retry,
)

NOW = datetime(2026, 10, 21, 7, 28, 0, tzinfo=UTC)


class FixedRandom:
    def __init__(self, value: float) -> None:
        self.value = value

    def random(self) -> float:
        return self.value


# -- Retry-After -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("3398", 3.398),
        ("0", 0.0),
        (" 1500 ", 1.5),
        ("250.5", 0.2505),
        ("Wed, 21 Oct 2026 07:28:05 GMT", 5.0),
        ("Wed, 21 Oct 2026 07:27:00 GMT", 0.0),  # in the past: no wait
        ("Wednesday, 21-Oct-26 07:28:10 GMT", 10.0),  # obsolete RFC 850 form
        (None, None),
        ("", None),
        ("   ", None),
        ("-5", None),
        ("soon", None),
        ("1e3", None),
        ("3398ms", None),
        ("NaN", None),
        ("Wed, 99 Foo 2026 07:28:05 GMT", None),
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    result = parse_retry_after(value, now=NOW)
    if seconds is None:
        assert result is None
    else:
        assert result == pytest.approx(seconds)


def test_parse_retry_after_naive_now_is_utc() -> None:
    naive = NOW.replace(tzinfo=None)
    assert parse_retry_after("Wed, 21 Oct 2026 07:28:05 GMT", now=naive) == 5.0


@given(st.integers(min_value=0, max_value=10**12))
def test_any_whole_number_is_milliseconds(ms: int) -> None:
    assert parse_retry_after(str(ms), now=NOW) == pytest.approx(ms / 1000)


@given(st.text())
def test_parse_retry_after_never_raises(value: str) -> None:
    result = parse_retry_after(value, now=NOW)
    assert result is None or result >= 0


@given(st.integers(min_value=0, max_value=10**6))
def test_http_dates_are_measured_from_now(seconds: int) -> None:
    when = NOW + timedelta(seconds=seconds)
    header = when.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert parse_retry_after(header, now=NOW) == pytest.approx(seconds)


# -- should_retry ----------------------------------------------------------------------------

POLICY = RetryPolicy(max_attempts=3)


@pytest.mark.parametrize(
    ("method", "status", "retry_safe", "expected"),
    [
        ("GET", 429, False, True),
        ("GET", 502, False, True),
        ("GET", 503, False, True),
        ("GET", 504, False, True),
        ("GET", 500, False, False),
        ("GET", 400, False, False),
        ("GET", 404, False, False),
        ("GET", 409, False, False),
        ("HEAD", 503, False, True),
        ("PUT", 503, False, True),
        ("DELETE", 504, False, True),
        ("OPTIONS", 502, False, True),
        ("get", 503, False, True),
        # A POST may have been acted on unless the rate limiter refused it outright.
        ("POST", 429, False, True),
        ("POST", 503, False, False),
        ("POST", 502, False, False),
        ("POST", 504, False, False),
        ("PATCH", 503, False, False),
        # ... unless the caller marked it safe to repeat.
        ("POST", 503, True, True),
        ("POST", 502, True, True),
        ("POST", 500, True, False),
        ("POST", 201, True, False),
    ],
)
def test_should_retry_statuses(method: str, status: int, retry_safe: bool, expected: bool) -> None:
    assert (
        should_retry(method=method, attempt=1, policy=POLICY, status=status, retry_safe=retry_safe)
        is expected
    )


@pytest.mark.parametrize(
    ("method", "error", "retry_safe", "expected"),
    [
        ("GET", httpx.ConnectError("refused"), False, True),
        ("GET", httpx.ConnectTimeout("slow"), False, True),
        ("GET", httpx.PoolTimeout("busy"), False, True),
        ("GET", httpx.ReadTimeout("slow"), False, True),
        ("GET", httpx.RemoteProtocolError("dropped"), False, True),
        ("GET", httpx.ReadError("reset"), False, True),
        ("GET", httpx.WriteError("broken pipe"), False, True),
        ("GET", httpx.UnsupportedProtocol("ftp"), False, False),
        ("GET", httpx.LocalProtocolError("bad"), False, False),
        ("GET", httpx.ProxyError("proxy"), False, False),
        ("GET", ValueError("not a transport error"), False, False),
        # A POST is repeated only when it certainly never left the client ...
        ("POST", httpx.ConnectError("refused"), False, True),
        ("POST", httpx.ConnectTimeout("slow"), False, True),
        ("POST", httpx.PoolTimeout("busy"), False, True),
        ("POST", httpx.ReadTimeout("slow"), False, False),
        ("POST", httpx.RemoteProtocolError("dropped"), False, False),
        ("POST", httpx.WriteTimeout("slow"), False, False),
        # ... or when it is marked safe to repeat.
        ("POST", httpx.ReadTimeout("slow"), True, True),
        ("POST", httpx.RemoteProtocolError("dropped"), True, True),
        ("POST", httpx.UnsupportedProtocol("ftp"), True, False),
    ],
)
def test_should_retry_errors(method: str, error: Exception, retry_safe: bool, expected: bool) -> None:
    assert (
        should_retry(method=method, attempt=1, policy=POLICY, error=error, retry_safe=retry_safe) is expected
    )


@pytest.mark.parametrize(("attempt", "expected"), [(1, True), (2, True), (3, False), (9, False)])
def test_should_retry_stops_after_max_attempts(attempt: int, expected: bool) -> None:
    assert should_retry(method="GET", attempt=attempt, policy=POLICY, status=503) is expected


def test_disabled_policy_never_retries() -> None:
    policy = RetryPolicy.disabled()
    assert not should_retry(method="GET", attempt=1, policy=policy, status=503)
    assert not should_retry(method="GET", attempt=1, policy=policy, error=httpx.ConnectError("x"))


def test_custom_retry_statuses() -> None:
    policy = RetryPolicy(retry_statuses={500})
    assert should_retry(method="GET", attempt=1, policy=policy, status=500)
    assert not should_retry(method="GET", attempt=1, policy=policy, status=503)
    assert not should_retry(method="POST", attempt=1, policy=policy, status=429)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_attempts": 0}, "max_attempts must be at least 1"),
        ({"base_delay": -1}, "base_delay must be at least 0"),
        ({"max_delay": float("nan")}, "max_delay must be at least 0"),
        ({"max_retry_after": -0.1}, "max_retry_after must be at least 0"),
        ({"jitter": "some"}, "jitter must be 'full', 'equal' or 'none'"),
    ],
)
def test_retry_policy_rejects_nonsense(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_the_request_extensions_nobody_reads_are_deprecated_but_still_import() -> None:
    default = RetryPolicy()
    override = RetryPolicy(max_attempts=2)
    with pytest.warns(DeprecationWarning, match=r"retries\.RETRY_POLICY_EXTENSION is deprecated since 0\.1"):
        policy_key = retries.RETRY_POLICY_EXTENSION
    with pytest.warns(DeprecationWarning, match="with_options"):
        safe_key = retries.RETRY_SAFE_EXTENSION
    with pytest.warns(DeprecationWarning, match="BUFFER_RESPONSE_EXTENSION"):
        assert retries.BUFFER_RESPONSE_EXTENSION == "sentinelhub_byoc.buffer_response"
    with pytest.warns(DeprecationWarning, match="TOKEN_REQUEST_EXTENSION"):
        assert auth.TOKEN_REQUEST_EXTENSION == "sentinelhub_byoc.token_request"
    with pytest.warns(DeprecationWarning, match="policy_for_request"):
        policy_for_request = retries.policy_for_request
    assert policy_for_request({}, default) == (default, False)
    assert policy_for_request({policy_key: override}, default) == (override, False)
    assert policy_for_request({safe_key: True}, default) == (default, True)
    with pytest.raises(ValidationError, match="must be a RetryPolicy, got int"):
        policy_for_request({policy_key: 3}, default)
    with pytest.raises(ValidationError, match="must be True or False"):
        policy_for_request({safe_key: "yes"}, default)
    for module in (retries, auth):
        assert not any(name.endswith("_EXTENSION") for name in module.__all__)


# -- backoff_delay ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attempt", "jitter", "draw", "expected"),
    [
        (1, "none", 0.5, 1.0),
        (2, "none", 0.5, 2.0),
        (3, "none", 0.5, 4.0),
        (6, "none", 0.5, 10.0),  # capped at max_delay
        (1000, "none", 0.5, 10.0),  # no overflow for absurd attempts
        (3, "full", 0.0, 0.0),
        (3, "full", 0.25, 1.0),
        (3, "full", 0.999, 3.996),
        (3, "equal", 0.0, 2.0),
        (3, "equal", 0.5, 3.0),
        (6, "equal", 1.0, 10.0),
    ],
)
def test_backoff_delay_exponential(attempt: int, jitter: str, draw: float, expected: float) -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=10.0, jitter=jitter)  # type: ignore[arg-type]
    delay = backoff_delay(attempt, retry_after=None, policy=policy, rng=FixedRandom(draw))
    assert delay == pytest.approx(expected)


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [(3.398, 3.398), (0.0, 0.0), (59.0, 59.0), (3600.0, 60.0), (-1.0, 0.25)],
)
def test_backoff_delay_honours_retry_after_up_to_a_cap(retry_after: float, expected: float) -> None:
    policy = RetryPolicy(base_delay=0.5, max_retry_after=60.0, jitter="equal")
    delay = backoff_delay(1, retry_after=retry_after, policy=policy, rng=FixedRandom(0.0))
    assert delay == pytest.approx(expected)


@given(
    attempt=st.integers(min_value=1, max_value=10_000),
    base=st.floats(min_value=0, max_value=100),
    cap=st.floats(min_value=0, max_value=1000),
    jitter=st.sampled_from(["full", "equal", "none"]),
    seed=st.integers(),
)
def test_backoff_delay_stays_within_the_cap(
    attempt: int, base: float, cap: float, jitter: str, seed: int
) -> None:
    policy = RetryPolicy(base_delay=base, max_delay=cap, jitter=jitter)  # type: ignore[arg-type]
    delay = backoff_delay(attempt, retry_after=None, policy=policy, rng=random.Random(seed))
    ceiling = min(cap, base * 2.0 ** min(attempt - 1, 64))
    assert 0 <= delay <= ceiling + 1e-9
    if jitter == "equal":
        assert delay >= ceiling / 2 - 1e-9


# -- pagination ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("links", "token"),
    [
        ({"nextToken": "abc", "next": "https://x/c?viewtoken=abc"}, "abc"),
        ({"nextToken": "abc"}, "abc"),
        ({"next": "https://x/api/v1/byoc/collections?count=10&viewtoken=def"}, "def"),
        ({"next": "https://x/c?viewtoken=a%2Bb%3D"}, "a+b="),
        ({"nextToken": "", "next": "https://x/c?viewtoken=ghi"}, "ghi"),
        ({"nextToken": None, "next": "https://x/c?count=5"}, None),
        ({"next": "https://x/c?viewtoken="}, None),
        ({"currentToken": "zzz"}, None),
        ({"nextToken": 12}, None),
        ({}, None),
        (None, None),
    ],
)
def test_next_page_token(links: dict[str, object] | None, token: str | None) -> None:
    assert next_page_token(links) == token


TOKENS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1).filter(
    lambda t: t.strip() == t
)


@given(TOKENS)
def test_viewtoken_round_trips_through_a_next_url(token: str) -> None:
    next_url = str(httpx.URL("https://x/api/v1/byoc/collections", params={"viewtoken": token}))
    assert next_page_token({"next": next_url}) == token


@given(st.lists(TOKENS, unique=True, max_size=20))
def test_tracker_accepts_fresh_tokens_and_stops_at_the_end(tokens: list[str]) -> None:
    tracker = PageTokenTracker()
    assert [tracker.advance({"nextToken": t}) for t in tokens] == tokens
    assert tracker.advance({}) is None
    assert tracker.pages == len(tokens)


def test_tracker_refuses_a_repeated_token() -> None:
    tracker = PageTokenTracker("tiles of collection abc")
    tracker.advance({"nextToken": "t1"})
    tracker.advance({"nextToken": "t2"})
    with pytest.raises(PaginationError, match="repeated a page token while listing tiles of"):
        tracker.advance({"next": "https://x/c?viewtoken=t1"})


@pytest.mark.parametrize(
    "module",
    [
        "sentinelhub_byoc._logging",
        "sentinelhub_byoc.retries",
        "sentinelhub_byoc._transport.error_mapping",
        "sentinelhub_byoc._pagination",
        "sentinelhub_byoc._lazy",
        "sentinelhub_byoc.deployments",
        "sentinelhub_byoc.config",
        "sentinelhub_byoc.auth",
        "sentinelhub_byoc.ratelimit",
    ],
)
def test_docstring_examples_run(module: str) -> None:
    import doctest
    import importlib

    results = doctest.testmod(importlib.import_module(module))
    assert results.failed == 0
