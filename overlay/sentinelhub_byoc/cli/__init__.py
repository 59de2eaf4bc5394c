"""The ``byoc`` command line: ``byoc [GLOBAL OPTIONS] GROUP COMMAND [ARGUMENTS]``.

Built on click (tables and progress bars by rich), both from the ``cli`` extra. Each command group
is a module of its own: ``_collections``, ``_tiles``, ``_files``, ``_cog``, ``_auth``, ``_serve``
(``emulator serve``) and ``_demo``; ``_app`` puts them together under the global options. What they
share: ``_context`` (the global options and the client made from them), ``_global_options`` (the
same options accepted after a command), ``_names`` (a COLLECTION given by id or exact name),
``_input`` (JSON and tile ids from arguments, files or stdin), ``_output`` (tables, JSON, NDJSON,
GeoJSON) with ``_tables`` (fitting tables to the terminal's width, pure), ``_confirm`` (the prompt,
or ``--yes``, before a delete), ``_errors`` (exit codes, one-line errors in the command line's
words), ``_pipes`` (a closed stdout ends quietly), ``_progress`` (progress bars from workflow
events), ``_demo_folder`` (the demo's own output folder, cleared on a rerun) and
``_convert_options`` (the conversion flags of ``cog convert`` and ``tiles sync --convert``).
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Run the ``byoc`` command line with *argv* (default: ``sys.argv[1:]``); return its exit code."""
    try:
        import click
        import rich  # noqa: F401  # checked here so that a missing extra is one line, not a traceback
    except ImportError as error:
        print(
            f"byoc: error: the command line needs {error.name}, which is not installed: "
            "pip install 'sentinelhub-byoc[cli]'",
            file=sys.stderr,
        )
        return 3
    from sentinelhub_byoc.cli._app import byoc

    try:
        result = byoc.main(args=argv, prog_name="byoc", standalone_mode=False)
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.Abort:
        # A declined confirmation, or Ctrl-C at a prompt: nothing was done.
        click.echo("byoc: aborted", err=True)
        return 1
    return result if isinstance(result, int) else 0
