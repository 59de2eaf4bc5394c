"""Running ``byoc`` as a person sees it: in a pseudo-terminal of a given width, with input typed in.

``in_terminal`` returns what the screen showed, control sequences removed; ``lines`` splits it
into the lines drawn (a progress bar's redraws each count as a line). ``byoc_script`` and
``cli_environment`` give the installed command and an environment that brings no credentials.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def in_terminal(
    command: list[str],
    cwd: Path,
    env: dict[str, str],
    columns: int = 80,
    *,
    typed: bytes = b"",
    timeout: float = 120,
) -> tuple[str, int]:
    """What *command* shows in a pseudo-terminal of *columns* columns, and its exit status.

    *typed* is written to the terminal as a person would type it (e.g. ``b"y\\n"`` at a prompt);
    COLUMNS and LINES are set to the terminal's size unless *env* sets them.
    """
    main, side = pty.openpty()
    fcntl.ioctl(side, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    environment = {"COLUMNS": str(columns), "LINES": "40", "TERM": "xterm", **env}
    process = subprocess.Popen(command, cwd=cwd, env=environment, stdin=side, stdout=side, stderr=side)
    os.close(side)
    if typed:
        os.write(main, typed)
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([main], [], [], 1.0)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal's other end closed: the process is done
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(main)
        status = process.wait(timeout=30)
    return _ESCAPE.sub("", b"".join(chunks).decode("utf-8", "replace")), status


def lines(screen: str) -> list[str]:
    """The non-blank lines drawn on *screen*; a carriage return starts a line of its own."""
    return [line for line in re.split(r"\r\n|\r|\n", screen) if line.strip()]


def byoc_script() -> str:
    """The installed ``byoc`` script beside this Python; the test is skipped where there is none."""
    beside = Path(sys.executable).with_name("byoc")
    if not beside.exists():
        pytest.skip("the byoc script is not installed in this environment")
    return str(beside)


def cli_environment(config: Path, **extra: str) -> dict[str, str]:
    """This process's environment without credentials or a terminal size, profiles read from *config*."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SH_", "COLUMNS", "LINES"))}
    env["XDG_CONFIG_HOME"] = str(config)
    env.update(extra)
    return env
