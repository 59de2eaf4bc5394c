"""The regeneration report says what the overlay does not expose, and which rules stopped firing."""

from __future__ import annotations

import ast
import copy
from pathlib import Path
from typing import Any

import pytest

from codegen import _yaml
from codegen.__main__ import main
from codegen.coverage import NOT_EXPOSED, coverage, format_coverage, read_overlay, snake_case
from codegen.extract import HTTP_METHODS
from codegen.normalise import RULES

ROOT = Path(__file__).resolve().parents[2]
OVERLAY = ROOT / "overlay" / "sentinelhub_byoc"


def test_the_overlay_exposes_all_of_the_committed_document(byoc_spec: dict[str, Any]) -> None:
    found = coverage(byoc_spec)
    assert (found.operations, found.parameters, found.properties) == ([], [], [])
    assert "exposes every operation" in format_coverage(found)


def test_every_rule_fires_on_the_committed_document(byoc_spec: dict[str, Any]) -> None:
    found = coverage(byoc_spec)
    assert set(found.rule_counts) == {rule.name for rule in RULES}
    assert found.rules_not_firing == []


def test_a_new_operation_parameter_and_property_are_reported(
    byoc_spec: dict[str, Any], modify_like_upstream: Any
) -> None:
    document = modify_like_upstream(copy.deepcopy(byoc_spec))
    tiles = document["paths"]["/byoc/v1/collections/{collectionId}/tiles"]["get"]
    tiles["parameters"].append({"name": "createdAfter", "in": "query", "schema": {"type": "string"}})
    report = format_coverage(coverage(document))
    assert "Not exposed by the overlay:" in report
    assert "operation: addedByocOperation (POST /byoc/v1/collections/{collectionId}/added)" in report
    assert "parameter: createdAfter (query) of getByocCollectionTiles" in report
    assert "property: addedAt of BYOCTile (kept in Tile.extra)" in report


def test_a_new_schema_without_a_model_is_reported(byoc_spec: dict[str, Any]) -> None:
    document = copy.deepcopy(byoc_spec)
    document["components"]["schemas"]["BYOCArchive"] = {
        "type": "object",
        "properties": {"id": {"type": "string"}},
    }
    assert "schema BYOCArchive" in format_coverage(coverage(document))


def test_a_rule_whose_defect_upstream_fixed_is_reported_as_not_firing(byoc_spec: dict[str, Any]) -> None:
    document = copy.deepcopy(byoc_spec)
    # Repair what array-without-type repairs: every schema with items gets its type.
    stack: list[Any] = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "items" in node and "type" not in node:
                node["type"] = "array"
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    found = coverage(document)
    assert found.rules_not_firing == ["array-without-type"]
    assert "! array-without-type no longer fires" in format_coverage(found)


def test_the_spec_command_prints_what_the_overlay_misses(
    tmp_path: Path, byoc_spec: dict[str, Any], capsys: pytest.CaptureFixture[str], modify_like_upstream: Any
) -> None:
    output = tmp_path / "openapi.yaml"
    output.write_text(_yaml.dump(byoc_spec), encoding="utf-8")
    upstream = tmp_path / "upstream.yaml"
    upstream.write_text(_yaml.dump(modify_like_upstream(copy.deepcopy(byoc_spec))), encoding="utf-8")
    assert main(["spec", str(upstream), "--output", str(output)]) == 0
    printed = capsys.readouterr().out
    assert "operation: addedByocOperation" in printed
    assert "property: addedAt of BYOCTile" in printed
    assert "Normalisation rules (times applied):" in printed


def test_snake_case_matches_the_generated_endpoint_modules(byoc_spec: dict[str, Any]) -> None:
    generated = {path.stem for path in (ROOT / "generated" / "sentinelhub_byoc_api" / "api").rglob("*.py")}
    for item in byoc_spec["paths"].values():
        for method in HTTP_METHODS:
            if method in item:
                assert snake_case(item[method]["operationId"]) in generated


def _called_attributes(path: Path, owner: str) -> set[str]:
    """The names ``f`` of every ``owner.f(...)`` call in *path*."""
    return _called_attributes_in(ast.parse(path.read_text(encoding="utf-8")), owner)


def test_every_operation_is_reachable_from_the_public_api_or_listed_as_not(byoc_spec: dict[str, Any]) -> None:
    """Each operationId is bound by the adapter, built by an operation and called by a resource."""
    bound = read_overlay().endpoints
    adapter_of: dict[str, str] = {}
    for node in ast.parse((OVERLAY / "_adapter.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith(("_", "generated_")):
            for call in ast.walk(node):
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "_bind":
                    first = call.args[0]
                    assert isinstance(first, ast.Constant)
                    adapter_of[str(first.value)] = node.name
    operations_of: dict[str, str] = {}
    for node in ast.parse((OVERLAY / "_operations.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef):
            for name in _called_attributes_in(node, "_adapter"):
                operations_of[name] = node.name
    used_by_resources = set().union(
        *(_called_attributes(path, "ops") for path in (OVERLAY / "resources" / "_async").glob("*.py"))
    )
    unreachable = []
    for item in byoc_spec["paths"].values():
        for method in HTTP_METHODS:
            if method not in item:
                continue
            operation_id = item[method]["operationId"]
            if operation_id in NOT_EXPOSED:
                continue
            endpoint = snake_case(operation_id)
            adapter = adapter_of.get(endpoint) if endpoint in bound else None
            operation = operations_of.get(adapter or "")
            if operation is None or operation not in used_by_resources:
                unreachable.append(f"{operation_id}: adapter {adapter}, operation {operation}")
    assert not unreachable, "operations no public method reaches:\n" + "\n".join(unreachable)


def _called_attributes_in(tree: ast.AST, owner: str) -> set[str]:
    """The names ``f`` of every ``owner.f(...)`` call in *tree*."""
    return {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == owner
    }
