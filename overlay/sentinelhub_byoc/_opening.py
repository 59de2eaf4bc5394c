"""How the package opens files where someone else may have planted something."""

from __future__ import annotations

import os
from typing import Final

__all__ = ["GUARDED"]

GUARDED: Final = (
    getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
"""Flags for ``os.open`` of such a file: never through a link, never held up by a FIFO planted
under the name (regular files ignore ``O_NONBLOCK``), never inherited by a child process, bytes
as they are on Windows. A flag the platform lacks counts as 0."""
