"""Building the httpx clients the generated code sends through, and watching what they send.

The generated functions only accept their documented arguments, so per-call options (timeouts,
retry policy, retry-safety) travel in a context variable that a request hook copies into the
request's extensions. The same hook moves the OpenAPI document's path prefix to the deployment's.
A response hook records the final response, so errors can carry the request and the response.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType
from typing import Any, TypeVar

import httpx

from sentinelhub_byoc import __version__
from sentinelhub_byoc._api import EXTRA_QUERY_EXTENSION, SPEC_PATH_PREFIX
from sentinelhub_byoc._requests import is_token_request
from sentinelhub_byoc._transport import AsyncRetryTransport, RetryTransport
from sentinelhub_byoc.ratelimit import RateLimiter
from sentinelhub_byoc.retries import RetryPolicy

_NO_EXTENSIONS: Mapping[str, Any] = MappingProxyType({})
_CALL_EXTENSIONS: ContextVar[Mapping[str, Any]] = ContextVar(
    "sentinelhub_byoc_call_extensions", default=_NO_EXTENSIONS
)
_LAST_RESPONSE: ContextVar[httpx.Response | None] = ContextVar("sentinelhub_byoc_last_response", default=None)

USER_AGENT = f"sentinelhub-byoc/{__version__}"
_Client = TypeVar("_Client", httpx.Client, httpx.AsyncClient)


@contextmanager
def call_extensions(extensions: Mapping[str, Any]) -> Iterator[None]:
    """Attach *extensions* to every API request sent inside the block (not to token requests)."""
    token = _CALL_EXTENSIONS.set(extensions)
    _LAST_RESPONSE.set(None)
    try:
        yield
    finally:
        _CALL_EXTENSIONS.reset(token)


def last_response() -> httpx.Response | None:
    """The final response received in this thread or task by the current call."""
    return _LAST_RESPONSE.get()


def _prefix_rewriter(base_url: httpx.URL, api_prefix: str) -> Callable[[httpx.Request], None]:
    base_path = base_url.raw_path.rstrip(b"/")
    spec_prefix = base_path + SPEC_PATH_PREFIX.encode()
    wanted = base_path + api_prefix.rstrip("/").encode()

    def prepare(request: httpx.Request) -> None:
        if is_token_request(request):
            return
        raw = request.url.raw_path
        if wanted != spec_prefix and raw.startswith(spec_prefix + b"/"):
            request.url = request.url.copy_with(raw_path=wanted + raw[len(spec_prefix) :])
        request.extensions.update(_CALL_EXTENSIONS.get())
        extra_query = request.extensions.get(EXTRA_QUERY_EXTENSION)
        if extra_query:
            request.url = request.url.copy_merge_params(extra_query)

    return prepare


def _record(response: httpx.Response) -> None:
    _LAST_RESPONSE.set(response)


def _hooks(base_url: httpx.URL, api_prefix: str) -> dict[str, list[Callable[..., Any]]]:
    return {"request": [_prefix_rewriter(base_url, api_prefix)], "response": [_record]}


def _async_hooks(base_url: httpx.URL, api_prefix: str) -> dict[str, list[Callable[..., Awaitable[None]]]]:
    prepare = _prefix_rewriter(base_url, api_prefix)

    async def async_prepare(request: httpx.Request) -> None:
        prepare(request)

    async def async_record(response: httpx.Response) -> None:
        _record(response)

    return {"request": [async_prepare], "response": [async_record]}


def sync_client(
    *,
    base_url: str,
    api_prefix: str,
    auth: httpx.Auth | None,
    timeout: httpx.Timeout,
    retry: RetryPolicy,
    rate_limiter: RateLimiter | None,
    transport: httpx.BaseTransport | None,
    http_client: httpx.Client | None,
) -> httpx.Client:
    """An httpx client with auth, retries, rate limiting and the hooks above (or *http_client*, hooked)."""
    if http_client is not None:
        return _hook_into(http_client, base_url, api_prefix, auth, _hooks)
    return httpx.Client(
        base_url=base_url,
        auth=auth,
        timeout=timeout,
        headers={"User-Agent": USER_AGENT},
        transport=RetryTransport(transport, policy=retry, rate_limiter=rate_limiter),
        event_hooks=_hooks(httpx.URL(base_url), api_prefix),
    )


def async_client(
    *,
    base_url: str,
    api_prefix: str,
    auth: httpx.Auth | None,
    timeout: httpx.Timeout,
    retry: RetryPolicy,
    rate_limiter: RateLimiter | None,
    transport: httpx.AsyncBaseTransport | None,
    http_client: httpx.AsyncClient | None,
) -> httpx.AsyncClient:
    """The async twin of :func:`sync_client`."""
    if http_client is not None:
        return _hook_into(http_client, base_url, api_prefix, auth, _async_hooks)
    return httpx.AsyncClient(
        base_url=base_url,
        auth=auth,
        timeout=timeout,
        headers={"User-Agent": USER_AGENT},
        transport=AsyncRetryTransport(transport, policy=retry, rate_limiter=rate_limiter),
        event_hooks=_async_hooks(httpx.URL(base_url), api_prefix),
    )


def _hook_into(
    client: _Client, base_url: str, api_prefix: str, auth: httpx.Auth | None, hooks: Callable[..., Any]
) -> _Client:
    """Use a caller's own httpx client: add our hooks, and our auth when the caller configured one."""
    if not str(client.base_url):
        client.base_url = base_url
    if auth is not None:
        client.auth = auth
    added: dict[str, list[Callable[..., Any]]] = hooks(client.base_url, api_prefix)
    existing: dict[str, list[Callable[..., Any]]] = dict(client.event_hooks)
    # Ours run first on requests, so the caller's hooks see the URL that is actually sent.
    client.event_hooks = {
        "request": [*added["request"], *existing.get("request", [])],
        "response": [*existing.get("response", []), *added["response"]],
    }
    return client
