"""The OAuth2 client-credentials token flow, without locks or I/O, and what its drivers share.

:class:`TokenFlow` holds one client's token and decides everything about it: whether the held
token is fresh, taking one from the cross-process cache, the exchange itself as an httpx auth
flow (fetch a token if needed, send the request, on a 401 get a new token once and replay). Its
drivers (``_async/driving.py`` and the ``_sync`` twin generated from it) add what needs I/O:
the locks under which one caller at a time decides, and reading token answers; they use only
this module's public names.
"""

from __future__ import annotations

import functools
import ipaddress
import time
from collections.abc import AsyncGenerator, Callable, Generator
from typing import TYPE_CHECKING, Any, Protocol

import attrs
import httpx

from sentinelhub_byoc._logging import logger, redact_text, redact_url
from sentinelhub_byoc._transport.error_mapping import (
    error_from_response,
    redacted_exchange,
)
from sentinelhub_byoc._transport.send_loop import UnreadableBody, body_replayable
from sentinelhub_byoc.config import Credentials
from sentinelhub_byoc.errors import APIError, AuthenticationError, ValidationError

if TYPE_CHECKING:
    from sentinelhub_byoc.token_cache import TokenCacheEntry

#: What ``httpx.Auth.sync_auth_flow`` and ``async_auth_flow`` return.
AuthFlow = Generator[httpx.Request, httpx.Response, None]
AsyncAuthFlow = AsyncGenerator[httpx.Request, httpx.Response]


class TokenLock(Protocol):
    """A lock that blocks the thread (``threading.Lock``)."""

    def acquire(self) -> bool | None:
        """Wait until the lock is held."""

    def release(self) -> None:
        """Release the lock."""


class AsyncTokenLock(Protocol):
    """A lock awaited in an event loop (``anyio.Lock``)."""

    async def acquire(self) -> None:
        """Wait until the lock is held."""

    def release(self) -> None:
        """Release the lock."""


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


def require_secure(url: httpx.URL, what: str) -> None:
    if url.scheme != "https" and not is_loopback(url):
        raise ValidationError(
            f"refusing to send {what} to {redact_url(url)} over unencrypted {url.scheme}://; "
            "use an https:// URL (plain http is allowed only for localhost and loopback addresses)"
        )


@attrs.frozen(repr=False)
class Token:
    value: str
    expires_at: float  # on the auth object's clock
    refresh_at: float

    def __repr__(self) -> str:
        return f"Token(value='***', expires_at={self.expires_at!r})"


