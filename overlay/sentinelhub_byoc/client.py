"""The clients: :class:`BYOCClient` (blocking) and :class:`AsyncBYOCClient` (asyncio), same surface.

Both are thin shells: what to send and how to read the answer is decided by the I/O-free
operations in :mod:`sentinelhub_byoc._operations`; the shells only send and wait.

>>> from sentinelhub_byoc import BYOCClient
>>> with BYOCClient() as client:  # doctest: +SKIP
...     for collection in client.collections.list():
...         print(collection.name, collection.s3_bucket)
"""

from __future__ import annotations

import copy
import os
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from sentinelhub_byoc._operations import Operation
from sentinelhub_byoc._settings import Settings, TokenCacheOption, as_retry, as_timeout, resolve_settings
from sentinelhub_byoc._transport import sending
from sentinelhub_byoc._transport.sending import CallOptions
from sentinelhub_byoc.deployments import Deployment
from sentinelhub_byoc.resources import (
    AsyncCollections,
    AsyncTileFiles,
    AsyncTiles,
    Collections,
    TileFiles,
    Tiles,
)
from sentinelhub_byoc.retries import RetryPolicy

__all__ = ["AsyncBYOCClient", "BYOCClient"]

T = TypeVar("T")

_ARGUMENTS_DOC = """
    Credentials come from the arguments, else ``SH_CLIENT_ID`` / ``SH_CLIENT_SECRET``, else the
    profile (``profile=`` or ``SH_PROFILE``, default ``default-profile``) in
    ``~/.config/sentinelhub/config.toml``: an existing Sentinel Hub user needs no set-up.

    Args:
        client_id, client_secret: OAuth2 client credentials.
        deployment: ``"eu"`` (default), ``"us-west"``, ``"gcp"``, ``"cdse"`` or a :class:`Deployment`.
        profile: a section of the Sentinel Hub profiles file.
        access_token: a token you obtained yourself, used as is (no refresh).
        auth: any ``httpx.Auth``, instead of the above.
        timeout: seconds, or an ``httpx.Timeout``; per call with ``timeout=`` where offered.
        retry: the :class:`RetryPolicy` (default: 5 attempts, capped exponential backoff, jitter).
        requests_per_minute: a client-side limit shared by every thread or task using this client.
        transport: an httpx transport to send through (e.g. the emulator's in-process transport).
        http_client: your own httpx client, used as it is (its transport, headers and hooks); the
            client's auth is sent with each request, and nothing is added to it. Retries and rate
            limits are the transport's: ours are not installed in a client you supply.
        config_path: another profiles file.
        token_cache: share access tokens with other processes of the same user through files
            (opt-in; for many workers started at once): ``True`` for the default directory, a
            directory, or a :class:`~sentinelhub_byoc.token_cache.FileTokenCache`. Only with
            client credentials (not with ``access_token=`` or ``auth=``).
"""


class _ClientBase:
    """What both clients share once constructed: settings, per-call defaults, presentation."""

    _settings: Settings
    _options: CallOptions = sending.NO_OPTIONS

    def _bind_resources(self) -> None:
        raise NotImplementedError

    def with_options(
        self, *, timeout: float | httpx.Timeout | None = None, retry: RetryPolicy | None = None
    ) -> Self:
        """A view of this client whose calls use *timeout* and/or *retry*; it shares the connection pool.

        >>> patient = client.with_options(timeout=300, retry=RetryPolicy(max_attempts=10))  # doctest: +SKIP
        >>> patient.tiles.create(collection, "big/(BAND).tif")  # doctest: +SKIP

        Close the original client, not the view.
        """
        view = copy.copy(self)
        view._options = CallOptions(
            timeout=as_timeout(timeout) if timeout is not None else self._options.timeout,
            retry=as_retry(retry) or self._options.retry,
        )
        view._bind_resources()
        return view

    @property
    def deployment(self) -> Deployment:
        """Where this client sends requests."""
        return self._settings.deployment

    def __repr__(self) -> str:
        deployment = self.deployment
        return f"{type(self).__name__}(deployment={deployment.name!r}, base_url={deployment.api_url!r})"


