"""Converting a corpus of varied GeoTIFFs into COGs: ``cog.convert`` against GDAL's own COG driver.

``sentinelhub_byoc.cog.convert`` is built on GDAL, so GDAL's work should be nearly all of its
cost: this measures what the library adds (reading the source's facts, choosing options,
recording what it converted, writing atomically, checking the result). Twelve GeoTIFFs of
2,000 to 4,096 pixels a side, written by GDAL in this run (strips, JPEG, float32, int16, uint16
with up to six bands, pixel and band interleaved, with and without overviews built after the
image data), are each converted by three contenders, one file at a time, on one thread, with the
same settings (1024-pixel blocks, DEFLATE, predictor 2 for integers and 3 for floats, overviews
resampled ``nearest`` for integers and ``average`` for floats):

- ``cog.convert(source, destination)`` with the default :class:`ConvertOptions` (``threads=1``);
- GDAL: ``rasterio.shutil.copy(source, destination, driver="COG", BLOCKSIZE=1024, ...,
  OVERVIEWS="IGNORE_EXISTING", NUM_THREADS=1)``, exactly what ``gdal_translate -of COG`` runs
  (there is no gdal_translate binary beside rasterio's wheels);
- rio-cogeo: ``cog_translate`` with its ``deflate`` profile and 1024-pixel blocks, what
  ``rio cogeo create`` runs.

The contenders take turns on each file (the order rotates), every file is converted three
times by each, and each contender's time for a file is the fastest of its three; the totals are
compared; each contender first converts a small file, so imports are not timed. Targets:
``cog.convert`` at most 1.1x GDAL's wall time and at most 1.1x rio-cogeo's.
``--quick`` converts quarter-size files once each.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import attrs

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import COG, Result, progress
from _fixtures import write_geotiff

MAX_RATIO = 1.1


@attrs.frozen
class Sample:
    """One file of the corpus: its name and how GDAL writes it (``write_geotiff`` arguments)."""

    name: str
    width: int
    height: int
    count: int
    dtype: str
    options: dict[str, Any] = attrs.field(factory=dict)


CORPUS = (
    Sample("uint8 strips, uncompressed", 4000, 4000, 1, "uint8"),
    Sample("uint16 x4 strips, DEFLATE", 3000, 3000, 4, "uint16", {"compress": "deflate", "predictor": 2}),
    Sample(
        "uint8 RGB tiled, JPEG YCbCr",
        3000,
        3000,
        3,
        "uint8",
        {"tiled": True, "blockxsize": 256, "blockysize": 256, "compress": "jpeg", "photometric": "ycbcr"},
    ),
    Sample("uint8 RGB strips, JPEG", 2500, 2500, 3, "uint8", {"compress": "jpeg"}),
    Sample(
        "float32 tiled 256, LZW, nodata",
        3000,
        3000,
        1,
        "float32",
        {"tiled": True, "blockxsize": 256, "blockysize": 256, "compress": "lzw", "nodata": -9999.0},
    ),
    Sample("float32 strips, overviews after data", 2000, 2000, 1, "float32", {"overviews": (2, 4, 8)}),
    Sample(
        "uint16 x6 tiled 512, DEFLATE, overviews",
        2048,
        2048,
        6,
        "uint16",
        {"tiled": True, "blockxsize": 512, "blockysize": 512, "compress": "deflate", "overviews": (2, 4)},
    ),
    Sample("uint16 x3 strips, uncompressed", 4000, 3000, 3, "uint16"),
    Sample(
        "int16 strips, DEFLATE, nodata", 3500, 3500, 1, "int16", {"compress": "deflate", "nodata": -32768}
    ),
    Sample(
        "uint8 tiled 256, overviews",
        4096,
        4096,
        1,
        "uint8",
        {"tiled": True, "blockxsize": 256, "blockysize": 256, "overviews": (2, 4, 8, 16)},
    ),
    Sample(
        "float32 x2 band-interleaved, tiled 512",
        2500,
        2500,
        2,
        "float32",
        {"tiled": True, "blockxsize": 512, "blockysize": 512, "interleave": "band", "compress": "deflate"},
    ),
    Sample(
        "uint16 EPSG:4326 strips, LZW",
        2000,
        4000,
        1,
        "uint16",
        {"crs": "EPSG:4326", "compress": "lzw", "predictor": 2},
    ),
)


def write_corpus(folder: Path, scale: int = 1) -> list[tuple[Sample, Path]]:
    """Write every sample, ``scale`` times smaller a side, into ``folder``."""
    written = []
    for index, sample in enumerate(CORPUS):
        options = dict(sample.options)
        if scale > 1:
            options["overviews"] = tuple(f for f in options.get("overviews", ()) if f < 8)
        path = write_geotiff(
            folder / f"{index:02d}.tif",
            width=sample.width // scale,
            height=sample.height // scale,
            count=sample.count,
            dtype=sample.dtype,
            seed=index,
            **options,
        )
        written.append((sample, path))
    return written


def _integer(dtype: str) -> bool:
    return not dtype.startswith(("float", "complex"))


def contenders(sample: Sample) -> dict[str, Callable[[Path, Path], object]]:
    """The three ways of converting one file, each with the settings ``cog.convert`` defaults to."""
    import rasterio.shutil
    from rio_cogeo.cogeo import cog_translate
    from rio_cogeo.profiles import cog_profiles
    from sentinelhub_byoc import cog

    integer = _integer(sample.dtype)
    predictor = 2 if integer else 3
    resampling: Literal["nearest", "average"] = "nearest" if integer else "average"

    def ours(source: Path, destination: Path) -> object:
        return cog.convert(source, destination)

    def gdal(source: Path, destination: Path) -> object:
        rasterio.shutil.copy(
            source,
            destination,
            driver="COG",
            BLOCKSIZE=1024,
            COMPRESS="DEFLATE",
            PREDICTOR=predictor,
            OVERVIEW_RESAMPLING=resampling.upper(),
            # Overviews made anew, as cog.convert makes them (a source's own may not go down to
            # one block, or may have other blocks or resampling); rio-cogeo makes them anew too.
            OVERVIEWS="IGNORE_EXISTING",
            NUM_THREADS=1,
        )
        return None

    def rio_cogeo(source: Path, destination: Path) -> object:
        profile = {**cog_profiles.get("deflate"), "blockxsize": 1024, "blockysize": 1024}
        profile["predictor"] = predictor
        cog_translate(
            str(source),
            str(destination),
            profile,
            overview_resampling=resampling,
            config={"GDAL_NUM_THREADS": "1"},
            quiet=True,
        )
        return None

    return {"cog.convert": ours, "GDAL COG driver": gdal, "rio-cogeo": rio_cogeo}


def run(quick: bool) -> list[Result]:
    """Convert the corpus with each contender, interleaved; return the ratios."""
    repeats = 1 if quick else 3
    scale = 4 if quick else 1
    with tempfile.TemporaryDirectory(prefix="byoc-convert-bench-") as temp:
        folder = Path(temp)
        progress(f"convert: writing {len(CORPUS)} GeoTIFFs with GDAL in {folder}")
        corpus = write_corpus(folder / "sources", scale)
        names = list(contenders(CORPUS[0]))
        # Imports and GDAL's drivers, before any clock starts.
        warm = write_geotiff(folder / "warm-up.tif", width=300, height=300, dtype="uint16")
        for name, action in contenders(Sample("warm-up", 300, 300, 1, "uint16")).items():
            action(warm, folder / f"warm-up-{name.replace(' ', '-')}.tif")
        # times[name][file] lists the seconds of each repeat; sizes[name] the bytes written.
        times: dict[str, list[list[float]]] = {name: [[] for _ in corpus] for name in names}
        sizes: dict[str, int] = dict.fromkeys(names, 0)
        for repeat in range(repeats):
            progress(f"convert: pass {repeat + 1}/{repeats} over {len(corpus)} files")
            for index, (sample, source) in enumerate(corpus):
                actions = list(contenders(sample).items())
                turn = (repeat + index) % len(actions)
                for name, action in actions[turn:] + actions[:turn]:
                    destination = folder / "out" / name.replace(" ", "-") / f"{index:02d}.tif"
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    started = time.perf_counter()
                    action(source, destination)
                    times[name][index].append(time.perf_counter() - started)
                    if repeat == 0:
                        sizes[name] += destination.stat().st_size
                    destination.unlink()
    best = {name: [min(runs) for runs in times[name]] for name in names}
    totals = {name: sum(best[name]) for name in names}
    rows = [
        f"{sample.name:<42} {best['cog.convert'][i] * 1000:8,.0f} {best['GDAL COG driver'][i] * 1000:8,.0f} "
        f"{best['rio-cogeo'][i] * 1000:8,.0f} ms  {best['cog.convert'][i] / best['GDAL COG driver'][i]:.2f}x"
        for i, (sample, _) in enumerate(corpus)
    ]
    first = f"file (fastest of {repeats})"
    header = f"{first:<42} {'convert':>8} {'GDAL':>8} {'rio-cogeo':>8}     ratio"
    written = ", ".join(f"{name} {sizes[name] / 2**20:,.1f} MiB" for name in names)
    side = "quarter-size files (--quick)" if quick else "2,000-4,096 px a side"
    note = "\n".join(
        [
            f"{len(corpus)} files, {side}, one thread, one file at a time; written: {written}",
            header,
            *rows,
        ]
    )
    what = f"convert {len(corpus)} varied GeoTIFFs: cog.convert"
    return [
        Result(
            COG,
            f"{what} vs GDAL's COG driver",
            totals["cog.convert"],
            totals["GDAL COG driver"],
            "s",
            MAX_RATIO,
            baseline_name="rasterio.shutil.copy(driver='COG') (gdal_translate -of COG)",
            note=note,
        ),
        Result(
            COG,
            f"{what} vs rio-cogeo",
            totals["cog.convert"],
            totals["rio-cogeo"],
            "s",
            MAX_RATIO,
            baseline_name="rio_cogeo cog_translate (rio cogeo create)",
        ),
    ]


if __name__ == "__main__":
    for result in run("--quick" in sys.argv):
        print("\n".join(result.lines()))
