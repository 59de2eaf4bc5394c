"""The committed snapshot of the public API, and the check that fails when the code drifts from it."""

from __future__ import annotations

import importlib
import inspect
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codegen.api_snapshot import ROOT, SNAPSHOT, breakages, check, compare, load_package, snapshot

PACKAGE = ROOT / "overlay" / "sentinelhub_byoc"


def copy_with_renamed(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the package in which every *old* word is *new*; returns its search path."""
    copy = tmp_path / "overlay" / "sentinelhub_byoc"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    for path in copy.rglob("*.py"):
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return tmp_path / "overlay"


def run_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codegen.api_snapshot", "--check", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_committed_snapshot_matches_the_code() -> None:
    agrees, report = check()
    assert agrees, report


def test_the_check_passes_on_the_unchanged_code() -> None:
    result = run_check()
    assert result.returncode == 0, result.stderr
    assert "matches" in result.stdout


def test_renaming_a_public_function_fails_the_check_naming_it(tmp_path: Path) -> None:
    search_path = copy_with_renamed(tmp_path, "get_deployment", "find_deployment")

    result = run_check("--search-path", str(search_path))

    assert result.returncode == 1
    assert "Breaking" in result.stderr
    assert "removed sentinelhub_byoc.deployments:get_deployment" in result.stderr
    assert "added sentinelhub_byoc.deployments:find_deployment" in result.stderr
    assert "nox -s api -- --write" in result.stderr


def test_griffe_explains_the_breaking_change(tmp_path: Path) -> None:
    search_path = copy_with_renamed(tmp_path, "get_deployment", "find_deployment")

    found = breakages(load_package(), load_package(search_path))

    assert any("get_deployment" in line for line in found), found


def test_a_changed_signature_is_breaking_and_a_new_name_an_addition() -> None:
    old = ["m:f: function(a: int) -> None", "m:g: function() -> None"]
    new = ["m:f: function(a: int, b: int) -> None", "m:g: function() -> None", "m:h: class()"]

    difference = compare(old, new)

    assert difference.changed == [(old[0], new[0])]
    assert difference.added == ["m:h: class()"]
    assert not difference.removed
    report = difference.report()
    assert report.index("Breaking") < report.index("changed m:f") < report.index("added m:h")


@pytest.mark.parametrize(
    "line", ["sentinelhub_byoc.deployments:get_deployment", "sentinelhub_byoc:BYOCClient"]
)
def test_the_snapshot_is_a_readable_listing(line: str) -> None:
    assert any(entry.startswith(line + ": ") for entry in SNAPSHOT.read_text(encoding="utf-8").splitlines())


def test_an_attrs_record_is_listed_with_the_constructor_attrs_writes() -> None:
    lines = {line.partition(": ")[0]: line.partition(": ")[2] for line in snapshot(load_package())}

    assert lines["sentinelhub_byoc.retries:RetryPolicy"] == "class[attrs]()"
    assert lines["sentinelhub_byoc.config:Credentials.__init__"] == (
        "function(self, client_id: str, client_secret: str) -> None"
    )
    # A factory default reads as the call that makes it, as griffe's dataclass extension writes it.
    reingest = lines["sentinelhub_byoc.workflows.reports:ReingestReport.__init__"]
    assert "errors: Mapping[str, str] = dict()" in reingest


_KINDS = {
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional or keyword",
    inspect.Parameter.KEYWORD_ONLY: "keyword-only",
}


@pytest.mark.parametrize(
    "name",
    ["config.Credentials", "retries.RetryPolicy", "deployments.Deployment", "cog.Problem", "cog.TileCheck"],
)
def test_the_listed_constructor_is_the_one_attrs_made(name: str) -> None:
    module, _, cls_name = name.rpartition(".")
    cls = getattr(importlib.import_module(f"sentinelhub_byoc.{module}"), cls_name)
    listed = load_package()[f"{module}.{cls_name}"].members["__init__"].parameters
    runtime = inspect.signature(cls.__init__).parameters.values()

    assert [(p.name, p.kind.value, p.default is not None) for p in listed] == [
        (p.name, _KINDS[p.kind], p.default is not inspect.Parameter.empty) for p in runtime
    ]


def test_changing_an_attrs_field_fails_the_check_naming_it(tmp_path: Path) -> None:
    search_path = copy_with_renamed(tmp_path, "client_secret: str", "client_password: str")

    result = run_check("--search-path", str(search_path))

    assert result.returncode == 1
    assert "changed sentinelhub_byoc.config:Credentials.__init__" in result.stderr
