"""Writing results: tables for people, JSON, NDJSON or GeoJSON for programs.

Data goes to stdout; messages (``deleted ...``) go to stderr, so a pipe carries only data. JSON
is the API's own camelCase form of each object (``to_dict()``), the same the service answers.

A table fits the terminal it is drawn in (:mod:`~sentinelhub_byoc.cli._tables` decides how): ids,
statuses and times whole, paths and prose shortened with "…", columns left out by priority. In a
pipe or a file, and with ``--wide``, every value is whole and every row one line. Text from a
server or a disk is written with its control characters escaped, so it cannot drive the terminal.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import attrs
import click

from sentinelhub_byoc.cli._context import OutputFormat
from sentinelhub_byoc.cli._tables import GAP, Column, fit, printable, shorten, shorten_line, wrap
from sentinelhub_byoc.models import Collection, Tile

if TYPE_CHECKING:
    from sentinelhub_byoc.workflows import DownloadReport, ReingestReport, SyncPlan, SyncReport, WaitResult
    from sentinelhub_byoc.workflows.reports import RequestEstimate

# Wide enough that rich never wraps a row: a pipe or a file has no width of its own.
_UNBOUNDED = 1_000_000

_WIDE = "sentinelhub_byoc.cli.wide"


def _set_wide(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[_WIDE] = True


wide_option = click.option(
    "--wide",
    is_flag=True,
    expose_value=False,
    callback=_set_wide,
    help="show every column, and every value whole (no '…'), one row per line.",
)
"""``--wide`` of the commands that print tables: nothing left out or shortened to fit the terminal."""


def _is_wide(wide: bool | None) -> bool:
    """*wide*, else whether the command line gave ``--wide``."""
    if wide is not None:
        return wide
    ctx = click.get_current_context(silent=True)
    return ctx is not None and bool(ctx.meta.get(_WIDE))


def _console(*, whole: bool = False) -> Any:
    from rich.console import Console

    if whole or not sys.stdout.isatty():
        # Rows stay whole (rich would wrap them at 80 columns), so that grep, cut and awk see
        # one line per item; --wide asks for the same in a terminal.
        return Console(
            file=sys.stdout, width=_UNBOUNDED, soft_wrap=False, force_terminal=False, color_system=None
        )
    return Console(file=sys.stdout, soft_wrap=False)


def _time(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


@attrs.frozen
class TableKind:
    """The columns of one kind of table, and which of them matter most when space is short.

    *priority* lists headings most wanted first; the *required* ones are shown at any width.
    """

    columns: tuple[Column, ...]
    priority: tuple[str, ...]
    required: tuple[str, ...]

    @property
    def headings(self) -> tuple[str, ...]:
        """The columns' headings, in the table's order."""
        return tuple(column.heading for column in self.columns)

    def printable_row(self, row: Sequence[str]) -> list[str]:
        """*row* safe for a terminal: prose on one line, other cells with line breaks escaped."""
        return [
            printable(cell, one_line=column.fit == "end")
            for column, cell in zip(self.columns, row, strict=True)
        ]


_COLLECTION_COLUMNS = (
    Column("id"),
    Column("name", "end", comfortable=24),
    Column("bucket", "end", comfortable=24),
    Column("bands", "end"),
    Column("created"),
)
COLLECTIONS = TableKind(
    _COLLECTION_COLUMNS,
    priority=("id", "name", "bucket", "created", "bands"),
    required=("id", "name"),
)
"""Collections: id and name always, then bucket, created, bands."""

_TILE_COLUMNS = (
    Column("id"),
    # At the narrowest, a date folder and a file name: "2024/05/01/S…/(BAND).tif".
    Column("path", "middle", narrowest=24, comfortable=40),
    Column("status"),
    Column("sensing time"),
    Column("created"),
    Column("failure cause", "end", narrowest=16, comfortable=40),
)
TILES = TableKind(
    _TILE_COLUMNS,
    # The sensing time last: a tile's path usually carries its date.
    priority=("id", "status", "path", "created", "failure cause", "sensing time"),
    required=("id", "status"),
)
"""Tiles: id and status always, then path, created, failure cause, sensing time."""

FAILED_TILES = TableKind(
    _TILE_COLUMNS,
    priority=("id", "status", "failure cause", "path", "created", "sensing time"),
    required=("id", "status"),
)
"""Tiles that failed: the cause comes right after id and status."""


def _collection_row(collection: Collection) -> list[str]:
    return [
        str(collection.id or ""),
        collection.name,
        collection.s3_bucket,
        ", ".join(collection.bands),
        _time(collection.created),
    ]


def _tile_row(tile: Tile, cause_width: int | None = None) -> list[str]:
    cause = " ".join((tile.failure_cause or "").split())
    return [
        str(tile.id or ""),
        tile.path,
        str(tile.status or ""),
        _time(tile.sensing_time),
        _time(tile.created),
        cause if cause_width is None else shorten(cause, cause_width, "end"),
    ]


def print_table(columns: Sequence[str], rows: Iterable[Sequence[str]], *, header: bool = True) -> None:
    """A table of *rows* on stdout, every cell whole and every row one line (blanks at the end cut).

    What a pipe, a file and ``--wide`` get. The cells are written as given: make them
    :func:`~sentinelhub_byoc.cli._tables.printable` first.
    """
    from rich.text import Text

    table = _rich_table(header=header)
    for column in columns:
        table.add_column(column, no_wrap=True)
    for row in rows:
        # Text, not markup: a name, path or cause may hold "[...]".
        table.add_row(*(Text(cell) for cell in row))
    console = _console(whole=True)
    with console.capture() as captured:
        console.print(table)
    # Rich pads every cell to its column's width; in a file the padding at the end is noise.
    click.echo("\n".join(line.rstrip() for line in captured.get().splitlines()))


def _rich_table(*, header: bool = True) -> Any:
    from rich import box
    from rich.table import Table

    return Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, show_header=header)


def print_rows(kind: TableKind, rows: Iterable[Sequence[str]], *, wide: bool | None = None) -> None:
    """Rows of a table of *kind*: fitted to the terminal, else (a pipe, a file, --wide) whole.

    In a terminal, columns are left out by the kind's priority until the rest fit; ids,
    statuses and times are never cut, paths lose their middle and prose its end to "…". When
    even the required columns do not fit, each row becomes a block of ``column: value`` lines.
    """
    from rich.text import Text

    cells = [kind.printable_row(row) for row in rows]
    console = _console(whole=_is_wide(wide))
    if not console.is_terminal:
        print_table(kind.headings, cells)
        return
    fitted = fit(kind.columns, cells, console.width, priority=kind.priority, required=kind.required)
    if fitted is None:
        whole = [column.heading for column in kind.columns if column.fit != "end"]
        _print_blocks(kind.headings, cells, whole=whole, width=console.width, max_lines=3)
        return
    table = _rich_table()
    for index, width in zip(fitted.indices, fitted.widths, strict=True):
        table.add_column(kind.columns[index].heading, no_wrap=True, width=width)
    for row in cells:
        table.add_row(
            *(
                Text(shorten(row[index], width, kind.columns[index].fit))
                for index, width in zip(fitted.indices, fitted.widths, strict=True)
            )
        )
    console.print(table)


def print_item(kind: TableKind, row: Sequence[str], *, wide: bool | None = None) -> None:
    """One item as ``field  value`` lines: in a terminal each value fits beside the fields.

    Ids and times are whole (in a terminal too narrow for them beside the fields, each value
    goes under its field instead), a path loses its middle to "…", prose wraps onto at most
    three lines.
    """
    from rich.cells import cell_len
    from rich.text import Text

    cells = kind.printable_row(row)
    console = _console(whole=_is_wide(wide))
    if not console.is_terminal:
        print_table(("field", "value"), zip(kind.headings, cells, strict=True), header=False)
        return
    room = console.width - max(cell_len(heading) for heading in kind.headings) - GAP
    whole = [column.heading for column in kind.columns if column.fit == "whole"]
    if any(
        cell_len(cell) > room for heading, cell in zip(kind.headings, cells, strict=True) if heading in whole
    ):
        # An id folded beside its field could not be pasted back: each value gets its own line.
        paths = [column.heading for column in kind.columns if column.fit != "end"]
        _print_blocks(kind.headings, [cells], whole=paths, width=console.width, max_lines=3)
        return
    table = _rich_table(header=False)
    table.add_column("field", no_wrap=True)
    table.add_column("value", overflow="fold")
    for column, cell in zip(kind.columns, cells, strict=True):
        if column.fit == "end":
            cell = "\n".join(wrap(cell, room, max_lines=3))
        elif column.fit == "middle":
            cell = shorten(cell, room, "middle")
        table.add_row(Text(column.heading), Text(cell))
    console.print(table)


# What rich puts between two columns of a table without edges: padding, divider, padding.
_COLUMN_GAP = GAP
# A wrapped column narrower than this is unreadable: rows become blocks instead.
_MIN_WRAPPED = 16


def print_fitted_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    whole: Sequence[str],
    max_lines: int = 3,
    wide: bool | None = None,
) -> None:
    """A table whose *whole* columns (paths, ids) are never cut, fitted to the terminal.

    The other columns wrap into the width left and end in "…" after *max_lines* lines. When
    the whole columns leave too little room, each row becomes a block of ``column: value``
    lines instead. A cell may hold several lines (one path each). In a pipe, a file or with
    ``--wide`` every cell is whole and every row one line (a cell's lines joined by ", "), for
    grep and cut.
    """
    from rich.cells import cell_len

    rows = [["\n".join(printable(line) for line in cell.splitlines()) for cell in row] for row in rows]
    console = _console(whole=_is_wide(wide))
    if not console.is_terminal:
        flat = [[", ".join(cell.splitlines()) for cell in row] for row in rows]
        print_table(columns, flat)
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

    def fitted(text: str, width: int) -> str:
        return "\n".join(wrap(text, width, max_lines))

    from rich.text import Text

    table = _rich_table()
    for index, column in enumerate(columns):
        table.add_column(column, no_wrap=True, width=share.get(index, widths[index]))
    for row in rows:
        # Text, not markup: a path or a cause may hold "[...]".
        table.add_row(*(Text(fitted(cell, share[i]) if i in share else cell) for i, cell in enumerate(row)))
    console.print(table)


def _print_blocks(
    columns: Sequence[str], rows: Sequence[Sequence[str]], *, whole: Sequence[str], width: int, max_lines: int
) -> None:
    """Each row as its first cell, then ``column: value`` lines indented under it."""
    from rich.cells import cell_len

    label = max(cell_len(column) for column in columns[1:]) + 2
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
                if any(len(head) + cell_len(line) > width for line in lines):
                    # A path is never cut: it gets lines of its own, indented while that fits.
                    click.echo(head.rstrip())
                    for line in lines:
                        click.echo(line if cell_len(line) + 2 > width else "  " + line)
                    continue
            else:
                lines = wrap(cell, max(width - len(head), _MIN_WRAPPED), max_lines)
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
    kind: TableKind,
    row: Callable[[Any], list[str]],
    *,
    single: bool,
    wide: bool | None,
) -> None:
    if output == "ndjson":
        print_ndjson(item.to_dict() for item in items)
    elif output == "json":
        dicts = [item.to_dict() for item in items]
        print_json(dicts[0] if single and len(dicts) == 1 else dicts)
    elif single:
        for item in items:
            print_item(kind, row(item), wide=wide)
    else:
        print_rows(kind, [row(item) for item in items], wide=wide)


def no_geojson(output: OutputFormat) -> None:
    """Refuse ``-o geojson`` for what has no geometry."""
    if output == "geojson":
        raise click.UsageError("-o geojson is for tiles; use table, json or ndjson here")


def show_collections(
    collections: Iterable[Collection], output: OutputFormat, *, single: bool = False, wide: bool | None = None
) -> None:
    """Collections as a table (id, name, bucket, bands, created) or JSON.

    *wide* (default: whether the command line gave ``--wide``) shows every column whole.
    """
    no_geojson(output)
    _emit(collections, output, COLLECTIONS, _collection_row, single=single, wide=wide)


def show_tiles(
    tiles: Iterable[Tile],
    output: OutputFormat,
    *,
    single: bool = False,
    cause_width: int | None = None,
    failures: bool = False,
    wide: bool | None = None,
) -> None:
    """Tiles as a table, JSON, or GeoJSON features in WGS84 (cover geometry, else bounding box).

    A table fits the terminal (:func:`print_rows`); *failures* puts the failure cause right after
    id and status when columns must be left out. *cause_width* caps the causes in a table even
    where values are otherwise whole (a short overview); *wide* (default: whether the command
    line gave ``--wide``) shows every column whole.
    """
    if output == "geojson":
        features = [tile.__geo_interface__ for tile in tiles]
        if single and len(features) == 1:
            print_json(features[0])
        else:
            print_json({"type": "FeatureCollection", "features": features})
        return
    kind = FAILED_TILES if failures else TILES
    _emit(tiles, output, kind, lambda tile: _tile_row(tile, cause_width), single=single, wide=wide)


def show_values(column: str, values: Iterable[Any], output: OutputFormat) -> None:
    """Plain values (file names...): one column, a JSON array, or one JSON value per line.

    In a table each value is whole, its control characters and line breaks escaped.
    """
    no_geojson(output)
    if output == "ndjson":
        print_ndjson(values)
    elif output == "json":
        print_json(list(values))
    else:
        print_table((column,), ([printable(str(value))] for value in values))


def show_record(record: dict[str, Any], output: OutputFormat) -> None:
    """One small record (a file size, an auth check): a two-column table or one JSON object.

    In a table every value is whole: in a terminal a long one folds onto the next line.
    """
    no_geojson(output)
    if output == "ndjson":
        print_ndjson([record])
    elif output == "json":
        print_json(record)
    else:
        kind = TableKind(tuple(Column(key) for key in record), priority=(), required=())
        print_item(kind, [str(value) for value in record.values()])


def message(text: str) -> None:
    """A note for the person at the terminal, on stderr (never mixed into piped data)."""
    click.echo(text, err=True)


def _plan_dict(plan: SyncPlan) -> dict[str, Any]:
    return {
        "collection": plan.collection,
        "source": plan.source,
        "counts": plan.counts,
        "tiles": [
            {
                "action": tile.action,
                "path": tile.path,
                "reason": tile.reason,
                "tileId": None if tile.tile_id is None else str(tile.tile_id),
                "files": list(tile.files),
            }
            for tile in plan.tiles
            if tile.action != "skip"
        ],
        "uploads": list(plan.uploads),
        "uploadReasons": {key: plan.upload_reasons.get(key, "changed") for key in plan.uploads},
        "unmatched": list(plan.unmatched),
        "excluded": list(plan.excluded),
        "refused": dict(plan.refused),
        "refusedTiles": dict(plan.refused_tiles),
        "maxDelete": plan.max_delete,
        "tooManyDeletions": plan.too_many_deletions,
        "estimate": None if plan.estimate is None else _estimate_dict(plan.estimate),
    }


def _estimate_dict(estimate: RequestEstimate) -> dict[str, Any]:
    return {
        "requests": estimate.requests,
        "writes": estimate.writes,
        "waitRequests": estimate.wait_requests,
        "seconds": estimate.seconds,
        "requestsPerMinute": estimate.requests_per_minute,
        "processingUnits": estimate.processing_units,
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


def show_report(
    report: Any, as_dict: Callable[[Any], dict[str, Any]], output: OutputFormat, *, wide: bool | None = None
) -> None:
    """A workflow's report: its own text for people, *as_dict* of it as JSON for programs.

    In a terminal each indented line (an item: a failed tile and its cause) is cut to the width
    with "…", never inside an id; the unindented summary lines wrap as the terminal wraps them.
    *wide* (default: whether the command line gave ``--wide``), a pipe or a file get every line
    whole.
    """
    no_geojson(output)
    if output == "ndjson":
        print_ndjson([as_dict(report)])
    elif output == "json":
        print_json(as_dict(report))
    else:
        print_report_text(str(report), wide=wide)


def print_report_text(text: str, *, wide: bool | None = None) -> None:
    """A report's text on stdout, control characters escaped; item lines fitted to a terminal."""
    console = _console(whole=_is_wide(wide))
    lines = [printable(line) for line in text.splitlines()]
    if console.is_terminal:
        lines = [shorten_line(line, console.width) if line.startswith(" ") else line for line in lines]
    click.echo("\n".join(lines))
