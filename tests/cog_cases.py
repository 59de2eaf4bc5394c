"""Named COG cases: the files of one tile, and what ingesting that tile gives.

The emulator's ingestion tests and the checks of ``sentinelhub_byoc.cog`` use the same cases,
so a case added here is one both must agree on. Each case writes its files into a folder
(``tile/B04.tif`` and so on) and names the verdict: ingested, or failed with a cause holding
``cause``.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sentinelhub_byoc.testing.cogs import write_cog

UTM_BOUNDS = (500000.0, 5000000.0, 506000.0, 5005000.0)

Writer = Callable[[Path], None]


def cog(array: Any = None, **options: Any) -> Writer:
    """Return a writer of one file by ``write_cog`` (a 300x300 UInt16 UTM 33N COG by default)."""
    data = np.ones((300, 300), np.uint16) if array is None else array
    options.setdefault("epsg", 32633)
    options.setdefault("bounds", UTM_BOUNDS)

    def write(path: Path) -> None:
        write_cog(path, data, **options)

    return write


def raw(content: bytes) -> Writer:
    """Return a writer of ``content`` as is."""

    def write(path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)

    return write


_GEOKEYS_UTM = [1, 1, 0, 2, 1024, 0, 1, 1, 3072, 0, 1, 32633]


def by_tifffile(
    array: Any,
    *,
    overview: bool = False,
    overview_tile: tuple[int, int] = (256, 256),
    cog_order: bool = True,
    **layout: Any,
) -> Writer:
    """Return a writer of a georeferenced TIFF written with tifffile directly (``layout``: its keywords).

    ``overview`` adds one reduced level (with ``overview_tile`` tiles); ``cog_order=False``
    leaves its IFD after the image data, where tifffile writes it.
    """

    def write(path: Path) -> None:
        import tifffile

        path.parent.mkdir(parents=True, exist_ok=True)
        rows = array.shape[-2] if layout.get("planarconfig") != "contig" else array.shape[0]
        tags = [
            (33550, "d", 3, [10.0, 10.0, 0.0], True),
            (33922, "d", 6, [0, 0, 0, 500000.0, 5000000.0 + 10.0 * rows, 0], True),
            (34735, "H", len(_GEOKEYS_UTM), _GEOKEYS_UTM, True),
        ]
        options = {"tile": (256, 256), "compression": "zlib", "metadata": None, **layout}
        buffer = io.BytesIO()
        with tifffile.TiffWriter(buffer) as writer:
            writer.write(array, extratags=tags, **options)
            if overview:
                writer.write(array[::2, ::2], subfiletype=1, tile=overview_tile, compression="zlib")
        content = buffer.getvalue()
        if overview and cog_order:
            # Every IFD before the image data, as in a COG.
            from sentinelhub_byoc.testing.cogs import _cog_layout

            content = _cog_layout(content)
        path.write_bytes(content)

    return write


@dataclass(frozen=True)
class CogCase:
    """One tile's files (key in the bucket → writer) and the verdict of ingesting ``tile``.

    ``cause`` is a fragment of the failure cause (None: the tile is ingested); ``rule`` the
    id of the first error :mod:`sentinelhub_byoc.cog` reports. ``rules`` names the rule set
    (``"cdse"`` for the Copernicus Data Space deployment).
    """

    name: str
    files: Mapping[str, Writer]
    cause: str | None = None
    rule: str | None = None
    rules: str = "sentinel-hub"
    tile: str = "tile"
    needs: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """Whether the tile is ingested."""
        return self.cause is None

    def write(self, root: Path) -> None:
        """Write the case's files under ``root``."""
        for key, writer in self.files.items():
            writer(root.joinpath(*key.split("/")))


def _one(
    name: str, writer: Writer, cause: str | None = None, rule: str | None = None, **more: Any
) -> CogCase:
    return CogCase(name, {"tile/B04.tif": writer}, cause, rule, **more)


def malformed(writer: Writer, tag: int, field: str, value: int) -> Writer:
    """Return a writer of ``writer``'s file with one field of the first IFD's ``tag`` entry changed.

    ``field`` is ``"type"``, ``"count"`` or ``"value"`` (the value or offset field).
    """

    def write(path: Path) -> None:
        import struct

        import tifffile

        writer(path)
        content = bytearray(path.read_bytes())
        with tifffile.TiffFile(io.BytesIO(bytes(content))) as tif:
            entry = tif.pages[0].tags[tag].offset
        position, form = {"type": (2, "<H"), "count": (4, "<I"), "value": (8, "<I")}[field]
        struct.pack_into(form, content, entry + position, value)
        path.write_bytes(bytes(content))

    return write


