"""Checking COGs against the service's ingestion rules before ingesting them.

:func:`check_cog` checks one file, :func:`check_tile` the band files of one tile, and
:func:`check_prefix` every tile under a folder or an S3 prefix. They apply the very rules the
emulator ingests with, so a file they pass is one the emulator ingests.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs

from sentinelhub_byoc.cog._layout import DEFAULT_LAYOUT, group_band_files
from sentinelhub_byoc.cog._problems import Problem, RuleSet, check_rules, error, for_rules, merge_fixes
from sentinelhub_byoc.errors import StorageAccessError, ValidationError
from sentinelhub_byoc.storage._errors import StorageError, StorageKeyError
from sentinelhub_byoc.storage._http import HttpStorage
from sentinelhub_byoc.storage._local import FileStorage, LocalStorage
from sentinelhub_byoc.storage._objects import StoreClients
from sentinelhub_byoc.storage._protocol import Storage
from sentinelhub_byoc.storage._urls import bucket_url, split_s3_url, url_scheme

if TYPE_CHECKING:
    import httpx

    from sentinelhub_byoc.cog._rules import FileFacts

__all__ = ["CogReport", "Source", "TileCheck", "check_cog", "check_prefix", "check_tile"]

Source = str | os.PathLike[str]
"""A local path, an ``s3://bucket/key`` or ``gs://bucket/key`` URL or an ``http(s)://`` URL."""


def _count(problems: Sequence[Problem]) -> str:
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    parts = [f"{errors} error{'s' * (errors != 1)}"] if errors else []
    parts += [f"{warnings} warning{'s' * (warnings != 1)}"] if warnings else []
    return ", ".join(parts) or "OK"


def _detail(problem: Problem, file: str | None) -> str:
    """Return the problem's message without the file name that the heading above it gives."""
    message = problem.message
    if file is not None and problem.file == file:
        for separator in (": ", " "):
            head = file + separator
            if message.startswith(head) and len(message) > len(head):
                return message[len(head) :]
    return message


def _fit(text: str, width: int | None) -> str:
    if width is None or len(text) <= width:
        return text
    return text[: max(width - 1, 0)] + "…"


def _problem_lines(
    problems: Sequence[Problem], indent: str, width: int | None, file: str | None = None
) -> list[str]:
    """One line per problem: severity, rule id and what is wrong (cut to ``width`` when given)."""
    return [
        _fit(f"{indent}{problem.severity} [{problem.rule}] {_detail(problem, file)}", width)
        for problem in problems
    ]


def _fix_lines(problems: Sequence[Problem], indent: str) -> list[str]:
    """Each fix once, whole (it is a command to copy): the steps converting cannot take come first."""
    return [f"{indent}fix: {fix}" for fix, _ in merge_fixes(problems)]


class _Verdict:
    """What a file's and a tile's results both say: ok, errors and warnings, from ``problems``."""

    @property
    def problems(self) -> tuple[Problem, ...]:
        raise NotImplementedError

    @property
    def ok(self) -> bool:
        """Whether there are no errors (warnings allowed): the service would ingest it."""
        return not self.errors

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems that make ingestion fail; the first is the service's failure cause."""
        return tuple(p for p in self.problems if p.is_error)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """The problems that do not stop ingestion."""
        return tuple(p for p in self.problems if not p.is_error)

    def format(self, *, width: int | None = None) -> str:
        raise NotImplementedError

    def _ending(self, lines: list[str]) -> str:
        # The fixes of all the problems follow them, each given once.
        if self.problems:
            lines += _fix_lines(self.problems, "  ")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()


