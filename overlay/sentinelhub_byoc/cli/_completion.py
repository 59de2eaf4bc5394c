"""``byoc completion SHELL``: the script that makes a shell complete ``byoc`` commands and options.

It prints what click generates for ``_BYOC_COMPLETE=SHELL_source byoc``; add to ``~/.bashrc``::

    eval "$(byoc completion bash)"
"""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

SHELLS = ("bash", "zsh", "fish")


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def command(ctx: click.Context, shell: str) -> None:
    """Print the completion script for SHELL (bash, zsh or fish).

    \b
    bash: eval "$(byoc completion bash)"       in ~/.bashrc
    zsh:  eval "$(byoc completion zsh)"        in ~/.zshrc
    fish: byoc completion fish > ~/.config/fish/completions/byoc.fish
    """
    root = ctx.find_root()
    completion = get_completion_class(shell)
    assert completion is not None  # every name in SHELLS is one of click's
    script = completion(root.command, {}, "byoc", "_BYOC_COMPLETE").source()
    click.echo(script)