class BYOCClient(_ClientBase):
    """A client for the BYOC API: ``client.collections``, ``client.tiles``, ``client.files``."""

    __doc__ = (__doc__ or "") + _ARGUMENTS_DOC

    def __init__(
        self,
        client_id: str | None = None,
        client_secret: str | None = None,
        *,
        deployment: str | Deployment | None = None,
        profile: str | None = None,
        access_token: str | None = None,
        auth: httpx.Auth | None = None,
        timeout: float | httpx.Timeout | None = None,
        retry: RetryPolicy | None = None,
        requests_per_minute: float | None = None,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
        config_path: str | os.PathLike[str] | None = None,
        token_cache: TokenCacheOption = None,
    ) -> None:
        self._settings: Settings = resolve_settings(
            client_id,
            client_secret,
            deployment=deployment,
            profile=profile,
            access_token=access_token,
            auth=auth,
            timeout=timeout,
            retry=retry,
            requests_per_minute=requests_per_minute,
            config_path=config_path,
            has_http_client=http_client is not None,
            token_cache=token_cache,
        )
        settings = self._settings
        http = http_client or sending.sync_pool(
            timeout=settings.timeout,
            retry=settings.retry,
            rate_limiter=settings.rate_limiter,
            transport=transport,
        )
        self._sender = sending.Sender(http, settings.deployment.api_url, settings.auth)
        self._bind_resources()

    def _bind_resources(self) -> None:
        self.collections = Collections(self)
        self.tiles = Tiles(self)
        self.files = TileFiles(self)

    def _send(self, operation: Operation[T]) -> T:
        return self._sender.send(operation, self._options)

    def _stream(self, operation: Operation[Any]) -> AbstractContextManager[httpx.Response]:
        return self._sender.stream(operation, self._options)

    def close(self) -> None:
        """Close the connection pool (also one you supplied with ``http_client=``)."""
        self._sender.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


class AsyncBYOCClient(_ClientBase):
    """The asyncio twin of :class:`BYOCClient`: the same resources, with ``await`` / ``async for``."""

    __doc__ = (__doc__ or "") + _ARGUMENTS_DOC

    def __init__(
        self,
        client_id: str | None = None,
        client_secret: str | None = None,
        *,
        deployment: str | Deployment | None = None,
        profile: str | None = None,
        access_token: str | None = None,
        auth: httpx.Auth | None = None,
        timeout: float | httpx.Timeout | None = None,
        retry: RetryPolicy | None = None,
        requests_per_minute: float | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        config_path: str | os.PathLike[str] | None = None,
        token_cache: TokenCacheOption = None,
    ) -> None:
        self._settings: Settings = resolve_settings(
            client_id,
            client_secret,
            deployment=deployment,
            profile=profile,
            access_token=access_token,
            auth=auth,
            timeout=timeout,
            retry=retry,
            requests_per_minute=requests_per_minute,
            config_path=config_path,
            has_http_client=http_client is not None,
            token_cache=token_cache,
        )
        settings = self._settings
        http = http_client or sending.async_pool(
            timeout=settings.timeout,
            retry=settings.retry,
            rate_limiter=settings.rate_limiter,
            transport=transport,
        )
        self._sender = sending.AsyncSender(http, settings.deployment.api_url, settings.auth)
        self._bind_resources()

    def _bind_resources(self) -> None:
        self.collections = AsyncCollections(self)
        self.tiles = AsyncTiles(self)
        self.files = AsyncTileFiles(self)

    async def _send(self, operation: Operation[T]) -> T:
        return await self._sender.send(operation, self._options)

    def _stream(self, operation: Operation[Any]) -> AbstractAsyncContextManager[httpx.Response]:
        return self._sender.stream(operation, self._options)

    async def aclose(self) -> None:
        """Close the connection pool (also one you supplied with ``http_client=``)."""
        await self._sender.http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()
