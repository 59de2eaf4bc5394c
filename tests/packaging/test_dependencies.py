"""The declared dependencies match the code: what is imported is declared, what is declared is imported.

Read statically from the sources (``import`` statements anywhere, and modules imported by name
with ``importlib.import_module("...")`` or the lazy helpers that wrap it), so an import that only
runs behind an extra counts as well.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = (ROOT / "overlay" / "sentinelhub_byoc", ROOT / "generated" / "sentinelhub_byoc_api")
OWN = {"sentinelhub_byoc", "sentinelhub_byoc_api"}

#: Imported but not declared, each with its reason.
UNDECLARED = {
    # Only the pytest plugin imports it, and pytest is what loads the plugin.
    "pytest": "the pytest plugin runs inside pytest",
    # boto3 pins the botocore it is made for; its exceptions are imported from there.
    "botocore": "the s3 extra's boto3 always brings its own botocore",
}
#: Declared but never imported, each with its reason.
UNIMPORTED = {
    "sniffio": "httpcore imports it on every async request and does not declare it",
}

_MODULE_NAME = re.compile(r"[A-Za-z_]\w*(\.\w+)*")
# Callables that import the module named by their first argument: importlib's and the package's lazy helpers.
_IMPORTERS = re.compile(r"import_module|_require|_module")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert match is not None, requirement
    return _normalise(match.group(0))


def declared() -> dict[str, str]:
    """Every distribution pyproject.toml declares, to where ("dependencies" or the extra's name)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    where = {_requirement_name(item): "dependencies" for item in project["dependencies"]}
    for extra, items in project["optional-dependencies"].items():
        for item in items:
            where.setdefault(_requirement_name(item), extra)
    where.pop("sentinelhub-byoc", None)
    return where


def _callee_name(call: ast.Call) -> str:
    function = call.func
    if isinstance(function, ast.Attribute):
        return function.attr
    return function.id if isinstance(function, ast.Name) else ""


def _imported_names(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
        elif (
            isinstance(node, ast.Call)
            and _IMPORTERS.search(_callee_name(node))
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and _MODULE_NAME.fullmatch(node.args[0].value)
        ):
            yield node.args[0].value


@functools.cache
def imported() -> dict[str, frozenset[str]]:
    """Every third-party top-level module the package imports, to the files importing it."""
    found: dict[str, set[str]] = {}
    for source in SOURCES:
        for path in source.rglob("*.py"):
            for name in _imported_names(ast.parse(path.read_text(encoding="utf-8"))):
                top = name.partition(".")[0]
                if top in sys.stdlib_module_names or top in OWN:
                    continue
                found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return {module: frozenset(files) for module, files in found.items()}


@functools.cache
def _installed() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()


def _distributions_of(module: str) -> set[str]:
    return {_normalise(name) for name in _installed().get(module, [])}


def test_the_scan_sees_plain_and_lazy_imports() -> None:
    tree = ast.parse(
        "import a.b\nfrom c import d\nfrom . import e\n"
        "def f():\n    import g\n    importlib.import_module('h.i')\n    _deps._require('j', 'x')\n"
        "    print('not a module')\n"
    )
    assert sorted(_imported_names(tree)) == ["a.b", "c", "g", "h.i", "j"]


def test_every_imported_library_is_declared() -> None:
    wanted = declared()
    undeclared = {}
    for module, files in sorted(imported().items()):
        if module in UNDECLARED:
            continue
        distributions = _distributions_of(module)
        assert distributions, (
            f"{module} (imported by {sorted(files)}) is not installed in the test environment"
        )
        if not distributions & wanted.keys():
            undeclared[module] = sorted(files)
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"


def test_every_declared_library_is_imported() -> None:
    used = {distribution for module in imported() for distribution in _distributions_of(module)}
    unused = sorted(name for name in declared() if name not in used and name not in UNIMPORTED)
    assert not unused, f"declared in pyproject.toml but imported nowhere: {unused}"


def test_the_exceptions_are_still_needed() -> None:
    assert UNDECLARED.keys() <= imported().keys()
    assert not UNIMPORTED.keys() & {
        distribution for module in imported() for distribution in _distributions_of(module)
    }
    assert UNIMPORTED.keys() <= declared().keys()
