"""The ``byoc`` command line: ``byoc <group> <command> [options]``.

Each command group lives in its own module and registers itself through a function that
adds its sub-parser; add new groups to ``_GROUPS``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from sentinelhub_byoc.cli import _demo, _serve

__all__ = ["build_parser", "main"]

_Register = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]

_GROUPS: tuple[_Register, ...] = (_serve.register, _demo.register)


def build_parser() -> argparse.ArgumentParser:
    """Return the ``byoc`` argument parser with every command group."""
    parser = argparse.ArgumentParser(
        prog="byoc", description="Tools for Sentinel Hub's Bring Your Own COG (BYOC) API."
    )
    groups = parser.add_subparsers(dest="group", metavar="GROUP", required=True)
    for register in _GROUPS:
        register(groups)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``byoc`` command line and return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    return run(args)
