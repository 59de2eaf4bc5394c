"""What a VRT makes GDAL read: a VRT names other files, so it is a link like any other.

A VRT found in a folder the caller gave may only name files inside that folder; one that
names a file elsewhere, a ``/vsi...`` path (``/vsicurl/`` fetches URLs) or a URL would make the
conversion read what the caller never gave it. A VRT read from S3 is refused outright: its
names would resolve on the worker's own disk or network.
"""

from __future__ import annotations

import os
from pathlib import Path
from xml.etree import ElementTree

__all__ = ["FROM_S3", "MAX_VRT_BYTES", "vrt_escape"]

FROM_S3 = "a VRT from S3 names files the converting machine would read; convert its sources instead"
"""Why a VRT in S3 is not converted."""

MAX_VRT_BYTES = 16 * 1024 * 1024
"""The largest VRT read to find what it names; a larger one is refused."""

# Elements whose text names a file GDAL opens: band sources, overview sources, a mask's source.
_NAMING = {"SourceFilename", "SourceDataset"}


def _named(vrt: Path) -> list[tuple[str, bool]]:
    """Every file *vrt* names, each with whether it is relative to the VRT's folder."""
    root = ElementTree.parse(vrt).getroot()
    return [
        ((element.text or "").strip(), element.get("relativeToVRT", "0").strip() == "1")
        for element in root.iter()
        if element.tag in _NAMING
    ]


def vrt_escape(vrt: Path, folder: Path) -> str | None:
    """Say why *vrt* reaches out of *folder*; None if every file it names is inside.

    Names relative to the VRT are resolved from its folder, other relative ones from the
    current folder, as GDAL does; links are resolved before the comparison.
    """
    try:
        if vrt.stat().st_size > MAX_VRT_BYTES:
            return f"a VRT of more than {MAX_VRT_BYTES} bytes, not read"
        named = _named(vrt)
    except (OSError, ElementTree.ParseError) as error:
        return f"a VRT that cannot be read as XML ({error})"
    root = folder.resolve()
    for name, relative in named:
        if not name or name.startswith("/vsi") or "://" in name:
            return f"a VRT naming {name!r}, which is not a file in {str(folder)!r}; not read"
        path = Path(name) if os.path.isabs(name) else (vrt.parent if relative else Path.cwd()) / name
        if not path.resolve().is_relative_to(root):
            return f"a VRT naming {name!r}, outside the folder {str(folder)!r}; not read"
    return None
