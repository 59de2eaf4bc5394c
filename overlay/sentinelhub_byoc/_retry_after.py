"""Reading the ``Retry-After`` header, which Sentinel Hub sends in milliseconds."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

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
