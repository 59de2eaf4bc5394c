"""The demo's output folder: claimed with a marker file; a rerun clears the demo's own outputs, nothing else.

``byoc demo --output-dir DIR`` may be run again into the same folder (``nox -s demo`` always
uses ``./demo-output``). The demo writes :data:`MARKER` into a folder it takes, and on a rerun
removes only the entries it makes (:data:`OUTPUTS`, and its temporary files). A folder without
the marker that holds anything, or a marked folder holding anything else, is refused before
anything is deleted: the demo never clears a folder it did not make, nor a file someone put in
one it did.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

from sentinelhub_byoc._paths import GUARDED
from sentinelhub_byoc._replacing import replacing
from sentinelhub_byoc.cli import _errors

MARKER = ".byoc-demo"
"""The file that says a folder holds the demo's outputs."""
OUTPUTS = ("cogs", "converted", "downloads", "footprints.geojson", "footprints.png")
"""The entries the demo makes in its folder: removed, and only they, when it runs there again."""
TEMPORARY_PREFIX = ".byoc-demo-"
"""How the demo's own temporary files in its folder begin."""
_MARKER_TEXT = (
    "This folder holds the outputs of `byoc demo`.\n"
    "Running the demo here again replaces them; it refuses a folder holding anything else.\n"
)
_SHOWN = 5  # names listed in a refusal


def prepare(output: Path | None) -> Path:
    """The demo's folder, made (or cleared of an earlier demo's outputs), marked and proven writable.

    ``None`` is a new temporary folder. Raises :class:`~sentinelhub_byoc.cli._errors.CommandError`
    (usage) for a folder the demo may not use, before deleting anything.
    """
    if output is None:
        folder = Path(tempfile.mkdtemp(prefix="byoc-demo-"))
        _mark(folder)
        return folder
    if output.exists() and not output.is_dir():
        raise _usage(f"--output-dir {str(output)!r} is a file; give a folder (it is made if missing)")
    try:
        output.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=output, prefix=TEMPORARY_PREFIX):
            pass
        entries = sorted(entry.name for entry in os.scandir(output))
    except OSError as error:
        raise _usage(
            f"cannot write to --output-dir {str(output)!r}: {error.strerror or error}; "
            "give a folder you can write to"
        ) from None
    if entries:
        _check_earlier_demo(output, entries)
        for name in entries:
            if name != MARKER:
                _remove(output / name)
    _mark(output)
    return output


def _check_earlier_demo(output: Path, entries: list[str]) -> None:
    """Refuse *output* unless it is marked and holds nothing but the demo's outputs."""
    if not _is_marked(output):
        if set(entries) <= set(OUTPUTS):
            # Made by a version of the demo that wrote no marker, or by someone else: not provably ours.
            raise _usage(
                f"--output-dir {str(output)!r} holds what looks like an earlier demo's {_names(entries)} "
                f"but no {MARKER} file saying the demo made it; nothing was deleted: remove them "
                "yourself or give an empty or new folder"
            )
        raise _usage(
            f"--output-dir {str(output)!r} holds files the demo did not make ({_names(entries)}); "
            "nothing was deleted: give an empty or new folder"
        )
    foreign = [name for name in entries if not _is_demo_entry(name)]
    if foreign:
        raise _usage(
            f"--output-dir {str(output)!r} holds files the demo did not make ({_names(foreign)}); "
            "nothing was deleted: move them away or give an empty or new folder"
        )


def _is_demo_entry(name: str) -> bool:
    # Atomic writes leave ".<name>.<random>" behind only when interrupted.
    return (
        name == MARKER
        or name in OUTPUTS
        or name.startswith(TEMPORARY_PREFIX)
        or any(name.startswith(f".{output}.") for output in OUTPUTS)
    )


def _is_marked(output: Path) -> bool:
    """Whether the marker is there: a regular file (never a link followed) with the demo's text."""
    path = output / MARKER
    try:
        handle = os.open(path, os.O_RDONLY | GUARDED)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return False
        return os.read(handle, len(_MARKER_TEXT) + 1) == _MARKER_TEXT.encode()
    except OSError:
        return False
    finally:
        os.close(handle)


def _remove(path: Path) -> None:
    """Remove an earlier demo's entry: a link or file itself, a folder with its contents, no link followed."""
    try:
        if path.is_dir() and not path.is_symlink():
            # rmtree removes links inside the tree, never what they point to.
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    except OSError as error:
        raise _usage(
            f"cannot clear the earlier demo's {path.name} in --output-dir {str(path.parent)!r}: "
            f"{error.strerror or error}; remove it yourself or give a new folder"
        ) from None


def write_atomically(target: Path, text: str) -> None:
    """Write *text* to *target* in the demo's folder: a temporary file of the demo's own, then a rename.

    The temporary name starts with :data:`TEMPORARY_PREFIX`, so one left by a crash is the
    demo's to clear on its next run.
    """
    with replacing(target, prefix=TEMPORARY_PREFIX) as file:
        file.write(text)


def _mark(folder: Path) -> None:
    """Write the marker, unless the folder already carries it."""
    if _is_marked(folder):
        return
    try:
        write_atomically(folder / MARKER, _MARKER_TEXT)
    except OSError as error:
        raise _usage(
            f"cannot write to --output-dir {str(folder)!r}: {error.strerror or error}; "
            "give a folder you can write to"
        ) from None


def _names(names: list[str]) -> str:
    # A name is shown as typed unless it could break the one-line message (a newline, a control).
    shown = ", ".join(name if name.isprintable() else repr(name) for name in names[:_SHOWN])
    return shown if len(names) <= _SHOWN else f"{shown} and {len(names) - _SHOWN} more"


def _usage(message: str) -> _errors.CommandError:
    return _errors.CommandError(message, _errors.USAGE)
