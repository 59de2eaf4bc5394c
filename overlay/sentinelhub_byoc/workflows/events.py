"""Progress of long work, reported to a callback: what the CLI turns into progress bars.

Every workflow takes ``on_progress``, a callable that receives a :class:`Progress` each time
an item of work finishes. Asyncio workflows call it on the event loop; blocking workflows call
it from their worker threads, so it must be thread-safe (rich's progress bars are). It must be
quick and must not raise; ``None`` reports nothing.

>>> seen = []
>>> report = Progress("register", done=3, total=10, item="2024/05/01/(BAND).tif")
>>> seen.append(report.fraction)
>>> seen
[0.3]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import attrs

__all__ = ["Progress", "ProgressCallback", "Stage", "Unit", "report_progress"]

Stage = Literal["convert", "check", "upload", "plan", "register", "reingest", "delete", "wait", "download"]
"""The stages of work a workflow reports: each has its own count of items (or bytes)."""

Unit = Literal["tiles", "files", "bytes"]
"""What a stage counts."""


@attrs.frozen
class Progress:
    """One step of progress in one stage of a workflow.

    ``done`` of ``total`` items (tiles, files, or bytes when ``unit == "bytes"``) are finished;
    ``total`` is ``None`` while unknown. ``item`` names what just finished (a tile path, a file
    key), ``message`` says what happened to it when that is worth showing (a failure cause).
    """

    stage: Stage
    """The stage of work this step belongs to, e.g. ``"upload"`` or ``"register"``."""
    done: int
    """How many items (or bytes) of the stage are finished so far."""
    total: int | None = None
    """How many items (or bytes) the stage has in all; None while that is unknown."""
    item: str | None = None
    """What just finished (a tile path, a file key); None when the step names nothing."""
    unit: Unit = "tiles"
    """What ``done`` and ``total`` count: ``"tiles"``, ``"files"`` or ``"bytes"``."""
    message: str | None = None
    """What happened to ``item`` when that is worth showing (a failure cause); None otherwise."""

    @property
    def fraction(self) -> float | None:
        """``done / total``, or ``None`` while the total is unknown (1.0 for an empty stage)."""
        if self.total is None:
            return None
        return 1.0 if self.total == 0 else self.done / self.total


ProgressCallback = Callable[[Progress], None]
"""What ``on_progress`` takes: a callable receiving each :class:`Progress`."""


def report_progress(callback: ProgressCallback | None, progress: Progress) -> None:
    """Give *progress* to *callback* when there is one."""
    if callback is not None:
        callback(progress)
