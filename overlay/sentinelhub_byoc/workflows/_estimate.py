"""How many API requests a plan makes, how long they take at the client's rate, what they cost (pure)."""

from __future__ import annotations

import math

import attrs

from sentinelhub_byoc._pagination import MAX_PAGE_SIZE

#: The deployments that charge a processing unit for each BYOC request that changes something.
CHARGED_LOCATIONS = frozenset({"cdse", "cdse-otc"})
# What each poll of a wait lists, once per status still on its way (waiting, queued, ingesting),
# and how many tiles a wait's last look reads one by one rather than by listing: as
# workflows/_async/waiting.py polls.
_POLL_LISTINGS = 3
_FEW = 20


@attrs.frozen
class RequestEstimate:
    """The API requests a plan makes, how long they take at the client's rate, and their cost.

    ``print(estimate)`` gives it in one line, as a sync's dry run shows it.

    >>> print(RequestEstimate(requests=12, writes=10, wait_requests=4, seconds=1.5,
    ...                       requests_per_minute=600.0, processing_units=10))
    16 API requests (10 of them changes; at least 4 of them while waiting for ingestion), \
at least 1.5 s at 600 requests/min, 10 processing units
    """

    requests: int
    """The requests known in advance: reading the collection, listing its tiles, each change."""
    writes: int
    """How many of them change something (creations, reingestions, deletions)."""
    wait_requests: int = 0
    """The fewest requests the wait for ingestion makes (it polls until every tile is done)."""
    seconds: float | None = None
    """How long the requests take at the client's rate, burst included; None without a rate limit."""
    requests_per_minute: float | None = None
    """The client's rate limit; None without one."""
    processing_units: int | None = None
    """What the changes cost on CDSE (one unit each); None on deployments that charge none."""

    @property
    def total(self) -> int:
        """All the requests counted, the wait's fewest included."""
        return self.requests + self.wait_requests

    def __str__(self) -> str:
        text = f"{self.total} API requests ({self.writes} of them changes"
        if self.wait_requests:
            text += f"; at least {self.wait_requests} of them while waiting for ingestion"
        text += "), "
        if self.seconds is None or self.requests_per_minute is None:
            text += "no rate limit set"
        elif self.seconds <= 0:
            text += f"no waiting at {self.requests_per_minute:g} requests/min (within the burst)"
        else:
            lead = "at least " if self.wait_requests else ""
            text += f"{lead}{self.seconds:.1f} s at {self.requests_per_minute:g} requests/min"
        if self.processing_units is not None:
            text += f", {self.processing_units} processing units"
        return text


def estimate(
    *,
    writes: int,
    listed: int,
    reads_collection: bool,
    waited_for: int,
    requests_per_minute: float | None,
    burst: int | None,
    location: str | None,
) -> RequestEstimate:
    """The estimate of a sync that makes *writes* changes in a collection of *listed* tiles.

    *reads_collection*: whether the sync reads the collection first (its bucket is checked);
    *waited_for*: how many tiles the wait follows (0 for no wait); the rate and *burst* are the
    client's limiter's, ``None`` without one; *location* is the deployment's location id.
    """
    pages = max(1, math.ceil(listed / MAX_PAGE_SIZE))
    requests = int(reads_collection) + pages + writes
    wait = 0
    if waited_for:
        final = waited_for if waited_for <= _FEW else math.ceil(waited_for / MAX_PAGE_SIZE)
        wait = _POLL_LISTINGS + final
    seconds = None
    if requests_per_minute:
        queued = max(0, requests + wait - (burst or 1))
        seconds = queued * 60.0 / requests_per_minute
    units = writes if location in CHARGED_LOCATIONS else None
    return RequestEstimate(requests, writes, wait, seconds, requests_per_minute, units)