class TokenFlow:
    """One client's token and the flow that gets, uses and renews it (no locks: see the drivers).

    Args:
        credentials: the client id and secret.
        token_url: the token endpoint (the caller checked it is ``https://`` or loopback).
        refresh_margin: renew a token this many seconds before it expires (at most half its life).
        clock: a monotonic clock in seconds.
        cache: the cross-process cache's entry for these credentials, if any.
    """

    def __init__(
        self,
        credentials: Credentials,
        token_url: httpx.URL,
        refresh_margin: float,
        clock: Callable[[], float],
        cache: TokenCacheEntry | None,
    ) -> None:
        self._credentials = credentials
        self.token_url = token_url
        self._refresh_margin = refresh_margin
        self._clock = clock
        self.cache = cache
        self.token: Token | None = None
        self.token_requests = 0
        # The token invalidate() threw away: not to be taken back from the cache.
        self._distrusted: str | None = None

    @property
    def client_id(self) -> str:
        """The OAuth client id (not secret)."""
        return self._credentials.client_id

    def invalidate(self) -> None:
        """Forget the held token; a cached copy of it is not taken back either."""
        token = self.token
        if token is not None:
            self._distrusted = token.value
        self.token = None

    def fresh_token(self) -> Token | None:
        """The held token if it need not be renewed yet, else ``None``."""
        token = self.token
        return token if token is not None and self._clock() < token.refresh_at else None

    def flow(
        self, request: httpx.Request, token: Token | None, cache: TokenCacheEntry | None
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """The exchange for *request* as an httpx auth flow; token answers it receives must be read.

        Every request it yields other than *request* itself is a token request.
        """
        # ``token`` is the drivers' decision, taken under their locks: a fresh token, or None to
        # fetch one. ``cache`` is used only while the drivers hold its lock.
        require_secure(request.url, "an access token")
        if token is None:
            token = yield from self._fetch_token(request, cache)
        request.headers["Authorization"] = f"Bearer {token.value}"
        response = yield request
        if response.status_code != 401 or not body_replayable(request):
            return
        answered = _answered_url(response)
        if answered is not None and not _same_origin(answered, request.url):
            # The client followed a redirect to another origin (without the token, as httpx
            # strips it): that 401 says nothing about the token.
            return
        # Another request may already have replaced the token this one was sent with.
        if self.token is token or self.token is None:
            logger.debug("API answered 401; fetching a new access token and retrying once")
            renewed = self.adopt_cached(cache, rejected=token.value) if cache is not None else None
            token = renewed if renewed is not None else (yield from self._fetch_token(request, cache))
        else:
            token = self.token
        request.headers["Authorization"] = f"Bearer {token.value}"
        yield request

    def adopt_cached(self, cache: TokenCacheEntry, *, rejected: str | None = None) -> Token | None:
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
        token = Token(
            cached.access_token,
            now + (cached.expires_at - wall),
            now + (cached.refresh_at(self._refresh_margin) - wall),
        )
        self.token = token
        logger.debug("reusing a cached access token valid for %.0f s", cached.expires_at - wall)
        return token

    def _fetch_token(
        self, request: httpx.Request, cache: TokenCacheEntry | None
    ) -> Generator[httpx.Request, httpx.Response, Token]:
        self.token = None
        self.token_requests += 1
        started = self._clock()
        started_wall = time.time()
        try:
            response = yield self._token_request(request)
        except UnreadableBody as unreadable:
            raise self._unreadable_answer(unreadable) from None
        token = self._token_from_response(response, started)
        self.token = token
        self._distrusted = None
        if cache is not None:
            from sentinelhub_byoc.token_cache import CachedToken

            lifetime = token.expires_at - started
            cache.store(CachedToken(token.value, started_wall, started_wall + lifetime))
        return token

    def _token_request(self, request: httpx.Request) -> httpx.Request:
        extensions: dict[str, Any] = {}
        # httpx puts the client's (or the call's) timeout on the request it sends, but not on
        # the requests an auth flow yields: without this a silent identity service would hang
        # the call forever.
        timeout = request.extensions.get("timeout")
        if timeout is not None:
            extensions["timeout"] = timeout
        return httpx.Request(
            "POST",
            self.token_url,
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
                    target = redact_url(self.token_url.join(location))
                except httpx.InvalidURL:
                    target = redact_url(location)
                target = redact_text(target, self._hidden_values())
            return AuthenticationError(
                f"the token endpoint {redact_url(self.token_url)} redirected to {target} "
                f"(HTTP {status}); the redirect is not followed, so that the client secret goes "
                "nowhere but token_url: token_url must be the final URL of the token endpoint",
                **self._error_fields(response),
            )
        answered = _answered_url(response)
        if answered is not None and answered != self.token_url:
            # Only an HTTP client created with follow_redirects=True gets here.
            return AuthenticationError(
                f"the token request to {redact_url(self.token_url)} was redirected to "
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
        token = self.token
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

    def _unreadable_answer(self, unreadable: UnreadableBody) -> APIError:
        """The error for a token answer whose body could not be decoded."""
        response = unreadable.response
        redirected = self._redirect_error(response)
        if redirected is not None:
            return redirected
        if response.status_code != 200:
            secrets = self._hidden_values()
            return error_from_response(
                response, token_endpoint=True, secrets=secrets, unreadable=unreadable.reason
            )
        return self._no_token(response, f" (its body could not be read: {unreadable.reason})")

    def _no_token(self, response: httpx.Response, why: str) -> AuthenticationError:
        return AuthenticationError(
            f"the token endpoint {redact_url(self.token_url)} answered 200 without an "
            f"access_token{why}; check that token_url points at an OAuth2 token endpoint",
            **self._error_fields(response),
        )

    def _token_from_response(self, response: httpx.Response, started: float) -> Token:
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
            raise self._no_token(response, "")
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
        return Token(access_token, started + lifetime, started + lifetime - margin)
