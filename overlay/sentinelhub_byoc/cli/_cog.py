"""``byoc cog check``: COG files and folders against the service's ingestion rules, offline."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import click

from sentinelhub_byoc.cli import _errors, _output
from sentinelhub_byoc.cli._context import CliState, output_option, pass_state
from sentinelhub_byoc.cog import DEFAULT_LAYOUT

if TYPE_CHECKING:
    from sentinelhub_byoc.cog import CogReport, Problem, RuleSet, TileCheck

_TIFF_SUFFIXES = (".tif", ".tiff")


@click.group("cog")
def group() -> None:
    """COG files: check them before they are ingested (no account needed)."""


def _is_prefix(path: str) -> bool:
    """Whether PATH names many files (a folder or an S3 prefix) rather than one COG."""
    if path.startswith("s3://"):
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


@group.command("check")
@output_option
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--rules",
    type=click.Choice(["sentinel-hub", "cdse"]),
    default="sentinel-hub",
    show_default=True,
    help="whose ingestion rules: Sentinel Hub's, or the Copernicus Data Space Ecosystem's.",
)
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

    PATHS are files (local, s3://bucket/key, http(s)://) or folders and s3://bucket/prefix/
    (every tile in them, grouped by --layout). Only the files' headers are read. Exit code 4
    when any file or tile has errors (the service would fail to ingest it), 0 otherwise
    (warnings do not stop ingestion).

    \b
    byoc cog check scene/B04.tif
    byoc cog check ./scenes --layout '*_(BAND).tif' --rules cdse
    byoc cog check s3://my-bucket/scenes/ -o json
    """
    from sentinelhub_byoc.cog import check_cog, check_prefix

    _output.no_geojson(state.output)
    # Paths are looked at first, so a typo in the last one is reported before any reading.
    prefixes = [_is_prefix(path) for path in paths]
    results: list[CogReport | TileCheck] = []
    try:
        for path, is_prefix in zip(paths, prefixes, strict=True):
            if is_prefix:
                results.extend(check_prefix(path, layout=layout, rules=rules))
            else:
                results.append(check_cog(path, rules=rules))
    except ImportError as error:
        # The message of the cog package's ImportError already names the extra to install.
        raise _errors.CommandError(str(error), _errors.AUTH) from error
    if state.output == "json":
        _output.print_json([_result_dict(result) for result in results])
    elif state.output == "ndjson":
        _output.print_ndjson(_result_dict(result) for result in results)
    else:
        for result in results:
            click.echo(result.format())
    failing = sum(1 for result in results if not result.ok)
    warned = sum(1 for result in results if result.ok and result.warnings)
    _output.message(
        f"{len(results)} checked: {failing} with errors, {warned} with warnings only, "
        f"{len(results) - failing - warned} OK"
    )
    if failing:
        raise click.exceptions.Exit(_errors.TILES_FAILED)
