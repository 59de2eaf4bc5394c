"""Writing results: rich tables for people, JSON, NDJSON or GeoJSON for programs.

Data goes to stdout; messages (``deleted ...``) go to stderr, so a pipe carries only data. JSON
is the API's own camelCase form of each object (``to_dict()``), the same the service answers.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import click

from sentinelhub_byoc.cli._context import OutputFormat
from sentinelhub_byoc.models import Collection, Tile

if TYPE_CHECKING:
    from sentinelhub_byoc.workflows import DownloadReport, ReingestReport, SyncPlan, SyncReport, WaitResult

#: Longest failure cause shown in a table cell; ``-o json`` has the whole text.
CAUSE_WIDTH = 60


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # A pipe or file has no width of its own: rows stay whole there (rich would wrap them at 80
    # columns), so that grep, cut and awk see one line per item.
    width = None if stream.isatty() else 10_000
    return Console(file=stream, width=width, soft_wrap=False)


def _time(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _short(text: str | None, width: int = CAUSE_WIDTH) -> str:
    if not text:
        return ""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _collection_row(collection: Collection) -> list[str]:
    return [
        str(collection.id or ""),
        collection.name,
        collection.s3_bucket,
        ", ".join(collection.bands),
        _time(collection.created),
    ]


def _tile_row(tile: Tile, cause_width: int = CAUSE_WIDTH) -> list[str]:
    return [
        str(tile.id or ""),
        tile.path,
        str(tile.status or ""),
        _time(tile.sensing_time),
        _time(tile.created),
        _short(tile.failure_cause, cause_width),
    ]


COLLECTION_COLUMNS = ("id", "name", "bucket", "bands", "created")
# On a narrow terminal these keep their width; names, paths and causes wrap instead.
_NO_WRAP = ("id", "status", "sensing time", "created")
TILE_COLUMNS = ("id", "path", "status", "sensing time", "created", "failure cause")


def print_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    no_wrap: Sequence[str] = (),
    header: bool = True,
) -> None:
    """A rich table of *rows* on stdout."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, show_header=header)
    for column in columns:
        table.add_column(column, no_wrap=column in no_wrap, overflow="fold")
    for row in rows:
        # Text, not markup: a name, path or cause may hold "[...]".
        table.add_row(*(Text(cell) for cell in row))
    console = _console()
    if console.is_terminal:
        console.print(table)
        return
    # Rich pads every cell to its column's width; in a file the padding at the end is noise.
    with console.capture() as captured:
        console.print(table)
    click.echo("\n".join(line.rstrip() for line in captured.get().splitlines()))


# What rich puts between two columns of a table without edges: padding, divider, padding.
_COLUMN_GAP = 3
# A wrapped column narrower than this is unreadable: rows become blocks instead.
_MIN_WRAPPED = 16


