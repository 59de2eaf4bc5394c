"""When tiles move through WAITING → QUEUED → INGESTING → done: a heap of due transitions."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator

import attrs

from ._records import Tile


@attrs.frozen
class IngestionDelays:
    """Seconds a tile spends in each step before moving on.

    ``waiting`` is WAITING → QUEUED, ``queued`` is QUEUED → INGESTING and ``ingesting`` is
    INGESTING → INGESTED or FAILED.
    """

    waiting: float = 0.05
    """Seconds a new or reingested tile stays WAITING before it is QUEUED, on the emulator's clock."""
    queued: float = 0.05
    """Seconds a tile stays QUEUED before it is INGESTING, on the emulator's clock."""
    ingesting: float = 0.1
    """Seconds a tile stays INGESTING before it is INGESTED or FAILED, on the emulator's clock."""

    def __attrs_post_init__(self) -> None:
        for name in ("waiting", "queued", "ingesting"):
            if getattr(self, name) < 0:
                raise ValueError(f"IngestionDelays.{name} must be >= 0 seconds, got {getattr(self, name)!r}")


_NEXT = {"WAITING": "QUEUED", "QUEUED": "INGESTING", "INGESTING": "DONE"}


@attrs.frozen(order=True)
class _Entry:
    due: float
    order: int
    generation: int
    tile: Tile


class Scheduler:
    """Due transitions of tiles, settled lazily so that idle tiles cost nothing."""

    def __init__(self, delays: IngestionDelays) -> None:
        self.delays = delays
        self._heap: list[_Entry] = []
        self._order = itertools.count()

    def start(self, tile: Tile, now: float) -> None:
        """Put ``tile`` in WAITING and schedule its run from ``now``; any earlier run is abandoned.

        ``now`` may lie in the past (a run kept by an emulator that stopped): the steps then fall
        due by the time gone by since, and the next :meth:`due` catches up on them.
        """
        tile.generation += 1
        tile.run_started_ms = round(now * 1000, 3)
        tile.status = "WAITING"
        tile.failure_cause = None
        tile.warnings = None
        tile.ingestion_start_ms = None
        self._push(tile, now + self.delays.waiting)

    def cancel(self, tile: Tile) -> None:
        """Abandon any scheduled step of ``tile`` (it was deleted)."""
        tile.generation += 1

    def _push(self, tile: Tile, due: float) -> None:
        heapq.heappush(self._heap, _Entry(due, next(self._order), tile.generation, tile))

    def due(self, now: float) -> Iterator[Tile]:
        """Advance tiles whose next step is due; yield those whose ingestion must run now.

        Each step is timed from when the previous one was due, not from when it was noticed,
        so the outcome does not depend on how often requests arrive.
        """
        while self._heap and self._heap[0].due <= now:
            entry = heapq.heappop(self._heap)
            tile = entry.tile
            if entry.generation != tile.generation:
                continue
            step = _NEXT.get(tile.status)
            if step == "QUEUED":
                tile.status = "QUEUED"
                self._push(tile, entry.due + self.delays.queued)
            elif step == "INGESTING":
                tile.status = "INGESTING"
                tile.ingestion_start_ms = round(entry.due * 1000, 3)
                self._push(tile, entry.due + self.delays.ingesting)
            elif step == "DONE":
                yield tile

    def next_due(self) -> float | None:
        """Return when the next live transition is due, or ``None`` when nothing is pending."""
        while self._heap and self._heap[0].generation != self._heap[0].tile.generation:
            heapq.heappop(self._heap)
        return self._heap[0].due if self._heap else None