def looped(writer: Writer) -> Writer:
    """Return a writer of ``writer``'s file whose last IFD links back to the first."""

    def write(path: Path) -> None:
        import struct

        import tifffile

        writer(path)
        content = bytearray(path.read_bytes())
        with tifffile.TiffFile(io.BytesIO(bytes(content))) as tif:
            last = tif.pages[-1]
            link = last.offset + 2 + 12 * len(last.tags)
        struct.pack_into("<I", content, link, 8)
        path.write_bytes(bytes(content))

    return write


def _too_few_overviews(path: Path) -> None:
    by_tifffile(np.ones((2100, 300), np.uint8), overview=True, photometric="minisblack")(path)


_BLOB = bytes(1024 * 1024)
_UNDER = bytes(1000 * 1024)
_ROTATED = [10.0, 0.5, 0, 500000.0, 0.5, -10.0, 0, 5005000.0, 0, 0, 0, 0, 0, 0, 0, 1]
_SOUTH_UP = [10.0, 0, 0, 500000.0, 0, 10.0, 0, 5000000.0, 0, 0, 0, 0, 0, 0, 0, 1]
# 10 m pixels over UTM_BOUNDS.
_TEN_METRES = np.ones((500, 600), np.uint16)
_PALETTE = np.zeros((300, 300), np.uint8)
_GREY = np.ones((300, 300), np.uint8)
_ONE_BIT = np.ones((300, 300), bool)
_LEVELS = np.ones((600, 600), np.uint8)
_COLORMAP = np.zeros((3, 256), np.uint16)

