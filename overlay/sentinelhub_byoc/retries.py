"""Retry policy: which failures are retried and how long to wait. Pure functions, no I/O.

The clients' send loop (``sentinelhub_byoc._transport``) applies these decisions; everything that
can be decided without a network lives here so it can be tested with tables.

Idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS) are retried after connection failures,
timeouts and the statuses of :attr:`RetryPolicy.retry_statuses` (429, 502, 503, 504 by default).
A POST (or PATCH) is retried only when the request certainly never reached the service's
application: the connection could not be opened, or the answer was 429 (rejected by the rate
limiter before any work). A 502/503/504 or a dropped connection may come after the application
acted, so such a POST is retried only when its operation is safe to repeat (tile creation is:
the client resolves a 409 for its own path to the tile its earlier attempt created).

A host name that does not resolve (a ``socket.gaierror`` under httpx's ``ConnectError``) is
never retried, whatever the method: it is a wrong URL or no network, and waiting does not
change that.

The clients read the small JSON answers inside the retry loop, so a connection dropped part-way
through a body is retried like any other dropped connection; file downloads are streamed.
A client's policy is its ``retry=`` argument, per call ``client.with_options(retry=...)``.

The request extensions this module once named (``RETRY_POLICY_EXTENSION``,
``RETRY_SAFE_EXTENSION``, ``BUFFER_RESPONSE_EXTENSION``) and ``policy_for_request``, which read
them, are deprecated: the send loop takes each call's options as an argument and reads no request
extension. They still import, with a ``DeprecationWarning``.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

import attrs

from sentinelhub_byoc._deprecation import deprecated_name
from sentinelhub_byoc.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

__all__ = [
    "IDEMPOTENT_METHODS",
    "RetryPolicy",
    "backoff_delay",
    "parse_retry_after",
    "should_retry",
]

_RETRY_POLICY_EXTENSION = "sentinelhub_byoc.retry"
_RETRY_SAFE_EXTENSION = "sentinelhub_byoc.retry_safe"

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})
"""HTTP methods safe to repeat: their requests are retried after any retryable failure (a POST only
after a 429 or a connection that never sent it, unless its operation is safe to repeat)."""

Jitter = Literal["full", "equal", "none"]


def _at_least(minimum: float) -> Callable[[object, attrs.Attribute[Any], float], None]:
    def check(instance: object, attribute: attrs.Attribute[Any], value: float) -> None:
        if not value >= minimum:  # also rejects NaN
            raise ValidationError(f"RetryPolicy.{attribute.name} must be at least {minimum}, got {value!r}")

    return check


def _check_jitter(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in ("full", "equal", "none"):
        raise ValidationError(f"RetryPolicy.jitter must be 'full', 'equal' or 'none', got {value!r}")


def _statuses(values: Iterable[int]) -> frozenset[int]:
    return frozenset(values)


@attrs.frozen
class RetryPolicy:
    """How often and how patiently to retry.

    Attributes:
        max_attempts: attempts in total, the first included; ``1`` disables retries.
        base_delay: seconds before the first retry, doubled for each further one.
        max_delay: cap in seconds on a computed (exponential) delay.
        max_retry_after: cap in seconds on a wait the service asks for with ``Retry-After``.
        retry_statuses: response statuses worth retrying.
        jitter: ``"full"`` waits a random time in ``[0, delay]``; ``"equal"`` in
            ``[delay/2, delay]``; ``"none"`` exactly ``delay``.

    >>> RetryPolicy(max_attempts=3, base_delay=0.2).max_attempts
    3
    """

    max_attempts: int = attrs.field(default=5, validator=_at_least(1))
    base_delay: float = attrs.field(default=0.5, validator=_at_least(0.0))
    max_delay: float = attrs.field(default=30.0, validator=_at_least(0.0))
    max_retry_after: float = attrs.field(default=120.0, validator=_at_least(0.0))
    retry_statuses: frozenset[int] = attrs.field(default=frozenset({429, 502, 503, 504}), converter=_statuses)
    jitter: Jitter = attrs.field(default="full", validator=_check_jitter)

    @classmethod
    def disabled(cls) -> RetryPolicy:
        """Return a policy that never retries.

        >>> RetryPolicy.disabled().max_attempts
        1
        """
        return cls(max_attempts=1)


class _Random(Protocol):
    def random(self) -> float: ...


def _policy_for_request(extensions: Mapping[str, object], default: RetryPolicy) -> tuple[RetryPolicy, bool]:
    """Return the policy and the retry-safe flag a request's extensions ask for (deprecated)."""
    policy = extensions.get(_RETRY_POLICY_EXTENSION, default)
    if policy is None:
        policy = default
    if not isinstance(policy, RetryPolicy):
        raise ValidationError(
            f"request.extensions[{_RETRY_POLICY_EXTENSION!r}] must be a RetryPolicy, "
            f"got {type(policy).__name__}"
        )
    retry_safe = extensions.get(_RETRY_SAFE_EXTENSION, False)
    if not isinstance(retry_safe, bool):
        raise ValidationError(
            f"request.extensions[{_RETRY_SAFE_EXTENSION!r}] must be True or False, got {retry_safe!r}"
        )
    return policy, retry_safe


