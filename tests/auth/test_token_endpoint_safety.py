"""Credentials stay where they belong: token requests time out, and never follow a redirect.

* The token request carries the caller's timeout: a token endpoint that accepts the connection
  and never answers fails the call within about that timeout (over real loopback sockets).
* A redirect from the token endpoint is an AuthenticationError; the client secret is posted
  once, to token_url, and never to the Location.
* The bearer token never follows a redirect of the API to another origin.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
from sentinelhub_byoc import APIError, APITimeoutError, AsyncBYOCClient, AuthenticationError, BYOCClient
from sentinelhub_byoc.auth import ClientCredentialsAuth
from sentinelhub_byoc.deployments import Deployment
from sentinelhub_byoc.retries import RetryPolicy

TIMEOUT = 0.5
# Generous for a slow CI machine, far below "forever" and below the 60 s default timeout.
PROMPTLY = 5.0

TOKEN_URL = "https://auth.example/oauth/token"
DEPLOYMENT = Deployment.custom("https://api.example", token_url=TOKEN_URL)
ELSEWHERE = "https://elsewhere.example/oauth/token?client_secret=oops"
REDIRECTS = [301, 302, 303, 307, 308]


# -- a token endpoint that never answers ---------------------------------------------------------


class SilentServer:
    """Accepts TCP connections on loopback, reads nothing, answers nothing."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    @property
    def accepted(self) -> int:
        return len(self._held)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._held.append(connection)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._listener.close()
        for connection in self._held:
            connection.close()


@pytest.fixture
def silent() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()


def _silent_deployment(server: SilentServer) -> Deployment:
    # The API URL is the silent server too: if anything reached it, it would hang as well.
    return Deployment.custom(server.base_url, token_url=server.base_url + "/oauth/token")


def _no_profiles(tmp_path: Path) -> Path:
    return tmp_path / "no-such-config.toml"  # never read anything outside the test's directory


def test_a_silent_token_endpoint_fails_a_sync_call_within_the_client_timeout(
    silent: SilentServer, tmp_path: Path
) -> None:
    client = BYOCClient(
        "my-id",
        "my-secret",
        deployment=_silent_deployment(silent),
        timeout=TIMEOUT,
        retry=RetryPolicy.disabled(),
        config_path=_no_profiles(tmp_path),
    )
    started = time.monotonic()
    with client, pytest.raises(APITimeoutError):
        list(client.collections.list())
    assert time.monotonic() - started < PROMPTLY
    assert silent.accepted == 1


def test_a_silent_token_endpoint_fails_a_call_within_the_calls_own_timeout(
    silent: SilentServer, tmp_path: Path
) -> None:
    client = BYOCClient(
        "my-id",
        "my-secret",
        deployment=_silent_deployment(silent),
        retry=RetryPolicy.disabled(),
        config_path=_no_profiles(tmp_path),
    )  # the client's default timeout is a minute; the call asks for half a second
    started = time.monotonic()
    with client, pytest.raises(APITimeoutError):
        list(client.with_options(timeout=TIMEOUT).collections.list())
    assert time.monotonic() - started < PROMPTLY


@pytest.mark.anyio
async def test_a_silent_token_endpoint_fails_an_async_call_within_the_timeout(
    silent: SilentServer, tmp_path: Path
) -> None:
    client = AsyncBYOCClient(
        "my-id",
        "my-secret",
        deployment=_silent_deployment(silent),
        timeout=TIMEOUT,
        retry=RetryPolicy.disabled(),
        config_path=_no_profiles(tmp_path),
    )
    started = time.monotonic()
    async with client:
        with pytest.raises(APITimeoutError):
            _ = [collection async for collection in client.collections.list()]
    assert time.monotonic() - started < PROMPTLY


def test_every_retry_of_a_silent_token_request_is_bounded_by_the_timeout(
    silent: SilentServer, tmp_path: Path
) -> None:
    client = BYOCClient(
        "my-id",
        "my-secret",
        deployment=_silent_deployment(silent),
        timeout=TIMEOUT,
        retry=RetryPolicy(max_attempts=3, base_delay=0.0, jitter="none"),
        config_path=_no_profiles(tmp_path),
    )
    started = time.monotonic()
    with client, pytest.raises(APITimeoutError):
        list(client.collections.list())
    assert time.monotonic() - started < PROMPTLY + 2 * TIMEOUT


def test_auth_in_a_plain_httpx_client_uses_that_clients_timeout(silent: SilentServer) -> None:
    deployment = _silent_deployment(silent)
    auth = ClientCredentialsAuth("my-id", "my-secret", token_url=deployment.token_url)
    started = time.monotonic()
    with httpx.Client(auth=auth, timeout=TIMEOUT) as client, pytest.raises(httpx.TimeoutException):
        client.get(deployment.collections_url)
    assert time.monotonic() - started < PROMPTLY
    assert auth.token_request_count == 1


