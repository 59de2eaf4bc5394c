"""What both clients share and do without I/O: their arguments' documentation, settings, per-call options.

The I/O itself is in the clients: :mod:`sentinelhub_byoc._async.client` and the blocking client
generated from it.
"""

from __future__ import annotations

import copy
from typing import Self

import httpx

from sentinelhub_byoc._settings import Settings, as_retry, as_timeout
from sentinelhub_byoc._transport.calls import NO_OPTIONS, CallOptions
from sentinelhub_byoc.deployments import Deployment
from sentinelhub_byoc.retries import RetryPolicy

#: The constructor's arguments, appended to each client's docstring.
ARGUMENTS_DOC = """
    Credentials come from the arguments, else ``SH_CLIENT_ID`` / ``SH_CLIENT_SECRET``, else the
    profile (``profile=`` or ``SH_PROFILE``, default ``default-profile``) in
    ``~/.config/sentinelhub/config.toml``: an existing Sentinel Hub user needs no set-up.

    Args:
        client_id, client_secret: OAuth2 client credentials.
        deployment: ``"eu"`` (default), ``"us-west"``, ``"gcp"``, ``"creodias"``, ``"cdse"``,
            ``"cdse-otc"`` or a :class:`Deployment` (``for_collection`` finds the one that holds a
            collection).
        profile: a section of the Sentinel Hub profiles file.
        access_token: a token you obtained yourself, used as is (no refresh).
        auth: any ``httpx.Auth``, instead of the above.
        timeout: seconds, or an ``httpx.Timeout``; per call with ``timeout=`` where offered.
        retry: the :class:`RetryPolicy` (default: 5 attempts, capped exponential backoff, jitter).
        requests_per_minute: a client-side limit shared by every thread or task using this client.
        shared_rate_limit: with ``requests_per_minute``, share that budget with every process of
            the machine using the same credentials (a file; see
            :mod:`sentinelhub_byoc.shared_ratelimit`).
        rate_limit: a :class:`~sentinelhub_byoc.ratelimit.RateLimiter` or
            :class:`~sentinelhub_byoc.shared_ratelimit.SharedRateLimiter` of your own, instead of
            ``requests_per_minute``.
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


class ClientBase:
    """What both clients share once constructed: settings, per-call defaults, presentation."""

    _settings: Settings
    _options: CallOptions = NO_OPTIONS

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
