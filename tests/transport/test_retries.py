"""The send loop (Sender.send_request and its asyncio twin) over scripted in-test transports."""

from __future__ import annotations

import random
from typing import Any

import httpx
import pytest
from sentinelhub_byoc.ratelimit import RateLimiter
from sentinelhub_byoc.retries import RetryPolicy

from tests.send_loop import URL, AsyncLoop, Loop


class TrackedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that remembers whether it was read and closed."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.read = False
        self.closed = False

    def __iter__(self):  # type: ignore[no-untyped-def]
        self.read = True
        yield self.body

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        self.read = True
        yield self.body

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


Step = int | tuple[int, dict[str, str]] | Exception


class Script:
    """Answers each request with the next step: a status, (status, headers), or an exception."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []
        self.streams: list[TrackedStream] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.steps.pop(0)
        if isinstance(step, Exception):
            raise step
        status, headers = step if isinstance(step, tuple) else (step, {})
        stream = TrackedStream(b'{"status": %d}' % status)
        self.streams.append(stream)
        return httpx.Response(status, headers=headers, stream=stream)


def client_for(script: Script, sleeps: list[float], **kwargs: Any) -> Loop:
    return Loop(httpx.MockTransport(script), sleeps, **kwargs)


def test_retries_transient_statuses_with_exponential_backoff() -> None:
    script, sleeps = Script(503, 502, 504, 200), list[float]()
    with client_for(script, sleeps) as client:
        assert client.get(URL).status_code == 200
    assert sleeps == [1.0, 2.0, 4.0]
    assert len(script.requests) == 4


def test_retried_responses_are_read_and_closed_and_the_last_is_not() -> None:
    script, sleeps = Script(503, 200), list[float]()
    with client_for(script, sleeps) as client:
        response = client.get(URL)
        retried, final = script.streams
        assert retried.read
        assert retried.closed
        assert not final.read
        assert not final.closed
        response.read()
    assert final.closed


def test_gives_up_after_max_attempts_and_returns_the_last_response() -> None:
    script, sleeps = Script(503, 503, 503, 503, 200), list[float]()
    with client_for(script, sleeps) as client:
        assert client.get(URL).status_code == 503
    assert len(script.requests) == 4
    assert len(sleeps) == 3


def test_honours_retry_after_in_milliseconds() -> None:
    script, sleeps = Script((429, {"Retry-After": "3398"}), (503, {"Retry-After": "250"}), 200), list[float]()
    with client_for(script, sleeps) as client:
        assert client.get(URL).status_code == 200
    assert sleeps == [3.398, 0.25]


def test_retry_after_is_capped() -> None:
    policy = RetryPolicy(max_retry_after=10.0)
    script, sleeps = Script((429, {"Retry-After": "600000"}), 200), list[float]()
    with client_for(script, sleeps, policy=policy) as client:
        client.get(URL)
    assert sleeps == [10.0]


def test_connection_errors_are_retried_then_re_raised() -> None:
    script = Script(httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), 200)
    sleeps: list[float] = []
    with client_for(script, sleeps) as client:
        assert client.get(URL).status_code == 200

    failing = Script(*[httpx.ConnectError("refused")] * 4)
    with client_for(failing, sleeps) as client, pytest.raises(httpx.ConnectError):
        client.get(URL)
    assert len(failing.requests) == 4


@pytest.mark.parametrize(
    ("steps", "retry_safe", "attempts", "status"),
    [
        ((503, 200), False, 1, 503),
        ((502, 200), False, 1, 502),
        ((429, 200), False, 2, 200),
        ((503, 200), True, 2, 200),
        ((httpx.ConnectError("refused"), 201), False, 2, 201),
    ],
)
def test_post_retries_only_when_it_cannot_have_been_processed(
    steps: tuple[Step, ...], retry_safe: bool, attempts: int, status: int
) -> None:
    script, sleeps = Script(*steps), list[float]()
    with client_for(script, sleeps) as client:
        assert client.post(URL, json={"name": "x"}, retry_safe=retry_safe).status_code == status
    assert len(script.requests) == attempts


def test_a_dropped_post_is_not_repeated_unless_marked_safe() -> None:
    script, sleeps = Script(httpx.RemoteProtocolError("dropped"), 201), list[float]()
    with client_for(script, sleeps) as client, pytest.raises(httpx.RemoteProtocolError):
        client.post(URL, json={"path": "tiles/a"})
    assert len(script.requests) == 1


def test_retried_post_resends_the_same_body() -> None:
    script, sleeps = Script(429, 201), list[float]()
    with client_for(script, sleeps) as client:
        client.post(URL, json={"path": "tiles/a"})
    assert [r.content for r in script.requests] == [b'{"path":"tiles/a"}'] * 2


def test_per_request_policy_override() -> None:
    script, sleeps = Script(503, 503, 200), list[float]()
    with client_for(script, sleeps) as client:
        assert client.get(URL, policy=RetryPolicy.disabled()).status_code == 503
        patient = RetryPolicy(base_delay=0.1, jitter="none")
        assert client.get(URL, policy=patient).status_code == 200
    assert sleeps == [0.1]


def test_non_retryable_statuses_pass_straight_through() -> None:
    script, sleeps = Script(404, 409, 500), list[float]()
    with client_for(script, sleeps) as client:
        assert [client.get(URL).status_code for _ in range(3)] == [404, 409, 500]
    assert sleeps == []


def test_full_jitter_draws_from_the_rng() -> None:
    script, sleeps = Script(503, 200), list[float]()
    policy = RetryPolicy(base_delay=2.0, jitter="full")
    with client_for(script, sleeps, policy=policy, rng=random.Random(7)) as client:
        client.get(URL)
    assert sleeps == [2.0 * random.Random(7).random()]


def test_each_attempt_waits_for_the_rate_limiter() -> None:
    acquired: list[str] = []

    class CountingLimiter(RateLimiter):
        def acquire(self) -> None:
            acquired.append("sync")

    script, sleeps = Script(503, 200, 200), list[float]()
    limiter = CountingLimiter(60)
    with client_for(script, sleeps, rate_limiter=limiter) as client:
        client.get(URL)
        client.post(URL, rate_limited=False)
    assert acquired == ["sync", "sync"]  # requests not rate limited (token requests) are not counted


# -- async ------------------------------------------------------------------------------------


def async_client_for(script: Script, sleeps: list[float], **kwargs: Any) -> AsyncLoop:
    async def handler(request: httpx.Request) -> httpx.Response:
        return script(request)

    return AsyncLoop(httpx.MockTransport(handler), sleeps, **kwargs)


@pytest.mark.anyio
async def test_async_retries_and_closes_retried_responses() -> None:
    script, sleeps = Script((429, {"Retry-After": "1500"}), httpx.ConnectError("x"), 200), list[float]()
    async with async_client_for(script, sleeps) as client:
        assert (await client.get(URL)).status_code == 200
    assert sleeps == [1.5, 2.0]
    assert script.streams[0].read
    assert script.streams[0].closed


@pytest.mark.anyio
async def test_async_post_rules_match_sync() -> None:
    script, sleeps = Script(503, 200), list[float]()
    async with async_client_for(script, sleeps) as client:
        assert (await client.post(URL, json={})).status_code == 503
    assert sleeps == []


@pytest.mark.anyio
async def test_async_rate_limiter_is_awaited() -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    now = [0.0]
    limiter = RateLimiter(60, burst=1, clock=lambda: now[0], async_sleep=record)
    script, sleeps = Script(200, 200), list[float]()
    async with async_client_for(script, sleeps, rate_limiter=limiter) as client:
        await client.get(URL)
        await client.get(URL)
    assert waits == [1.0]


class CutOffStream(TrackedStream):
    """A body whose connection dies part-way."""

    def __iter__(self):  # type: ignore[no-untyped-def]
        yield b'{"da'
        raise httpx.RemoteProtocolError("peer closed connection")

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        yield b'{"da'
        raise httpx.RemoteProtocolError("peer closed connection")


@pytest.mark.parametrize(
    ("method", "retry_safe", "recovered"),
    [("GET", False, True), ("POST", False, False), ("POST", True, True)],
)
def test_buffered_responses_cut_off_part_way(method: str, retry_safe: bool, recovered: bool) -> None:
    cut = CutOffStream(b"")
    answers = iter([httpx.Response(200, stream=cut), httpx.Response(200, json={"data": []})])
    with Loop(httpx.MockTransport(lambda request: next(answers)), []) as client:
        if recovered:
            assert client.request(method, retry_safe=retry_safe, buffered=True).json() == {"data": []}
        else:
            with pytest.raises(httpx.RemoteProtocolError):
                client.request(method, retry_safe=retry_safe, buffered=True)
    assert cut.closed


# -- host names that do not resolve ---------------------------------------------------------


def _unresolved(message: str = "[Errno -2] Name or service not known") -> httpx.ConnectError:
    """httpx's error for a failed name lookup, chained as httpx chains it: through httpcore."""
    import socket

    import httpcore

    lookup = socket.gaierror(-2, "Name or service not known")
    try:
        try:
            raise lookup
        except socket.gaierror as error:
            raise httpcore.ConnectError(error) from error
    except httpcore.ConnectError as error:
        try:
            raise httpx.ConnectError(message) from error
        except httpx.ConnectError as outer:
            return outer


