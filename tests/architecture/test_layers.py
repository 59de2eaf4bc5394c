"""The overlay's layers, as ARCHITECTURE.md draws them, and no import cycles.

Every import of every module under ``overlay/sentinelhub_byoc`` counts for cycles: those inside
functions (deferring an import does not remove the dependency) and those under
``if TYPE_CHECKING:`` (two modules that name each other's types must still be read, typed and
changed together). For the layers, an import under ``if TYPE_CHECKING:`` is allowed upward: it
runs nothing, so a lower module naming a higher module's type in an annotation does not make it
depend on that module's code. Any other import of a layer above fails, naming the module, the
line and both layers.

The layers are the folders wherever a folder is one layer, and ARCHITECTURE.md's picture names
every folder and top-level module of the package (a test checks both ways).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

import pytest

PACKAGE = "sentinelhub_byoc"
ROOT = Path(__file__).resolve().parents[2] / "overlay" / PACKAGE

#: Highest first. A module belongs to the first layer with a prefix matching its dotted name
#: (without the package name); a prefix ending in "." matches a folder: its package and every
#: module in it.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("command line", ("cli.", "__main__")),
    ("emulator", ("testing.",)),
    ("workflows", ("workflows.",)),
    ("clients", ("client", "_client_base", "_settings", "_async.", "_sync.")),
    ("resources", ("resources.",)),
    ("operations", ("_operations", "_decoders", "_adapter")),
    ("auth", ("auth.", "token_cache")),
    ("send path", ("_transport.",)),
    (
        "policy and configuration",
        (
            "retries",
            "ratelimit",
            "shared_ratelimit",
            "_ratelimit_headers",
            "config",
            "deployments",
            "_pagination",
        ),
    ),
    ("models", ("models.",)),
    ("cog checks", ("cog.",)),
    ("storage", ("storage.",)),
    ("geometry", ("geometry.",)),
    (
        "foundation",
        (
            "errors",
            "_logging",
            "_lazy",
            "_deprecation",
            "_ids",
            "_paths",
            "_private_files",
            "_replacing",
            "_version",
            "",
        ),
    ),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([PACKAGE, *parts])


MODULES = {module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def layer_of(module: str) -> int:
    local = module[len(PACKAGE) + 1 :] if module != PACKAGE else ""
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if local == prefix.rstrip(".") or (prefix.endswith(".") and local.startswith(prefix)):
                return index
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS (and to ARCHITECTURE.md)")


class Import(NamedTuple):
    """One import of an overlay module: what it imports, where, and whether only annotations use it."""

    target: str
    line: int
    annotation_only: bool


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(
    tree: ast.AST, annotation_only: bool = False
) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement in *tree*, at any depth, with whether it is under ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _type_checking_only(node):
            for child in node.body:
                yield from _import_nodes_of(child, annotation_only=True)
            for child in node.orelse:
                yield from _import_nodes_of(child, annotation_only)
            continue
        yield from _import_nodes_of(node, annotation_only)


def _import_nodes_of(
    node: ast.AST, annotation_only: bool
) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node, annotation_only
    yield from _import_nodes(node, annotation_only)


def imported_module(base: str, name: str, known: Collection[str]) -> str:
    """What ``from base import name`` depends on: the module ``base.name`` if it is one, else ``base``."""
    return f"{base}.{name}" if f"{base}.{name}" in known else base


def imports_in(source: str, module: str, *, is_package: bool, known: Collection[str]) -> Iterator[Import]:
    """The modules among *known* that *source*, the text of *module*, imports anywhere in it."""
    package = module if is_package else module.rpartition(".")[0]
    for node, annotation_only in _import_nodes(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            targets = [imported_module(base, alias.name, known) for alias in node.names]
        for target in targets:
            if target in known:
                yield Import(target, node.lineno, annotation_only)


def imports_of(module: str) -> Iterator[Import]:
    """The overlay modules *module* imports, with the line of each import."""
    path = MODULES[module]
    source = path.read_text(encoding="utf-8")
    return imports_in(source, module, is_package=path.name == "__init__.py", known=MODULES)


def import_graph(imports: Mapping[str, Collection[Import]]) -> dict[str, list[str]]:
    """Module → the other modules it imports, counting every import (annotation-only ones too)."""
    return {
        module: sorted({found.target for found in found_imports} - {module})
        for module, found_imports in imports.items()
    }


def _cycle_through(start: str, graph: Mapping[str, list[str]]) -> list[str] | None:
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for target in graph.get(node, ()):
            if target == start:
                return [*path, start]
            if target not in seen:
                seen.add(target)
                stack.append((target, [*path, target]))
    return None


def import_cycles(graph: Mapping[str, list[str]]) -> set[tuple[str, ...]]:
    """One cycle through each module that is on one, as the list of modules round it."""
    return {tuple(cycle) for module in graph if (cycle := _cycle_through(module, graph)) is not None}


IMPORTS = {module: list(imports_of(module)) for module in MODULES}
GRAPH = import_graph(IMPORTS)


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        layer_of(module)


def test_no_module_imports_a_layer_above_its_own() -> None:
    upward = []
    for module, found_imports in IMPORTS.items():
        own = layer_of(module)
        for target, line, annotation_only in found_imports:
            if not annotation_only and layer_of(target) < own:
                upward.append(
                    f"{MODULES[module].relative_to(ROOT.parent)}:{line}: {module} "
                    f"({LAYERS[own][0]}) imports {target} ({LAYERS[layer_of(target)][0]})"
                )
    assert not upward, "imports from a higher layer:\n" + "\n".join(upward)


def test_no_import_cycles() -> None:
    cycles = import_cycles(GRAPH)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in sorted(cycles))


@pytest.mark.parametrize(
    ("source", "line", "expected"),
    [
        ("sentinelhub_byoc.models.tile", "from sentinelhub_byoc.client import BYOCClient", "upward"),
        ("sentinelhub_byoc.client", "from sentinelhub_byoc.models import Tile", "fine"),
        ("sentinelhub_byoc.geometry._geometry", "from sentinelhub_byoc._transport import sending", "upward"),
        (
            "sentinelhub_byoc.models.tile",
            "if TYPE_CHECKING:\n    from sentinelhub_byoc.client import BYOCClient",
            "fine",
        ),
        (
            "sentinelhub_byoc.models.tile",
            "def f():\n    from sentinelhub_byoc.client import BYOCClient",
            "upward",
        ),
    ],
)
def test_the_contract_catches_an_upward_import(source: str, line: str, expected: str) -> None:
    (found,) = imports_in(line, source, is_package=False, known=MODULES)
    verdict = "upward" if not found.annotation_only and layer_of(found.target) < layer_of(source) else "fine"
    assert verdict == expected


_TOP = "from pkg import b\n"
_IN_A_FUNCTION = "def later():\n    from pkg import a\n"
_FOR_ANNOTATIONS = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import Thing\n"
_RELATIVE_IN_A_METHOD = "class C:\n    def m(self):\n        from .a import Thing\n"


@pytest.mark.parametrize(
    ("b_source", "closes_a_circle"),
    [
        (_IN_A_FUNCTION, True),
        (_FOR_ANNOTATIONS, True),
        (_RELATIVE_IN_A_METHOD, True),
        ("import json\n", False),
    ],
    ids=[
        "import inside a function",
        "import under TYPE_CHECKING",
        "relative import in a method",
        "no import back",
    ],
)
def test_an_import_that_closes_a_circle_is_found_wherever_it_is(b_source: str, closes_a_circle: bool) -> None:
    # pkg.a imports pkg.b at the top; whether pkg.b's import of pkg.a is a circle must not
    # depend on where in pkg.b it is written.
    sources = {"pkg": "", "pkg.a": _TOP, "pkg.b": b_source}
    imports = {
        module: list(imports_in(text, module, is_package=module == "pkg", known=sources))
        for module, text in sources.items()
    }
    cycles = import_cycles(import_graph(imports))
    assert bool(cycles) is closes_a_circle
    if closes_a_circle:
        assert ("pkg.a", "pkg.b", "pkg.a") in cycles


def _picture() -> str:
    text = (ROOT.parents[1] / "ARCHITECTURE.md").read_text(encoding="utf-8")
    after = text.split("## The picture", 1)[1]
    return after.split("```text", 1)[1].split("```", 1)[0]


def _top_level() -> tuple[set[str], set[str]]:
    folders = {path.parent.name for path in ROOT.glob("*/__init__.py")}
    modules = {path.name for path in ROOT.glob("*.py") if path.name != "__init__.py"}
    return folders, modules


def test_the_picture_names_every_folder_and_top_level_module() -> None:
    picture = _picture()
    folders, modules = _top_level()
    missing = [f"{folder}/" for folder in sorted(folders) if not re.search(rf"(?<![\w/]){folder}/", picture)]
    missing += [
        module for module in sorted(modules) if not re.search(rf"(?<![\w/.]){re.escape(module)}", picture)
    ]
    assert not missing, "ARCHITECTURE.md's picture does not name: " + ", ".join(missing)


def test_everything_the_picture_names_exists() -> None:
    picture = _picture()
    folders, _ = _top_level()
    files = {path.relative_to(ROOT.parents[1]).as_posix() for path in ROOT.parents[1].glob("*/**/*.py")}
    # A folder drawn at the start of a line is one of the package's folders.
    drawn_folders = set(re.findall(r"^ (\w+)/", picture, re.MULTILINE))
    unknown = sorted(f"{folder}/" for folder in drawn_folders - folders)
    # Any file named anywhere in it is a file of the repository (by its path's tail).
    for name in set(re.findall(r"[\w/]*\w\.py\b", picture)):
        if not any(path == name or path.endswith(f"/{name}") for path in files):
            unknown.append(name)
    assert not unknown, "ARCHITECTURE.md's picture names what does not exist: " + ", ".join(sorted(unknown))
