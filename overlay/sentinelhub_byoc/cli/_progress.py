"""Progress bars on stderr from the :class:`~sentinelhub_byoc.workflows.events.Progress` events.

A workflow command passes a :class:`ProgressBars` as ``on_progress``: each stage (check,
upload, register, wait...) gets its own bar. Off when stderr is not a terminal, so logs and CI
output carry no control characters.

>>> with ProgressBars() as bars:  # doctest: +SKIP
...     workflows.wait(client, collection, on_progress=bars)
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

from sentinelhub_byoc.workflows.events import Progress


class ProgressBars:
    """A callable for ``on_progress`` that draws one rich progress bar per stage."""

    def __init__(self, *, enabled: bool | None = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as RichProgress

        stream = sys.stderr
        shown = stream.isatty() if enabled is None else enabled
        self._progress = RichProgress(
            TextColumn("{task.description:<10}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[item]}", style="dim"),
            console=Console(file=stream),
            disable=not shown,
            transient=False,
        )
        self._tasks: dict[str, Any] = {}

    @property
    def enabled(self) -> bool:
        """Whether the bars are drawn."""
        return not self._progress.disable

    def __call__(self, event: Progress) -> None:
        """Show *event*: create its stage's bar on first sight, then move it."""
        # A download reports bytes and files under one stage: each count gets a bar of its own.
        key = f"{event.stage} bytes" if event.unit == "bytes" else event.stage
        task = self._tasks.get(key)
        if task is None:
            task = self._progress.add_task(key, total=event.total, item="")
            self._tasks[key] = task
        self._progress.update(task, completed=event.done, total=event.total, item=event.item or "")
        if event.message and self.enabled:
            # Plain text: a cause may hold "[...]", which rich would take for markup.
            self._progress.console.print(
                f"{event.item or event.stage}: {event.message}", markup=False, highlight=False
            )

    def state(self, stage: str) -> tuple[float, float | None] | None:
        """``(done, total)`` of *stage*'s bar, or ``None`` if no event of it came yet.

        A stage counting bytes has its bar under ``"<stage> bytes"``.
        """
        task = self._tasks.get(stage)
        if task is None:
            return None
        found = next(item for item in self._progress.tasks if item.id == task)
        return found.completed, found.total

    def __enter__(self) -> ProgressBars:
        self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._progress.stop()
