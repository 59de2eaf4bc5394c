"""Running the pinned ruff on generated text, as if it were a file of the project."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


class RuffError(RuntimeError):
    """Ruff refused the text; the message holds what it said."""


def _command() -> list[str]:
    # The ruff installed beside this interpreter is the pinned one; fall back to PATH, then -m.
    executable = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    return [executable] if executable else [sys.executable, "-m", "ruff"]


def run_ruff(arguments: list[str], text: str, stdin_filename: Path, *, cwd: Path | None = None) -> str:
    """Pass *text* through ``ruff ARGUMENTS`` as if it were the file *stdin_filename*; return the output.

    Ruff then reads the project's settings and knows which imports are first-party, whether or
    not that file exists yet.
    """
    completed = subprocess.run(
        [*_command(), *arguments, "--quiet", "--stdin-filename", str(stdin_filename), "-"],
        input=text,
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )
    if completed.returncode != 0:
        raise RuffError(f"ruff {arguments[0]} failed on {stdin_filename.name}: {completed.stderr.strip()}")
    return completed.stdout
