"""A reader of stdout that went away (``byoc ... | head -1``): the command ends quietly, as Unix tools do.

Python ignores SIGPIPE, so a write to a pipe whose reader has gone raises ``BrokenPipeError``
instead of ending the process as it ends ``cat`` or ``seq``. The command then stops with no
message (the reader wanted no more) and the status a shell shows for a tool ended by SIGPIPE,
141, so that ``set -o pipefail`` sees what it sees for any other tool. stdout is pointed at the
null device first: what is still buffered must not fail again when Python flushes it at exit.
"""

from __future__ import annotations

import os
import select
import sys

import click

CLOSED_PIPE = 141
"""The exit status on a closed stdout: 128 + SIGPIPE, as a shell reports a tool ended by a closed pipe."""


def stdout_closed(error: OSError) -> bool:
    """Whether *error* is a write to a stdout whose reader has gone away.

    A broken pipe elsewhere (a socket, a subprocess) is not: it stays an error to report.
    """
    if not isinstance(error, BrokenPipeError):
        return False
    try:
        descriptor = sys.stdout.fileno()
        poller = select.poll()
        poller.register(descriptor, select.POLLOUT)
        events = poller.poll(0)
    except (AttributeError, ValueError, OSError):  # a stdout with no descriptor (a test runner's)
        return False
    # A pipe without a reader reports an error, a socket whose peer closed a hang-up.
    return any(mask & (select.POLLERR | select.POLLHUP) for _, mask in events)


def flush_stdout() -> None:
    """Write out what stdout still holds, so that a closed pipe is met here and not at exit."""
    sys.stdout.flush()


def end_quietly() -> click.exceptions.Exit:
    """Stop writing to stdout (it goes to the null device) and return the exit to raise."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, sys.stdout.fileno())
        finally:
            os.close(null)
    except (AttributeError, ValueError, OSError):  # pragma: no cover - nothing left to quieten
        pass
    return click.exceptions.Exit(CLOSED_PIPE)