@attrs.frozen
class CogReport(_Verdict):
    """What :func:`check_cog` found in one file: every problem, and the facts it could read.

    ``ok`` is true when no problem is an error, that is when the service would ingest the file
    (warnings do not stop ingestion). The facts (``epsg``, ``bbox`` as (min x, min y, max x,
    max y) in that CRS, ``pixel_size``, ``samples``, ``bit_depth``, ``sample_format``,
    ``nodata``) are None where the file could not be read or the rule giving them failed.

    >>> report = CogReport("B04.tif", problems=())
    >>> report.ok, str(report)
    (True, 'B04.tif: OK')
    """

    source: str
    """The file as the check was given it: a local path, or an ``s3://`` or ``http(s)://`` URL."""
    problems: tuple[Problem, ...] = ()
    """Every problem found, errors and warnings, in the order the service checks its rules."""
    epsg: int | None = None
    """The EPSG code of the file's CRS, e.g. ``32633``; None when it has no CRS or one the rules refuse."""
    bbox: tuple[float, float, float, float] | None = None
    """The file's extent as (min x, min y, max x, max y) in its CRS's units; None when it is not
    georeferenced north-up."""
    pixel_size: tuple[float, float] | None = None
    """The (width, height) of a pixel in the CRS's units (metres, or degrees for EPSG:4326), both
    positive; None when the file is not georeferenced north-up."""
    samples: int | None = None
    """How many bands (samples per pixel) the file holds; None when its header could not be read."""
    bit_depth: int | None = None
    """Bits per sample as ingestion reads them: 8, 16 or 32 (the ``"cdse"`` rules read 1, 2 and 4-bit
    samples as 8); None when the data type is refused or could not be read."""
    sample_format: str | None = None
    """``"UINT"``, ``"INT"`` or ``"FLOAT"``; None when the data type is refused or could not be read."""
    nodata: int | float | None = None
    """The file's GDAL_NODATA value (an int for integer data); None when it has none, or one that is not
    a finite number."""

    def format(self, *, width: int | None = None) -> str:
        """Return a readable summary: the file and its verdict, one line per problem, each fix once.

        A problem's line leaves out the file name the first line gives. Fixes follow the
        problems: one ``byoc cog convert`` command for every problem that converting fixes.
        ``width`` (a terminal's width) cuts each problem's line to that many characters, ending
        in "…"; the first line and the fixes stay whole.
        """
        lines = [f"{self.source}: {_count(self.problems)}"]
        lines += _problem_lines(self.problems, "  ", width, self.source)
        return self._ending(lines)