def failure_kind(error: BaseException) -> Literal["not_sent", "maybe_sent", "fatal"]:
    """How far a request that failed with *error* got: never sent, maybe sent, or hopeless.

    The send loop uses it to tell whether an earlier attempt may have acted; :func:`should_retry`
    to decide. Not in ``__all__``: the package's own.
    """
    import httpx

    # A host name that does not resolve stays unresolved for the seconds retries would wait:
    # it is a wrong URL (or no network), which five attempts only hide.
    if _is_name_resolution_failure(error):
        return "fatal"
    # The request never left the client: no connection, or none free in the pool.
    if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return "not_sent"
    # Sent (at least partly); the service may have acted before the connection died.
    if isinstance(
        error,
        httpx.ReadTimeout
        | httpx.WriteTimeout
        | httpx.ReadError
        | httpx.WriteError
        | httpx.RemoteProtocolError,
    ):
        return "maybe_sent"
    # Protocol misuse, bad URLs, proxies, decoding: repeating will not help.
    return "fatal"


# How far down the chain of causes (httpx -> httpcore -> socket) a failure's origin is looked for.
_MAX_CAUSES = 8


def _is_name_resolution_failure(error: BaseException) -> bool:
    """Whether *error* comes from a host name that could not be resolved (``socket.gaierror``).

    httpx raises :class:`httpx.ConnectError` for it, caused by httpcore's error, caused by the
    ``socket.gaierror`` itself; the chain is followed a few links, safely even if it loops.
    """
    import socket

    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen and len(seen) < _MAX_CAUSES:
        if isinstance(current, socket.gaierror):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def should_retry(
    *,
    method: str,
    attempt: int,
    policy: RetryPolicy,
    status: int | None = None,
    error: BaseException | None = None,
    retry_safe: bool = False,
) -> bool:
    """Decide whether to try a request again after attempt number ``attempt`` (1-based) failed.

    Pass either the response ``status`` or the transport ``error`` that ended the attempt.
    See the module docstring for the rules.

    >>> should_retry(method="GET", attempt=1, policy=RetryPolicy(), status=503)
    True
    >>> should_retry(method="POST", attempt=1, policy=RetryPolicy(), status=503)
    False
    >>> should_retry(method="POST", attempt=1, policy=RetryPolicy(), status=429)
    True
    """
    if attempt >= policy.max_attempts:
        return False
    repeatable = retry_safe or method.upper() in IDEMPOTENT_METHODS
    if error is not None:
        kind = failure_kind(error)
        return kind == "not_sent" or (kind == "maybe_sent" and repeatable)
    if status is None or status not in policy.retry_statuses:
        return False
    # A 429 is the rate limiter refusing the request before the application saw it.
    return status == 429 or repeatable


def backoff_delay(
    attempt: int,
    *,
    retry_after: float | None,
    policy: RetryPolicy,
    rng: _Random,
) -> float:
    """Return the seconds to wait before attempt number ``attempt + 1``.

    A ``Retry-After`` wait from the service wins, capped at ``policy.max_retry_after``.
    Otherwise the delay is ``base_delay * 2 ** (attempt - 1)`` capped at ``max_delay``, with
    the policy's jitter drawn from ``rng`` (anything with a ``random()`` method, such as
    ``random.Random``).

    >>> import random
    >>> backoff_delay(3, retry_after=None, policy=RetryPolicy(base_delay=1, jitter="none"), rng=random)
    4.0
    >>> backoff_delay(1, retry_after=3.398, policy=RetryPolicy(), rng=random)
    3.398
    """
    if retry_after is not None and retry_after >= 0:
        return min(float(retry_after), policy.max_retry_after)
    # Bounding the exponent keeps the float finite for absurd attempt numbers.
    exponent = min(max(attempt - 1, 0), 64)
    ceiling = min(policy.max_delay, policy.base_delay * 2.0**exponent)
    if policy.jitter == "full":
        return ceiling * rng.random()
    if policy.jitter == "equal":
        return ceiling / 2 + (ceiling / 2) * rng.random()
    return ceiling


_NUMBER = re.compile(r"\d+(\.\d+)?")


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Return the wait in seconds that a ``Retry-After`` header value asks for, or ``None``.

    Sentinel Hub sends a whole number of **milliseconds** (``"3398"`` means 3.398 s), unlike the
    seconds of RFC 9110. An HTTP date is also understood, measured from ``now`` (timezone-aware;
    naive values are taken as UTC; default: the current time) and never negative. Anything else,
    including negative numbers, gives ``None``.

    >>> parse_retry_after("3398")
    3.398
    >>> parse_retry_after("Wed, 21 Oct 2026 07:28:05 GMT", now=datetime(2026, 10, 21, 7, 28, tzinfo=UTC))
    5.0
    >>> parse_retry_after("soon") is None
    True
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if _NUMBER.fullmatch(text):
        seconds = float(text) / 1000.0
        return seconds if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:  # older Pythons returned None for unparsable dates
        return None  # type: ignore[unreachable]
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    reference = now if now is not None else datetime.now(UTC)
    if reference.tzinfo is None:
        reference = reference.replace(tzinfo=UTC)
    return max(0.0, (when - reference).total_seconds())


_NO_EXTENSIONS = (
    "the clients read no request extension: pass per-call options with client.with_options(retry=...)"
)
deprecated_name(
    globals(),
    "RETRY_POLICY_EXTENSION",
    _RETRY_POLICY_EXTENSION,
    instead=_NO_EXTENSIONS,
    since="0.1",
    remove_in="0.2",
)
deprecated_name(
    globals(),
    "RETRY_SAFE_EXTENSION",
    _RETRY_SAFE_EXTENSION,
    instead=_NO_EXTENSIONS,
    since="0.1",
    remove_in="0.2",
)
deprecated_name(
    globals(),
    "BUFFER_RESPONSE_EXTENSION",
    "sentinelhub_byoc.buffer_response",
    instead="the clients read every answer that is not a file download whole; nothing reads it",
    since="0.1",
    remove_in="0.2",
)
deprecated_name(
    globals(), "policy_for_request", _policy_for_request, instead=_NO_EXTENSIONS, since="0.1", remove_in="0.2"
)
