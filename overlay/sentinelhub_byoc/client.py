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
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from sentinelhub_byoc import _api, _http
from sentinelhub_byoc._client_core import Settings, call_extensions, checked, resolve_settings
from sentinelhub_byoc._error_mapping import error_from_response, error_from_transport_error
from sentinelhub_byoc._operations import Operation
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
        http_client: your own httpx client; auth and our hooks are added to it.
        config_path: another profiles file.
"""


class _ClientBase:
    """What both clients share once constructed: settings, per-call defaults, presentation."""

    _settings: Settings
    _call_timeout: float | httpx.Timeout | None = None
    _call_retry: RetryPolicy | None = None

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
        view._call_timeout = timeout if timeout is not None else self._call_timeout
        view._call_retry = retry if retry is not None else self._call_retry
        view._bind_resources()
        return view

    def _options(
        self, timeout: float | httpx.Timeout | None, retry: RetryPolicy | None
    ) -> tuple[float | httpx.Timeout | None, RetryPolicy | None]:
        return (
            timeout if timeout is not None else self._call_timeout,
            retry if retry is not None else self._call_retry,
        )

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
        )
        deployment_ = self._settings.deployment
        self._http = _http.sync_client(
            base_url=deployment_.base_url,
            api_prefix=deployment_.path_prefix,
            auth=self._settings.auth,
            timeout=self._settings.timeout,
            retry=self._settings.retry,
            rate_limiter=self._settings.rate_limiter,
            transport=transport,
            http_client=http_client,
        )
        self._generated = _api.wrap(self._http)
        self._bind_resources()

    def _bind_resources(self) -> None:
        self.collections = Collections(self)
        self.tiles = Tiles(self)
        self.files = TileFiles(self)

    def _run(
        self,
        operation: Operation[T],
        *,
        timeout: float | httpx.Timeout | None = None,
        retry: RetryPolicy | None = None,
    ) -> T:
        timeout, retry = self._options(timeout, retry)
        with _http.call_extensions(call_extensions(operation, timeout=timeout, retry=retry)):
            try:
                operation.call.sync(self._generated)
            except httpx.TransportError as error:
                raise error_from_transport_error(error, request=getattr(error, "_request", None)) from error
            response = _http.last_response()
        return operation.read(checked(operation, response))

    @contextmanager
    def _stream(
        self, operation: Operation[Any], *, timeout: float | httpx.Timeout | None = None
    ) -> Iterator[httpx.Response]:
        timeout, retry = self._options(timeout, None)
        with _http.call_extensions(call_extensions(operation, timeout=timeout, retry=retry, streamed=True)):
            try:
                with self._http.stream(**operation.call.request_kwargs()) as response:
                    if response.status_code not in operation.success:
                        response.read()
                        raise error_from_response(response)
                    yield response
            except httpx.TransportError as error:
                raise error_from_transport_error(error, request=getattr(error, "_request", None)) from error

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

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
        )
        deployment_ = self._settings.deployment
        self._http = _http.async_client(
            base_url=deployment_.base_url,
            api_prefix=deployment_.path_prefix,
            auth=self._settings.auth,
            timeout=self._settings.timeout,
            retry=self._settings.retry,
            rate_limiter=self._settings.rate_limiter,
            transport=transport,
            http_client=http_client,
        )
        self._generated = _api.wrap(self._http)
        self._bind_resources()

    def _bind_resources(self) -> None:
        self.collections = AsyncCollections(self)
        self.tiles = AsyncTiles(self)
        self.files = AsyncTileFiles(self)

    async def _run(
        self,
        operation: Operation[T],
        *,
        timeout: float | httpx.Timeout | None = None,
        retry: RetryPolicy | None = None,
    ) -> T:
        timeout, retry = self._options(timeout, retry)
        with _http.call_extensions(call_extensions(operation, timeout=timeout, retry=retry)):
            try:
                await operation.call.asyncio(self._generated)
            except httpx.TransportError as error:
                raise error_from_transport_error(error, request=getattr(error, "_request", None)) from error
            response = _http.last_response()
        return operation.read(checked(operation, response))

    @asynccontextmanager
    async def _stream(
        self, operation: Operation[Any], *, timeout: float | httpx.Timeout | None = None
    ) -> AsyncIterator[httpx.Response]:
        timeout, retry = self._options(timeout, None)
        with _http.call_extensions(call_extensions(operation, timeout=timeout, retry=retry, streamed=True)):
            try:
                async with self._http.stream(**operation.call.request_kwargs()) as response:
                    if response.status_code not in operation.success:
                        await response.aread()
                        raise error_from_response(response)
                    yield response
            except httpx.TransportError as error:
                raise error_from_transport_error(error, request=getattr(error, "_request", None)) from error

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()
