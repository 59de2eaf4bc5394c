"""Global options after the command too: ``byoc collections list --debug`` works as ``byoc --debug ...``.

:func:`accept_everywhere` gives every command and group below ``byoc`` a hidden copy of each
global option (``--debug``, ``-o``, ``--profile``, ``--base-url``...). A copy is eager, so it is
read before the command's arguments (a collection name is looked up with the client those
options describe), and given on the command line it sets the run's :class:`CliState` as the
global option would: the one given last wins. A command that has an option of the same name or
spelling keeps its own (``-o`` of the listing commands does the same thing anyway).
"""

from __future__ import annotations

import copy
from typing import Any

import click
from click.core import ParameterSource

from sentinelhub_byoc.cli._context import CliState, enable_debug_logging

# Not copied: --version and --help belong to the group alone.
_GROUP_ONLY = frozenset({"version", "help"})

_NOTE = "Global options (byoc --help) may come after the command too, e.g. --debug, -o json, --profile NAME."


def accept_everywhere(group: click.Group) -> None:
    """Give every command below *group*, at any depth, a hidden copy of *group*'s options."""
    options = [
        param for param in group.params if isinstance(param, click.Option) and param.name not in _GROUP_ONLY
    ]
    for command in _below(group):
        own_names = {param.name for param in command.params}
        own_spellings = {text for param in command.params for text in (*param.opts, *param.secondary_opts)}
        for option in options:
            if option.name in own_names or own_spellings.intersection((*option.opts, *option.secondary_opts)):
                continue
            command.params.append(_late_copy(option))
        if not isinstance(command, click.Group):
            command.epilog = f"{command.epilog}\n\n{_NOTE}" if command.epilog else _NOTE


def _below(group: click.Group) -> list[click.Command]:
    found: list[click.Command] = []
    for command in group.commands.values():
        found.append(command)
        if isinstance(command, click.Group):
            found += _below(command)
    return found


def _late_copy(option: click.Option) -> click.Option:
    """*option* as a command below the group takes it: hidden, eager, setting the run's state."""
    late = copy.copy(option)
    late.hidden = True
    late.is_eager = True
    late.expose_value = False
    late.callback = _apply
    return late


def _apply(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """Set what a global option given after the command says, as if given before it."""
    if param.name is None or ctx.get_parameter_source(param.name) is not ParameterSource.COMMANDLINE:
        return  # not given here: what the group's own option said stands
    state = ctx.find_object(CliState)
    if state is None:  # completing a command line: nothing is run
        return
    was_debug = state.debug
    setattr(state, param.name, value)
    state.check()
    if state.debug and not was_debug:
        enable_debug_logging(state)
