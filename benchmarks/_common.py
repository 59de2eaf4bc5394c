"""Shared pieces of the benchmarks: timing, results and their report lines."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    """One benchmark's measurement against its baseline from the same run."""

    name: str
    count: int
    seconds: float
    baseline_seconds: float
    max_ratio: float
    max_seconds: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float:
        """How many times the baseline's time the measured code took."""
        return self.seconds / self.baseline_seconds if self.baseline_seconds > 0 else float("inf")

    @property
    def passed(self) -> bool:
        """Whether the ratio (and the absolute bound, if any) is met."""
        within = self.max_seconds is None or self.seconds < self.max_seconds
        return self.ratio <= self.max_ratio and within

    def lines(self) -> list[str]:
        """Human-readable report lines."""
        bound = f"ratio <= {self.max_ratio:g}x"
        if self.max_seconds is not None:
            bound += f" and < {self.max_seconds:g} s"
        rate = self.count / self.seconds if self.seconds > 0 else float("inf")
        lines = [
            f"{self.name}: {self.count} in {self.seconds:.3f} s ({rate:,.0f}/s); "
            f"baseline {self.baseline_seconds:.3f} s; ratio {self.ratio:.2f}x "
            f"[{'PASS' if self.passed else 'FAIL'}: {bound}]"
        ]
        if self.note:
            lines.append(f"    {self.note}")
        return lines


def best_of(repeats: int, action: Callable[[], object]) -> float:
    """Return the fastest of ``repeats`` timings of ``action`` in seconds."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best
