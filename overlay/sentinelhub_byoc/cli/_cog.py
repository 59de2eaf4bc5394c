"""``byoc cog check`` and ``byoc cog convert``: COG files against the ingestion rules, and made right."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import click

from sentinelhub_byoc.cli import _errors, _output
from sentinelhub_byoc.cli._context import CliState, output_option, pass_state
from sentinelhub_byoc.cli._convert_options import (
    build_options,
    convert_options,
    dask_executor,
    dask_scheduler_option,
)
from sentinelhub_byoc.cli._progress import ProgressBars
from sentinelhub_byoc.cog import DEFAULT_LAYOUT
from sentinelhub_byoc.errors import BYOCError, ValidationError
from sentinelhub_byoc.storage._urls import url_scheme

if TYPE_CHECKING:
    from sentinelhub_byoc.cog import CogReport, Problem, RuleSet, TileCheck
    from sentinelhub_byoc.workflows import ConvertReport

_TIFF_SUFFIXES = (".tif", ".tiff")


_RULES = click.option(
    "--rules",
    type=click.Choice(["sentinel-hub", "cdse"]),
    default="sentinel-hub",
    show_default=True,
    help="whose ingestion rules: Sentinel Hub's, or the Copernicus Data Space Ecosystem's.",
)


@click.group("cog")
def group() -> None:
    """COG files: check them before they are ingested, and convert them (no account needed)."""


def _is_prefix(path: str) -> bool:
    """Whether PATH names many files (a folder or a bucket's prefix) rather than one COG."""
    if url_scheme(path) is not None:
        return path.endswith("/") or PurePosixPath(path[5:]).suffix.lower() not in _TIFF_SUFFIXES
    if path.startswith(("http://", "https://")):
        return False
    local = Path(path)
    if not local.exists():
        raise _errors.InputError(f"{path}: no such file or folder")
    return local.is_dir()


def _problem_dict(problem: Problem) -> dict[str, Any]:
    return {
        "file": problem.file,
        "rule": problem.rule,
        "severity": problem.severity,
        "message": problem.message,
        "fix": problem.fix,
        "fixed_by_convert": problem.fixed_by_convert,
    }


def _result_dict(result: CogReport | TileCheck) -> dict[str, Any]:
    """One checked file or tile as JSON: what it is, whether it would ingest, every problem."""
    from sentinelhub_byoc.cog import TileCheck

    if isinstance(result, TileCheck):
        return {
            "tile": result.path,
            "ok": result.ok,
            "files": list(result.files),
            "problems": [_problem_dict(problem) for problem in result.problems],
        }
    return {
        "file": result.source,
        "ok": result.ok,
        "problems": [_problem_dict(problem) for problem in result.problems],
    }


def _check_path(path: str, is_prefix: bool, rules: RuleSet, layout: str) -> list[CogReport | TileCheck]:
    """The results of one PATH: every tile under a folder or prefix, or the one file."""
    from sentinelhub_byoc.cog import check_cog, check_prefix

    if is_prefix:
        return list(check_prefix(path, layout=layout, rules=rules))
    return [check_cog(path, rules=rules)]


def _screen_width() -> int | None:
    """The terminal's width when stdout is one (problem lines are cut to it), else None (whole lines)."""
    if not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size().columns


def _convertible(result: CogReport | TileCheck) -> bool:
    """Whether ``byoc cog convert`` fixes every error of a failing file or tile."""
    return bool(result.errors) and all(problem.fixed_by_convert for problem in result.errors)


@group.command("check")
@output_option
@click.argument("paths", nargs=-1, required=True)
@_RULES
@click.option(
    "--layout",
    metavar="PATTERN",
    default=DEFAULT_LAYOUT,
    show_default=True,
    help="for folders and prefixes: which files make a tile; (BAND) marks the band name.",
)
@pass_state
def check(state: CliState, paths: tuple[str, ...], rules: RuleSet, layout: str) -> None:
    """Check COGs against the ingestion rules: each problem, and how to fix it.

    PATHS are files (local, s3:// or gs://bucket/key, http(s)://) or folders and s3:// or
    gs://bucket/prefix/ (every tile in them, grouped by --layout). Only the files' headers are
    read. Each problem is one line (cut to a terminal's width; -o json has it whole), and each
    fix is given once
    after them: a problem that `byoc cog convert` fixes gets that command, with the options
    that matter (-o json: "fixed_by_convert"). Exit code
    4 when any file or tile has errors (the service would fail to ingest it), 1 when a path
    could not be read (the others are still checked), 0 otherwise (warnings do not stop
    ingestion).

    \b
    byoc cog check scene/B04.tif
    byoc cog check ./scenes --layout '*_(BAND).tif' --rules cdse
    byoc cog check s3://my-bucket/scenes/ -o json
    """
    _output.no_geojson(state.output)
    # Paths are looked at first, so a typo in the last one is reported before any reading.
    prefixes = [_is_prefix(path) for path in paths]
    if any(prefixes):
        from sentinelhub_byoc.cog import group_band_files

        group_band_files([], layout)  # a bad --layout is refused before any file is read
    results: list[CogReport | TileCheck] = []
    unread = 0
    try:
        for path, is_prefix in zip(paths, prefixes, strict=True):
            try:
                found = _check_path(path, is_prefix, rules, layout)
            except (ImportError, ValidationError):
                raise
            except Exception as failure:
                # A path that cannot be read (missing object, no access), or whose check fails
                # unexpectedly, is said at once; the other paths are still checked, and the
                # exit code says that one was not. (A file the checks cannot parse is not such a
                # failure: it is reported with an "unreadable" problem.)
                unread += 1
                said = _errors.describe(failure)
                if not isinstance(failure, BYOCError):
                    said = f"{path} could not be checked ({type(failure).__name__}: {said})"
                _output.message(f"byoc: error: {said}")
                continue
            results.extend(found)
            if state.output == "ndjson":
                _output.print_ndjson(_result_dict(result) for result in found)
            elif state.output == "table":
                width = _screen_width()
                for result in found:
                    click.echo(result.format(width=width))
    except ImportError as error:
        # The message of the cog package's ImportError already names the extra to install.
        raise _errors.CommandError(str(error), _errors.AUTH) from error
    if state.output == "json":
        _output.print_json([_result_dict(result) for result in results])
    failing = sum(1 for result in results if not result.ok)
    warned = sum(1 for result in results if result.ok and result.warnings)
    if results:
        convertible = sum(1 for result in results if _convertible(result))
        _output.message(
            f"{len(results)} checked: {failing} with errors, {warned} with warnings only, "
            f"{len(results) - failing - warned} OK"
        )
        if failing:
            # A line of its own, so that each line fits a terminal of 80 columns.
            _output.message(f"byoc cog convert can fix {convertible} of the {failing} with errors")
    if failing:
        raise click.exceptions.Exit(_errors.TILES_FAILED)
    if unread:
        raise click.exceptions.Exit(_errors.FAILURE)


_CONVERT_COLUMNS = ("source", "outcome", "outputs", "changes / reason")


def _conversion_rows(report: ConvertReport, rules: RuleSet) -> list[dict[str, Any]]:
    """One record per source, sorted by source: its outcome, outputs, changes and warnings, reason."""
    rows: list[dict[str, Any]] = []
    for outcome, conversions in (("converted", report.converted), ("up to date", report.up_to_date)):
        rows.extend(
            {
                "source": conversion.source,
                "outcome": outcome,
                "outputs": list(conversion.outputs),
                "changes": list(conversion.changes),
                "warnings": list(conversion.warnings),
                "reason": None,
            }
            for conversion in conversions
        )
    rows.extend(
        {
            "source": source,
            "outcome": "unchanged",
            "outputs": [],
            "changes": [],
            "warnings": [],
            "reason": f"already passes the {rules} rules (--only-failing)",
        }
        for source in report.unchanged
    )
    rows.extend(
        {
            "source": source,
            "outcome": "failed",
            "outputs": [],
            "changes": [],
            "warnings": [],
            "reason": reason,
        }
        for source, reason in report.failed.items()
    )
    return sorted(rows, key=lambda row: (row["source"], row["outcome"]))


def _table_row(row: dict[str, Any]) -> list[str]:
    notes = [*row["changes"], *(f"warning: {warning}" for warning in row["warnings"])]
    if row["reason"]:
        notes.append(row["reason"])
    return [row["source"], row["outcome"], "\n".join(row["outputs"]), "; ".join(notes)]


def _summary(report: ConvertReport) -> str:
    counts = [
        f"{len(report.converted)} converted",
        f"{len(report.up_to_date)} up to date",
        f"{len(report.failed)} failed",
    ]
    if report.unchanged:
        counts.insert(2, f"{len(report.unchanged)} unchanged")
    return ", ".join(counts)


@group.command("convert")
@output_option
@_output.wide_option
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--out",
    required=True,
    metavar="DIR|URL",
    help="where the COGs go: a folder (made when missing), s3:// or gs://bucket/prefix.",
)
@_RULES
@convert_options
@click.option("--only-failing", is_flag=True, help="convert only files that fail the checks; list the rest.")
@click.option("--force", is_flag=True, help="convert again even when the outputs are up to date.")
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    metavar="N",
    default=None,
    help="files converted at a time  [default: one per CPU core]",
)
@dask_scheduler_option
@pass_state
def convert(
    state: CliState,
    /,
    sources: tuple[str, ...],
    out: str,
    rules: RuleSet,
    only_failing: bool,
    force: bool,
    concurrency: int | None,
    dask_scheduler: str | None,
    **options: Any,
) -> None:
    """Convert rasters into COGs the service ingests, and report what changed in each.

    SOURCES are files GDAL reads (GeoTIFF in strips or tiles, JPEG-compressed, JPEG 2000,
    VRT...), folders (every .tif, .tiff, .jp2, .vrt and .img in them, at any depth) and
    s3:// or gs://bucket/prefix or bucket/key. Each output keeps its path relative to the folder
    or prefix given, as .tif (with --split-bands, a folder per source holding B1.tif,
    B2.tif...). Outputs already made from the same source with the same options are left
    alone (up to date), so running the command again converts only what changed. Each output
    is checked against --rules before it is kept. Exit code 4 when a file could not be
    converted (the reason is in the report).

    \b
    byoc cog convert scans/ --out cogs/
    byoc cog convert scene.jp2 --out cogs/ --split-bands --rules cdse
    byoc cog convert s3://raw/2024/ --out s3://cogs/2024/ --only-failing -o json
    """
    from sentinelhub_byoc import workflows

    _output.no_geojson(state.output)
    chosen = build_options(**options)
    try:
        with dask_executor(dask_scheduler) as executor, ProgressBars() as bars:
            report = workflows.convert_files(
                list(sources),
                out,
                rules=rules,
                options=chosen,
                only_failing=only_failing,
                force=force,
                concurrency=concurrency,
                executor=executor,
                on_progress=bars,
            )
    except ImportError as error:
        # The package's own ImportErrors name the extra to install (convert, s3, gcs); others get it here.
        if "pip install" in str(error):
            raise _errors.CommandError(str(error), _errors.AUTH) from error
        raise _errors.missing_dependency(error, "convert") from error
    rows = _conversion_rows(report, rules)
    if state.output == "json":
        _output.print_json(rows)
    elif state.output == "ndjson":
        _output.print_ndjson(rows)
    elif rows:
        _output.print_fitted_table(
            _CONVERT_COLUMNS, [_table_row(row) for row in rows], whole=("source", "outcome", "outputs")
        )
    _output.message(_summary(report) if rows else "no rasters found to convert")
    if report.failed:
        raise click.exceptions.Exit(_errors.TILES_FAILED)
