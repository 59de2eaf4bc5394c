"""What an answer's rate-limit headers say about the budget: spent until when (pure).

The service tells how much of a budget is left: Sentinel Hub sends ``X-RateLimit-Remaining``
(sentinelhub-py's rate limiting read it with ``Retry-After``, in milliseconds, on a 429).
When that reaches 0, the time until the budget fills again is read from the first of:

* ``X-RateLimit-Reset`` (the common form): seconds from now, or a time in seconds since the
  epoch when the number is that large;
* ``RateLimit-Reset`` beside ``RateLimit-Remaining`` (the IETF ``RateLimit`` fields draft, its
  earlier versions): seconds from now;
* ``RateLimit: "policy";r=0;t=30`` (the draft's later, structured form; ``remaining=`` and
  ``reset=`` are read as well): ``t`` seconds from now, the longest of the policies spent.

Headers come from a server: anything that is not a plain non-negative integer of a sane size is
ignored, and a wait is capped at :data:`~sentinelhub_byoc.ratelimit.MAX_PAUSE`. Only a budget
said to be spent (remaining 0) with a time to wait makes a pause; the retries read ``Retry-After``
themselves (:mod:`sentinelhub_byoc.retries`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sentinelhub_byoc.ratelimit import MAX_PAUSE

# Larger than any count or delay; small enough that int() is cheap on hostile input.
_INTEGER = re.compile(r"[0-9]{1,12}")
# A reset this large is a time since the epoch (2001-09-09 on), not seconds from now.
_EPOCH = 1_000_000_000


def _integer(value: str | None) -> int | None:
    if value is None:
        return None
    value = value.strip()
    return int(value) if _INTEGER.fullmatch(value) else None


def _delay(reset: int | None, now: float) -> float | None:
    if reset is None:
        return None
    seconds = reset - now if reset >= _EPOCH else float(reset)
    return min(seconds, MAX_PAUSE) if seconds > 0 else None


def _spent(parameters: dict[str, str], now: float) -> float | None:
    remaining = _integer(parameters.get("r", parameters.get("remaining")))
    return _delay(_integer(parameters.get("t", parameters.get("reset"))), now) if remaining == 0 else None


def _parameters(parts: list[str]) -> dict[str, str]:
    pairs = (part.partition("=") for part in parts if "=" in part)
    return {name.strip().lower(): value for name, _, value in pairs}


def _structured(field: str, now: float) -> float | None:
    """The longest wait of the spent policies of an IETF ``RateLimit`` field, if any.

    Each policy is ``"name";r=REMAINING;t=SECONDS``, policies separated by commas; a field of
    ``limit=..., remaining=..., reset=...`` alone (an earlier form) is one policy.
    """
    waits = [_spent(_parameters(policy.split(";")), now) for policy in field.split(",")[:16]]
    found = [wait for wait in waits if wait is not None]
    if not found:
        found = [wait for wait in [_spent(_parameters(re.split("[,;]", field)[:64]), now)] if wait]
    return max(found) if found else None


def budget_spent_for(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds until the budget the *headers* speak of fills again, when they say it is spent.

    *now* is the wall-clock time (seconds since the epoch) for resets given as times. ``None``
    when the headers say nothing of the kind, or nothing that can be believed.

    >>> budget_spent_for({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "12"}, now=0.0)
    12.0
    >>> budget_spent_for({"x-ratelimit-remaining": "-1", "x-ratelimit-reset": "12"}, now=0.0) is None
    True
    """
    for remaining, reset in (
        ("x-ratelimit-remaining", "x-ratelimit-reset"),
        ("ratelimit-remaining", "ratelimit-reset"),
    ):
        if _integer(headers.get(remaining)) == 0:
            wait = _delay(_integer(headers.get(reset)), now)
            if wait is not None:
                return wait
    field = headers.get("ratelimit")
    return _structured(field, now) if field else None
