# Generated from overlay/sentinelhub_byoc/_async/client.py by codegen/unasync.py; do not edit.
"""The client class :class:`BYOCClient`: it sends operations and waits for their answers."""

from __future__ import annotations

import os
from types import TracebackType
from typing import Any, Self

import httpx

from sentinelhub_byoc._client_base import ARGUMENTS_DOC, ClientBase
from sentinelhub_byoc._settings import Settings, TokenCacheOption, resolve_settings
from sentinelhub_byoc._transport._sync.sending import Sender, sync_pool
from sentinelhub_byoc.deployments import Deployment
from sentinelhub_byoc.ratelimit import RequestLimiter
from sentinelhub_byoc.resources._sync.collections import Collections
from sentinelhub_byoc.resources._sync.files import TileFiles
from sentinelhub_byoc.resources._sync.tiles import Tiles
from sentinelhub_byoc.retries import RetryPolicy


class BYOCClient(ClientBase):
    """A client for the BYOC API: ``client.collections``, ``client.tiles``, ``client.files``.

    Use it in ``with``, or call :meth:`close`, to close its connections when done.
    """

    __doc__ = (__doc__ or "") + ARGUMENTS_DOC

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
        rate_limit: RequestLimiter | None = None,
        shared_rate_limit: bool = False,
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
            rate_limit=rate_limit,
            shared_rate_limit=shared_rate_limit,
        )
        settings = self._settings
        if http_client is None:
            http = sync_pool(timeout=settings.timeout, transport=transport)
            self._sender = Sender(
                http,
                settings.deployment.api_url,
                settings.auth,
                retry=settings.retry,
                rate_limiter=settings.rate_limiter,
                root_url=settings.deployment.base_url,
            )
        else:
            # A pool of the caller's, used as it is: its retries and limits are its transport's.
            self._sender = Sender(
                http_client, settings.deployment.api_url, settings.auth, root_url=settings.deployment.base_url
            )
        self._bind_resources()

    @classmethod
    def for_collection(
        cls, collection: Any, client_id: str | None = None, client_secret: str | None = None, **arguments: Any
    ) -> Self:
        """A client for the deployment that holds *collection*, found with the global lookup.

        Takes the constructor's arguments. ``deployment=`` (default: the profile's, else EU) is
        only where the lookup is asked; the client returned points where the collection is
        (see :meth:`Collections.locate
        <sentinelhub_byoc.resources._sync.collections.Collections.locate>`).

        >>> with BYOCClient.for_collection(collection_id) as client:  # doctest: +SKIP
        ...     tiles = [tile for tile in client.tiles.list(collection_id)]
        """
        asking = cls(client_id, client_secret, **arguments)
        try:
            found = asking.collections.locate(collection)
        except BaseException:
            asking.close()
            raise
        if found == asking.deployment:
            return asking
        asking.close()
        return cls(client_id, client_secret, **{**arguments, "deployment": found})

    @property
    def rate_limit(self) -> RequestLimiter | None:
        """The limiter every request of this client waits for; ``None`` without one.

        It is ``rate_limit=``, or the one ``requests_per_minute=`` made (shared with other
        processes with ``shared_rate_limit=True``). A client over your own ``http_client=`` has none.
        """
        return self._sender.rate_limiter

    def _bind_resources(self) -> None:
        sender = self._sender.with_options(self._options)
        self.collections = Collections(sender, self._settings.deployment)
        self.tiles = Tiles(sender, self._settings.deployment)
        self.files = TileFiles(sender)

    def close(self) -> None:
        """Close the connection pool (also one you supplied with ``http_client=``)."""
        self._sender.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()
