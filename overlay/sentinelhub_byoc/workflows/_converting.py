"""Converting many files, the caller's side: which files, to which names, and the report.

:func:`plan_jobs` turns sources (files, folders, ``s3://`` and ``gs://`` prefixes) and an output location into
one :class:`~sentinelhub_byoc.workflows._convert_jobs.ConvertJob` per file, refusing bad
arguments before any work; :func:`make_report` gathers the results. Blocking (disk, the stores' clients).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import attrs

from sentinelhub_byoc.cog._problems import RuleSet
from sentinelhub_byoc.errors import StorageAccessError, ValidationError
from sentinelhub_byoc.storage._objects import StoreClients
from sentinelhub_byoc.storage._urls import (
    is_bucket_url,
    object_key_problem,
    parse_bucket_url,
    split_bucket_url,
)
from sentinelhub_byoc.workflows._convert_jobs import ConvertJob, JobResult, failure_reason
from sentinelhub_byoc.workflows._executors import check_concurrency, runs_in_process
from sentinelhub_byoc.workflows._vrt import FROM_S3, vrt_escape
from sentinelhub_byoc.workflows.reports import ConvertReport

if TYPE_CHECKING:
    from sentinelhub_byoc.cog._convert_options import Conversion, ConvertOptions

__all__ = [
    "RASTER_SUFFIXES",
    "check_options",
    "default_concurrency",
    "job_function",
    "make_report",
    "output_name",
    "plan_jobs",
]

RASTER_SUFFIXES = frozenset({".tif", ".tiff", ".jp2", ".vrt", ".img"})
"""The files of a folder or prefix that are converted: rasters GDAL reads."""


def default_concurrency(concurrency: int | None) -> int:
    """*concurrency*, or the number of local cores; a :class:`ValidationError` below 1."""
    if concurrency is None:
        return os.cpu_count() or 1
    return check_concurrency(concurrency)


def check_options(options: object) -> ConvertOptions | None:
    """*options* if it is ``None`` or a :class:`~sentinelhub_byoc.cog.ConvertOptions`."""
    from sentinelhub_byoc.cog._convert_options import ConvertOptions

    if options is None or isinstance(options, ConvertOptions):
        return options
    raise ValidationError(
        f"options must be a sentinelhub_byoc.cog.ConvertOptions, got {type(options).__name__}"
    )


def _split_bands(options: ConvertOptions | None) -> bool:
    return options is not None and options.split_bands


def output_name(relative: str, split_bands: bool) -> str:
    """The output name of a source at *relative* (to the folder or prefix given): ``.tif``.

    >>> output_name("2024/scene.jp2", False), output_name("2024/scene.jp2", True)
    ('2024/scene.tif', '2024/scene/(BAND).tif')
    """
    path = PurePosixPath(relative)
    if split_bands:
        return f"{path.with_suffix('')}/(BAND).tif"
    return str(path.with_suffix(".tif"))


def _as_list(sources: object) -> list[str | os.PathLike[str]]:
    if isinstance(sources, str | os.PathLike):
        return [sources]
    if isinstance(sources, Sequence) and not isinstance(sources, bytes):
        listed = list(sources)
        for source in listed:
            if not isinstance(source, str | os.PathLike):
                raise ValidationError(
                    f"each source must be a path or an s3:// or gs:// URL, got {type(source).__name__}"
                )
        if not listed:
            raise ValidationError("sources is empty: give files, folders or s3:// or gs:// URLs to convert")
        return listed
    raise ValidationError(
        f"sources must be a path, an s3:// or gs:// URL or a list of them, got {type(sources).__name__}"
    )


def _check_out(out: object) -> str:
    if not isinstance(out, str | os.PathLike):
        raise ValidationError(f"out must be a folder or a bucket URL, got {type(out).__name__}")
    text = os.fspath(out)
    if is_bucket_url(text):
        return str(parse_bucket_url(text, "out"))
    if not text:
        raise ValidationError(
            "out is empty: give a folder or an s3://bucket/prefix or gs://bucket/prefix URL"
        )
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise ValidationError(f"out {text!r} is a file; give a folder (it is made when missing)")
    return str(path)


def _is_raster(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in RASTER_SUFFIXES


def _folder_files(folder: Path, out: str, refused: dict[str, str]) -> list[tuple[str, str]]:
    root = folder.resolve()
    if not is_bucket_url(out) and Path(out).resolve().is_relative_to(root):
        raise ValidationError(
            f"out {out!r} is inside the source folder {str(folder)!r}: a rerun would convert the "
            "outputs again; give a folder outside it"
        )
    found: list[tuple[str, str]] = []
    try:
        # Links to folders are not followed (os.walk's default); links to files only within the folder.
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames.sort()
            for name in sorted(filenames):
                path = Path(dirpath, name)
                if not _is_raster(name):
                    continue
                if path.is_symlink() and not path.resolve().is_relative_to(root):
                    refused[str(path)] = (
                        f"a symbolic link out of the folder {str(folder)!r}, not followed; "
                        "convert its target by its own path"
                    )
                    continue
                escape = vrt_escape(path, folder) if name.lower().endswith(".vrt") else None
                if escape is not None:
                    refused[str(path)] = escape
                    continue
                found.append((str(path), path.relative_to(folder).as_posix()))
    except OSError as error:
        raise StorageAccessError(f"could not read folder {str(folder)!r}: {error.strerror}") from None
    return found


def _bucket_files(url: str, clients: StoreClients) -> list[tuple[str, str]]:
    location = parse_bucket_url(url)
    store = clients.store(location.scheme)
    _, _, key = split_bucket_url(url)
    if key and not key.endswith("/"):
        # scheme://bucket/key names an object when one has exactly that key, else a prefix.
        listed = store.list(attrs.evolve(location, prefix=key))
        if key in listed:
            return [(location.url(key), PurePosixPath(key).name)]
        if not any(found.startswith(key + "/") for found in listed):
            raise ValidationError(f"{url} names no object and no prefix holding objects; check the URL")
    listed = store.list(location)
    return [
        (location.url(found), found[len(location.prefix) :])
        for found in sorted(listed)
        if _is_raster(found) and not found.endswith("/")
    ]


def plan_jobs(
    sources: object,
    out: object,
    *,
    rules: RuleSet,
    options: ConvertOptions | None,
    only_failing: bool,
    force: bool,
    clients: StoreClients,
) -> tuple[list[ConvertJob], dict[str, str]]:
    """One job per source file, and the files refused with reasons.

    Refused are links out of their folder, VRTs naming files outside it (or anything but a file)
    and VRTs in buckets: a VRT is a link too (:mod:`sentinelhub_byoc.workflows._vrt`). So are
    objects whose keys no URL reads back as themselves (``..``, ``.`` or empty segments...): their
    output names would lie elsewhere.

    Raises :class:`ValidationError` before any conversion: a source that does not exist, an
    *out* that is a file or lies inside a source folder, two sources with one output name.
    """
    listed = _as_list(sources)
    out_text = _check_out(out)
    refused: dict[str, str] = {}
    found: list[tuple[str, str]] = []
    for source in listed:
        text = os.fspath(source)
        if is_bucket_url(text):
            for url, relative in _bucket_files(text, clients):
                # A key is a path below the output: one with "..", "." or empty segments would
                # write elsewhere, or onto another output.
                problem = object_key_problem(split_bucket_url(url)[2])
                if problem is not None:
                    refused[url] = problem
                elif url.lower().endswith(".vrt"):
                    refused[url] = FROM_S3
                else:
                    found.append((url, relative))
            continue
        path = Path(text)
        if path.is_dir():
            found += _folder_files(path, out_text, refused)
        elif path.is_file():
            found.append((text, path.name))
        else:
            raise ValidationError(
                f"source {text!r} does not exist; give files, folders or s3:// or gs:// URLs"
            )
    split = _split_bands(options)
    jobs: list[ConvertJob] = []
    by_name: dict[str, str] = {}
    for source, relative in found:
        name = output_name(relative, split)
        if name in by_name and by_name[name] != source:
            raise ValidationError(
                f"{by_name[name]!r} and {source!r} would both be written to {name!r}; convert them "
                "into different folders"
            )
        if name in by_name:
            continue
        local = not is_bucket_url(out_text) and not is_bucket_url(source) and not split
        if local and Path(out_text, name).resolve() == Path(source).resolve():
            raise ValidationError(f"converting {source!r} into {out_text!r} would overwrite it")
        by_name[name] = source
        jobs.append(ConvertJob(source, name, out_text, rules, options, only_failing, force))
    return jobs, refused


def job_function(work: Callable[..., Any], executor: object, clients: StoreClients) -> Callable[[Any], Any]:
    """*work* for *executor*: given this process's store clients only where they need not be pickled."""
    if not clients.empty and runs_in_process(executor):
        return functools.partial(work, clients=clients)
    return work


def make_report(
    jobs: Sequence[ConvertJob], results: Sequence[JobResult | Exception], refused: Mapping[str, str]
) -> ConvertReport:
    """The :class:`ConvertReport` of *jobs* from their *results* (an exception fails its file)."""
    converted: list[Conversion] = []
    up_to_date: list[Conversion] = []
    unchanged: list[str] = []
    failed = dict(refused)
    for job, result in zip(jobs, results, strict=True):
        if isinstance(result, Exception):
            failed[job.source] = failure_reason(result)
        elif result.status == "failed" or (result.conversion is None and result.status != "unchanged"):
            failed[job.source] = result.reason or "conversion failed"
        elif result.status == "unchanged":
            unchanged.append(job.source)
        elif result.status == "up_to_date":
            assert result.conversion is not None
            up_to_date.append(result.conversion)
        else:
            assert result.conversion is not None
            converted.append(result.conversion)
    return ConvertReport(tuple(converted), tuple(up_to_date), tuple(unchanged), dict(sorted(failed.items())))
