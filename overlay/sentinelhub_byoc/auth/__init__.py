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
client's transport (any in-process test transport applies); the BYOC clients send it through
their send loop, with its retries but without their rate limiter. It
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

import threading
import time
import weakref
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING

import httpx

from sentinelhub_byoc._deprecation import deprecated_name
from sentinelhub_byoc.auth._tokens import AsyncAuthFlow, AuthFlow, TokenFlow, is_loopback, require_secure
from sentinelhub_byoc.config import Credentials
from sentinelhub_byoc.deployments import EU
from sentinelhub_byoc.errors import ValidationError

if TYPE_CHECKING:
    import anyio

    from sentinelhub_byoc.token_cache import FileTokenCache, TokenCacheEntry

__all__ = ["ClientCredentialsAuth", "StaticTokenAuth", "is_loopback"]

# No longer set or read: a request that fetches an access token is the one the authentication's
# flow yields besides the request it authenticates, and the clients send it as such.
deprecated_name(
    globals(),
    "TOKEN_REQUEST_EXTENSION",
    "sentinelhub_byoc.token_request",
    instead="token requests are the ones an auth flow yields besides the request it authenticates; "
    "nothing reads it",
    since="0.1",
    remove_in="0.2",
)


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
        url = httpx.URL(str(token_url))
        require_secure(url, "the client secret")
        self._sync_lock = threading.Lock()
        self._async_locks_guard = threading.Lock()
        self._async_locks: weakref.WeakKeyDictionary[object, anyio.Lock] = weakref.WeakKeyDictionary()
        self._fallback_async_lock: tuple[object, anyio.Lock] | None = None
        self._token_cache = token_cache
        cache: TokenCacheEntry | None = None
        if token_cache is not None:
            from sentinelhub_byoc.token_cache import FileTokenCache

            if not isinstance(token_cache, FileTokenCache):
                raise ValidationError(
                    f"token_cache must be a FileTokenCache, got {type(token_cache).__name__}"
                )
            cache = token_cache.entry(credentials.client_id, str(url))
        self._tokens = TokenFlow(credentials, url, float(refresh_margin), clock, cache)

    def __repr__(self) -> str:
        return (
            f"ClientCredentialsAuth(client_id={self._tokens.client_id!r}, "
            f"token_url={str(self._tokens.token_url)!r})"
        )

    @property
    def client_id(self) -> str:
        """The OAuth client id (not secret)."""
        return self._tokens.client_id

    @property
    def token_url(self) -> httpx.URL:
        """The token endpoint."""
        return self._tokens.token_url

    @property
    def token_request_count(self) -> int:
        """How many token requests this object has sent; handy for tests and metrics."""
        return self._tokens.token_requests

    @property
    def token_cache(self) -> FileTokenCache | None:
        """The cross-process token cache, if one was given."""
        return self._token_cache

    @property
    def has_valid_token(self) -> bool:
        """Whether a token is held that will not be refreshed before the next request."""
        return self._tokens.fresh_token() is not None

    def invalidate(self) -> None:
        """Forget the held token so the next request fetches a new one.

        With a token cache, the cached copy of this token is not reused either (it is removed
        when the next token is needed, under the cache's lock).
        """
        self._tokens.invalidate()

    # -- the flow shared by sync and async clients ---------------------------------------------

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Authenticate ``request``; see the module docstring. Token responses must be read.

        This is the lock-free core, which neither locks nor uses the token cache; httpx calls
        :meth:`sync_auth_flow` or :meth:`async_auth_flow`, which add both.
        """
        tokens = self._tokens
        return tokens.flow(request, tokens.fresh_token(), None)

    # -- drivers: locking and reading token responses -------------------------------------------

    def sync_auth_flow(self, request: httpx.Request) -> AuthFlow:
        """Drive the flow for sync clients, one thread deciding about tokens at a time.

        With a token cache, the cache's file lock is taken too (blocking this thread) whenever a
        token may be fetched, and held until the token is in: other processes wait for it.
        """
        # Imported here: each driver loads its half of the send path, which the other half's
        # clients never need.
        from sentinelhub_byoc.auth._sync.driving import drive_auth_flow

        return drive_auth_flow(self._tokens, request, self._sync_lock)

    def async_auth_flow(self, request: httpx.Request) -> AsyncAuthFlow:
        """Drive the flow for async clients, one task deciding about tokens at a time.

        With a token cache, its file lock is awaited without blocking the event loop.
        """
        from sentinelhub_byoc.auth._async.driving import drive_auth_flow

        return drive_auth_flow(self._tokens, request, self._async_lock())

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
        require_secure(request.url, "an access token")
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request