@attrs.frozen
class TileCheck(_Verdict):
    """What :func:`check_tile` found in the band files of one tile.

    ``files`` holds each band's :class:`CogReport` (in band order); ``tile_problems`` the
    problems of the files together (different CRSs, boxes that disagree by more than a
    pixel, a tile crossing a pole, a missing band file, a band whose data type differs from
    other tiles'). ``problems`` lists them all, files first, in the order the service checks
    them, so the first error is the service's failure cause. ``epsg``, ``bbox`` and
    ``wgs84_bounds`` describe the tile when it has no errors.

    >>> check = TileCheck("scene/(BAND).tif", files={})
    >>> check.ok
    True
    """

    path: str
    """The tile's path as the service takes it, with ``(BAND)`` where each file's band name stands."""
    files: Mapping[str, CogReport] = attrs.field(factory=dict)
    """Each band file's report, by band name, in band order; a missing file has none (its problem is
    among ``tile_problems``)."""
    tile_problems: tuple[Problem, ...] = ()
    """The problems of the files together: missing band files, band names, CRSs, extents, poles,
    data types that differ from other tiles'."""
    epsg: int | None = None
    """The EPSG code of the CRS all the files share; None unless the tile has no errors."""
    bbox: tuple[float, float, float, float] | None = None
    """The extent all the files cover, as (min x, min y, max x, max y) in the tile's CRS; None unless
    the tile has no errors."""
    wgs84_bounds: tuple[float, float, float, float] | None = None
    """``bbox`` in longitude and latitude degrees (west, south, east, north; west > east across the
    antimeridian); None unless the tile has no errors."""

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem: each file's, in band order, then the tile's."""
        return tuple(p for report in self.files.values() for p in report.problems) + self.tile_problems

    def format(self, *, width: int | None = None) -> str:
        """Return a readable summary: the tile, each file's verdict, one line per problem, each fix once.

        The fixes of all the tile's problems follow them, each given once: the files that
        converting fixes share one ``byoc cog convert`` command. ``width`` cuts each problem's
        line as :meth:`CogReport.format` does.
        """
        lines = [f"tile {self.path}: {_count(self.problems)}"]
        for report in self.files.values():
            lines.append(f"  {report.source}: {_count(report.problems)}")
            lines += _problem_lines(report.problems, "    ", width, report.source)
        lines += _problem_lines(self.tile_problems, "  ", width)
        return self._ending(lines)


@attrs.frozen
class _Opened:
    storage: Storage
    key: str
    name: str


def _source_text(source: object, what: str = "source") -> str:
    if isinstance(source, str):
        text = source
    elif isinstance(source, os.PathLike):
        text = os.fspath(source)
        if not isinstance(text, str):
            raise ValidationError(f"{what} must be a str path or URL, not a bytes path {text!r}")
    else:
        raise ValidationError(
            f"{what} must be a local path, an s3:// or gs://bucket/key or an http(s):// URL, "
            f"not {type(source).__name__}"
        )
    if not text:
        raise ValidationError(
            f"{what} is empty: give a local path, an s3:// or gs://bucket/key or an http(s):// URL"
        )
    return text


class _Opener:
    """Turns sources into a storage, a key and a name, making each client at most once."""

    def __init__(self, clients: StoreClients, http_client: httpx.Client | None) -> None:
        self._clients = clients
        self._http_client = http_client
        self._owned: list[httpx.Client] = []

    def bucket(self, scheme: str, bucket: str) -> Storage:
        """The storage of *bucket* in *scheme*'s store, its client made on first use."""
        self._clients = self._clients.resolved([scheme], f"reading {scheme}:// URLs")
        return self._clients.store(scheme).storage(bucket)

    def http(self) -> httpx.Client:
        if self._http_client is None:
            import httpx

            self._http_client = httpx.Client(follow_redirects=True, timeout=30.0)
            self._owned.append(self._http_client)
        return self._http_client

    def close(self) -> None:
        for client in self._owned:
            client.close()

    def check_source(self, source: object, what: str = "source") -> str:
        text = _source_text(source, what)
        scheme, separator, _ = text.partition("://")
        if separator and scheme.lower() not in ("s3", "gs", "http", "https"):
            raise ValidationError(
                f"{text}: only local paths, s3://, gs:// and http(s):// URLs can be checked"
            )
        if url_scheme(text) is not None:
            split_s3_url(text, key_required=True)
        return text

    def open(self, text: str) -> _Opened:
        _, separator, _ = text.partition("://")
        bucket_scheme = url_scheme(text)
        if bucket_scheme is not None:
            bucket, key = split_s3_url(text, key_required=True)
            return _Opened(self.bucket(bucket_scheme, bucket), key, text)
        if separator:
            return _Opened(HttpStorage(self.http()), text, text)
        return _Opened(FileStorage(), text, text)


def _read_failure(name: str, failure: StorageError) -> StorageAccessError:
    return StorageAccessError(f"could not read {name}: {failure}")


def _check_opened(opened: _Opened, rules: RuleSet) -> tuple[CogReport, FileFacts | None]:
    """Return the file's report, and the facts the tile rules need when it has no errors.

    Storage errors pass through; a file that cannot be parsed is an ``unreadable`` problem.
    """
    from sentinelhub_byoc.cog._rules import check_file

    check = check_file(opened.storage, opened.key, name=opened.name, rules=rules)
    report = CogReport(
        opened.name,
        problems=check.problems,
        epsg=check.epsg,
        bbox=check.bbox,
        pixel_size=check.pixel_size,
        samples=check.samples,
        bit_depth=check.bit_depth,
        sample_format=check.sample_format,
        nodata=check.nodata,
    )
    return report, check.facts


