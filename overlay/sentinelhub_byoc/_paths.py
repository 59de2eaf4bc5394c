"""What makes a '/'-separated path or key unsafe to join to a folder or to put in a URL."""

from __future__ import annotations

__all__ = ["has_unsafe_segment"]

_UNSAFE_SEGMENTS = frozenset({"", ".", ".."})


def has_unsafe_segment(path: str) -> bool:
    """Whether a '/'-separated part of *path* is empty, ``.`` or ``..``.

    Joined to a folder such a part stays put or climbs out of it; in a URL it names another
    key. Each caller says in its own words why it refuses the path.

    >>> [has_unsafe_segment(path) for path in ("a/b.tif", "a//b", "./a", "a/..", "", "a/...")]
    [False, True, True, True, True, False]
    """
    return any(segment in _UNSAFE_SEGMENTS for segment in path.split("/"))
