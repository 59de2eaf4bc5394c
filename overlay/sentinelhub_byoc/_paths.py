"""Paths someone else may have had a hand in: which segments are unsafe, and how such files open."""

from __future__ import annotations

import os
from typing import Final

__all__ = ["GUARDED", "has_unsafe_segment"]

GUARDED: Final = (
    getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
"""Flags for ``os.open`` of a file where someone else may have planted something: never through a
link, never held up by a FIFO planted under the name (regular files ignore ``O_NONBLOCK``), never
inherited by a child process, bytes as they are on Windows. A flag the platform lacks counts as 0."""

_UNSAFE_SEGMENTS = frozenset({"", ".", ".."})


def has_unsafe_segment(path: str) -> bool:
    """Whether a '/'-separated part of *path* is empty, ``.`` or ``..``.

    Joined to a folder such a part stays put or climbs out of it; in a URL it names another
    key. Each caller says in its own words why it refuses the path.

    >>> [has_unsafe_segment(path) for path in ("a/b.tif", "a//b", "./a", "a/..", "", "a/...")]
    [False, True, True, True, True, False]
    """
    return any(segment in _UNSAFE_SEGMENTS for segment in path.split("/"))
