"""The wheel and sdist as a user gets them: built from this tree, checked by twine, contents read.

One build per test session (a few seconds with ``--no-isolation``: hatchling is a test
dependency), into a temporary folder.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_VERSION = re.search(
    r'^__version__ = "([^"]+)"$',
    (ROOT / "overlay" / "sentinelhub_byoc" / "_version.py").read_text(encoding="utf-8"),
    flags=re.M,
)
assert _VERSION is not None, "overlay/sentinelhub_byoc/_version.py must set __version__"
VERSION = _VERSION[1]
DIST_INFO = f"sentinelhub_byoc-{VERSION}.dist-info"
GENERATION_INPUTS = ("openapi.yaml", "generator-config.yaml", "noxfile.py")


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--no-isolation",
            "--sdist",
            "--wheel",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return out


def _one(folder: Path, pattern: str) -> Path:
    (found,) = folder.glob(pattern)
    return found


def test_twine_accepts_both(dist: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, sorted(dist.iterdir()))],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_the_wheel_holds_both_packages_typed_and_nothing_else(dist: Path) -> None:
    names = zipfile.ZipFile(_one(dist, "*.whl")).namelist()
    tops = {name.split("/")[0] for name in names}
    assert tops == {
        "sentinelhub_byoc",
        "sentinelhub_byoc_api",
        DIST_INFO,
    }
    assert "sentinelhub_byoc/py.typed" in names
    assert "sentinelhub_byoc_api/py.typed" in names
    assert not [name for name in names if "/tests/" in name or name.startswith(("tests/", "codegen/"))]
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_the_version_is_written_once(dist: Path) -> None:
    wheel = zipfile.ZipFile(_one(dist, "*.whl"))
    metadata = Parser().parsestr(wheel.read(f"{DIST_INFO}/METADATA").decode())
    assert metadata["Version"] == VERSION
    assert metadata["License-Expression"] == "MIT"
    assert "LICENSE" in metadata.get_all("License-File", [])
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert not re.search(r'^version = "', pyproject, flags=re.M), "pyproject.toml must not repeat the version"


def test_the_sdist_carries_the_license_the_changelog_and_the_generation_inputs(dist: Path) -> None:
    sdist = _one(dist, "*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for expected in (
        "LICENSE",
        "CHANGELOG.md",
        "README.md",
        "openapi.yaml",
        "generator-config.yaml",
        "noxfile.py",
    ):
        assert expected in names, expected
