"""Failure injection: latency, throttling, server errors and dropped connections."""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Iterable

import attrs

_SERVER_ERRORS = frozenset({500, 502, 503, 504})
_WINDOW_SECONDS = 60.0


@attrs.frozen
class Faults:
    """Randomised faults, reproducible with ``seed``.

    Each probability is drawn independently per request, in the order: drop, lost response,
    throttle, server error. ``latency`` is either a fixed delay or a ``(low, high)`` range in
    seconds. ``rate_limit_per_minute`` limits every client to that many requests in any
    60-second window. Faults hit BYOC routes; set ``include_token_route`` to hit the token
    endpoint as well.
    """

    seed: int | None = None
    """Seeds the random draws, so that a run repeats its faults; None draws differently each run."""
    error_rate: float = 0.0
    """The probability (0 to 1) of answering a server error, one of ``error_statuses``."""
    error_statuses: tuple[int, ...] = (500, 502, 503, 504)
    """The statuses a server error is drawn from: a non-empty subset of 500, 502, 503 and 504."""
    throttle_rate: float = 0.0
    """The probability (0 to 1) of answering 429 with a ``Retry-After`` of ``retry_after_ms``."""
    retry_after_ms: int = 1000
    """The ``Retry-After`` of a random 429, in milliseconds (as the service sends it), at least 0."""
    drop_rate: float = 0.0
    """The probability (0 to 1) of closing the connection before the request is processed."""
    lost_response_rate: float = 0.0
    """The probability (0 to 1) of processing the request, then cutting its answer off mid-way."""
    latency: float | tuple[float, float] = 0.0
    """Seconds to wait before each answer, on the emulator's clock: fixed, or drawn from (low, high)."""
    rate_limit_per_minute: int | None = None
    """The most requests each client may make in any 60 seconds (more get a 429); None for no limit."""
    include_token_route: bool = False
    """Whether the token endpoint gets faults, latency and the rate limit too (only BYOC routes do
    otherwise)."""

    def __attrs_post_init__(self) -> None:
        for name in ("error_rate", "throttle_rate", "drop_rate", "lost_response_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"Faults.{name} is a probability between 0 and 1, got {value!r}")
        bad = [s for s in self.error_statuses if s not in _SERVER_ERRORS]
        if bad or not self.error_statuses:
            raise ValueError(
                f"Faults.error_statuses must be a non-empty subset of {sorted(_SERVER_ERRORS)}, "
                f"got {self.error_statuses!r}"
            )
        if self.retry_after_ms < 0:
            raise ValueError(f"Faults.retry_after_ms must be >= 0, got {self.retry_after_ms!r}")
        low, high = _latency_range(self.latency)
        if low < 0 or high < low:
            raise ValueError(
                f"Faults.latency must be seconds >= 0 or a (low, high) range, got {self.latency!r}"
            )
        if self.rate_limit_per_minute is not None and self.rate_limit_per_minute < 1:
            raise ValueError(
                "Faults.rate_limit_per_minute must be a positive number of requests or None, "
                f"got {self.rate_limit_per_minute!r}"
            )


def _latency_range(latency: float | tuple[float, float]) -> tuple[float, float]:
    if isinstance(latency, tuple):
        return float(latency[0]), float(latency[1])
    return float(latency), float(latency)


@attrs.frozen
class Fault:
    """One injected fault.

    ``kind`` is ``"status"`` (answer ``status`` without processing), ``"throttle"`` (429 with
    ``retry_after_ms``), ``"drop"`` (close the connection before processing) or
    ``"lost"`` (process the request, then cut the response off mid-way).
    """

    kind: str
    status: int = 0
    retry_after_ms: int = 0


@attrs.frozen
class Decision:
    """What to do with one request: wait ``delay`` seconds, then apply ``fault`` if any.

    ``headers`` go on the answer: the rate limit's ``X-RateLimit-*`` of a client that has one.
    """

    delay: float = 0.0
    fault: Fault | None = None
    headers: tuple[tuple[str, str], ...] = ()


def rate_limit_headers(limit: int, used: int, frees_in: float) -> tuple[tuple[str, str], ...]:
    """The ``X-RateLimit-*`` headers of a window of *limit* requests with *used* taken.

    ``X-RateLimit-Reset`` is the whole seconds (rounded up) until the oldest request leaves the
    window, *frees_in*: the first moment another request is let through when none is left.
    """
    return (
        ("X-RateLimit-Limit", str(limit)),
        ("X-RateLimit-Remaining", str(max(0, limit - used))),
        ("X-RateLimit-Reset", str(max(0, math.ceil(frees_in)))),
    )


def parse_script_entry(entry: str | None) -> Decision:
    """Turn one scripted fault into a decision.

    Accepted entries: ``None`` or ``"ok"`` (no fault), ``"429"``, ``"500"``, ``"502"``,
    ``"503"``, ``"504"``, ``"drop"`` (connection closed before the request is processed),
    ``"lost"`` (processed, then the response is cut off) and ``"delay:SECONDS"``.
    """
    if entry is None or entry == "ok":
        return Decision()
    if entry == "drop":
        return Decision(fault=Fault("drop"))
    if entry in ("lost", "drop-after"):
        return Decision(fault=Fault("lost"))
    if entry == "429":
        return Decision(fault=Fault("throttle", 429, 1000))
    if entry.isdigit() and int(entry) in _SERVER_ERRORS:
        return Decision(fault=Fault("status", int(entry)))
    if entry.startswith("delay:"):
        try:
            seconds = float(entry.removeprefix("delay:"))
        except ValueError:
            seconds = -1.0
        if seconds >= 0:
            return Decision(delay=seconds)
    raise ValueError(
        f"unknown scripted fault {entry!r}: use None, 'ok', '429', '500', '502', '503', '504', "
        "'drop', 'lost' or 'delay:SECONDS'"
    )


@attrs.define
class FaultInjector:
    """Decides, per request, which fault to inject. Not thread-safe: the emulator locks."""

    faults: Faults = attrs.field(factory=Faults)
    _rng: random.Random = attrs.field(factory=random.Random)
    _script: deque[Decision] = attrs.field(factory=deque)
    _script_token_route: bool = False
    _limits: dict[str | None, int] = attrs.field(factory=dict)
    _windows: dict[str, deque[float]] = attrs.field(factory=dict)

    def configure(self, faults: Faults) -> None:
        """Replace the random fault settings and reseed."""
        self.faults = faults
        self._rng = random.Random(faults.seed)

    def script(self, entries: Iterable[str | None], include_token_route: bool) -> None:
        """Queue scripted faults, consumed one per applicable request before any random fault."""
        decisions = [parse_script_entry(entry) for entry in entries]
        self._script = deque(decisions)
        self._script_token_route = include_token_route

    @property
    def scripted_remaining(self) -> int:
        """How many scripted entries are still waiting for a request."""
        return len(self._script)

    def set_rate_limit(self, per_minute: int | None, client_id: str | None) -> None:
        """Limit one client (or, with ``client_id=None``, every client) to ``per_minute``."""
        if per_minute is not None and per_minute < 1:
            raise ValueError(f"per_minute must be a positive number or None, got {per_minute!r}")
        if per_minute is None:
            self._limits.pop(client_id, None)
        else:
            self._limits[client_id] = per_minute

    def decide(self, token_route: bool, client_id: str | None, now: float) -> Decision:
        """Pick the fault for one request."""
        if self._script and (self._script_token_route or not token_route):
            return self._script.popleft()
        if token_route and not self.faults.include_token_route:
            return Decision()
        throttle, headers = self._rate_limit(client_id, now)
        if throttle is not None:
            return Decision(fault=throttle, headers=headers)
        return attrs.evolve(self._random(), headers=headers)

    def _rate_limit(
        self, client_id: str | None, now: float
    ) -> tuple[Fault | None, tuple[tuple[str, str], ...]]:
        """A 429 when the client's window is full, and the headers telling what is left of it."""
        if client_id is None:
            return None, ()
        limit = self._limits.get(client_id, self._limits.get(None, self.faults.rate_limit_per_minute))
        if limit is None:
            return None, ()
        window = self._windows.setdefault(client_id, deque())
        while window and window[0] <= now - _WINDOW_SECONDS:
            window.popleft()
        throttle = None
        if len(window) >= limit:
            wait_ms = math.ceil((window[0] + _WINDOW_SECONDS - now) * 1000)
            throttle = Fault("throttle", 429, max(1, wait_ms))
        else:
            window.append(now)
        return throttle, rate_limit_headers(limit, len(window), window[0] + _WINDOW_SECONDS - now)

    def _random(self) -> Decision:
        faults = self.faults
        low, high = _latency_range(faults.latency)
        delay = low if low == high else self._rng.uniform(low, high)
        fault: Fault | None = None
        if faults.drop_rate and self._rng.random() < faults.drop_rate:
            fault = Fault("drop")
        elif faults.lost_response_rate and self._rng.random() < faults.lost_response_rate:
            fault = Fault("lost")
        elif faults.throttle_rate and self._rng.random() < faults.throttle_rate:
            fault = Fault("throttle", 429, faults.retry_after_ms)
        elif faults.error_rate and self._rng.random() < faults.error_rate:
            fault = Fault("status", self._rng.choice(faults.error_statuses))
        return Decision(delay=delay, fault=fault)
