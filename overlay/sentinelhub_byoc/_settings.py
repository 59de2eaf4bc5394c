"""What the sync and async clients share: settings resolution (no I/O)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, TypeAlias

import attrs
import httpx

from sentinelhub_byoc.auth import ClientCredentialsAuth, StaticTokenAuth
from sentinelhub_byoc.config import resolve_config
from sentinelhub_byoc.deployments import Deployment, get_deployment
from sentinelhub_byoc.errors import ConfigurationError, ValidationError
from sentinelhub_byoc.ratelimit import RateLimiter, RequestLimiter
from sentinelhub_byoc.retries import RetryPolicy

if TYPE_CHECKING:
    # Imported when a cache is asked for: most clients never use one.
    from sentinelhub_byoc.token_cache import FileTokenCache

#: What ``token_cache=`` accepts: ``True`` for the default directory, a directory, or a cache.
TokenCacheOption: TypeAlias = "bool | str | os.PathLike[str] | FileTokenCache | None"

#: Default timeouts: generous reads (listing large collections), quick connection failures.
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)


@attrs.frozen
class Settings:
    """Everything a client needs, resolved once at construction."""

    deployment: Deployment
    auth: httpx.Auth | None
    timeout: httpx.Timeout
    retry: RetryPolicy
    rate_limiter: RequestLimiter | None


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
    token_cache: TokenCacheOption = None,
    rate_limit: RequestLimiter | None = None,
    shared_rate_limit: bool = False,
) -> Settings:
    """Decide credentials, deployment and policies from the constructor's arguments, env and profile."""
    _check_rate_limit(rate_limit, requests_per_minute, shared_rate_limit, access_token, auth)
    cache = _token_cache(token_cache)
    client_id_used: str | None = None
    if access_token is not None or auth is not None:
        if cache is not None:
            given = "access_token" if access_token is not None else "auth"
            raise ValidationError(
                f"token_cache applies to the client-credentials flow, not to {given}=: pass "
                "ClientCredentialsAuth(..., token_cache=FileTokenCache()) as auth= instead"
            )
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
            client_id_used = config.credentials.client_id
            chosen_auth = ClientCredentialsAuth(
                credentials=config.credentials, token_url=chosen.token_url, token_cache=cache
            )
    return Settings(
        deployment=chosen,
        auth=chosen_auth,
        timeout=_timeout(timeout),
        retry=as_retry(retry) or RetryPolicy(),
        rate_limiter=_rate_limiter(
            rate_limit, requests_per_minute, shared_rate_limit, client_id_used, chosen
        ),
    )


def _check_rate_limit(
    rate_limit: RequestLimiter | None,
    requests_per_minute: float | None,
    shared: bool,
    access_token: str | None,
    auth: httpx.Auth | None,
) -> None:
    """Refuse rate-limit arguments that contradict each other, before anything else is done."""
    if shared is not True and shared is not False:
        raise ValidationError(f"shared_rate_limit must be True or False, got {shared!r}")
    if rate_limit is not None:
        if not isinstance(rate_limit, RequestLimiter):
            raise ValidationError(
                "rate_limit must be a RateLimiter or a SharedRateLimiter, e.g. "
                f"RateLimiter(requests_per_minute=600), got {type(rate_limit).__name__}"
            )
        if requests_per_minute is not None or shared:
            raise ValidationError(
                "give either rate_limit= (a limiter of your own) or requests_per_minute= "
                "(with shared_rate_limit=True for a budget shared with other processes), not both"
            )
    if shared and requests_per_minute is None:
        raise ValidationError(
            "shared_rate_limit=True needs requests_per_minute= (the account's rate, shared by every "
            "process using the same credentials)"
        )
    if shared and (access_token is not None or auth is not None):
        given = "access_token" if access_token is not None else "auth"
        raise ValidationError(
            f"shared_rate_limit=True keys the budget by the client credentials, which {given}= does not "
            "give: pass rate_limit=SharedRateLimiter(..., client_id=..., token_url=...) instead"
        )


def _rate_limiter(
    rate_limit: RequestLimiter | None,
    requests_per_minute: float | None,
    shared: bool,
    client_id: str | None,
    deployment: Deployment,
) -> RequestLimiter | None:
    if rate_limit is not None:
        return rate_limit
    if not requests_per_minute:
        return None
    if not shared or client_id is None:
        return RateLimiter(requests_per_minute)
    # Imported when asked for: most clients never share a budget.
    from sentinelhub_byoc.shared_ratelimit import SharedRateLimiter

    return SharedRateLimiter(requests_per_minute, client_id=client_id, token_url=deployment.token_url)


def _token_cache(value: TokenCacheOption) -> FileTokenCache | None:
    if value is None or value is False:
        return None
    from sentinelhub_byoc.token_cache import FileTokenCache

    if value is True:
        return FileTokenCache()
    if isinstance(value, FileTokenCache):
        return value
    if isinstance(value, str | os.PathLike):
        return FileTokenCache(value)
    raise ValidationError(
        "token_cache must be True (the default directory), a directory or a FileTokenCache, "
        f"got {type(value).__name__}"
    )


def _timeout(value: float | httpx.Timeout | None) -> httpx.Timeout:
    if value is None:
        return DEFAULT_TIMEOUT
    return as_timeout(value)


def as_timeout(value: float | httpx.Timeout) -> httpx.Timeout:
    """*value* as an ``httpx.Timeout``, refusing what is not a positive number of seconds."""
    if isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValidationError(
            f"timeout must be a positive number of seconds or an httpx.Timeout, got {value!r}"
        )
    return httpx.Timeout(value)


def as_retry(value: RetryPolicy | None) -> RetryPolicy | None:
    """*value* when it is a :class:`RetryPolicy` (or ``None``), else :class:`ValidationError`."""
    if value is not None and not isinstance(value, RetryPolicy):
        raise ValidationError(
            f"retry must be a RetryPolicy, e.g. RetryPolicy(max_attempts=3), got {type(value).__name__}"
        )
    return value
