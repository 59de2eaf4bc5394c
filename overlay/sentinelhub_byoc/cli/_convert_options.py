"""What the converting commands share: the conversion options, and a Dask scheduler to run on.

``byoc cog convert`` takes every :class:`~sentinelhub_byoc.cog.ConvertOptions` field as an
option; ``byoc tiles sync --convert`` runs with the defaults. Both take ``--dask-scheduler``.
Option values are checked by ``ConvertOptions`` itself, so the command and the library refuse
the same values, here as usage errors before any work starts.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import click

from sentinelhub_byoc.cli import _errors

if TYPE_CHECKING:
    from sentinelhub_byoc.cog import ConvertOptions

_Command = TypeVar("_Command", bound=Callable[..., Any])

_EPSG = re.compile(r"(?:EPSG:)?([0-9]{1,6})", re.IGNORECASE)


def _nodata(ctx: click.Context, param: click.Parameter, value: str | None) -> float | Literal["keep"] | None:
    """``--nodata``: absent keeps the source's, ``none`` unsets it, a number (or ``nan``) sets it."""
    if value is None:
        return "keep"
    text = value.strip().lower()
    if text == "none":
        return None
    if text == "keep":
        return "keep"
    try:
        number = float(text)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a number; give e.g. 0, -9999, nan or none") from None
    if math.isinf(number):
        raise click.BadParameter(f"{value!r}: no-data must be a finite number, nan or none")
    return number


def _reproject(ctx: click.Context, param: click.Parameter, value: str | None) -> bool | int | str:
    """``--reproject``: absent is no reprojection; alone or ``utm`` the UTM zone of each file's centre."""
    if value is None:
        return False
    text = value.strip()
    if text.lower() == "utm":
        return True
    match = _EPSG.fullmatch(text)
    if match is None:
        raise click.BadParameter(
            f"{value!r} is neither utm nor EPSG:N; write --reproject=utm or --reproject=EPSG:32633 "
            "(a bare --reproject takes the next word as its value)"
        )
    return int(match.group(1))


def convert_options(command: _Command) -> _Command:
    """The options of :class:`~sentinelhub_byoc.cog.ConvertOptions`, each under its own name."""
    options = (
        click.option(
            "--blocksize",
            type=int,
            metavar="N",
            default=None,
            help="internal tile size in pixels: 256, 512, 1024 or 2048 (default: 1024, the "
            "service's recommendation with DEFLATE or ZSTD); overviews get the same.",
        ),
        click.option(
            "--compression",
            type=click.Choice(["DEFLATE", "ZSTD", "LZW"], case_sensitive=False),
            default=None,
            help="lossless compression (default: DEFLATE).",
        ),
        click.option(
            "--level", type=int, metavar="N", default=None, help="compression level (default: GDAL's)."
        ),
        click.option(
            "--predictor",
            type=int,
            metavar="N",
            default=None,
            help="1 none, 2 horizontal differencing, 3 floating point "
            "(default: 2 for integers, 3 for floats).",
        ),
        click.option(
            "--resampling",
            metavar="NAME",
            default=None,
            help="how overviews are computed, e.g. nearest, average, mode (default: nearest for "
            "integers, average for floats).",
        ),
        click.option(
            "--nodata",
            metavar="VALUE|none",
            default=None,
            callback=_nodata,
            help="set the no-data value (a number or nan), or none to unset it (default: keep the source's).",
        ),
        click.option(
            "--dtype",
            metavar="NAME",
            default=None,
            help="write this data type, e.g. float32 or uint16 (default: the source's, unless the rules "
            "need another).",
        ),
        click.option(
            "--reproject",
            metavar="[utm|EPSG:N]",
            is_flag=False,
            flag_value="utm",
            default=None,
            callback=_reproject,
            help="utm (the value when none is given): warp files whose CRS the service refuses into "
            "the UTM zone of their centre; EPSG:N: warp every file into that CRS (default: no "
            "warping; such files fail).",
        ),
        click.option(
            "--split-bands",
            is_flag=True,
            help="one file per band, named B1.tif, B2.tif... in a folder per source.",
        ),
    )
    for option in reversed(options):
        command = option(command)
    return command


def build_options(
    *,
    blocksize: int | None,
    compression: str | None,
    level: int | None,
    predictor: int | None,
    resampling: str | None,
    nodata: float | Literal["keep"] | None,
    dtype: str | None,
    reproject: bool | int | str,
    split_bands: bool,
) -> ConvertOptions:
    """The :class:`~sentinelhub_byoc.cog.ConvertOptions` of the command's options (a usage error if bad).

    Options not given keep ``ConvertOptions``' defaults, so the library decides them in one place.
    """
    try:
        from sentinelhub_byoc.cog import ConvertOptions
    except ImportError as error:
        raise _errors.CommandError(str(error), _errors.AUTH) from None
    from sentinelhub_byoc.errors import ValidationError

    given: dict[str, Any] = {
        "blocksize": blocksize,
        "compression": compression.upper() if compression else None,
        "level": level,
        "predictor": predictor,
        "resampling": resampling,
        "dtype": dtype,
    }
    fields = {name: value for name, value in given.items() if value is not None}
    try:
        return ConvertOptions(**fields, nodata=nodata, reproject=reproject, split_bands=split_bands)
    except ValidationError as error:
        raise click.UsageError(str(error)) from None


def dask_scheduler_option(command: _Command) -> _Command:
    """``--dask-scheduler ADDRESS``: run the work on a Dask cluster's workers (the ``dask`` extra)."""
    return click.option(
        "--dask-scheduler",
        metavar="ADDRESS",
        default=None,
        help="run conversions on the workers of this Dask scheduler, e.g. tcp://10.0.0.5:8786 "
        "(needs the dask extra; workers read AWS settings from their own environment).",
    )(command)


@contextlib.contextmanager
def dask_executor(address: str | None) -> Iterator[Any]:
    """A ``distributed.Client`` connected to *address* for the block (``None`` without one), then closed.

    Without the ``distributed`` package this is exit code 3 naming the ``dask`` extra; a scheduler
    that cannot be reached is exit code 1.
    """
    if address is None:
        yield None
        return
    try:
        from distributed import Client
    except ImportError as error:
        raise _errors.missing_dependency(error, "dask") from None
    try:
        client = Client(address)  # type: ignore[no-untyped-call]
    except (OSError, ValueError, TypeError) as error:
        # Unreachable, refused, or not an address at all: the scheduler is the user's to check.
        raise _errors.CommandError(
            f"could not connect to the Dask scheduler at {address}: {_errors.describe(error)}",
            _errors.FAILURE,
        ) from None
    try:
        yield client
    finally:
        client.close()  # type: ignore[no-untyped-call]
