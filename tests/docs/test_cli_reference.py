"""The per-command reference of ``byoc`` (docs/reference/cli-commands.md): every command, as --help says."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

click = pytest.importorskip("click")

from sentinelhub_byoc.cli._app import byoc  # noqa: E402


def _commands(
    command: click.Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        for name, subcommand in command.commands.items():
            if not subcommand.hidden:
                yield from _commands(subcommand, (*path, name))


@pytest.fixture(scope="module")
def page(site: Path) -> str:
    return html.unescape((site / "reference" / "cli-commands" / "index.html").read_text(encoding="utf-8"))


def test_every_command_has_a_section_with_its_usage(page: str) -> None:
    missing = []
    for path, command in _commands(byoc):
        anchor = "-".join(("byoc", *path))
        usage = " ".join(("byoc", *path, *command.collect_usage_pieces(click.Context(command))))
        if f'id="{anchor}"' not in page or usage not in page:
            missing.append(" ".join(("byoc", *path)))
    assert not missing, f"not in the commands reference: {missing}"


def test_every_option_is_described(page: str) -> None:
    for path, command in _commands(byoc):
        for parameter in command.params:
            if isinstance(parameter, click.Option) and not parameter.hidden:
                assert parameter.help, f"byoc {' '.join(path)} {parameter.opts[0]} has no help"
                assert max(parameter.opts, key=len) in page, (path, parameter.opts)


def test_no_placeholder_values(page: str) -> None:
    # click's unset default, shown by a table style that predates it
    assert "Sentinel.UNSET" not in page
    assert not re.search(r"\bNone\b\s*</td>", page)
