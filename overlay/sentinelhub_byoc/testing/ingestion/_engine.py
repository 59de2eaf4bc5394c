"""Ingesting one tile: find its files, check them, and describe the tile they make."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from sentinelhub_byoc.cog._problems import RuleSet
from sentinelhub_byoc.cog._rules import FileFacts, check_file
from sentinelhub_byoc.cog._tile import band_type_problem, check_together
from sentinelhub_byoc.cog._transforms import bbox_polygon, meters_per_pixel
from sentinelhub_byoc.storage._errors import StorageError
from sentinelhub_byoc.storage._protocol import Storage
from sentinelhub_byoc.testing.ingestion._bands import (
    band_keys,
    check_band_names,
    discover_files,
)
from sentinelhub_byoc.testing.ingestion._rejection import TileRejectedError

__all__ = ["IngestionOutcome", "ingest_tile"]


@attrs.frozen
class IngestionOutcome:
    """The result of ingesting a tile.

    On failure only ``failure_cause`` (and any ``warnings`` found before it) is set. On
    success ``bands`` holds the collection's bands: the ones it had, unchanged, or the ones
    this tile defines when it had none.
    """

    failure_cause: str | None
    """Why ingestion failed and how to fix it, as the tile's ``failureCause``; None when it succeeded."""
    warnings: str | None
    """The files' warnings joined into one text, as the tile's ``additionalData.warnings``; None for none."""
    crs_epsg: int | None
    """The EPSG code of the tile's CRS; None on failure."""
    tile_geometry: dict[str, Any] | None
    """The extent all the files cover, as a GeoJSON Polygon in the tile's CRS with its ``crs`` member;
    None on failure."""
    wgs84_bounds: tuple[float, float, float, float] | None
    """That extent in longitude and latitude degrees (west, south, east, north); None on failure."""
    bands: dict[str, dict[str, Any]] | None
    """The collection's bands after this tile, by name, as BYOC band dicts (``bitDepth``,
    ``sampleFormat``, ``bandIndex``...); None on failure."""
    meters_per_pixel: float | None = None
    """The tile's finest resolution: the coarsest pixel side among its files' full images, in
    metres (``additionalData.minMetersPerPixel``); None on failure."""
    coarsest_meters_per_pixel: float | None = None
    """The tile's coarsest resolution: the coarsest pixel side among its files' smallest overviews,
    in metres (``additionalData.maxMetersPerPixel``); None on failure."""

    @property
    def ok(self) -> bool:
        """Whether the tile was ingested (status INGESTED rather than FAILED)."""
        return self.failure_cause is None


class _FileCache:
    """Reads and checks each file once, however many bands it serves."""

    def __init__(self, storage: Storage, rules: RuleSet) -> None:
        self._storage = storage
        self._rules = rules
        self._facts: dict[str, FileFacts] = {}

    def facts(self, key: str) -> FileFacts:
        if key not in self._facts:
            check = check_file(self._storage, key, rules=self._rules)
            # The service stops at a file's first error, and that error is the failure cause.
            if check.facts is None:
                raise TileRejectedError(check.errors[0].message)
            self._facts[key] = check.facts
        return self._facts[key]

    def all(self) -> list[FileFacts]:
        return list(self._facts.values())


def _format(facts: FileFacts, band_index: int, source: str | None) -> dict[str, Any]:
    band: dict[str, Any] = {}
    if source is not None:
        band["source"] = source
    band.update(bandIndex=band_index, bitDepth=facts.bit_depth, sampleFormat=facts.sample_format)
    if facts.nodata is not None:
        band["noData"] = facts.nodata
    return band


def _define_bands(storage: Storage, tile_path: str, files: _FileCache) -> dict[str, dict[str, Any]]:
    bands: dict[str, dict[str, Any]] = {}
    origins: dict[str, str] = {}
    for source, key in discover_files(storage, tile_path).items():
        facts = files.facts(key)
        if facts.samples == 1:
            bands[source] = _format(facts, 1, None)
            origins[source] = key
            continue
        for index in range(1, facts.samples + 1):
            bands[f"{source}_{index}"] = _format(facts, index, source)
            origins[f"{source}_{index}"] = key
    check_band_names(origins)
    return bands


def _check_bands(
    storage: Storage, tile_path: str, bands: Mapping[str, Mapping[str, Any]], files: _FileCache
) -> dict[str, dict[str, Any]]:
    for name, key in band_keys(storage, tile_path, bands).items():
        band = bands[name]
        facts = files.facts(key)
        index = band.get("bandIndex", 1)
        if not isinstance(index, int) or not 1 <= index <= facts.samples:
            raise TileRejectedError(
                f"band {name} reads band {index} of {key}, which has {facts.samples} band(s); "
                "upload a file with that band or fix the band's bandIndex"
            )
        wanted = (band.get("bitDepth"), band.get("sampleFormat"))
        mismatch = band_type_problem(key, name, (facts.bit_depth, facts.sample_format), wanted)
        if mismatch is not None:
            raise TileRejectedError(mismatch.message)
    return {name: dict(band) for name, band in bands.items()}


def _ingest(
    storage: Storage,
    tile_path: str,
    bands: Mapping[str, Mapping[str, Any]] | None,
    files: _FileCache,
) -> IngestionOutcome:
    if bands:
        formats = _check_bands(storage, tile_path, bands, files)
    else:
        formats = _define_bands(storage, tile_path, files)
    facts = files.all()
    problems, place = check_together(facts, tile_path)
    if place is None:
        raise TileRejectedError(problems[0].message)
    epsg, bbox, bounds = place.epsg, place.bbox, place.wgs84_bounds
    return IngestionOutcome(
        failure_cause=None,
        warnings=_join(w for f in facts for w in f.warnings),
        crs_epsg=epsg,
        tile_geometry=bbox_polygon(bbox, epsg),
        wgs84_bounds=bounds,
        bands=formats,
        meters_per_pixel=max(meters_per_pixel(f.pixel_size, epsg, bounds) for f in facts),
        coarsest_meters_per_pixel=max(
            meters_per_pixel(f.coarsest_pixel_size or f.pixel_size, epsg, bounds) for f in facts
        ),
    )


def _join(warnings: Any) -> str | None:
    text = " ".join(warnings)
    return text or None


def ingest_tile(
    storage: Storage,
    tile_path: str,
    bands: Mapping[str, Mapping[str, Any]] | None,
    *,
    cdse: bool = False,
) -> IngestionOutcome:
    """Ingest the tile at ``tile_path`` in ``storage`` as the service would.

    ``bands`` are the collection's bands (BYOCFormat dicts by band name), or None or empty
    when the collection has none yet, in which case this tile's files define them. ``cdse``
    applies the Copernicus Data Space deployment's rules (see
    :func:`sentinelhub_byoc.cog.check_cog`: EPSG:6933 is accepted, photometric
    interpretation and pixel-interleaved band counts are checked). Never
    raises for a bad tile, bad files or a failing bucket: the outcome's ``failure_cause``
    then says what is wrong and how to fix it.
    """
    files = _FileCache(storage, "cdse" if cdse else "sentinel-hub")
    try:
        return _ingest(storage, tile_path, bands, files)
    except (TileRejectedError, StorageError) as error:
        cause = str(error)
        if isinstance(error, StorageError):
            cause = f"the tile's files could not be read: {cause}; check the collection's bucket"
        return IngestionOutcome(
            failure_cause=cause,
            warnings=_join(w for f in files.all() for w in f.warnings),
            crs_epsg=None,
            tile_geometry=None,
            wgs84_bounds=None,
            bands=None,
        )
