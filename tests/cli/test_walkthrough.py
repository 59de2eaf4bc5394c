"""The README's ``byoc --emulator-state ./emu`` walkthrough, run exactly as printed.

Each ``$`` line of the README's console blocks that use ``./emu`` runs in ``bash -c`` with the
installed ``byoc``, in a pseudo-terminal as wide as the README's tables, in a fresh folder; a
variable the README sets (``C=...``) is kept for the lines after it, as in one shell. What the
README shows under a command must be what the command shows, except ids and the times of the
run (the times a command was typed, not the sensing times it was given). Before the first
line, the folder holds what the README's text says it holds: the bucket ``my-bucket`` (the
folder ``./emu/buckets/my-bucket``) with two scenes of COGs and one TIFF stored in strips, and
``more.ndjson`` as the README's ``cat`` shows it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import attrs
import pytest
from sentinelhub_byoc.testing import IngestionDelays

from tests.cli._cli_helpers import write_scene
from tests.cli._terminal import in_terminal

README = Path(__file__).resolve().parents[2] / "README.md"
# The width the README's output was taken at: its widest table fits.
COLUMNS = 120
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Times of the run; the sensing times in the walkthrough are in 2024 and must match.
_NOW = re.compile(r"\b(?!2024-)\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?Z?")
_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=")


@dataclass
class Step:
    """One ``$`` line of the README and the lines it shows under it."""

    command: str
    shown: list[str] = field(default_factory=list)


def _walkthrough_blocks() -> list[list[Step]]:
    text = README.read_text(encoding="utf-8")
    blocks = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        if "--emulator-state ./emu" not in block:
            continue
        steps: list[Step] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append(Step(line[2:]))
            else:
                assert steps, f"a console block of the README starts with output: {line!r}"
                steps[-1].shown.append(line)
        blocks.append(steps)
    return blocks


def _normal(lines: list[str]) -> list[str]:
    return [_NOW.sub("<time>", _UUID.sub("<id>", line.rstrip())) for line in lines if line.strip()]


def _run(command: str, folder: Path, env: dict[str, str]) -> tuple[list[str], int]:
    """What *command* shows: its messages (stderr), then what a terminal shows of its stdout.

    stdout is the terminal, as for a person; stderr goes to a file, leaving out the progress bars
    a terminal would also show there (the README does not show them: they are redrawn in place).
    """
    messages = folder / "stderr.txt"
    screen, status = in_terminal(["bash", "-c", f"exec 2>{messages}\n{command}"], folder, env, COLUMNS)
    shown = messages.read_text(encoding="utf-8").splitlines() + screen.splitlines()
    return [line.replace(str(folder / "home"), "/root") for line in shown], status


def _script_folder() -> Path:
    beside = Path(sys.executable).with_name("byoc")
    if not beside.exists():
        pytest.skip("the byoc script is not installed in this environment")
    return beside.parent


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The walkthrough's folder, holding what the README says it holds before its first line."""
    bucket = tmp_path / "emu" / "buckets" / "my-bucket"
    write_scene(bucket, "2024/05/01/scene-a")
    write_scene(bucket, "2024/05/01/scene-b", west=505_120.0)
    write_scene(bucket, "2024/05/02/strips", west=510_240.0, tiled=False)
    (tmp_path / "home").mkdir()
    return tmp_path


def _environment(folder: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SH_", "COLUMNS", "LINES", "XDG_", "NO_COLOR", "FORCE_COLOR"))
    }
    # The installed byoc first on PATH, as after `pip install ".[cli]"` in an activated venv.
    env["PATH"] = f"{_script_folder()}{os.pathsep}{env.get('PATH', '')}"
    env["HOME"] = str(folder / "home")
    return env


def test_the_readme_has_the_walkthrough() -> None:
    blocks = _walkthrough_blocks()
    assert len(blocks) >= 2
    commands = [step.command for step in blocks[0]]
    assert any("tiles list" in command for command in commands)
    assert any(_ASSIGNMENT.match(command) for command in commands)


def test_the_walkthrough_runs_as_printed(folder: Path) -> None:
    pytest.importorskip("tifffile")
    blocks = _walkthrough_blocks()
    (first,) = (step for step in blocks[0] if step.command == "cat more.ndjson")
    (folder / "more.ndjson").write_text("\n".join(first.shown) + "\n", encoding="utf-8")
    env = _environment(folder)
    # Ingestion is moved on by the clock between commands, as it is between a person's commands;
    # waiting the emulator's delays makes sure each command sees the last one's tiles settled.
    settled = sum(attrs.asdict(IngestionDelays()).values())
    for steps in blocks:
        for step in steps:
            assignment = _ASSIGNMENT.match(step.command)
            if assignment:
                name = assignment.group(1)
                value = subprocess.run(
                    ["bash", "-c", f'{step.command}\nprintf %s "${name}"'],
                    cwd=folder,
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                env[name] = value.stdout
                assert not step.shown
                continue
            time.sleep(settled)
            shown, status = _run(step.command, folder, env)
            # On a difference, the message is what the README should show under the command.
            assert _normal(shown) == _normal(step.shown), "\n".join([f"$ {step.command}", *shown])
            if 'echo "exit $?"' not in step.command:
                assert status == 0, f"$ {step.command}: exit {status}\n" + "\n".join(shown)
    exported = json.loads((folder / "tiles.geojson").read_text(encoding="utf-8"))
    assert exported["type"] == "FeatureCollection"
    assert sorted(feature["properties"]["path"] for feature in exported["features"]) == [
        "2024/05/01/scene-a/(BAND).tif",
        "2024/05/01/scene-b/(BAND).tif",
    ]
