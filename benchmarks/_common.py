"""Shared pieces of the benchmarks: timing, results and their report lines and table."""

from __future__ import annotations

import gc
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs

#: Groups, in report order: what the client costs (issue 8), what converting and checking COGs
#: costs (issue 19) and what the emulator costs.
CLIENT = "client"
COG = "cog"
EMULATOR = "emulator"
GROUP_TITLES = {
    CLIENT: "Client benchmarks (issue 8): the client's cost against raw httpx or the incumbent",
    COG: "COG benchmarks (issue 19): converting and checking files against GDAL and rio-cogeo",
    EMULATOR: "Emulator benchmarks: these time the test emulator (sentinelhub_byoc.testing), not the client",
}


def _format(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "us":
        return f"{value:,.1f} us"
    if unit == "ms":
        return f"{value:,.1f} ms"
    if unit == "MiB":
        return f"{value:.2f} MiB"
    return f"{value:g} {unit}"


@attrs.frozen
class Result:
    """One measurement against its baseline from the same run.

    ``max_ratio`` ``None`` marks a ratio given for information only (the target is then
    ``max_value`` alone, when there is one); ``skipped`` says why a
    benchmark could not run (it then neither passes nor fails); ``violation`` names a condition
    besides the ratio that was broken (it then fails).
    """

    group: str
    name: str
    value: float
    baseline: float
    unit: str
    max_ratio: float | None
    baseline_name: str = "baseline"
    max_value: float | None = None
    note: str = ""
    skipped: str | None = None
    violation: str | None = None
    error: str | None = None

    @classmethod
    def crashed(cls, group: str, name: str, error: BaseException) -> Result:
        """A benchmark that raised instead of measuring: it fails."""
        return cls(group, name, 0.0, 0.0, "s", None, error=f"{type(error).__name__}: {error}")

    @property
    def ratio(self) -> float:
        """How many times the baseline's value the measured one is."""
        return self.value / self.baseline if self.baseline > 0 else float("inf")

    @property
    def status(self) -> str:
        """``PASS``, ``FAIL``, ``info`` (no target), ``SKIP`` or ``ERROR``."""
        if self.error is not None:
            return "ERROR"
        if self.skipped is not None:
            return "SKIP"
        if self.violation is not None:
            return "FAIL"
        if self.max_ratio is None and self.max_value is None:
            return "info"
        within = self.max_value is None or self.value < self.max_value
        ratio_met = self.max_ratio is None or self.ratio <= self.max_ratio
        return "PASS" if ratio_met and within else "FAIL"

    @property
    def failed(self) -> bool:
        """Whether a target was missed or the benchmark crashed."""
        return self.status in ("FAIL", "ERROR")

    @property
    def target(self) -> str:
        """The target, as text."""
        if self.skipped is not None or self.error is not None:
            return "-"
        if self.max_ratio is None and self.max_value is None:
            return "(information)"
        limits = [] if self.max_ratio is None else [f"<= {self.max_ratio:.3g}x"]
        if self.max_value is not None:
            limits.append(f"< {self.max_value:g} {self.unit}")
        return " and ".join(limits)

    def lines(self) -> list[str]:
        """Human-readable report lines."""
        if self.error is not None:
            return [f"{self.name}: ERROR: {self.error}"]
        if self.skipped is not None:
            return [f"{self.name}: SKIPPED: {self.skipped}"]
        verdict = "met" if self.status == "PASS" else "NOT met" if self.status == "FAIL" else "no target"
        lines = [
            f"{self.name}: {_format(self.value, self.unit)} vs {self.baseline_name} "
            f"{_format(self.baseline, self.unit)} = {self.ratio:.2f}x "
            f"[{self.status}: target {self.target}, {verdict}]"
        ]
        if self.violation is not None:
            lines.append(f"    FAIL: {self.violation}")
        if self.note:
            lines.extend(f"    {line}" for line in self.note.splitlines())
        return lines

    def row(self) -> tuple[str, ...]:
        """The cells of this result's line in the final table."""
        if self.skipped is not None or self.error is not None:
            return (self.name, "-", "-", "-", "-", self.status)
        return (
            self.name,
            _format(self.value, self.unit),
            _format(self.baseline, self.unit),
            f"{self.ratio:.2f}x",
            self.target,
            self.status,
        )


def table(results: Sequence[Result]) -> list[str]:
    """The final table, one section per group."""
    header = ("benchmark", "measured", "baseline", "ratio", "target", "result")
    rows = [header, *(r.row() for r in results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(width) if i in (0, 4, 5) else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [line(header), line(["-" * w for w in widths])]
    for group in GROUP_TITLES:
        members = [r for r in results if r.group == group]
        if members:
            out.append(f"[{group}]")
            out.extend(line(r.row()) for r in members)
    return out


def progress(message: str) -> None:
    """Say what is running, on stderr, so a long run shows signs of life."""
    print(f"... {message}", file=sys.stderr, flush=True)


def median(values: Sequence[float]) -> float:
    """The median of ``values``."""
    return statistics.median(values)


def best_of(repeats: int, action: Callable[[], object]) -> float:
    """Return the fastest of ``repeats`` wall-clock timings of ``action`` in seconds."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def cpu_seconds(action: Callable[[], object], calls: int) -> float:
    """CPU seconds (this process, ``time.process_time``) of ``calls`` calls of ``action``.

    Garbage from earlier measurements is collected first; collection during the loop stays on,
    as the garbage a call makes is part of what it costs.
    """
    gc.collect()
    start = time.process_time()
    for _ in range(calls):
        action()
    return time.process_time() - start


def run_child(script: str, what: str, *arguments: str) -> dict[str, Any]:
    """Run ``script child ARGUMENTS`` in a fresh interpreter; return the JSON report it prints last.

    A fresh process per measurement keeps one contestant's imports, caches and heap out of the
    other's numbers.
    """
    completed = subprocess.run(
        [sys.executable, str(Path(script).resolve()), "child", *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{what} child {arguments[:2]} failed:\n{completed.stderr}")
    report: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return report