def print_fitted_table(
    columns: Sequence[str], rows: Sequence[Sequence[str]], *, whole: Sequence[str], max_lines: int = 3
) -> None:
    """A table whose *whole* columns (paths, ids) are never cut, fitted to the terminal.

    The other columns wrap into the width left and end in "…" after *max_lines* lines. When
    the whole columns leave too little room, each row becomes a block of ``column: value``
    lines instead. A cell may hold several lines (one path each). In a pipe or a file every
    cell is whole and every row one line (a cell's lines joined by ", "), for grep and cut.
    """
    import textwrap

    from rich.cells import cell_len

    console = _console()
    if not console.is_terminal:
        flat = [[", ".join(cell.splitlines()) for cell in row] for row in rows]
        print_table(columns, flat, no_wrap=columns)
        return
    widths = [
        max([cell_len(column)] + [cell_len(line) for row in rows for line in row[index].splitlines()])
        for index, column in enumerate(columns)
    ]
    wrapped = [index for index, column in enumerate(columns) if column not in whole]
    room = (
        console.width
        - sum(width for index, width in enumerate(widths) if index not in wrapped)
        - _COLUMN_GAP * (len(columns) - 1)
    )
    # The room left is shared evenly; a column needing less gives the rest to the others.
    share: dict[int, int] = {}
    for count, index in enumerate(sorted(wrapped, key=lambda i: widths[i])):
        share[index] = min(widths[index], room // (len(wrapped) - count)) if room > 0 else 0
        room -= share[index]
    if any(share[index] < min(_MIN_WRAPPED, widths[index]) for index in wrapped):
        _print_blocks(columns, rows, whole=whole, width=console.width, max_lines=max_lines)
        return

    def fit(text: str, width: int) -> str:
        lines = textwrap.wrap(" ".join(text.split()), width, max_lines=max_lines, placeholder=" …")
        return "\n".join(lines)

    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for index, column in enumerate(columns):
        table.add_column(column, no_wrap=True, width=share.get(index, widths[index]))
    for row in rows:
        # Text, not markup: a path or a cause may hold "[...]".
        table.add_row(*(Text(fit(cell, share[i]) if i in share else cell) for i, cell in enumerate(row)))
    console.print(table)


def _print_blocks(
    columns: Sequence[str], rows: Sequence[Sequence[str]], *, whole: Sequence[str], width: int, max_lines: int
) -> None:
    """Each row as its first cell, then ``column: value`` lines indented under it."""
    import textwrap

    label = max(len(column) for column in columns[1:]) + 2
    for number, row in enumerate(rows):
        if number:
            click.echo("")
        click.echo(row[0])
        for column, cell in zip(columns[1:], row[1:], strict=True):
            if not cell:
                continue
            head = f"  {column}:".ljust(label + 2)
            if column in whole:
                lines = cell.splitlines()
                if any(len(head) + len(line) > width for line in lines):
                    # A path is never cut: it gets lines of its own, indented while that fits.
                    click.echo(head.rstrip())
                    for line in lines:
                        click.echo(line if len(line) + 2 > width else "  " + line)
                    continue
            else:
                lines = textwrap.wrap(
                    " ".join(cell.split()),
                    max(width - len(head), _MIN_WRAPPED),
                    max_lines=max_lines,
                    placeholder=" …",
                )
            for index, line in enumerate(lines):
                click.echo((head if index == 0 else " " * len(head)) + line)


def print_json(value: Any) -> None:
    """*value* as indented JSON on stdout."""
    click.echo(json.dumps(value, indent=2, ensure_ascii=False))


def print_ndjson(values: Iterable[Any]) -> None:
    """Each value as one line of compact JSON, written as it comes (a listing streams)."""
    for value in values:
        click.echo(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def _emit(
    items: Iterable[Any],
    output: OutputFormat,
    columns: Sequence[str],
    row: Callable[[Any], list[str]],
    *,
    single: bool,
) -> None:
    if output == "ndjson":
        print_ndjson(item.to_dict() for item in items)
    elif output == "json":
        dicts = [item.to_dict() for item in items]
        print_json(dicts[0] if single and len(dicts) == 1 else dicts)
    elif single:
        for item in items:
            print_table(
                ("field", "value"), zip(columns, row(item), strict=True), no_wrap=("field",), header=False
            )
    else:
        print_table(columns, (row(item) for item in items), no_wrap=_NO_WRAP)


def no_geojson(output: OutputFormat) -> None:
    """Refuse ``-o geojson`` for what has no geometry."""
    if output == "geojson":
        raise click.UsageError("-o geojson is for tiles; use table, json or ndjson here")


def show_collections(
    collections: Iterable[Collection], output: OutputFormat, *, single: bool = False
) -> None:
    """Collections as a table (id, name, bucket, bands, created) or JSON."""
    no_geojson(output)
    _emit(collections, output, COLLECTION_COLUMNS, _collection_row, single=single)


def show_tiles(
    tiles: Iterable[Tile], output: OutputFormat, *, single: bool = False, cause_width: int = CAUSE_WIDTH
) -> None:
    """Tiles as a table, JSON, or GeoJSON features in WGS84 (cover geometry, else bounding box).

    A table shortens failure causes to *cause_width* characters.
    """
    if output == "geojson":
        features = [tile.__geo_interface__ for tile in tiles]
        if single and len(features) == 1:
            print_json(features[0])
        else:
            print_json({"type": "FeatureCollection", "features": features})
        return
    _emit(tiles, output, TILE_COLUMNS, lambda tile: _tile_row(tile, cause_width), single=single)


def show_values(column: str, values: Iterable[Any], output: OutputFormat) -> None:
    """Plain values (file names...): one column, a JSON array, or one JSON value per line."""
    no_geojson(output)
    if output == "ndjson":
        print_ndjson(values)
    elif output == "json":
        print_json(list(values))
    else:
        print_table((column,), ([str(value)] for value in values))


def show_record(record: dict[str, Any], output: OutputFormat) -> None:
    """One small record (a file size, an auth check): a two-column table or one JSON object."""
    no_geojson(output)
    if output == "ndjson":
        print_ndjson([record])
    elif output == "json":
        print_json(record)
    else:
        print_table(
            ("field", "value"),
            ([key, str(value)] for key, value in record.items()),
            no_wrap=("field",),
            header=False,
        )


def message(text: str) -> None:
    """A note for the person at the terminal, on stderr (never mixed into piped data)."""
    click.echo(text, err=True)


def _plan_dict(plan: SyncPlan) -> dict[str, Any]:
    return {
        "collection": plan.collection,
        "source": plan.source,
        "counts": plan.counts,
        "tiles": [
            {"action": tile.action, "path": tile.path, "reason": tile.reason}
            for tile in plan.tiles
            if tile.action != "skip"
        ],
        "uploads": list(plan.uploads),
        "unmatched": list(plan.unmatched),
        "refused": dict(plan.refused),
        "refusedTiles": dict(plan.refused_tiles),
    }


def wait_result_dict(result: WaitResult) -> dict[str, Any]:
    """A :class:`~sentinelhub_byoc.workflows.WaitResult` as JSON: tile paths by outcome, causes."""
    return {
        "ok": result.ok,
        "timedOut": result.timed_out,
        "seconds": round(result.seconds, 3),
        "ingested": sorted(tile.path for tile in result.ingested),
        "failed": dict(sorted(result.failed.items())),
        "pending": sorted(tile.path for tile in result.pending),
        "missing": [str(tile) for tile in result.missing],
    }


def sync_report_dict(report: SyncReport) -> dict[str, Any]:
    """A :class:`~sentinelhub_byoc.workflows.SyncReport` as JSON, in the API's camelCase style.

    A dry run carries the plan's tiles (those it would change); a real run what it did.
    """
    return {
        "ok": report.ok,
        "dryRun": report.dry_run,
        "collection": report.plan.collection,
        "source": report.plan.source,
        "uploaded": list(report.uploaded),
        "created": list(report.created),
        "reingested": list(report.reingested),
        "deleted": list(report.deleted),
        "skipped": list(report.skipped),
        "failed": dict(report.failed),
        "failedBefore": dict(report.failed_before),
        "refused": dict(report.refused),
        "ingestion": None if report.ingestion is None else wait_result_dict(report.ingestion),
        "plan": _plan_dict(report.plan),
    }


def reingest_report_dict(report: ReingestReport) -> dict[str, Any]:
    """A :class:`~sentinelhub_byoc.workflows.ReingestReport` as JSON."""
    return {
        "ok": report.ok,
        "reingested": list(report.reingested),
        "refused": dict(report.errors),
        "ingestion": None if report.ingestion is None else wait_result_dict(report.ingestion),
    }


def download_report_dict(report: DownloadReport) -> dict[str, Any]:
    """A :class:`~sentinelhub_byoc.workflows.DownloadReport` as JSON (paths as text)."""
    return {
        "ok": report.ok,
        "written": [str(path) for path in report.written],
        "skipped": [str(path) for path in report.skipped],
        "bytes": report.bytes,
        "failed": [
            {"tile": failure.tile, "name": failure.name, "cause": failure.cause} for failure in report.failed
        ],
    }


def show_report(report: Any, as_dict: Callable[[Any], dict[str, Any]], output: OutputFormat) -> None:
    """A workflow's report: its own text for people, *as_dict* of it as JSON for programs."""
    no_geojson(output)
    if output == "ndjson":
        print_ndjson([as_dict(report)])
    elif output == "json":
        print_json(as_dict(report))
    else:
        click.echo(str(report))
