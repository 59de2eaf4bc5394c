"""Every Python example of the documentation pages runs, except those marked as needing an account."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("tifffile")

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"^```python\n(?P<code>.*?)^```", re.DOTALL | re.MULTILINE)
# Examples that need what no test has: an account with the service, or a running Dask cluster.
NOT_RUNNABLE = ("# needs a Sentinel Hub account", "# needs a Dask cluster")

EXAMPLES = [
    pytest.param(match["code"], id=f"{page.stem}-{number}")
    for page in sorted(DOCS.glob("*.md"))
    for number, match in enumerate(BLOCK.finditer(page.read_text(encoding="utf-8")), 1)
    if not any(marker in match["code"] for marker in NOT_RUNNABLE)
]


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("code", EXAMPLES)
def test_example_runs(code: str, tmp_path: Path) -> None:
    if re.search(r"^def test_", code, re.MULTILINE):
        # A test using the package's pytest fixtures: run it with pytest.
        (tmp_path / "test_example.py").write_text(code, encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_example.py"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    else:
        exec(compile(code, "<docs example>", "exec"), {"__name__": "docs_example"})
