"""Which files make which tile: band files grouped by a ``(BAND)`` pattern.

A layout pattern is a path pattern relative to a prefix, with ``(BAND)`` where each file's
band name stands: ``*`` matches within one folder name, ``**/`` any number of folders, and
everything else itself. ``"**/(BAND).tif"`` groups ``2024/05/01/B04.tif`` and
``2024/05/01/B08.tif`` into the tile ``2024/05/01/(BAND).tif``; ``"*_(BAND).tif"`` groups
``S2_20240501_B04.tif`` and ``S2_20240501_B08.tif`` into ``S2_20240501_(BAND).tif``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise

import attrs

from sentinelhub_byoc.errors import ValidationError

__all__ = ["BAND", "DEFAULT_LAYOUT", "TileFiles", "compile_layout", "group_band_files", "tile_keys"]

BAND = "(BAND)"
"""What a band's name replaces in a tile path, as the service reads it."""

DEFAULT_LAYOUT = "**/(BAND).tif"
"""Every ``.tif`` file is a band, named after the file; the files of one folder are one tile."""


@attrs.frozen
class TileFiles:
    """The band files of one tile: its ``path`` as the service takes it, and each band's file."""

    path: str
    """The tile's path: the files' common key with ``(BAND)`` where each band's name stands."""
    files: dict[str, str] = attrs.field(factory=dict)
    """Each band's file key, by band name, sorted by band name."""

    @property
    def keys(self) -> list[str]:
        """The tile's file keys, in band order."""
        files = self.files
        if len(files) < 2:
            return list(files.values())
        return [files[band] for band in sorted(files)]


@lru_cache(maxsize=32)
def compile_layout(layout: str) -> re.Pattern[str]:
    """The regular expression that matches keys following *layout*, with a ``band`` group.

    Raises :class:`~sentinelhub_byoc.errors.ValidationError` unless *layout* holds ``(BAND)``
    exactly once and is relative.
    """
    if not isinstance(layout, str) or layout.count(BAND) != 1:
        raise ValidationError(
            f"layout must be a path pattern holding {BAND} exactly once, such as "
            f"{DEFAULT_LAYOUT!r} or '*_{BAND}.tif', got {layout!r}"
        )
    if layout.startswith("/"):
        raise ValidationError(f"layout {layout!r} must be relative: leave out the leading '/'")
    parts: list[str] = []
    index = 0
    while index < len(layout):
        if layout.startswith("**/", index):
            parts.append("(?:[^/]+/)*")
            index += 3
        elif layout.startswith(BAND, index):
            parts.append("(?P<band>[^/]+?)")
            index += len(BAND)
        elif layout[index] == "*":
            parts.append("[^/]*")
            index += 1
        else:
            parts.append(re.escape(layout[index]))
            index += 1
    return re.compile("".join(parts))


def group_band_files(
    keys: Iterable[str], layout: str = DEFAULT_LAYOUT, *, prefix: str = ""
) -> list[TileFiles]:
    """Group file *keys* into tiles by *layout*, matched against each key after *prefix*.

    Keys that do not start with *prefix* or do not follow the layout are left out. Tiles come
    sorted by path; a tile path keeps the prefix, so it is the path in the bucket.

    >>> [(t.path, t.files) for t in group_band_files(["a/B04.tif", "a/B08.tif", "notes.txt"])]
    [('a/(BAND).tif', {'B04': 'a/B04.tif', 'B08': 'a/B08.tif'})]
    """
    tiles = _collect(keys, layout, prefix)
    return [TileFiles(path, _in_band_order(tiles[path])) for path in sorted(tiles)]


def tile_keys(
    keys: Iterable[str], layout: str = DEFAULT_LAYOUT, *, prefix: str = ""
) -> dict[str, tuple[str, ...]]:
    """Each tile's file keys in band order, by tile path, sorted: :func:`group_band_files` without bands.

    What a sync plans with: one tuple a tile (no record, no dictionary), for collections of
    millions of tiles.

    >>> tile_keys(["a/B08.tif", "a/B04.tif", "b/B04.tif"])
    {'a/(BAND).tif': ('a/B04.tif', 'a/B08.tif'), 'b/(BAND).tif': ('b/B04.tif',)}
    """
    tiles = _collect(keys, layout, prefix)
    grouped: dict[str, tuple[str, ...]] = {}
    for path, found in tiles.items():
        grouped[path] = (found[1],) if isinstance(found, tuple) else tuple(_in_band_order(found).values())
    if any(earlier > later for earlier, later in pairwise(grouped)):
        return {path: grouped[path] for path in sorted(grouped)}
    return grouped


# A tile while keys are grouped: (band, key) while it has one file (most have), then its files by band.
_Found = tuple[str, str] | dict[str, str]


def _collect(keys: Iterable[str], layout: str, prefix: str) -> dict[str, _Found]:
    pattern = compile_layout(layout)
    tiles: dict[str, _Found] = {}
    skip = len(prefix)
    for key in keys:
        if not key.startswith(prefix):
            continue
        match = pattern.fullmatch(key, skip)
        if match is None:
            continue
        start, end = match.span("band")
        path = key[:start] + BAND + key[end:]
        # Band names repeat in every tile: one string each, not one a file.
        band = sys.intern(match.group("band"))
        found = tiles.get(path)
        if found is None:
            tiles[path] = (band, key)
        elif isinstance(found, tuple):
            tiles[path] = {found[0]: found[1], band: key}
        else:
            found[band] = key
    return tiles


def _in_band_order(found: _Found) -> dict[str, str]:
    if isinstance(found, tuple):
        return {found[0]: found[1]}
    if any(earlier > later for earlier, later in pairwise(found)):
        return dict(sorted(found.items()))
    return found
