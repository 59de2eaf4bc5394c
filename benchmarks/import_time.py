"""What importing the client costs, measured in fresh interpreters (issue 8, part 3).

Each statement runs in its own ``python -c`` process, timed inside that process around the
import only (interpreter start-up excluded); the statements' runs are interleaved and the
median of each counts. Bytecode is cached as an installed package has it: the children write
and read ``.pyc`` files under a temporary ``PYTHONPYCACHEPREFIX`` (whatever
``PYTHONDONTWRITEBYTECODE`` says, and without touching the source trees), and one untimed run of
each statement fills that cache first. Two comparisons:

- ``from sentinelhub_byoc import BYOCClient`` against ``import sentinelhub``, the incumbent
  client (PyPI ``sentinelhub``): target at most 0.3x. Skipped, saying so, when ``sentinelhub``
  is not installed or fails to import.
- ``import sentinelhub_byoc`` and ``from sentinelhub_byoc import BYOCClient`` against
  ``import httpx``: at most 3x, and shapely, pyproj and numpy must stay unimported.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import CLIENT, Result, median, progress

MAX_RATIO_INCUMBENT = 0.3
MAX_RATIO_HTTPX = 3.0
FORBIDDEN = ("shapely", "pyproj", "numpy")
CLIENT_IMPORT = "from sentinelhub_byoc import BYOCClient"
INCUMBENT_IMPORT = "import sentinelhub"
_PROBE = """
import json, sys, time
start = time.perf_counter()
{statement}
elapsed = time.perf_counter() - start
print(json.dumps({{"seconds": elapsed, "modules": sorted(sys.modules)}}))
"""


class ImportFailed(RuntimeError):
    """A probed import raised; the message holds the child's error."""


@contextmanager
def _bytecode_cache() -> Iterator[Mapping[str, str]]:
    """An environment for the children in which compiled bytecode is written and reused."""
    with tempfile.TemporaryDirectory(prefix="byoc-bench-pyc-") as folder:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = folder
        yield env


def _probe(statement: str, env: Mapping[str, str]) -> tuple[float, set[str]]:
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE.format(statement=statement)],
        capture_output=True,
        text=True,
        check=False,
        env=dict(env),
    )
    if completed.returncode != 0:
        last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        raise ImportFailed(f"{statement!r} failed: {last}")
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    return float(report["seconds"]), set(report["modules"])


def _measure(statements: Sequence[str], repeats: int) -> dict[str, tuple[float, set[str]]]:
    """Median seconds and the modules loaded, per statement, runs interleaved after a warm-up.

    A statement whose warm-up fails is left out; its error is under the key ``"!" + statement``.
    """
    seconds: dict[str, list[float]] = {}
    modules: dict[str, set[str]] = {}
    failures: dict[str, tuple[float, set[str]]] = {}
    with _bytecode_cache() as env:
        for statement in statements:
            try:
                _probe(statement, env)
            except ImportFailed as error:
                failures["!" + statement] = (float("nan"), {str(error)})
            else:
                seconds[statement] = []
        for _ in range(repeats):
            for statement in seconds:
                elapsed, loaded = _probe(statement, env)
                seconds[statement].append(elapsed)
                modules[statement] = loaded
    found = {statement: (median(values), modules[statement]) for statement, values in seconds.items()}
    return found | failures


def _incumbent(found: dict[str, tuple[float, set[str]]], repeats: int) -> Result:
    name = f"import time: {CLIENT_IMPORT!r} vs 'import sentinelhub'"
    if importlib.util.find_spec("sentinelhub") is None:
        reason = "sentinelhub (the incumbent client) is not installed; pip install sentinelhub"
        return Result(CLIENT, name, 0.0, 0.0, "ms", MAX_RATIO_INCUMBENT, skipped=reason)
    if "!" + INCUMBENT_IMPORT in found:
        (error,) = found["!" + INCUMBENT_IMPORT][1]
        return Result(CLIENT, name, 0.0, 0.0, "ms", MAX_RATIO_INCUMBENT, skipped=error)
    seconds, modules = found[CLIENT_IMPORT]
    incumbent, incumbent_modules = found[INCUMBENT_IMPORT]
    from importlib.metadata import version

    return Result(
        CLIENT,
        name,
        seconds * 1000,
        incumbent * 1000,
        "ms",
        MAX_RATIO_INCUMBENT,
        baseline_name=f"sentinelhub {version('sentinelhub')}",
        note=(
            f"median of {repeats} fresh interpreters each; modules loaded: {len(modules)} vs "
            f"{len(incumbent_modules)}"
        ),
    )


def run(quick: bool) -> list[Result]:
    """Time the client's imports against the incumbent's and against ``import httpx``."""
    repeats = 3 if quick else 7
    progress("client import time vs sentinelhub and httpx")
    statements = ["import httpx", "import sentinelhub_byoc", CLIENT_IMPORT]
    if importlib.util.find_spec("sentinelhub") is not None:
        statements.append(INCUMBENT_IMPORT)
    found = _measure(statements, repeats)
    for statement in statements[:3]:
        if "!" + statement in found:
            raise ImportFailed(next(iter(found["!" + statement][1])))
    results = [_incumbent(found, repeats)]
    baseline, _ = found["import httpx"]
    for statement in statements[1:3]:
        seconds, modules = found[statement]
        heavy = sorted(name for name in FORBIDDEN if name in modules)
        results.append(
            Result(
                CLIENT,
                f"import time: {statement!r} vs 'import httpx'",
                seconds * 1000,
                baseline * 1000,
                "ms",
                MAX_RATIO_HTTPX,
                baseline_name="import httpx",
                note=f"median of {repeats}; must not import {', '.join(FORBIDDEN)}",
                violation=f"it imported {', '.join(heavy)}" if heavy else None,
            )
        )
    return results


if __name__ == "__main__":
    for result in run("--quick" in sys.argv[1:]):
        print("\n".join(result.lines()))