_FileOutcome: TypeAlias = "tuple[CogReport, FileFacts | None] | StorageError"
"""A file's report and facts, or the storage error that kept it from being read."""


def _outcome(opened: _Opened, rules: RuleSet) -> _FileOutcome:
    try:
        return _check_opened(opened, rules)
    except StorageError as failure:
        return failure


def _require_tifffile() -> None:
    from sentinelhub_byoc.cog._tiff import require_tifffile

    require_tifffile()


def check_cog(
    source: Source,
    *,
    rules: RuleSet = "sentinel-hub",
    s3_client: Any = None,
    http_client: httpx.Client | None = None,
    gcs_client: Any = None,
) -> CogReport:
    """Check one file against the service's COG rules and report every problem it has.

    ``source`` is a local path, an ``s3://bucket/key`` URL (read with ``s3_client``, a boto3
    S3 client, or else ``boto3.client("s3")``, which honours ``AWS_ENDPOINT_URL``; needs the
    ``s3`` extra), a ``gs://bucket/key`` URL (read with ``gcs_client``, a
    ``google.cloud.storage.Client``, or else one made from the environment, which honours
    ``STORAGE_EMULATOR_HOST``; needs the ``gcs`` extra) or an ``http(s)://`` URL (read with
    ``http_client``, or a client of its own). Only the header is read, with ranged reads.
    ``rules`` is ``"sentinel-hub"`` or
    ``"cdse"`` (the Copernicus Data Space Ecosystem's rules: EPSG:6933 is accepted too, and
    the photometric interpretation and the band count of pixel-interleaved files are checked).

    A file that is not a readable TIFF gives a report with an ``unreadable`` error. Raises
    :class:`~sentinelhub_byoc.errors.ValidationError` for bad arguments, before any read;
    :class:`~sentinelhub_byoc.errors.StorageAccessError` when the file, bucket or URL cannot
    be read (missing, access denied, no connection); ImportError naming the ``cog`` extra when
    tifffile is not installed.

    >>> report = check_cog("scene/B04.tif")  # doctest: +SKIP
    >>> print(report)  # doctest: +SKIP
    scene/B04.tif: 1 error
      error [compression] uses compression JPEG, not DEFLATE, ZSTD, LZW, PACKBITS or PIXTIFF_ZIP
      fix: byoc cog convert scene/B04.tif --out DIR
    """
    chosen = check_rules(rules)
    opener = _Opener(StoreClients(s3_client, gcs_client), http_client)
    text = opener.check_source(source)
    _require_tifffile()
    try:
        return _check_opened(opener.open(text), chosen)[0]
    except StorageError as failure:
        raise _read_failure(text, failure) from None
    finally:
        opener.close()


def _band_name(text: str) -> str:
    name = PurePosixPath(text.replace("\\", "/").rstrip("/")).name
    for extension in (".tiff", ".tif", ".TIFF", ".TIF"):
        if name.endswith(extension):
            return name[: -len(extension)]
    return name


def _tile_path(bands: Mapping[str, str]) -> str:
    texts = list(bands.items())
    if not texts:
        return ""
    band, text = texts[0]
    start = text.rfind(band)
    return text[:start] + "(BAND)" + text[start + len(band) :] if start >= 0 else text


