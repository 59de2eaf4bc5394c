"""OAuth2 client-credentials authentication as an :class:`httpx.Auth`.

One ``auth_flow`` generator describes the whole exchange for sync and async clients alike:

1. if no fresh token is held, ``POST`` the client id and secret to the token URL;
2. send the request with ``Authorization: Bearer …``;
3. if the API answers 401 (the token was revoked or expired early), get a new token once and
   replay the request once.

``sync_auth_flow`` and ``async_auth_flow`` only add locking and read the token response body,
so that however many threads (or tasks) start at once, exactly one token request is made.

The token request is yielded to the client like any other request, so it goes through the
client's transport: its retries, rate limiter and any in-process test transport apply.

>>> import httpx
>>> auth = ClientCredentialsAuth("my-id", "my-secret")
>>> client = httpx.Client(auth=auth)  # doctest: +SKIP
"""

from __future__ import annotations

import ipaddress
import threading
import time
import weakref
from collections.abc import AsyncGenerator, Callable, Generator
from typing import TYPE_CHECKING, Any

import attrs
import httpx

from sentinelhub_byoc import _requests
from sentinelhub_byoc._error_mapping import error_from_response
from sentinelhub_byoc._logging import logger, redact_url
from sentinelhub_byoc.config import Credentials
from sentinelhub_byoc.deployments import EU
from sentinelhub_byoc.errors import AuthenticationError, ValidationError
from sentinelhub_byoc.retries import RETRY_SAFE_EXTENSION

if TYPE_CHECKING:
    import anyio

__all__ = ["TOKEN_REQUEST_EXTENSION", "ClientCredentialsAuth", "StaticTokenAuth", "is_loopback"]

TOKEN_REQUEST_EXTENSION = _requests.TOKEN_REQUEST_EXTENSION
"""Request extension set to ``True`` on the requests that fetch an access token."""

_DEFAULT_EXPIRES_IN = 300.0  # assumed when the token endpoint does not say


def is_loopback(url: httpx.URL | str) -> bool:
    """Return whether ``url``'s host is this machine (``localhost``, 127.0.0.0/8 or ``::1``).

    >>> is_loopback("http://127.0.0.2:8080/token"), is_loopback("http://example.com")
    (True, False)
    """
    host = httpx.URL(url).host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _require_secure(url: httpx.URL, what: str) -> None:
    if url.scheme != "https" and not is_loopback(url):
        raise ValidationError(
            f"refusing to send {what} to {redact_url(url)} over unencrypted {url.scheme}://; "
            "use an https:// URL (plain http is allowed only for localhost and loopback addresses)"
        )


@attrs.frozen(repr=False)
class _Token:
    value: str
    expires_at: float  # on the auth object's clock
    refresh_at: float

    def __repr__(self) -> str:
        return f"_Token(value='***', expires_at={self.expires_at!r})"


