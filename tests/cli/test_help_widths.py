"""Every command's ``--help`` fits the terminal: no line longer than its width, at 80, 100 and 120 columns.

Each help is shown by the installed ``byoc`` script in a pseudo-terminal, as a person sees it.
Help text is wrapped by click, except blocks marked ``\\b`` (examples, the exit codes), which are
printed as written: those are what these tests catch.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.cli._terminal import byoc_script, cli_environment, in_terminal, lines

click = pytest.importorskip("click")

from sentinelhub_byoc.cli._app import byoc  # noqa: E402


def _commands(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    if isinstance(command, click.Group):
        for name, subcommand in sorted(command.commands.items()):
            if not subcommand.hidden:
                yield from _commands(subcommand, (*path, name))


COMMANDS = list(_commands(byoc))


def _helps(paths: list[tuple[str, ...]], columns: int, tmp_path: Path) -> dict[tuple[str, ...], str]:
    script, env = byoc_script(), cli_environment(tmp_path)

    def show(path: tuple[str, ...]) -> str:
        screen, status = in_terminal([script, *path, "--help"], tmp_path, env, columns)
        assert status == 0, (path, screen)
        return screen

    # One process per command; run side by side, since each mostly waits for Python to start.
    with ThreadPoolExecutor(max_workers=8) as pool:
        return dict(zip(paths, pool.map(show, paths), strict=True))


def _too_long(helps: dict[tuple[str, ...], str], columns: int) -> list[str]:
    return [
        f"byoc {' '.join(path)} --help: {len(line)} columns: {line!r}"
        for path, screen in helps.items()
        for line in lines(screen)
        if len(line) > columns
    ]


def test_there_are_commands() -> None:
    assert {("tiles", "sync"), ("collections", "delete"), ("cog", "convert")} <= set(COMMANDS)


def test_every_help_fits_80_columns(tmp_path: Path) -> None:
    helps = _helps(COMMANDS, 80, tmp_path)
    for path, screen in helps.items():
        usage = "Usage: byoc" + "".join(f" {part}" for part in path)
        assert usage in screen, (path, screen)
    assert not _too_long(helps, 80), "\n".join(_too_long(helps, 80))


@pytest.mark.parametrize("columns", [100, 120])
def test_group_helps_fit_wider_terminals(columns: int, tmp_path: Path) -> None:
    groups = [path for path in COMMANDS if len(path) <= 1]
    helps = _helps(groups, columns, tmp_path)
    assert not _too_long(helps, columns), "\n".join(_too_long(helps, columns))