def _refused() -> httpx.ConnectError:
    try:
        try:
            raise ConnectionRefusedError(111, "Connection refused")
        except ConnectionRefusedError as error:
            raise httpx.ConnectError("[Errno 111] Connection refused") from error
    except httpx.ConnectError as outer:
        return outer


def _looping() -> httpx.ConnectError:
    """A chain of causes that loops back on itself: the check must still end."""
    first, second = httpx.ConnectError("a"), httpx.ConnectError("b")
    first.__cause__, second.__cause__ = second, first
    return first


@pytest.mark.parametrize(
    ("method", "error", "retry_safe", "expected"),
    [
        # A name lookup that failed is not retried, whatever the method or flag ...
        ("GET", _unresolved(), False, False),
        ("DELETE", _unresolved(), False, False),
        ("POST", _unresolved(), False, False),
        ("POST", _unresolved(), True, False),
        # ... a refused connection still is, as a request that never left ...
        ("GET", _refused(), False, True),
        ("POST", _refused(), False, True),
        ("GET", httpx.ConnectError("no cause at all"), False, True),
        # ... and a chain of causes that loops is looked through without hanging.
        ("GET", _looping(), False, True),
    ],
)
def test_name_resolution_failures_are_not_retried(
    method: str, error: Exception, retry_safe: bool, expected: bool
) -> None:
    from sentinelhub_byoc.retries import should_retry

    policy = RetryPolicy()
    assert (
        should_retry(method=method, attempt=1, policy=policy, error=error, retry_safe=retry_safe) is expected
    )


def test_a_host_that_does_not_resolve_is_tried_once() -> None:
    script, sleeps = Script(_unresolved(), 200), list[float]()
    with client_for(script, sleeps) as client, pytest.raises(httpx.ConnectError):
        client.get(URL)
    assert len(script.requests) == 1
    assert sleeps == []


@pytest.mark.anyio
async def test_async_a_host_that_does_not_resolve_is_tried_once() -> None:
    script, sleeps = Script(_unresolved(), 200), list[float]()
    async with async_client_for(script, sleeps) as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(URL)
    assert len(script.requests) == 1
    assert sleeps == []


def test_httpx_own_error_for_a_failed_lookup_is_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    # The lookup fails at once, as it does for a name no resolver knows, but without any network:
    # httpx and httpcore build their chain of errors over it as they do for real.
    import socket

    def no_such_host(*args: object, **kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    waits: list[float] = []
    with Loop(httpx.HTTPTransport(), waits) as client, pytest.raises(httpx.ConnectError):
        client.get("http://byoc-test-host.invalid/api")
    assert waits == []
