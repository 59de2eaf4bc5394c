"""What importing the package costs over importing httpx, measured in fresh interpreters.

Each statement runs in its own ``python -c`` process, timed inside that process around the
import only (interpreter start-up excluded); the best of several runs counts. The baseline is
``import httpx``. Importing the package must also leave shapely, pyproj and numpy unimported.
"""

from __future__ import annotations

import json
import subprocess
import sys

from _common import Result

MAX_RATIO = 3.0
FORBIDDEN = ("shapely", "pyproj", "numpy")
_PROBE = """
import json, sys, time
start = time.perf_counter()
{statement}
elapsed = time.perf_counter() - start
print(json.dumps({{"seconds": elapsed, "modules": sorted(sys.modules)}}))
"""


def _measure(statement: str, repeats: int) -> tuple[float, set[str]]:
    best = float("inf")
    modules: set[str] = set()
    for _ in range(repeats):
        output = subprocess.run(
            [sys.executable, "-c", _PROBE.format(statement=statement)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        report = json.loads(output.strip().splitlines()[-1])
        best = min(best, float(report["seconds"]))
        modules = set(report["modules"])
    return best, modules


def run(quick: bool) -> list[Result]:
    """Time ``import sentinelhub_byoc`` and its client against ``import httpx``."""
    repeats = 3 if quick else 7
    baseline, _ = _measure("import httpx", repeats)
    results = []
    for statement in ("import sentinelhub_byoc", "from sentinelhub_byoc import BYOCClient"):
        seconds, modules = _measure(statement, repeats)
        heavy = sorted(name for name in FORBIDDEN if name in modules)
        result = Result(
            f"import time: {statement}",
            1,
            seconds,
            baseline,
            MAX_RATIO if not heavy else 0.0,
            note=f"baseline 'import httpx'; heavy modules imported: {', '.join(heavy) or 'none'}",
        )
        results.append(result)
    return results
