"""The overlay's layers, as ARCHITECTURE.md draws them, and no import cycles.

Every import of every module under ``overlay/sentinelhub_byoc`` counts (function-level ones
too, since deferring an import does not remove the dependency), except those under
``if TYPE_CHECKING:``, which only annotations use. A module may import its own layer and the
layers below it; importing a layer above fails, naming the module, the line and both layers.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = "sentinelhub_byoc"
ROOT = Path(__file__).resolve().parents[2] / "overlay" / PACKAGE

#: Highest first. A module belongs to the first layer with a prefix matching its dotted name
#: (without the package name); a prefix ending in "." matches a folder.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("command line", ("cli.", "cli", "__main__")),
    ("emulator", ("testing.", "testing")),
    ("workflows", ("workflows.", "workflows")),
    ("clients", ("client", "_client_base", "_settings", "_async.", "_async", "_sync.", "_sync")),
    ("resources", ("resources.", "resources")),
    (
        "send path",
        (
            "_transport._async.sending",
            "_transport._sync.sending",
            "_transport._async",
            "_transport._sync",
            "_transport.messages",
        ),
    ),
    ("operations", ("_operations", "_decoders", "_adapter")),
    (
        "auth and transports",
        (
            "auth",
            "token_cache",
            "ratelimit",
            "_transport.retrying",
            "_transport._async.retrying",
            "_transport._sync.retrying",
            "_transport.attempts",
            "_transport._async.auth_flow",
            "_transport._sync.auth_flow",
            "_transport.auth_flows",
        ),
    ),
    (
        "policy and configuration",
        (
            "retries",
            "config",
            "deployments",
            "_pagination",
            "_transport.error_mapping",
            "_transport.extensions",
            "_transport",
        ),
    ),
    ("models", ("models.", "models")),
    ("cog checks", ("cog.", "cog")),
    ("geometry", ("geometry.", "geometry")),
    ("foundation", ("errors", "_logging", "_lazy", "_deprecation", "_ids", "_opening", "")),
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
            if local == prefix or (prefix.endswith(".") and local.startswith(prefix)):
                return index
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS (and to ARCHITECTURE.md)")


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _type_checking_only(node):
            for child in node.orelse:
                yield from _runtime_imports(child)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from _runtime_imports(node)


def imported_module(base: str, name: str) -> str:
    """What ``from base import name`` depends on: the module ``base.name`` if it is one, else ``base``."""
    return f"{base}.{name}" if f"{base}.{name}" in MODULES else base


def imports_of(module: str) -> Iterator[tuple[str, int]]:
    """The overlay modules *module* imports at run time, with the line of each import."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            targets = [imported_module(base, alias.name) for alias in node.names]
        for target in targets:
            if target in MODULES:
                yield target, node.lineno


GRAPH = {module: sorted({target for target, _ in imports_of(module)} - {module}) for module in MODULES}


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        layer_of(module)


def test_no_module_imports_a_layer_above_its_own() -> None:
    upward = []
    for module in MODULES:
        own = layer_of(module)
        for target, line in imports_of(module):
            if layer_of(target) < own:
                upward.append(
                    f"{MODULES[module].relative_to(ROOT.parent)}:{line}: {module} "
                    f"({LAYERS[own][0]}) imports {target} ({LAYERS[layer_of(target)][0]})"
                )
    assert not upward, "imports from a higher layer:\n" + "\n".join(upward)


def _cycle_through(start: str) -> list[str] | None:
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for target in GRAPH[node]:
            if target == start:
                return [*path, start]
            if target not in seen:
                seen.add(target)
                stack.append((target, [*path, target]))
    return None


def test_no_import_cycles() -> None:
    cycles = {tuple(cycle) for module in MODULES if (cycle := _cycle_through(module)) is not None}
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in sorted(cycles))


@pytest.mark.parametrize(
    ("source", "line", "expected"),
    [
        ("sentinelhub_byoc.models.tile", "from sentinelhub_byoc.client import BYOCClient", "upward"),
        ("sentinelhub_byoc.client", "from sentinelhub_byoc.models import Tile", "fine"),
        ("sentinelhub_byoc.geometry._value", "from sentinelhub_byoc._transport import sending", "upward"),
    ],
)
def test_the_contract_catches_an_upward_import(source: str, line: str, expected: str) -> None:
    tree = ast.parse(line)
    (node,) = list(_runtime_imports(tree))
    assert isinstance(node, ast.ImportFrom)
    target = imported_module(node.module or "", node.names[0].name)
    verdict = "upward" if layer_of(target) < layer_of(source) else "fine"
    assert verdict == expected