CASES: list[CogCase] = [
    _one("good", cog(nodata=0)),
    _one("strips", cog(tiled=False), "tile/B04.tif is not tiled", "not-tiled"),
    *[
        _one(f"tile-{size}", cog(np.ones((64, 64), np.uint8), tile_size=size), "pixel tiles", "tile-size")
        for size in (128, (256, 128), 2064, (2064, 256))
    ],
    *[
        _one(f"tile-ok-{size}", cog(np.ones((64, 64), np.uint8), tile_size=size))
        for size in (256, 2048, (256, 512), (1024, 256))
    ],
    _one("deflate", cog(compression="deflate")),
    *[
        _one(f"compression-{c}", cog(compression=c), needs=("imagecodecs",))
        for c in ("zstd", "lzw", "packbits")
    ],
    _one("compression-pixtiff", cog(compression="pixtiff"), needs=("imagecodecs",)),
    _one(
        "jpeg",
        cog(np.ones((300, 300), np.uint8), compression="jpeg"),
        "uses compression JPEG",
        "compression",
        needs=("imagecodecs",),
    ),
    _one("uncompressed", cog(compression=None), "not compressed", "compression"),
    _one("lzma", cog(compression="lzma"), "compression LZMA", "compression"),
    _one("wgs84", cog(epsg=4326, bounds=(14.0, 45.0, 15.0, 46.0))),
    _one("web-mercator", cog(epsg=3857, bounds=(1500000.0, 5600000.0, 1503000.0, 5603000.0))),
    _one("laea", cog(epsg=3035, bounds=(4500000.0, 2600000.0, 4503000.0, 2603000.0))),
    _one("utm-1n", cog(epsg=32601)),
    _one("utm-60s", cog(epsg=32760, bounds=(500000.0, 5000000.0, 503000.0, 5003000.0))),
    _one("swiss", cog(epsg=2056, bounds=(2600000.0, 1200000.0, 2603000.0, 1203000.0)), "EPSG:2056", "crs"),
    _one("etrs89", cog(epsg=4258, bounds=(14.0, 45.0, 15.0, 46.0)), "EPSG:4258", "crs"),
    _one("ease2", cog(epsg=6933, bounds=(1000000.0, 5000000.0, 1003000.0, 5003000.0)), "EPSG:6933", "crs"),
    _one("no-crs", cog(epsg=None), "has no CRS", "crs"),
    _one("user-crs", cog(epsg=None, geokeys={1024: 1, 1025: 1, 3072: 32767}), "user-defined CRS", "crs"),
    _one("no-georeference", cog(bounds=None), "is not georeferenced", "georeference"),
    _one("transformation", cog(georeference="transformation")),
    _one(
        "rotated",
        cog(bounds=None, extra_tags=[(34264, "d", 16, _ROTATED, True)]),
        "is rotated",
        "georeference",
    ),
    _one(
        "south-up",
        cog(bounds=None, extra_tags=[(34264, "d", 16, _SOUTH_UP, True)]),
        "not north-up",
        "georeference",
    ),
    _one("pixel-is-point", cog(np.ones((500, 600), np.uint16), geokeys={1025: 2})),
    *[
        _one(f"dtype-{np.dtype(t).name}", cog(np.ones((300, 300), t)))
        for t in (np.uint8, np.int8, np.uint16, np.int16, np.uint32, np.int32, np.float32)
    ],
    *[
        _one(
            f"dtype-{np.dtype(t).name}",
            cog(np.ones((300, 300), t)),
            "data, not 8, 16 or 32-bit integers",
            "data-type",
        )
        for t in (np.float64, np.float16, np.uint64)
    ],
    _one("nodata-float", cog(np.ones((300, 300), np.float32), nodata=0.5)),
    _one("nodata-nan", cog(np.ones((300, 300), np.float32), nodata=float("nan"))),
    _one("nodata-text", cog(extra_tags=[(42113, "s", 0, "abc", True)]), "GDAL_NODATA 'abc'", "nodata"),
    _one("no-overviews", cog(np.ones((600, 300), np.uint8), overviews=False)),
    _one("too-few-overviews", _too_few_overviews),
    _one("small-no-overviews", cog(np.ones((256, 200), np.uint8), overviews=False)),
    _one("header-1mb", cog(extra_tags=[(65000, "B", len(_BLOB), _BLOB, True)]), "byte header", "header-size"),
    _one("header-under-1mb", cog(extra_tags=[(65000, "B", len(_UNDER), _UNDER, True)])),
    _one("empty-file", raw(b""), "is not a readable TIFF file", "unreadable"),
    _one("not-a-tiff", raw(b"not a tiff at all"), "is not a readable TIFF file", "unreadable"),
    _one("broken-tiff", raw(b"II*\x00\xff\xff\xff\x7f"), "is not a readable TIFF file", "unreadable"),
    _one("north-pole", cog(epsg=4326, bounds=(0.0, 80.0, 10.0, 90.5)), "crosses the North Pole", "bounds"),
    _one(
        "south-pole-utm",
        cog(epsg=32733, bounds=(400000.0, -100000.0, 600000.0, 100000.0)),
        "crosses the South Pole",
        "bounds",
    ),
    _one("reaching-the-pole", cog(epsg=4326, bounds=(0.0, 80.0, 10.0, 90.0))),
    _one("multi-band", cog(np.ones((3, 300, 300), np.uint8))),
    _one("photometric-palette", by_tifffile(_PALETTE, photometric="palette", colormap=_COLORMAP)),
    _one(
        "chunky-11-bands",
        by_tifffile(np.ones((300, 300, 11), np.uint8), photometric="minisblack", planarconfig="contig"),
    ),
    _one("ease2-on-cdse", cog(epsg=6933, bounds=(1000000.0, 5000000.0, 1003000.0, 5003000.0)), rules="cdse"),
    _one(
        "palette-on-cdse",
        by_tifffile(_PALETTE, photometric="palette", colormap=_COLORMAP),
        "photometric interpretation PALETTE",
        "photometric",
        rules="cdse",
    ),
    _one(
        "chunky-11-bands-on-cdse",
        by_tifffile(np.ones((300, 300, 11), np.uint8), photometric="minisblack", planarconfig="contig"),
        "11 pixel-interleaved bands",
        "band-count",
        rules="cdse",
    ),
    _one(
        "chunky-10-bands-on-cdse",
        by_tifffile(np.ones((300, 300, 10), np.uint8), photometric="minisblack", planarconfig="contig"),
        rules="cdse",
    ),
    _one("planar-11-bands-on-cdse", cog(np.ones((11, 300, 300), np.uint8)), rules="cdse"),
    _one(
        "rgb-on-cdse",
        by_tifffile(np.ones((300, 300, 3), np.uint8), photometric="rgb", planarconfig="contig"),
        rules="cdse",
    ),
    _one(
        "overviews-after-data",
        by_tifffile(_LEVELS, overview=True, cog_order=False, photometric="minisblack"),
        "is not a cloud optimized GeoTIFF",
        "ifd-order",
    ),
    _one(
        "overview-tiles-128",
        by_tifffile(_LEVELS, overview=True, overview_tile=(128, 128), photometric="minisblack"),
        "tiles of image at index 1 have 128x128 pixels",
        "tile-size",
    ),
    _one(
        "overview-tiles-512",
        by_tifffile(_LEVELS, overview=True, overview_tile=(512, 512), photometric="minisblack"),
    ),
    _one(
        "tile-width-count-2",
        malformed(cog(), 322, "count", 2),
        "TileWidth tag holds 2 values",
        "unreadable",
    ),
    _one(
        "image-width-text",
        malformed(cog(), 256, "type", 2),
        "ImageWidth tag holds ',', not a whole number",
        "unreadable",
    ),
    _one(
        "tile-width-huge-count",
        malformed(cog(), 322, "count", 2**31),
        "TileWidth tag holds 2147483648 values",
        "unreadable",
    ),
    _one("ifd-loop", looped(cog(np.ones((600, 600), np.uint8))), "IFDs form a loop", "unreadable"),
    _one("miniswhite", by_tifffile(_GREY, photometric="miniswhite")),
    _one(
        "miniswhite-on-cdse",
        by_tifffile(_GREY, photometric="miniswhite"),
        "photometric interpretation MINISWHITE",
        "photometric",
        rules="cdse",
    ),
    _one("one-bit", by_tifffile(_ONE_BIT, photometric="minisblack"), "1-bit UINT data", "data-type"),
    _one("one-bit-on-cdse", by_tifffile(_ONE_BIT, photometric="minisblack"), rules="cdse"),
    CogCase(
        "two-bands",
        {"tile/B04.tif": cog(), "tile/B08.tif": cog(np.ones((300, 300), np.uint8), nodata=255)},
    ),
    CogCase(
        "two-bands-within-a-pixel",
        {
            "tile/B04.tif": cog(_TEN_METRES),
            "tile/B08.tif": cog(_TEN_METRES, bounds=(500006.0, 5000004.0, 506006.0, 5005004.0)),
        },
    ),
    *[
        CogCase(
            f"two-bands-apart-{i}",
            {"tile/B04.tif": cog(_TEN_METRES), "tile/B08.tif": cog(_TEN_METRES, bounds=bounds)},
            "more than a pixel beyond",
            "bounds",
        )
        for i, bounds in enumerate(
            [
                (500020.0, 5000000.0, 506020.0, 5005000.0),
                (500000.0, 5000000.0, 506000.0, 5004980.0),
                (600000.0, 5000000.0, 606000.0, 5005000.0),
            ]
        )
    ],
    CogCase(
        "two-crs",
        {"tile/B04.tif": cog(), "tile/B08.tif": cog(epsg=32634)},
        "tile/B04.tif is in EPSG:32633, tile/B08.tif is in EPSG:32634",
        "crs",
    ),
    CogCase(
        "second-band-broken",
        {"tile/B04.tif": cog(), "tile/B08.tif": cog(tiled=False)},
        "tile/B08.tif is not tiled",
        "not-tiled",
    ),
    CogCase(
        "both-bands-broken",
        {"tile/B04.tif": cog(compression=None), "tile/B08.tif": cog(tiled=False)},
        "tile/B04.tif is not compressed",
        "compression",
    ),
    CogCase("tiff-extension", {"tile/B04.tiff": cog(), "tile/B08.tiff": cog(np.ones((300, 300), np.int16))}),
    CogCase("band-name-not-an-identifier", {"tile/4B.tif": cog()}, "band name '4B'", "band-name"),
    CogCase(
        "band-name-reserved", {"tile/B04.tif": cog(), "tile/var.tif": cog()}, "band name 'var'", "band-name"
    ),
    CogCase(
        "many-bands", {"tile/many.tif": cog(np.ones((101, 16, 16), np.uint8))}, "101 bands", "band-count"
    ),
    CogCase("a-hundred-bands", {"tile/many.tif": cog(np.ones((100, 16, 16), np.uint8))}),
    CogCase("utm-big-tiles", {"tile/B04.tif": cog(np.ones((1000, 2000), np.uint8), tile_size=512)}),
]
"""Every case, by name; the names are unique."""
