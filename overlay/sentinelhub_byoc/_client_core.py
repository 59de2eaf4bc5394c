"""What the sync and async clients share: settings resolution and reading responses (no I/O)."""

from __future__ import annotations

import os
from typing import Any, TypeVar

import attrs
import httpx

from sentinelhub_byoc._api import EXTRA_QUERY_EXTENSION
from sentinelhub_byoc._error_mapping import error_from_response
from sentinelhub_byoc._operations import Operation
from sentinelhub_byoc._requests import BUFFER_RESPONSE_EXTENSION, RETRY_POLICY_EXTENSION, RETRY_SAFE_EXTENSION
from sentinelhub_byoc.auth import ClientCredentialsAuth, StaticTokenAuth
from sentinelhub_byoc.config import resolve_config
from sentinelhub_byoc.deployments import Deployment, get_deployment
from sentinelhub_byoc.errors import APIConnectionError, ConfigurationError
from sentinelhub_byoc.ratelimit import RateLimiter
from sentinelhub_byoc.retries import RetryPolicy

T = TypeVar("T")

#: Default timeouts: generous reads (listing large collections), quick connection failures.
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)


@attrs.frozen
class Settings:
    """Everything a client needs, resolved once at construction."""

    deployment: Deployment
    auth: httpx.Auth | None
    timeout: httpx.Timeout
    retry: RetryPolicy
    rate_limiter: RateLimiter | None


def resolve_settings(
    client_id: str | None,
    client_secret: str | None,
    *,
    deployment: str | Deployment | None,
    profile: str | None,
    access_token: str | None,
    auth: httpx.Auth | None,
    timeout: float | httpx.Timeout | None,
    retry: RetryPolicy | None,
    requests_per_minute: float | None,
    config_path: str | os.PathLike[str] | None,
    has_http_client: bool,
) -> Settings:
    """Decide credentials, deployment and policies from the constructor's arguments, env and profile."""
    if access_token is not None or auth is not None:
        chosen = get_deployment(deployment if deployment is not None else "eu")
        chosen_auth: httpx.Auth | None = auth if auth is not None else StaticTokenAuth(str(access_token))
    else:
        try:
            config = resolve_config(
                client_id, client_secret, deployment=deployment, profile=profile, config_path=config_path
            )
        except ConfigurationError:
            if not has_http_client:
                raise
            # A caller's own httpx client may already authenticate its requests.
            chosen = get_deployment(deployment if deployment is not None else "eu")
            chosen_auth = None
        else:
            chosen = config.deployment
            chosen_auth = ClientCredentialsAuth(credentials=config.credentials, token_url=chosen.token_url)
    return Settings(
        deployment=chosen,
        auth=chosen_auth,
        timeout=_timeout(timeout),
        retry=retry if retry is not None else RetryPolicy(),
        rate_limiter=RateLimiter(requests_per_minute) if requests_per_minute else None,
    )


def _timeout(value: float | httpx.Timeout | None) -> httpx.Timeout:
    if value is None:
        return DEFAULT_TIMEOUT
    return value if isinstance(value, httpx.Timeout) else httpx.Timeout(value)


def call_extensions(
    operation: Operation[Any],
    *,
    timeout: float | httpx.Timeout | None,
    retry: RetryPolicy | None,
    streamed: bool = False,
) -> dict[str, Any]:
    """The request extensions carrying one call's options to the transport.

    Answers that are not streamed are read inside the retry loop, so a connection dropped in the
    middle of a body is retried like one dropped before it.
    """
    extensions: dict[str, Any] = {
        RETRY_SAFE_EXTENSION: operation.retry_safe,
        BUFFER_RESPONSE_EXTENSION: not streamed,
    }
    if operation.call.extra_query:
        extensions[EXTRA_QUERY_EXTENSION] = dict(operation.call.extra_query)
    if retry is not None:
        extensions[RETRY_POLICY_EXTENSION] = retry
    if timeout is not None:
        extensions["timeout"] = _timeout(timeout).as_dict()
    return extensions


def checked(operation: Operation[Any], response: httpx.Response | None) -> httpx.Response:
    """*response* when its status means success; otherwise raise the matching API error."""
    if response is None:
        raise APIConnectionError(f"no response was received for {operation.call.operation}")
    if response.status_code not in operation.success:
        raise error_from_response(response)
    return response
