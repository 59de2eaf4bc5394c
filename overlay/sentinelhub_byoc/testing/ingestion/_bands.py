"""Finding each band's file from a tile path, and the rules for band names.

A tile path is either a pattern holding ``(BAND)``, which each band's ``source`` (by default
its name) replaces, or a folder, which stands for ``folder/(BAND).tiff``. For a folder the
``.tiff`` file is used when present, else the ``.tif`` one: both spellings are common.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sentinelhub_byoc.cog._names import MAX_BANDS, band_name_problems, is_js_identifier
from sentinelhub_byoc.storage._protocol import Storage
from sentinelhub_byoc.testing.ingestion._rejection import TileRejectedError

__all__ = [
    "MAX_BANDS",
    "PLACEHOLDER",
    "band_keys",
    "check_band_names",
    "discover_files",
    "is_js_identifier",
]

PLACEHOLDER = "(BAND)"
_EXTENSIONS = (".tiff", ".tif")
# How many missing band files a failure cause names.
_LISTED = 2


def _folder(tile_path: str) -> str:
    folder = tile_path.strip("/")
    return f"{folder}/" if folder else ""


def band_keys(storage: Storage, tile_path: str, bands: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """Return the key of each band's file; raise TileRejectedError naming any that are missing."""
    keys: dict[str, str] = {}
    missing: list[str] = []
    for name, band in bands.items():
        source = str(band.get("source") or name)
        if PLACEHOLDER in tile_path:
            candidates = [tile_path.replace(PLACEHOLDER, source)]
        else:
            candidates = [f"{_folder(tile_path)}{source}{ext}" for ext in _EXTENSIONS]
        found = next((key for key in candidates if storage.exists(key)), None)
        if found is None:
            missing.append(f"band {name} needs {' or '.join(repr(k) for k in candidates)}")
        else:
            keys[name] = found
    if missing:
        # The cause is one short line however many bands a collection has: the first few, counted.
        shown = "; ".join(missing[:_LISTED])
        if len(missing) > _LISTED:
            shown += f"; and {len(missing) - _LISTED} more"
        raise TileRejectedError(f"the tile's files are missing ({shown}); upload them or fix the tile path")
    return keys


def _pattern_files(storage: Storage, tile_path: str) -> dict[str, str]:
    parts = tile_path.split(PLACEHOLDER)
    # Every (BAND) in one path stands for the same name, and a name never spans folders.
    pattern = "(?P<band>[^/]+)".join([re.escape(parts[0]), re.escape(parts[1])])
    pattern += "".join(f"(?P=band){re.escape(part)}" for part in parts[2:])
    matcher = re.compile(pattern)
    files = {}
    for key in storage.list_keys(parts[0]):
        match = matcher.fullmatch(key)
        if match:
            files[match.group("band")] = key
    return files


def _folder_files(storage: Storage, tile_path: str) -> dict[str, str]:
    folder = _folder(tile_path)
    files: dict[str, str] = {}
    for key in storage.list_keys(folder):
        name = key[len(folder) :]
        extension = next((e for e in _EXTENSIONS if name.lower().endswith(e)), None)
        if "/" in name or extension is None:
            continue
        stem = name[: -len(extension)]
        if stem in files:
            raise TileRejectedError(f"{files[stem]} and {key} both give band {stem}; keep only one of them")
        files[stem] = key
    return files


def discover_files(storage: Storage, tile_path: str) -> dict[str, str]:
    """Return the files of a tile whose collection has no bands yet, by band source name.

    With ``(BAND)`` in the path, every key matching the pattern counts; with a folder,
    every ``.tif`` and ``.tiff`` file directly in it.
    """
    if PLACEHOLDER in tile_path:
        files = _pattern_files(storage, tile_path)
        where = f"no key matches {tile_path!r} with {PLACEHOLDER} replaced by a band name"
    else:
        files = _folder_files(storage, tile_path)
        where = f"there are no .tif or .tiff files in folder {_folder(tile_path) or '/'}"
        if tile_path and storage.exists(tile_path.strip("/")):
            where += (
                f" ({tile_path!r} is a file: a tile path is a folder or a pattern such as "
                f"'folder/{PLACEHOLDER}.tif')"
            )
    if not files:
        raise TileRejectedError(f"{where}; upload the tile's COGs or fix the tile path")
    return dict(sorted(files.items()))


def check_band_names(names: Mapping[str, str]) -> None:
    """Refuse band names that are not JavaScript identifiers, and more than 100 bands.

    ``names`` maps each band name to the file it came from, for the message.
    """
    problems = band_name_problems(names)
    if problems:
        raise TileRejectedError(problems[0].message)