@pytest.mark.anyio
async def test_auth_in_a_plain_async_httpx_client_uses_that_clients_timeout(silent: SilentServer) -> None:
    deployment = _silent_deployment(silent)
    auth = ClientCredentialsAuth("my-id", "my-secret", token_url=deployment.token_url)
    started = time.monotonic()
    async with httpx.AsyncClient(auth=auth, timeout=TIMEOUT) as client:
        with pytest.raises(httpx.TimeoutException):
            await client.get(deployment.collections_url)
    assert time.monotonic() - started < PROMPTLY


# -- redirects from the token endpoint -----------------------------------------------------------


class Recorder:
    """A MockTransport handler: the token endpoint answers ``token_answer``, the API 200."""

    def __init__(self, token_answer: Callable[[httpx.Request], httpx.Response]) -> None:
        self.token_answer = token_answer
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if request.url.host == "elsewhere.example":
            return httpx.Response(200, json={"access_token": "from-elsewhere", "expires_in": 3600})
        if request.url == TOKEN_URL:
            return self.token_answer(request)
        return httpx.Response(200, json={"data": [], "links": {}})

    def to(self, host: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.host == host]

    def secrets_sent_to(self, host: str) -> list[str]:
        return [
            secret for r in self.to(host) for secret in parse_qs(r.content.decode()).get("client_secret", [])
        ]


def _redirect(status: int, location: str = ELSEWHERE) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, headers={"Location": location})


def _auth() -> ClientCredentialsAuth:
    return ClientCredentialsAuth("my-id", "my-secret", token_url=TOKEN_URL)


def _check_redirect_error(error: AuthenticationError, status: int) -> None:
    message = str(error)
    assert "redirected to https://elsewhere.example/oauth/token?client_secret=***" in message
    assert "token_url must be the final URL" in message
    assert "oops" not in message
    assert "my-secret" not in message
    assert error.status == status


@pytest.mark.parametrize("status", REDIRECTS)
def test_a_redirect_from_the_token_endpoint_is_an_authentication_error(status: int) -> None:
    recorder = Recorder(_redirect(status))
    auth = _auth()
    with (
        httpx.Client(transport=httpx.MockTransport(recorder), auth=auth) as client,
        pytest.raises(AuthenticationError) as caught,
    ):
        client.get(DEPLOYMENT.collections_url)
    _check_redirect_error(caught.value, status)
    assert [str(r.url) for r in recorder.requests] == [TOKEN_URL]
    assert auth.token_request_count == 1
    assert not auth.has_valid_token


@pytest.mark.parametrize("status", REDIRECTS)
def test_the_byoc_client_does_not_follow_a_token_endpoint_redirect(status: int) -> None:
    recorder = Recorder(_redirect(status))
    with (
        BYOCClient(auth=_auth(), deployment=DEPLOYMENT, transport=httpx.MockTransport(recorder)) as client,
        pytest.raises(AuthenticationError) as caught,
    ):
        list(client.collections.list())
    _check_redirect_error(caught.value, status)
    assert [str(r.url) for r in recorder.requests] == [TOKEN_URL]


@pytest.mark.parametrize("status", REDIRECTS)
def test_the_byoc_client_does_not_follow_it_even_in_a_client_that_follows_redirects(status: int) -> None:
    recorder = Recorder(_redirect(status))
    own = httpx.Client(transport=httpx.MockTransport(recorder), follow_redirects=True)
    with (
        BYOCClient(auth=_auth(), deployment=DEPLOYMENT, http_client=own) as client,
        pytest.raises(AuthenticationError) as caught,
    ):
        list(client.collections.list())
    _check_redirect_error(caught.value, status)
    assert [str(r.url) for r in recorder.requests] == [TOKEN_URL]


@pytest.mark.anyio
@pytest.mark.parametrize("status", REDIRECTS)
async def test_the_async_client_does_not_follow_a_token_endpoint_redirect(status: int) -> None:
    recorder = Recorder(_redirect(status))
    own = httpx.AsyncClient(transport=httpx.MockTransport(recorder), follow_redirects=True)
    async with AsyncBYOCClient(auth=_auth(), deployment=DEPLOYMENT, http_client=own) as client:
        with pytest.raises(AuthenticationError) as caught:
            _ = [collection async for collection in client.collections.list()]
    _check_redirect_error(caught.value, status)
    assert [str(r.url) for r in recorder.requests] == [TOKEN_URL]


def test_a_relative_redirect_is_reported_with_its_full_target() -> None:
    recorder = Recorder(_redirect(308, "/v2/token"))
    with (
        httpx.Client(transport=httpx.MockTransport(recorder), auth=_auth()) as client,
        pytest.raises(AuthenticationError, match=r"redirected to https://auth\.example/v2/token"),
    ):
        client.get(DEPLOYMENT.collections_url)
    assert len(recorder.requests) == 1


@pytest.mark.parametrize("status", [300, 304, 399])
def test_any_3xx_from_the_token_endpoint_is_an_authentication_error(status: int) -> None:
    recorder = Recorder(lambda request: httpx.Response(status))
    with (
        httpx.Client(transport=httpx.MockTransport(recorder), auth=_auth()) as client,
        pytest.raises(AuthenticationError, match="no Location header") as caught,
    ):
        client.get(DEPLOYMENT.collections_url)
    assert caught.value.status == status
    assert len(recorder.requests) == 1


