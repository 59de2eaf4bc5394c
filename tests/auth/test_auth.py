"""OAuth2 client-credentials auth against a small in-test fake service (httpx.MockTransport).

The fake lets each test control token lifetimes, revocation and timing precisely; the tests in
test_auth_emulator.py run the same auth against the package's emulator.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from urllib.parse import parse_qs

import anyio
import httpx
import pytest
from sentinelhub_byoc.auth import ClientCredentialsAuth, StaticTokenAuth, is_loopback
from sentinelhub_byoc.errors import AuthenticationError, ValidationError

TOKEN_URL = "https://auth.example/token"
API = "https://api.example/api/v1/byoc/collections"


class FakeService:
    """Issues numbered tokens and answers API requests that carry a live one."""

    def __init__(self, *, expires_in: float = 3600, token_delay: float = 0.0) -> None:
        self.expires_in = expires_in
        self.token_delay = token_delay
        self.live: set[str] = set()
        self.token_requests: list[httpx.Request] = []
        self.api_authorizations: list[str | None] = []
        self.token_answer: httpx.Response | None = None
        self._lock = threading.Lock()

    def _issue(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.token_requests.append(request)
            if self.token_answer is not None:
                return self.token_answer
            form = parse_qs(request.content.decode())
            if form != {
                "grant_type": ["client_credentials"],
                "client_id": ["my-id"],
                "client_secret": ["my-secret"],
            }:
                return httpx.Response(401, json={"error": "invalid_client"})
            token = f"token-{len(self.token_requests)}"
            self.live.add(token)
        return httpx.Response(
            200, json={"access_token": token, "expires_in": self.expires_in, "token_type": "Bearer"}
        )

    def _api(self, request: httpx.Request) -> httpx.Response:
        authorization = request.headers.get("authorization")
        with self._lock:
            self.api_authorizations.append(authorization)
            ok = authorization is not None and authorization.removeprefix("Bearer ") in self.live
        if not ok:
            return httpx.Response(401, json={"error": {"status": 401, "message": "Unauthorized"}})
        return httpx.Response(200, json={"data": []})

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url == TOKEN_URL:
            time.sleep(self.token_delay)
            return self._issue(request)
        return self._api(request)

    async def async_handler(self, request: httpx.Request) -> httpx.Response:
        if request.url == TOKEN_URL:
            await anyio.sleep(self.token_delay)
            return self._issue(request)
        return self._api(request)

    def revoke_all(self) -> None:
        with self._lock:
            self.live.clear()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def service() -> FakeService:
    return FakeService()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def auth(clock: Clock) -> ClientCredentialsAuth:
    return ClientCredentialsAuth("my-id", "my-secret", token_url=TOKEN_URL, clock=clock)


@pytest.fixture
def client(service: FakeService, auth: ClientCredentialsAuth) -> Iterator[httpx.Client]:
    with httpx.Client(transport=httpx.MockTransport(service.handler), auth=auth) as client:
        yield client


def test_first_request_fetches_a_token_through_the_client_transport(
    client: httpx.Client, service: FakeService, auth: ClientCredentialsAuth
) -> None:
    response = client.get(API)
    assert response.status_code == 200
    (token_request,) = service.token_requests
    assert token_request.method == "POST"
    assert token_request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert not any(key.startswith("sentinelhub_byoc.") for key in token_request.extensions)
    assert service.api_authorizations == ["Bearer token-1"]
    assert auth.token_request_count == 1
    assert auth.has_valid_token


def test_token_is_reused_until_shortly_before_expiry(
    client: httpx.Client, service: FakeService, clock: Clock
) -> None:
    client.get(API)
    clock.now += 3600 - 61  # default margin: 60 s
    client.get(API)
    assert len(service.token_requests) == 1
    clock.now += 2
    client.get(API)
    assert len(service.token_requests) == 2
    assert service.api_authorizations == ["Bearer token-1", "Bearer token-1", "Bearer token-2"]


@pytest.mark.parametrize(
    ("expires_in", "margin", "reused_after", "renewed_after"),
    [
        (3600, 60, 3539, 3541),
        (3600, 0, 3599, 3600),
        (60, 60, 29, 31),  # a short-lived token is reused for at least half its life
        (600, 300, 299, 301),
    ],
)
def test_refresh_margin(
    service: FakeService,
    clock: Clock,
    expires_in: float,
    margin: float,
    reused_after: float,
    renewed_after: float,
) -> None:
    service.expires_in = expires_in
    auth = ClientCredentialsAuth(
        "my-id", "my-secret", token_url=TOKEN_URL, clock=clock, refresh_margin=margin
    )
    with httpx.Client(transport=httpx.MockTransport(service.handler), auth=auth) as client:
        start = clock.now
        client.get(API)
        clock.now = start + reused_after
        client.get(API)
        assert auth.token_request_count == 1
        clock.now = start + renewed_after
        client.get(API)
        assert auth.token_request_count == 2


def test_a_401_refreshes_once_and_replays_once(client: httpx.Client, service: FakeService) -> None:
    client.get(API)
    service.revoke_all()
    response = client.post(API, json={"name": "x"})
    assert response.status_code == 200
    assert service.api_authorizations == ["Bearer token-1", "Bearer token-1", "Bearer token-2"]
    assert len(service.token_requests) == 2


def test_a_persistent_401_is_returned_not_looped(client: httpx.Client, service: FakeService) -> None:
    service.live = set()
    service.token_answer = httpx.Response(200, json={"access_token": "dead", "expires_in": 3600})
    response = client.get(API)
    assert response.status_code == 401
    assert len(service.api_authorizations) == 2
    assert len(service.token_requests) == 2


class StreamingTransport(httpx.BaseTransport):
    """Consumes request bodies as a network transport does, without keeping them in memory."""

    def __init__(self, service: FakeService) -> None:
        self.service = service

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url == TOKEN_URL:
            request.read()
            return self.service.handler(request)
        for _ in request.stream:  # type: ignore[union-attr]
            pass
        return self.service.handler(request)


def test_a_streamed_body_is_not_replayed(service: FakeService, auth: ClientCredentialsAuth) -> None:
    with httpx.Client(transport=StreamingTransport(service), auth=auth) as client:
        client.get(API)
        service.revoke_all()
        response = client.post(API, content=iter([b"chunk"]))
    assert response.status_code == 401
    assert len(service.token_requests) == 1


def test_invalidate_forces_a_new_token(
    client: httpx.Client, service: FakeService, auth: ClientCredentialsAuth
) -> None:
    client.get(API)
    auth.invalidate()
    assert not auth.has_valid_token
    client.get(API)
    assert len(service.token_requests) == 2


@pytest.mark.parametrize(
    ("answer", "code", "message"),
    [
        (
            httpx.Response(
                401,
                json={
                    "error": "invalid_client",
                    "error_description": "Invalid client or Invalid client credentials",
                },
            ),
            "invalid_client",
            "Invalid client or Invalid client credentials",
        ),
        (httpx.Response(503, text="maintenance"), None, "maintenance"),
        (httpx.Response(200, json={"token_type": "bearer"}), None, "without an access_token"),
        (httpx.Response(200, text="<html>login</html>"), None, "without an access_token"),
        (
            httpx.Response(200, json={"access_token": "x", "token_type": "mac"}),
            None,
            "only bearer tokens",
        ),
    ],
)
def test_token_endpoint_failures_raise_authentication_error(
    client: httpx.Client, service: FakeService, answer: httpx.Response, code: str | None, message: str
) -> None:
    service.token_answer = answer
    with pytest.raises(AuthenticationError, match=message) as caught:
        client.get(API)
    assert caught.value.code == code
    assert caught.value.status == answer.status_code
    assert service.api_authorizations == []


def test_single_flight_across_threads(auth: ClientCredentialsAuth) -> None:
    service = FakeService(token_delay=0.05)
    barrier = threading.Barrier(16)
    statuses: list[int] = []

    with httpx.Client(transport=httpx.MockTransport(service.handler), auth=auth) as client:

        def work() -> None:
            barrier.wait()
            statuses.append(client.get(API).status_code)

        threads = [threading.Thread(target=work) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert statuses == [200] * 16
    assert len(service.token_requests) == 1
    assert set(service.api_authorizations) == {"Bearer token-1"}


def test_single_flight_after_revocation_across_threads(auth: ClientCredentialsAuth) -> None:
    service = FakeService(token_delay=0.02)
    with httpx.Client(transport=httpx.MockTransport(service.handler), auth=auth) as client:
        client.get(API)
        service.revoke_all()
        barrier = threading.Barrier(8)

        def work() -> None:
            barrier.wait()
            assert client.get(API).status_code == 200

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(service.token_requests) == 2


@pytest.mark.anyio
async def test_single_flight_across_tasks(auth: ClientCredentialsAuth) -> None:
    service = FakeService(token_delay=0.05)
    transport = httpx.MockTransport(service.async_handler)
    async with httpx.AsyncClient(transport=transport, auth=auth) as client:
        responses = await asyncio.gather(*(client.get(API) for _ in range(20)))
    assert [r.status_code for r in responses] == [200] * 20
    assert len(service.token_requests) == 1
    assert auth.token_request_count == 1


@pytest.mark.anyio
async def test_async_401_refresh(auth: ClientCredentialsAuth) -> None:
    service = FakeService()
    transport = httpx.MockTransport(service.async_handler)
    async with httpx.AsyncClient(transport=transport, auth=auth) as client:
        await client.get(API)
        service.revoke_all()
        responses = await asyncio.gather(*(client.get(API) for _ in range(5)))
    assert [r.status_code for r in responses] == [200] * 5
    assert len(service.token_requests) == 2


def test_one_auth_object_serves_several_event_loops(auth: ClientCredentialsAuth) -> None:
    service = FakeService(token_delay=0.01)

    async def burst() -> None:
        transport = httpx.MockTransport(service.async_handler)
        async with httpx.AsyncClient(transport=transport, auth=auth) as client:
            auth.invalidate()
            await asyncio.gather(*(client.get(API) for _ in range(5)))

    asyncio.run(burst())
    asyncio.run(burst())  # a lock bound to the first loop would fail here
    assert len(service.token_requests) == 2


def test_sync_and_async_share_the_token(service: FakeService, auth: ClientCredentialsAuth) -> None:
    with httpx.Client(transport=httpx.MockTransport(service.handler), auth=auth) as client:
        client.get(API)

    async def use() -> None:
        transport = httpx.MockTransport(service.async_handler)
        async with httpx.AsyncClient(transport=transport, auth=auth) as client:
            await client.get(API)

    asyncio.run(use())
    assert len(service.token_requests) == 1


@pytest.mark.parametrize(
    "token_url",
    [
        "http://127.0.0.1:8080/token",
        "http://127.9.9.9/token",
        "http://localhost:8080/token",
        "http://LOCALHOST/token",
        "http://[::1]:8080/token",
        "https://auth.example/token",
    ],
)
def test_loopback_or_https_token_urls_are_accepted(token_url: str) -> None:
    ClientCredentialsAuth("id", "secret", token_url=token_url)


@pytest.mark.parametrize(
    "token_url", ["http://auth.example/token", "http://10.0.0.1/token", "http://128.0.0.1/token"]
)
def test_plain_http_token_urls_are_refused(token_url: str) -> None:
    with pytest.raises(ValidationError, match="refusing to send the client secret"):
        ClientCredentialsAuth("id", "secret", token_url=token_url)


def test_tokens_are_not_sent_over_plain_http(service: FakeService) -> None:
    auth = StaticTokenAuth("abc")
    with (
        httpx.Client(transport=httpx.MockTransport(service.handler), auth=auth) as client,
        pytest.raises(ValidationError, match="refusing to send an access token"),
    ):
        client.get("http://api.example/api/v1/byoc/collections")
    assert service.api_authorizations == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1", True),
        ("http://[::1]/", True),
        ("http://app.localhost/", True),
        ("http://localhost./", True),
        ("http://example.com", False),
        ("http://[::2]/", False),
        ("http://localhost.example.com", False),
    ],
)
def test_is_loopback(url: str, expected: bool) -> None:
    assert is_loopback(url) is expected


def test_static_token_auth(service: FakeService) -> None:
    service.live.add("mine")
    auth = StaticTokenAuth("mine")
    with httpx.Client(transport=httpx.MockTransport(service.handler), auth=auth) as client:
        assert client.get(API).status_code == 200
        service.revoke_all()
        assert client.get(API).status_code == 401  # never refreshed, never replayed
    assert service.api_authorizations == ["Bearer mine", "Bearer mine"]
    assert service.token_requests == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"client_id": "id"}, "needs client_id and client_secret"),
        ({"client_id": "id", "client_secret": "s", "refresh_margin": -1}, "refresh_margin"),
        ({"client_id": "", "client_secret": "s"}, "client_id must be a non-empty string"),
    ],
)
def test_constructor_validation(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ClientCredentialsAuth(**kwargs)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="non-empty access token"):
        StaticTokenAuth(" ")


class TimeoutRecorder:
    def __init__(self, service: FakeService) -> None:
        self.service = service
        self.timeouts: dict[str, object] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        kind = "token" if request.url.path.endswith("/token") else "api"
        self.timeouts[kind] = request.extensions.get("timeout")
        return self.service.handler(request)


def test_the_token_request_carries_the_clients_timeout(
    service: FakeService, auth: ClientCredentialsAuth
) -> None:
    recorder = TimeoutRecorder(service)
    with httpx.Client(transport=httpx.MockTransport(recorder), auth=auth, timeout=7.5) as client:
        client.get(API)
    assert recorder.timeouts["token"] == httpx.Timeout(7.5).as_dict()
    assert recorder.timeouts["token"] == recorder.timeouts["api"]


def test_the_token_request_carries_the_requests_own_timeout(
    service: FakeService, auth: ClientCredentialsAuth
) -> None:
    recorder = TimeoutRecorder(service)
    with httpx.Client(transport=httpx.MockTransport(recorder), auth=auth, timeout=60) as client:
        client.get(API, timeout=httpx.Timeout(2.0, connect=1.0))
    assert recorder.timeouts["token"] == httpx.Timeout(2.0, connect=1.0).as_dict()


@pytest.mark.anyio
async def test_the_async_token_request_carries_the_clients_timeout(
    service: FakeService, auth: ClientCredentialsAuth
) -> None:
    timeouts: list[object] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        timeouts.append(request.extensions.get("timeout"))
        return await service.async_handler(request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler), auth=auth, timeout=3) as client:
        await client.get(API)
    assert timeouts == [httpx.Timeout(3).as_dict()] * 2


def test_a_request_without_a_timeout_gives_a_token_request_without_one(auth: ClientCredentialsAuth) -> None:
    flow = auth.auth_flow(httpx.Request("GET", API))
    token_request = next(flow)
    assert "timeout" not in token_request.extensions
    assert token_request.url == auth.token_url
    flow.close()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_token_redirect_is_an_authentication_error_and_never_reposted(
    client: httpx.Client, service: FakeService, auth: ClientCredentialsAuth, status: int
) -> None:
    service.token_answer = httpx.Response(status, headers={"Location": "https://elsewhere.example/t"})
    with pytest.raises(AuthenticationError, match=r"redirected to https://elsewhere\.example/t") as caught:
        client.get(API)
    assert "token_url must be the final URL" in str(caught.value)
    assert len(service.token_requests) == 1
    assert service.api_authorizations == []
    assert auth.token_request_count == 1


def test_a_redirect_answer_driven_by_hand_is_an_authentication_error(auth: ClientCredentialsAuth) -> None:
    flow = auth.auth_flow(httpx.Request("GET", API))
    next(flow)
    with pytest.raises(AuthenticationError, match="redirected to nowhere"):
        flow.send(httpx.Response(302))


def test_no_token_cache_by_default(auth: ClientCredentialsAuth) -> None:
    assert auth.token_cache is None
    assert repr(auth) == f"ClientCredentialsAuth(client_id='my-id', token_url='{TOKEN_URL}')"
