"""OAuth2 client-credentials authentication as an :class:`httpx.Auth`.

One ``auth_flow`` generator describes the whole exchange for sync and async clients alike:

1. if no fresh token is held, ``POST`` the client id and secret to the token URL;
2. send the request with ``Authorization: Bearer …``;
3. if the API answers 401 (the token was revoked or expired early), get a new token once and
   replay the request once.

``sync_auth_flow`` and ``async_auth_flow`` only add locking and read the token response body,
so that however many threads (or tasks) start at once, exactly one token request is made. With
``token_cache=`` (a :class:`~sentinelhub_byoc.token_cache.FileTokenCache`) they also take a
cross-process file lock and share the token with other processes through the cache.

The token request is yielded to the client like any other request, so it goes through the
client's transport: its retries, rate limiter and any in-process test transport apply. It
carries the timeout of the request it authenticates (so a silent identity service fails the call
in time). A redirect from the token endpoint is an :class:`AuthenticationError` and the token
request is never sent again, so the client secret goes to ``token_url`` and nowhere else, as
long as the HTTP client does not follow redirects itself: httpx follows them below the auth
flow, so use ``follow_redirects=False`` (httpx's default, and how the BYOC clients send). A
client that followed one anyway gets an :class:`AuthenticationError` too, not the token.

>>> import httpx
>>> auth = ClientCredentialsAuth("my-id", "my-secret")
>>> client = httpx.Client(auth=auth)  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import ipaddress
import threading
import time
import weakref
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import attrs
import httpx

from sentinelhub_byoc._logging import logger, redact_text, redact_url
from sentinelhub_byoc._transport import extensions
from sentinelhub_byoc._transport._async import auth_flow as async_driver
from sentinelhub_byoc._transport._sync import auth_flow as sync_driver
from sentinelhub_byoc._transport.auth_flows import AsyncAuthFlow, AuthFlow
from sentinelhub_byoc._transport.error_mapping import (
    UNREADABLE_BODY_EXTENSION,
    error_from_response,
    redacted_exchange,
)
from sentinelhub_byoc.config import Credentials
from sentinelhub_byoc.deployments import EU
from sentinelhub_byoc.errors import AuthenticationError, ValidationError
from sentinelhub_byoc.retries import RETRY_SAFE_EXTENSION

if TYPE_CHECKING:
    import anyio

    from sentinelhub_byoc.token_cache import FileTokenCache, TokenCacheEntry

__all__ = ["TOKEN_REQUEST_EXTENSION", "ClientCredentialsAuth", "StaticTokenAuth", "is_loopback"]

TOKEN_REQUEST_EXTENSION = extensions.TOKEN_REQUEST_EXTENSION
"""Request extension set to ``True`` on the requests that fetch an access token."""

_DEFAULT_EXPIRES_IN = 300.0  # assumed when the token endpoint does not say


def is_loopback(url: httpx.URL | str) -> bool:
    """Return whether ``url``'s host is this machine (``localhost``, 127.0.0.0/8 or ``::1``).

    >>> is_loopback("http://127.0.0.2:8080/token"), is_loopback("http://example.com")
    (True, False)
    """
    return _is_loopback_host(url.host if isinstance(url, httpx.URL) else httpx.URL(url).host)


@functools.lru_cache(maxsize=64)
def _is_loopback_host(host: str) -> bool:
    # Cached: plain-http requests to the emulator ask this once per request.
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _same_origin(a: httpx.URL, b: httpx.URL) -> bool:
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


def _sent_request(response: httpx.Response) -> httpx.Request | None:
    """The request that produced ``response``: the last hop if the client followed redirects."""
    try:
        return response.request
    except RuntimeError:  # a response built by hand, never sent
        return None


def _answered_url(response: httpx.Response) -> httpx.URL | None:
    request = _sent_request(response)
    return request.url if request is not None else None


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
        token_cache: a :class:`~sentinelhub_byoc.token_cache.FileTokenCache` to share tokens
            with other processes (opt-in): a token still fresh in the cache is reused instead of
            fetched, and a fetched one is stored. Processes that need a token at the same moment
            wait for one another on a file lock, so one token request serves them all.

    Thread- and task-safe: one object may serve many threads and tasks, and a single token
    request is made when they need a token at the same moment. Async single flight is per event
    loop (a lock is created lazily for each loop that uses the object), so using one object from
    several event loops is safe but each loop may fetch its own token.

    Example::

        auth = ClientCredentialsAuth("my-id", "my-secret", token_url=Deployment.CDSE.token_url)
        with httpx.Client(auth=auth) as client:
            client.get(Deployment.CDSE.collections_url)
        auth.token_request_count  # 1

    Shared by processes::

        auth = ClientCredentialsAuth("my-id", "my-secret", token_cache=FileTokenCache())
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
        token_cache: FileTokenCache | None = None,
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
        self._token_cache = token_cache
        self._cache: TokenCacheEntry | None = None
        if token_cache is not None:
            from sentinelhub_byoc.token_cache import FileTokenCache

            if not isinstance(token_cache, FileTokenCache):
                raise ValidationError(
                    f"token_cache must be a FileTokenCache, got {type(token_cache).__name__}"
                )
            self._cache = token_cache.entry(credentials.client_id, str(self._token_url))
        # The token invalidate() threw away: not to be taken back from the cache.
        self._distrusted: str | None = None

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
    def token_cache(self) -> FileTokenCache | None:
        """The cross-process token cache, if one was given."""
        return self._token_cache

    @property
    def has_valid_token(self) -> bool:
        """Whether a token is held that will not be refreshed before the next request."""
        return self._fresh_token() is not None

    def invalidate(self) -> None:
        """Forget the held token so the next request fetches a new one.

        With a token cache, the cached copy of this token is not reused either (it is removed
        when the next token is needed, under the cache's lock).
        """
        token = self._token
        if token is not None:
            self._distrusted = token.value
        self._token = None

    def _fresh_token(self) -> _Token | None:
        token = self._token
        return token if token is not None and self._clock() < token.refresh_at else None

    # -- the flow shared by sync and async clients ---------------------------------------------

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Authenticate ``request``; see the module docstring. Token responses must be read.

        This is the lock-free core, which neither locks nor uses the token cache; httpx calls
        :meth:`sync_auth_flow` or :meth:`async_auth_flow`, which add both.
        """
        return self._flow(request, self._fresh_token(), None)

    def _flow(
        self, request: httpx.Request, token: _Token | None, cache: TokenCacheEntry | None
    ) -> Generator[httpx.Request, httpx.Response, None]:
        # ``token`` is the drivers' decision, taken under their locks: a fresh token, or None to
        # fetch one. ``cache`` is used only while the drivers hold its lock.
        _require_secure(request.url, "an access token")
        if token is None:
            token = yield from self._fetch_token(request, cache)
        request.headers["Authorization"] = f"Bearer {token.value}"
        response = yield request
        if response.status_code != 401 or not extensions.body_replayable(request):
            return
        answered = _answered_url(response)
        if answered is not None and not _same_origin(answered, request.url):
            # The client followed a redirect to another origin (without the token, as httpx
            # strips it): that 401 says nothing about the token.
            return
        # Another request may already have replaced the token this one was sent with.
        if self._token is token or self._token is None:
            logger.debug("API answered 401; fetching a new access token and retrying once")
            renewed = self._adopt_cached(cache, rejected=token.value) if cache is not None else None
            token = renewed if renewed is not None else (yield from self._fetch_token(request, cache))
        else:
            token = self._token
        request.headers["Authorization"] = f"Bearer {token.value}"
        yield request

    def _adopt_cached(self, cache: TokenCacheEntry, *, rejected: str | None = None) -> _Token | None:
        """Take a fresh token from the cache (whose lock the caller holds), or return ``None``.

        A cached token that the API just refused (``rejected``), or that :meth:`invalidate` threw
        away, is removed, but only if the file still holds it: another process may have stored
        a newer one meanwhile, which is then used.
        """
        cached = cache.load()
        if cached is None:
            return None
        if cached.access_token in (rejected, self._distrusted):
            cache.discard(if_token=cached.access_token)
            return None
        # The cache holds wall-clock times (monotonic clocks differ between processes); the
        # token held in memory is on this object's clock.
        wall = time.time()
        if not cached.is_fresh(self._refresh_margin, wall):
            return None
        now = self._clock()
        token = _Token(
            cached.access_token,
            now + (cached.expires_at - wall),
            now + (cached.refresh_at(self._refresh_margin) - wall),
        )
        self._token = token
        logger.debug("reusing a cached access token valid for %.0f s", cached.expires_at - wall)
        return token

    def _fetch_token(
        self, request: httpx.Request, cache: TokenCacheEntry | None
    ) -> Generator[httpx.Request, httpx.Response, _Token]:
        self._token = None
        self._token_requests += 1
        started = self._clock()
        started_wall = time.time()
        response = yield self._token_request(request)
        token = self._token_from_response(response, started)
        self._token = token
        self._distrusted = None
        if cache is not None:
            from sentinelhub_byoc.token_cache import CachedToken

            lifetime = token.expires_at - started
            cache.store(CachedToken(token.value, started_wall, started_wall + lifetime))
        return token

    def _token_request(self, request: httpx.Request) -> httpx.Request:
        extensions: dict[str, Any] = {TOKEN_REQUEST_EXTENSION: True, RETRY_SAFE_EXTENSION: True}
        # httpx puts the client's (or the call's) timeout on the request it sends, but not on
        # the requests an auth flow yields: without this a silent identity service would hang
        # the call forever.
        timeout = request.extensions.get("timeout")
        if timeout is not None:
            extensions["timeout"] = timeout
        return httpx.Request(
            "POST",
            self._token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": self._credentials.client_id,
                "client_secret": self._credentials.client_secret,
            },
            headers={"Accept": "application/json"},
            extensions=extensions,
        )

    def _redirect_error(self, response: httpx.Response) -> AuthenticationError | None:
        """The error for a token answer that is a redirect, or that came through one."""
        status = response.status_code
        if 300 <= status < 400:
            location = response.headers.get("location")
            if location is None:
                target = "nowhere (no Location header)"
            else:
                try:
                    target = redact_url(self._token_url.join(location))
                except httpx.InvalidURL:
                    target = redact_url(location)
                target = redact_text(target, self._hidden_values())
            return AuthenticationError(
                f"the token endpoint {redact_url(self._token_url)} redirected to {target} "
                f"(HTTP {status}); the redirect is not followed, so that the client secret goes "
                "nowhere but token_url: token_url must be the final URL of the token endpoint",
                **self._error_fields(response),
            )
        answered = _answered_url(response)
        if answered is not None and answered != self._token_url:
            # Only an HTTP client created with follow_redirects=True gets here.
            return AuthenticationError(
                f"the token request to {redact_url(self._token_url)} was redirected to "
                f"{redact_text(redact_url(answered), self._hidden_values())} and the HTTP client "
                "followed the redirect; its answer "
                "is not used. Use an httpx client with follow_redirects=False (the default), and "
                "set token_url to the final URL of the token endpoint",
                **self._error_fields(response),
            )
        return None

    def _hidden_values(self) -> tuple[str, ...]:
        """What no error or log line may show: the secret, ``id:secret`` and the held token."""
        credentials = self._credentials
        token = self._token
        return (
            credentials.client_secret,
            f"{credentials.client_id}:{credentials.client_secret}",
            *((token.value,) if token is not None else ()),
        )

    def _error_fields(self, response: httpx.Response) -> dict[str, Any]:
        """The fields of an error about a token answer: redacted copies of the exchange."""
        exchange = redacted_exchange(response, self._hidden_values())
        return {
            "status": response.status_code,
            "reason": exchange["response"].reason_phrase or None,
            **exchange,
        }

    def _token_from_response(self, response: httpx.Response, started: float) -> _Token:
        secrets = self._hidden_values()
        redirected = self._redirect_error(response)
        if redirected is not None:
            raise redirected
        if response.status_code != 200:
            raise error_from_response(response, token_endpoint=True, secrets=secrets)
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        access_token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(access_token, str) or not access_token:
            unreadable = response.extensions.get(UNREADABLE_BODY_EXTENSION)
            why = f" (its body could not be read: {unreadable})" if unreadable else ""
            raise AuthenticationError(
                f"the token endpoint {redact_url(self._token_url)} answered 200 without an "
                f"access_token{why}; check that token_url points at an OAuth2 token endpoint",
                **self._error_fields(response),
            )
        token_type = body.get("token_type", "bearer")
        if isinstance(token_type, str) and token_type.lower() != "bearer":
            said = redact_text(repr(token_type[:100]), self._hidden_values())
            raise AuthenticationError(
                f"the token endpoint issued a {said} token; only bearer tokens are supported",
                **self._error_fields(response),
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

    def sync_auth_flow(self, request: httpx.Request) -> AuthFlow:
        """Drive the flow for sync clients, one thread deciding about tokens at a time.

        With a token cache, the cache's file lock is taken too (blocking this thread) whenever a
        token may be fetched, and held until the token is in: other processes wait for it.
        """
        return sync_driver.drive_auth_flow(self, request, self._sync_lock)

    def async_auth_flow(self, request: httpx.Request) -> AsyncAuthFlow:
        """Drive the flow for async clients, one task deciding about tokens at a time.

        With a token cache, its file lock is awaited without blocking the event loop.
        """
        return async_driver.drive_auth_flow(self, request, self._async_lock())

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