def _check_files(path: str, files: Mapping[str, tuple[_Opened, _FileOutcome]]) -> TileCheck:
    """Apply the tile rules to the outcomes of a tile's files (by band, in band order)."""
    from sentinelhub_byoc.cog._names import band_name_problems
    from sentinelhub_byoc.cog._tile import check_together

    reports: dict[str, CogReport] = {}
    facts: list[FileFacts | None] = []
    missing: list[Problem] = []
    for band, (opened, outcome) in files.items():
        if isinstance(outcome, StorageKeyError):
            missing.append(
                error(
                    opened.name,
                    "missing-band",
                    f"band {band}'s file {opened.name} is missing",
                    f"upload {opened.name}, or fix the tile path",
                )
            )
        elif isinstance(outcome, StorageError):
            raise _read_failure(opened.name, outcome) from None
        else:
            reports[band], found = outcome
            facts.append(found)
    if missing:
        return TileCheck(path, files=reports, tile_problems=tuple(missing))
    if any(f is None for f in facts):
        return TileCheck(path, files=reports)
    # A multi-band file gives the bands source_1, source_2...: their names are checked too.
    origins: dict[str, str] = {}
    for band, report in reports.items():
        samples = report.samples or 1
        names = [band] if samples == 1 else [f"{band}_{i}" for i in range(1, samples + 1)]
        origins.update(dict.fromkeys(names, report.source))
    problems = band_name_problems(origins)
    together, place = check_together([f for f in facts if f is not None], path)
    problems += together
    if problems or place is None:
        return TileCheck(path, files=reports, tile_problems=tuple(problems))
    return TileCheck(path, files=reports, epsg=place.epsg, bbox=place.bbox, wgs84_bounds=place.wgs84_bounds)


def check_tile(
    sources: Mapping[str, Source] | Sequence[Source],
    *,
    rules: RuleSet = "sentinel-hub",
    s3_client: Any = None,
    http_client: httpx.Client | None = None,
    gcs_client: Any = None,
) -> TileCheck:
    """Check the band files of one tile: each file's rules, then the rules of the tile.

    ``sources`` maps each band name to its file (a local path, ``s3://``, ``gs://`` or
    ``http(s)://`` URL, as for :func:`check_cog`), or is a sequence of files, each band named after its
    file (``B04.tif`` is band ``B04``). Band files are checked in band-name order, as the
    service does. The tile rules: band names are JavaScript identifiers (a multi-band file
    ``RGB`` gives bands ``RGB_1``, ``RGB_2``...), at most 100 bands, every file is in one
    CRS, and each file's box is within a pixel of the box all files have in common; the tile
    may not cross a pole. A file that
    does not exist is a ``missing-band`` problem. Errors are raised as for :func:`check_cog`.

    >>> check = check_tile({"B04": "scene/B04.tif", "B08": "scene/B08.tif"})  # doctest: +SKIP
    >>> check.ok, [p.rule for p in check.errors]  # doctest: +SKIP
    (False, ['bounds'])
    """
    chosen = check_rules(rules)
    opener = _Opener(StoreClients(s3_client, gcs_client), http_client)
    named: dict[str, str] = {}
    if isinstance(sources, Mapping):
        for band, source in sources.items():
            if not isinstance(band, str) or not band:
                raise ValidationError(f"band names must be non-empty strings, got {band!r}")
            named[band] = opener.check_source(source, f"the file of band {band}")
    elif isinstance(sources, Sequence) and not isinstance(sources, str | bytes):
        for source in sources:
            text = opener.check_source(source)
            band = _band_name(text)
            if band in named:
                raise ValidationError(f"{named[band]} and {text} both give band {band}; name the bands")
            named[band] = text
    else:
        raise ValidationError(
            "sources must be a mapping of band name to file or a sequence of files, "
            f"not {type(sources).__name__}"
        )
    if not named:
        raise ValidationError("sources is empty: give the tile's band files")
    _require_tifffile()
    ordered = dict(sorted(named.items()))
    try:
        files = {}
        for band, text in ordered.items():
            opened = opener.open(text)
            files[band] = (opened, _outcome(opened, chosen))
        return _check_files(_tile_path(ordered), files)
    finally:
        opener.close()


def _same_band_types(checks: list[TileCheck], rules: RuleSet) -> list[TileCheck]:
    from sentinelhub_byoc.cog._tile import band_type_problem

    first: dict[str, tuple[int, str]] = {}
    result = []
    for check in checks:
        extra: list[Problem] = []
        for band, report in check.files.items():
            if report.bit_depth is None or report.sample_format is None:
                continue
            found = (report.bit_depth, report.sample_format)
            wanted = first.setdefault(band, found)
            problem = band_type_problem(report.source, band, found, wanted)
            if problem is not None:
                extra.append(for_rules(problem, rules))
        if extra:
            check = TileCheck(check.path, files=check.files, tile_problems=check.tile_problems + tuple(extra))
        result.append(check)
    return result