class ClientCredentialsAuth(httpx.Auth):
    """Authenticate with an OAuth2 client id and secret, reusing the token until near expiry.

    Args:
        client_id: the OAuth client id (or pass ``credentials``).
        client_secret: the OAuth client secret.
        token_url: the token endpoint; defaults to the EU deployment's. Must be ``https://``
            unless the host is a loopback address.
        credentials: a :class:`Credentials` instead of ``client_id``/``client_secret``.
        refresh_margin: renew a token this many seconds before it expires (at most half its
            lifetime, so short-lived tokens are still reused).
        clock: a monotonic clock in seconds, replaceable in tests.

    Thread- and task-safe: one object may serve many threads and tasks, and a single token
    request is made when they need a token at the same moment. Async single flight is per event
    loop (a lock is created lazily for each loop that uses the object), so using one object from
    several event loops is safe but each loop may fetch its own token.

    Example::

        auth = ClientCredentialsAuth("my-id", "my-secret", token_url=Deployment.CDSE.token_url)
        with httpx.Client(auth=auth) as client:
            client.get(Deployment.CDSE.collections_url)
        auth.token_request_count  # 1
    """

    def __init__(
        self,
        client_id: str | None = None,
        client_secret: str | None = None,
        *,
        token_url: str | httpx.URL = EU.token_url,
        credentials: Credentials | None = None,
        refresh_margin: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if credentials is None:
            if client_id is None or client_secret is None:
                raise ValidationError(
                    "ClientCredentialsAuth needs client_id and client_secret, or credentials="
                )
            credentials = Credentials(client_id, client_secret)
        elif client_id is not None or client_secret is not None:
            raise ValidationError("pass either credentials= or client_id/client_secret, not both")
        if not refresh_margin >= 0:
            raise ValidationError(f"refresh_margin must be >= 0 seconds, got {refresh_margin!r}")
        self._credentials = credentials
        self._token_url = httpx.URL(str(token_url))
        _require_secure(self._token_url, "the client secret")
        self._refresh_margin = float(refresh_margin)
        self._clock = clock
        self._token: _Token | None = None
        self._token_requests = 0
        self._sync_lock = threading.Lock()
        self._async_locks_guard = threading.Lock()
        self._async_locks: weakref.WeakKeyDictionary[object, anyio.Lock] = weakref.WeakKeyDictionary()
        self._fallback_async_lock: tuple[object, anyio.Lock] | None = None

    def __repr__(self) -> str:
        return (
            f"ClientCredentialsAuth(client_id={self._credentials.client_id!r}, "
            f"token_url={str(self._token_url)!r})"
        )

    @property
    def client_id(self) -> str:
        """The OAuth client id (not secret)."""
        return self._credentials.client_id

    @property
    def token_url(self) -> httpx.URL:
        """The token endpoint."""
        return self._token_url

    @property
    def token_request_count(self) -> int:
        """How many token requests this object has sent; handy for tests and metrics."""
        return self._token_requests

    @property
    def has_valid_token(self) -> bool:
        """Whether a token is held that will not be refreshed before the next request."""
        token = self._token
        return token is not None and self._clock() < token.refresh_at

    def invalidate(self) -> None:
        """Forget the held token so the next request fetches a new one."""
        self._token = None

    # -- the flow shared by sync and async clients ---------------------------------------------

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Authenticate ``request``; see the module docstring. Token responses must be read."""
        _require_secure(request.url, "an access token")
        token = self._token
        if token is None or self._clock() >= token.refresh_at:
            token = yield from self._fetch_token()
        request.headers["Authorization"] = f"Bearer {token.value}"
        response = yield request
        if response.status_code != 401 or not _requests.body_replayable(request):
            return
        # Another request may already have replaced the token this one was sent with.
        if self._token is token or self._token is None:
            logger.debug("API answered 401; fetching a new access token and retrying once")
            token = yield from self._fetch_token()
        else:
            token = self._token
        request.headers["Authorization"] = f"Bearer {token.value}"
        yield request

    def _fetch_token(self) -> Generator[httpx.Request, httpx.Response, _Token]:
        self._token = None
        self._token_requests += 1
        started = self._clock()
        response = yield self._token_request()
        token = self._token_from_response(response, started)
        self._token = token
        return token

    def _token_request(self) -> httpx.Request:
        return httpx.Request(
            "POST",
            self._token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": self._credentials.client_id,
                "client_secret": self._credentials.client_secret,
            },
            headers={"Accept": "application/json"},
            extensions={TOKEN_REQUEST_EXTENSION: True, RETRY_SAFE_EXTENSION: True},
        )

    def _token_from_response(self, response: httpx.Response, started: float) -> _Token:
        secrets = (self._credentials.client_secret,)
        if response.status_code != 200:
            raise error_from_response(response, token_endpoint=True, secrets=secrets)
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        access_token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(access_token, str) or not access_token:
            raise AuthenticationError(
                f"the token endpoint {redact_url(self._token_url)} answered 200 without an "
                "access_token; check that token_url points at an OAuth2 token endpoint",
                status=response.status_code,
                request=response.request,
                response=response,
            )
        token_type = body.get("token_type", "bearer")
        if isinstance(token_type, str) and token_type.lower() != "bearer":
            raise AuthenticationError(
                f"the token endpoint issued a {token_type!r} token; only bearer tokens are supported",
                status=response.status_code,
                request=response.request,
                response=response,
            )
        expires_in = body.get("expires_in", _DEFAULT_EXPIRES_IN)
        try:
            lifetime = max(0.0, float(expires_in))
        except (TypeError, ValueError):
            lifetime = _DEFAULT_EXPIRES_IN
        margin = min(self._refresh_margin, lifetime / 2)
        logger.debug("obtained an access token valid for %.0f s", lifetime)
        return _Token(access_token, started + lifetime, started + lifetime - margin)

    # -- drivers: locking and reading token responses -------------------------------------------

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Drive :meth:`auth_flow` for sync clients, one thread deciding about tokens at a time."""
        flow = self.auth_flow(request)
        locked = False
        try:
            self._sync_lock.acquire()
            locked = True
            outgoing = next(flow)
            while True:
                is_token_request = _requests.is_token_request(outgoing)
                if not is_token_request:
                    self._sync_lock.release()
                    locked = False
                response = yield outgoing
                if is_token_request:
                    response.read()
                elif response.status_code == 401:
                    self._sync_lock.acquire()
                    locked = True
                try:
                    outgoing = flow.send(response)
                except StopIteration:
                    return
        finally:
            if locked:
                self._sync_lock.release()
            flow.close()

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Drive :meth:`auth_flow` for async clients, one task deciding about tokens at a time."""
        lock = self._async_lock()
        flow = self.auth_flow(request)
        locked = False
        try:
            await lock.acquire()
            locked = True
            outgoing = next(flow)
            while True:
                is_token_request = _requests.is_token_request(outgoing)
                if not is_token_request:
                    lock.release()
                    locked = False
                response = yield outgoing
                if is_token_request:
                    await response.aread()
                elif response.status_code == 401:
                    await lock.acquire()
                    locked = True
                try:
                    outgoing = flow.send(response)
                except StopIteration:
                    return
        finally:
            if locked:
                lock.release()
            flow.close()

    def _async_lock(self) -> anyio.Lock:
        import asyncio

        import anyio

        try:
            loop: object = asyncio.get_running_loop()
        except RuntimeError:  # trio, through anyio
            import anyio.lowlevel

            loop = anyio.lowlevel.current_token().native_token
        with self._async_locks_guard:
            try:
                lock = self._async_locks.get(loop)
                if lock is None:
                    lock = anyio.Lock()
                    self._async_locks[loop] = lock
            except TypeError:  # a loop handle that cannot be weakly referenced
                if self._fallback_async_lock is None or self._fallback_async_lock[0] is not loop:
                    self._fallback_async_lock = (loop, anyio.Lock())
                lock = self._fallback_async_lock[1]
            return lock


class StaticTokenAuth(httpx.Auth):
    """Send an access token you obtained yourself. It is never refreshed.

    A 401 is returned as is (the client raises :class:`AuthenticationError`). The token is
    never shown in ``repr``.

    >>> StaticTokenAuth("eyJhbGciOi...")
    StaticTokenAuth(token='***')
    """

    def __init__(self, token: str) -> None:
        if not isinstance(token, str) or not token.strip():
            raise ValidationError("StaticTokenAuth needs a non-empty access token string")
        self._token = token.strip()

    def __repr__(self) -> str:
        return "StaticTokenAuth(token='***')"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the bearer token to ``request``."""
        _require_secure(request.url, "an access token")
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request
