"""The README's Python examples run as written (those needing a real account are only compiled)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
NEEDS_ACCOUNT = "# needs a Sentinel Hub account"


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_has_examples() -> None:
    assert len(_blocks()) >= 5


def test_readme_examples_run_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    namespace: dict[str, object] = {"__name__": "readme"}
    for block in _blocks():
        code = compile(block, str(README), "exec")
        if NEEDS_ACCOUNT not in block:
            exec(code, namespace)
    printed = capsys.readouterr().out.splitlines()
    assert "WAITING" in printed
    assert "409 COMMON_UNIQUE_KEY_VIOLATION" in printed
    assert "16" in printed
