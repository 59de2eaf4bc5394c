"""The extra that serves `byoc emulator serve --seed seed.yaml` installs what reads YAML."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _extras() -> dict[str, list[str]]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return dict(pyproject["project"]["optional-dependencies"])


def _packages(extra: str, extras: dict[str, list[str]]) -> set[str]:
    """What ``pip install 'sentinelhub-byoc[EXTRA]'`` brings: its packages and its extras' packages."""
    found: set[str] = set()
    for requirement in extras[extra]:
        inner = re.fullmatch(r"sentinelhub-byoc\[(.+)\]", requirement)
        if inner:
            for name in inner[1].split(","):
                found |= _packages(name.strip(), extras)
        else:
            found.add(re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower())
    return found


def test_the_emulator_extra_reads_yaml_seeds() -> None:
    extras = _extras()
    # `byoc emulator serve` needs the emulator (the `emulator` extra); its seeds may be YAML.
    for extra in ("emulator", "demo", "all"):
        assert "pyyaml" in _packages(extra, extras), extra