@pytest.mark.parametrize("status", [301, 302, 303])
def test_a_plain_httpx_client_that_follows_redirects_gets_an_error_not_the_token(status: int) -> None:
    # httpx follows redirects below the auth flow, so a client made with follow_redirects=True
    # does reach the Location; these redirects turn the POST into a GET without the form, so
    # the secret is not sent there, and whatever the Location answers is refused.
    recorder = Recorder(_redirect(status))
    with (
        httpx.Client(transport=httpx.MockTransport(recorder), auth=_auth(), follow_redirects=True) as client,
        pytest.raises(AuthenticationError, match="the HTTP client followed the redirect"),
    ):
        client.get(DEPLOYMENT.collections_url)
    assert recorder.secrets_sent_to("elsewhere.example") == []
    assert recorder.to("api.example") == []


@pytest.mark.parametrize("status", [307, 308])
def test_a_plain_httpx_client_that_follows_307_and_308_is_refused_the_token(status: int) -> None:
    recorder = Recorder(_redirect(status))
    with (
        httpx.Client(transport=httpx.MockTransport(recorder), auth=_auth(), follow_redirects=True) as client,
        pytest.raises(AuthenticationError, match="follow_redirects=False"),
    ):
        client.get(DEPLOYMENT.collections_url)
    assert recorder.to("api.example") == []  # the token from elsewhere is never used


@pytest.mark.xfail(
    strict=True,
    reason="httpx re-posts a 307/308 below the auth flow when the client follows redirects; "
    "only follow_redirects=False (httpx's default, and the BYOC clients' send path) prevents it",
)
@pytest.mark.parametrize("status", [307, 308])
def test_known_limit_a_plain_client_following_307_reposts_the_secret(status: int) -> None:
    recorder = Recorder(_redirect(status))
    with (
        httpx.Client(transport=httpx.MockTransport(recorder), auth=_auth(), follow_redirects=True) as client,
        pytest.raises(AuthenticationError),
    ):
        client.get(DEPLOYMENT.collections_url)
    assert recorder.secrets_sent_to("elsewhere.example") == []


# -- the bearer token and redirects of the API ---------------------------------------------------


class RedirectingApi:
    """The token endpoint issues a token; the API redirects every request to another host."""

    def __init__(self, status: int = 307) -> None:
        self.status = status
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if request.url == TOKEN_URL:
            return httpx.Response(200, json={"access_token": "the-token", "expires_in": 3600})
        if request.url.host == "api.example":
            target = "https://other.example" + request.url.raw_path.decode()
            return httpx.Response(self.status, headers={"Location": target})
        return httpx.Response(401, json={"error": {"status": 401, "message": "who are you?"}})

    def authorizations_at(self, host: str) -> list[str | None]:
        return [r.headers.get("authorization") for r in self.requests if r.url.host == host]


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_the_byoc_client_does_not_follow_an_api_redirect_to_another_host(status: int) -> None:
    api = RedirectingApi(status)
    with (
        BYOCClient(auth=_auth(), deployment=DEPLOYMENT, transport=httpx.MockTransport(api)) as client,
        pytest.raises(APIError) as caught,
    ):
        list(client.collections.list())
    assert caught.value.status == status
    assert "the-token" not in str(caught.value)
    assert api.authorizations_at("api.example") == ["Bearer the-token"]
    assert api.authorizations_at("other.example") == []


@pytest.mark.parametrize("status", [307, 308])
def test_the_byoc_client_does_not_follow_it_in_a_client_that_follows_redirects(status: int) -> None:
    api = RedirectingApi(status)
    own = httpx.Client(transport=httpx.MockTransport(api), follow_redirects=True)
    with (
        BYOCClient(auth=_auth(), deployment=DEPLOYMENT, http_client=own) as client,
        pytest.raises(APIError) as caught,
    ):
        list(client.collections.list())
    assert caught.value.status == status
    assert api.authorizations_at("other.example") == []


@pytest.mark.anyio
async def test_the_async_client_does_not_follow_an_api_redirect_to_another_host() -> None:
    api = RedirectingApi(307)
    own = httpx.AsyncClient(transport=httpx.MockTransport(api), follow_redirects=True)
    async with AsyncBYOCClient(auth=_auth(), deployment=DEPLOYMENT, http_client=own) as client:
        with pytest.raises(APIError) as caught:
            _ = [collection async for collection in client.collections.list()]
    assert caught.value.status == 307
    assert api.authorizations_at("other.example") == []


def test_a_401_from_another_origin_does_not_spend_a_new_token() -> None:
    # A plain httpx client that follows redirects: httpx drops the token on the way to the other
    # host, whose 401 says nothing about the token, so the auth neither refreshes nor replays.
    api = RedirectingApi(307)
    auth = _auth()
    with httpx.Client(transport=httpx.MockTransport(api), auth=auth, follow_redirects=True) as client:
        response = client.get(DEPLOYMENT.collections_url)
    assert response.status_code == 401
    assert api.authorizations_at("other.example") == [None]
    assert auth.token_request_count == 1
    assert auth.has_valid_token
