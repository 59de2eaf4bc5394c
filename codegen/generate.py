"""Running the pinned generator on the normalised spec and writing ``generated/`` reproducibly."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

from codegen import _yaml
from codegen._files import replace_dir
from codegen.normalise import normalise

PACKAGE_NAME = "sentinelhub_byoc_api"
TEMPLATES = Path(__file__).parent / "templates"
_JUNK = {"__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache"}


class GenerationError(Exception):
    """The generator failed or warned; the message holds its output."""


def header_line() -> str:
    """The first line of every generated file."""
    version = metadata.version("openapi-python-client")
    return (
        f"# generated from openapi.yaml by openapi-python-client {version}; do not edit, "
        "run `nox -s generate` instead"
    )


def _generator_command(spec: Path, config: Path, output: Path) -> list[str]:
    executable = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent))
    command = [executable] if executable else [sys.executable, "-m", "openapi_python_client"]
    return [
        *command,
        "generate",
        "--path",
        str(spec),
        "--config",
        str(config),
        "--meta",
        "none",
        "--output-path",
        str(output),
        "--fail-on-warning",
        "--custom-template-path",
        str(TEMPLATES),
    ]


def _tool_environment() -> dict[str, str]:
    """The environment for the generator: this interpreter's scripts (the pinned ruff) come first on PATH."""
    scripts = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": os.pathsep.join([scripts, os.environ.get("PATH", "")])}


def _files(root: Path) -> Iterator[Path]:
    yield from sorted(path for path in root.rglob("*") if path.is_file())


def _finish(package: Path) -> None:
    """Remove tool caches, add ``py.typed`` and put the header line on top of every file."""
    for junk in [path for path in package.rglob("*") if path.name in _JUNK]:
        shutil.rmtree(junk) if junk.is_dir() else junk.unlink()
    (package / "py.typed").write_text("", encoding="utf-8")
    header = header_line()
    for path in _files(package):
        text = path.read_text(encoding="utf-8")
        path.write_text(f"{header}\n{text}", encoding="utf-8", newline="\n")


def generate_package(spec_path: Path, config_path: Path, workdir: Path) -> Path:
    """Generate the package from *spec_path* inside *workdir*; return the package directory."""
    document, _ = normalise(_yaml.load(spec_path.read_text(encoding="utf-8")))
    normalised = workdir / "openapi.normalised.yaml"
    normalised.write_text(_yaml.dump(document), encoding="utf-8")
    package = workdir / PACKAGE_NAME
    # The generator runs in a directory outside the project so no project configuration reaches it.
    completed = subprocess.run(
        _generator_command(normalised, config_path.resolve(), package),
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
        env=_tool_environment(),
    )
    if completed.returncode != 0 or not package.is_dir():
        raise GenerationError((completed.stdout + completed.stderr).strip())
    _finish(package)
    return package


def generate(spec_path: Path, config_path: Path, output_dir: Path) -> Path:
    """Regenerate ``output_dir/sentinelhub_byoc_api`` from *spec_path*, replacing it atomically."""
    with tempfile.TemporaryDirectory(prefix="byoc-generate-") as workdir:
        package = generate_package(spec_path, config_path, Path(workdir))
        target = output_dir / PACKAGE_NAME
        replace_dir(target, package)
    return target


def differences(expected: Path, actual: Path) -> list[str]:
    """Relative paths of files that differ, are missing from *actual* or are extra in it."""
    expected_files = {path.relative_to(expected).as_posix() for path in _files(expected)}
    actual_files = (
        {path.relative_to(actual).as_posix() for path in _files(actual) if not _is_junk(path, actual)}
        if actual.is_dir()
        else set()
    )
    found = [f"missing: {name}" for name in sorted(expected_files - actual_files)]
    found += [f"extra: {name}" for name in sorted(actual_files - expected_files)]
    found += [
        f"differs: {name}"
        for name in sorted(expected_files & actual_files)
        if not filecmp.cmp(expected / name, actual / name, shallow=False)
    ]
    return found


def _is_junk(path: Path, root: Path) -> bool:
    return any(part in _JUNK for part in path.relative_to(root).parts)


def check(spec_path: Path, config_path: Path, output_dir: Path) -> list[str]:
    """Regenerate into a temporary directory and list how the committed package differs from it."""
    with tempfile.TemporaryDirectory(prefix="byoc-check-") as workdir:
        package = generate_package(spec_path, config_path, Path(workdir))
        return differences(package, output_dir / PACKAGE_NAME)