def check_prefix(
    prefix: Source,
    *,
    layout: str = DEFAULT_LAYOUT,
    rules: RuleSet = "sentinel-hub",
    s3_client: Any = None,
    concurrency: int = 8,
    gcs_client: Any = None,
) -> list[TileCheck]:
    """Check every tile under a local folder or an ``s3://bucket/prefix`` (or ``gs://bucket/prefix``).

    Buckets are read with *s3_client* or *gcs_client*, as for :func:`check_cog`.

    Files are grouped into tiles by ``layout`` (see
    :func:`~sentinelhub_byoc.cog.group_band_files`; by default each folder's ``.tif`` files
    are one tile's bands) and each tile is checked as by :func:`check_tile`. Across tiles,
    every file of a band must have the same bit depth and sample format (a collection's band
    has one): a file that differs from the band's first file gets a ``bit-depth`` problem.
    Tiles come sorted by path; an empty folder or prefix gives an empty list. Up to
    ``concurrency`` files are read at once, on threads (reading headers waits on the
    store, not the CPU); a file that cannot be parsed is an ``unreadable`` problem of its
    tile and the other files are still checked. Errors are raised as for :func:`check_cog`.

    >>> for tile in check_prefix("s3://my-bucket/scenes/"):  # doctest: +SKIP
    ...     print(tile)
    """
    chosen = check_rules(rules)
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValidationError(f"concurrency must be a whole number of at least 1, got {concurrency!r}")
    text = _source_text(prefix, "prefix")
    _, separator, _ = text.partition("://")
    bucket_scheme = url_scheme(text)
    storage: Storage
    if bucket_scheme is not None:
        bucket, key_prefix = split_s3_url(text, key_required=False)
        group_band_files([], layout)
        _require_tifffile()
        storage = _Opener(StoreClients(s3_client, gcs_client), None).bucket(bucket_scheme, bucket)
        scheme = bucket_scheme

        def name(key: str) -> str:
            return bucket_url(scheme, bucket, key)

    elif separator:
        raise ValidationError(f"{text}: only a local folder or an s3:// or gs://bucket/prefix can be listed")
    else:
        group_band_files([], layout)
        _require_tifffile()
        folder = os.path.normpath(text)
        if not os.path.isdir(folder):
            raise StorageAccessError(f"could not read {text}: it is not a folder")
        storage, key_prefix = LocalStorage(folder), ""
        # Names are as the user would type them: "." adds nothing to a relative path.
        shown = "" if folder == os.curdir else folder

        def name(key: str) -> str:
            return os.path.join(shown, *key.split("/"))

    try:
        keys = storage.list_keys(key_prefix)
    except StorageError as failure:
        raise _read_failure(text, failure) from None
    tiles = group_band_files(keys, layout, prefix=key_prefix)
    opened = {key: _Opened(storage, key, name(key)) for tile in tiles for key in tile.files.values()}
    outcomes = _read_all(list(opened.values()), chosen, concurrency)
    checks = [
        _check_files(
            name(tile.path), {band: (opened[key], outcomes[key]) for band, key in tile.files.items()}
        )
        for tile in tiles
    ]
    return _same_band_types(checks, chosen)


def _read_all(files: Sequence[_Opened], rules: RuleSet, concurrency: int) -> dict[str, _FileOutcome]:
    """Return each file's outcome by key, reading up to ``concurrency`` files at once."""
    if concurrency == 1 or len(files) < 2:
        return {opened.key: _outcome(opened, rules) for opened in files}
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(concurrency, len(files))) as pool:
        results = list(pool.map(lambda opened: _outcome(opened, rules), files))
    return {opened.key: result for opened, result in zip(files, results, strict=True)}
